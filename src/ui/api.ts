// The UI's only way to the node: its own /api/v2 and alertmesh's read-only /api/alertmesh/v1,
// addressed relative to the page (the page's <base href> is the route prefix), so the UI works
// under any --web.route-prefix.
import type { AlertStoryJson, GroupNotifiedJson } from '../api/alertmesh/story-wire'

import { formatMatcher } from './matchers'
import type { AlertGroup, Alert, Matcher, PostableSilence, Silence, Status } from './types'

/**
 * ApiError is a refusal or failure of the API, with the text the node answered. A plain Error:
 * src/ui runs in the browser and may not import src/util.
 */
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
  }
}

// Handler errors are a bare JSON string, framework errors `{code, message}`, 404s may be empty.
function errorText(status: number, body: string): string {
  const trimmed = body.trim()
  if (trimmed === '') {
    return `the node answered ${status} without a reason`
  }
  try {
    const parsed: unknown = JSON.parse(trimmed)
    if (typeof parsed === 'string') {
      return parsed
    }
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
      return String(parsed.message)
    }
  } catch {
    // not JSON: the text itself is the reason
  }
  return trimmed
}

async function request(path: string, init?: RequestInit, base = 'api/v2/'): Promise<string> {
  let response: Response
  try {
    response = await fetch(`${base}${path}`, { cache: 'no-store', ...init })
  } catch {
    throw new ApiError(0, 'cannot reach the node; check that it is running and reload the page')
  }
  const body = await response.text()
  if (!response.ok) {
    throw new ApiError(response.status, errorText(response.status, body))
  }
  return body
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return JSON.parse(await request(path, signal === undefined ? {} : { signal })) as T
}

/** getAlertmeshJson reads alertmesh's own API, e.g. `routes` for /api/alertmesh/v1/routes. */
export async function getAlertmeshJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const init = signal === undefined ? {} : { signal }
  return JSON.parse(await request(path, init, 'api/alertmesh/v1/')) as T
}

/** AlertQuery narrows GET /api/v2/alerts and /alerts/groups (every flag defaults to true). */
export interface AlertQuery {
  readonly filter?: readonly Matcher[]
  readonly silenced?: boolean
  readonly inhibited?: boolean
  readonly active?: boolean
  readonly receiver?: string
}

function alertParams(query: AlertQuery): string {
  const params = new URLSearchParams()
  for (const m of query.filter ?? []) {
    params.append('filter', formatMatcher(m))
  }
  for (const flag of ['silenced', 'inhibited', 'active'] as const) {
    const value = query[flag]
    if (value !== undefined) {
      params.set(flag, String(value))
    }
  }
  if (query.receiver !== undefined && query.receiver !== '') {
    params.set('receiver', query.receiver)
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

export const api = {
  status: (signal?: AbortSignal) => getJson<Status>('status', signal),
  receivers: (signal?: AbortSignal) => getJson<{ name: string }[]>('receivers', signal),
  alerts: (query: AlertQuery, signal?: AbortSignal) =>
    getJson<Alert[]>(`alerts${alertParams(query)}`, signal),
  alertGroups: (query: AlertQuery, signal?: AbortSignal) =>
    getJson<AlertGroup[]>(`alerts/groups${alertParams(query)}`, signal),
  silences: (signal?: AbortSignal) => getJson<Silence[]>('silences', signal),
  /** alertStory is one alert's whole story (alertmesh's own API). */
  alertStory: (fingerprint: string, signal?: AbortSignal) =>
    getAlertmeshJson<AlertStoryJson>(`alerts/${encodeURIComponent(fingerprint)}/story`, signal),
  /** groupsNotified is every group's last notification (alertmesh's own API). */
  groupsNotified: (signal?: AbortSignal) => getAlertmeshJson<GroupNotifiedJson[]>('groups', signal),
  silence: (id: string, signal?: AbortSignal) =>
    getJson<Silence>(`silence/${encodeURIComponent(id)}`, signal),
  /** saveSilence creates a silence, or updates the one named by `id`; it returns the ID. */
  saveSilence: async (silence: PostableSilence): Promise<string> => {
    const body = await request('silences', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(silence),
    })
    return (JSON.parse(body) as { silenceID: string }).silenceID
  },
  expireSilence: async (id: string): Promise<void> => {
    await request(`silence/${encodeURIComponent(id)}`, { method: 'DELETE' })
  },
}
