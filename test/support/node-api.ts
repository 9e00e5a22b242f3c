// The HTTP calls tests make on a node, whether it runs as a process (TestNode) or in the
// test's own process (InProcessNode).

/**
 * postJson sends a body to a node with Content-Type application/json (or the one given).
 *
 * @param url - the node's base URL.
 * @param path - e.g. `/api/v2/alerts`.
 * @param body - the body as sent.
 * @param contentType - its Content-Type.
 * @returns the response.
 */
export function postJson(
  url: string,
  path: string,
  body: string,
  contentType = 'application/json'
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body,
  })
}

/**
 * postAlerts sends alerts to a node's POST /api/v2/alerts.
 *
 * @param url - the node's base URL.
 * @param alerts - the body (serialised as JSON).
 * @returns the response.
 */
export function postAlerts(url: string, alerts: unknown): Promise<Response> {
  return postJson(url, '/api/v2/alerts', JSON.stringify(alerts))
}

/**
 * postSilence creates or updates a silence through a node's POST /api/v2/silences.
 *
 * @param url - the node's base URL.
 * @param silence - the body (serialised as JSON).
 * @returns the response.
 */
export function postSilence(url: string, silence: unknown): Promise<Response> {
  return postJson(url, '/api/v2/silences', JSON.stringify(silence))
}

/**
 * getJson fetches a path under a node's URL and parses JSON.
 *
 * @param url - the node's base URL.
 * @param path - e.g. `/api/v2/alerts?active=false`.
 * @returns the parsed body.
 * @throws when the answer is not a 2xx.
 */
export async function getJson<T = unknown>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`)
  if (!res.ok) {
    throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
  }
  return (await res.json()) as T
}

/**
 * reload asks a node for POST /-/reload.
 *
 * @param url - the node's base URL.
 * @returns the response.
 */
export function reload(url: string): Promise<Response> {
  return fetch(`${url}/-/reload`, { method: 'POST' })
}
