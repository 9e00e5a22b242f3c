import type { Readable } from 'node:stream'

import type { Dispatcher } from 'undici'

import { basicAuthorization } from './auth.js'
import { TransportError } from './errors.js'

/** MAX_REQUESTS is Go's `defaultCheckRedirect` limit: the 10th redirect response is an error. */
export const MAX_REQUESTS = 10

/** RoundTripRequest is one logical request, possibly spanning several redirect hops. */
export interface RoundTripRequest {
  readonly dispatcher: Dispatcher
  readonly method: string
  readonly url: URL
  /** Header names in lower case; copied to every hop, as Go copies the initial headers. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array | undefined
  readonly followRedirects: boolean
  readonly signal: AbortSignal
  /** Response bytes kept for the caller; the rest is read and discarded. */
  readonly maxBodyBytes: number
  /**
   * authorize computes the Authorization header of one hop from the one already present (the
   * caller's, or basic auth from the hop URL's userinfo). It runs on every hop because
   * prometheus/common adds credentials in the transport, below Go's redirect handling.
   */
  readonly authorize: (existing: string | undefined) => Promise<string | undefined>
}

/** RoundTripResponse is the final response: status, headers and the (capped) body text. */
export interface RoundTripResponse {
  readonly status: number
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * roundTrip sends a request and follows redirects exactly like Go 1.19's `http.Client.Do`
 * with prometheus/common's transport (Alertmanager 0.25's notifier client):
 *
 * - 301/302/303 turn a POST into a GET without body; 307/308 resend method and body.
 * - A 3xx without Location is returned as the response; a Location that does not parse is an
 *   error even when redirects are off (Go parses it before asking `CheckRedirect`).
 * - With `followRedirects` false the 3xx itself is returned (`ErrUseLastResponse`).
 * - At most {@link MAX_REQUESTS} requests: the next redirect fails with
 *   `stopped after 10 redirects`.
 * - Every hop carries the initial headers plus `Referer` (except https to http), and its own
 *   Authorization from {@link RoundTripRequest.authorize}. Go drops a caller-set Authorization
 *   on a redirect to another domain; credentials from `http_config` are re-added on every hop
 *   because they live in the transport, which is what Alertmanager does.
 *
 * The body of every response is consumed: redirect bodies are discarded, the final one is read
 * to the end with at most `maxBodyBytes` kept.
 *
 * @param request - what to send.
 * @returns the final response.
 * @throws the dispatcher's errors as they are, or TransportError for redirect and credential
 *   failures.
 */
export async function roundTrip(request: RoundTripRequest): Promise<RoundTripResponse> {
  let url = request.url
  let method = request.method
  let body = request.body
  let referer: string | undefined
  let previous: URL | undefined
  for (let sent = 1; ; sent++) {
    const headers: Record<string, string> = { ...request.headers }
    if (
      previous !== undefined &&
      !isDomainOrSubdomain(canonicalAddr(url), canonicalAddr(previous))
    ) {
      // Go's shouldCopyHeaderOnRedirect: a caller's credentials stay within the domain.
      delete headers['authorization']
    }
    if (referer !== undefined) {
      headers['referer'] = referer
    }
    const existing = headers['authorization'] ?? userinfoAuthorization(url)
    const authorization = await request.authorize(existing)
    if (authorization !== undefined) {
      headers['authorization'] = authorization
    }
    const target = withoutUserinfo(url)
    const response = await request.dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method,
      headers,
      body: body ?? null,
      signal: request.signal,
    })
    const behavior = redirectBehavior(method, response.statusCode)
    const location = headerValue(response.headers['location'])
    if (behavior === undefined || location === undefined || location === '') {
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: await readCapped(response.body, request.maxBodyBytes),
      }
    }
    let next: URL
    try {
      next = new URL(location, url)
    } catch (err) {
      await discard(response.body)
      throw new TransportError(
        `failed to parse Location header ${JSON.stringify(location)}: invalid URL`,
        { cause: err }
      )
    }
    if (!request.followRedirects) {
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: await readCapped(response.body, request.maxBodyBytes),
      }
    }
    await discard(response.body)
    if (sent >= MAX_REQUESTS) {
      throw new TransportError(`stopped after ${MAX_REQUESTS} redirects`)
    }
    referer = refererFor(url, next)
    previous = url
    url = next
    method = behavior.method
    if (!behavior.includeBody) {
      body = undefined
    }
  }
}

/** Go's `redirectBehavior`, for a request that always has a resendable body. */
function redirectBehavior(
  method: string,
  status: number
): { method: string; includeBody: boolean } | undefined {
  switch (status) {
    case 301:
    case 302:
    case 303:
      return { method: method === 'GET' || method === 'HEAD' ? method : 'GET', includeBody: false }
    case 307:
    case 308:
      return { method, includeBody: true }
    default:
      return undefined
  }
}

/** Go's `refererForURL`: none from https to http, userinfo removed. */
function refererFor(last: URL, next: URL): string | undefined {
  if (last.protocol === 'https:' && next.protocol === 'http:') {
    return undefined
  }
  return withoutUserinfo(last).href
}

/** Go's `canonicalAddr`: host:port with the scheme's default port filled in. */
function canonicalAddr(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80'
  return `${url.hostname.toLowerCase()}:${port}`
}

/** Go's `isDomainOrSubdomain` on canonical addresses. */
function isDomainOrSubdomain(sub: string, parent: string): boolean {
  return sub === parent || sub.endsWith(`.${parent}`)
}

/** Go's client sets basic auth from URL userinfo when no Authorization header is present. */
function userinfoAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') {
    return undefined
  }
  return basicAuthorization(decode(url.username), decode(url.password))
}

function withoutUserinfo(url: URL): URL {
  if (url.username === '' && url.password === '') {
    return url
  }
  const copy = new URL(url.href)
  copy.username = ''
  copy.password = ''
  return copy
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function flattenHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
  }
  return out
}

/**
 * readCapped reads a body to its end, keeping the first `max` bytes as UTF-8 text. Read errors
 * (reset, abort) end the read with what arrived: like Go's `Retrier`, the status code decides
 * the outcome and the body only adds detail.
 */
async function readCapped(body: Readable, max: number): Promise<string> {
  const kept: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (size < max) {
        const part = chunk.subarray(0, max - size)
        kept.push(part)
        size += part.length
      }
    }
  } catch {
    // Keep what was read; see above.
  }
  return Buffer.concat(kept).toString('utf8')
}

/** discard consumes a redirect body so the connection can be reused (Go's `io.CopyN` + Close). */
async function discard(body: Readable & { dump?: () => Promise<void> }): Promise<void> {
  try {
    if (body.dump !== undefined) {
      await body.dump()
    } else {
      body.destroy()
    }
  } catch {
    // A broken redirect body does not matter: the next hop uses its own connection.
  }
}
