import type { Dispatcher } from 'undici'

import type { HttpClientConfig } from '../../config/index.js'
import {
  AlertmeshError,
  ClosedError,
  Deadline,
  errorMessage,
  REDACTED,
  redactURLInMessage,
} from '../../util/index.js'
import type { FailureReason } from '../notify-error.js'
import { NotifyError } from '../notify-error.js'

import { configuredAuthorization } from './auth.js'
import { buildDispatcher } from './dispatcher.js'
import { TransportError } from './errors.js'
import { OAuth2TokenSource } from './oauth2.js'
import { roundTrip } from './round-trip.js'
import { buildTLSOptions, tlsFilesDigest, tlsFilesDigestSync } from './tls-options.js'

/**
 * DEFAULT_TIMEOUT_MS bounds one request (all redirect hops and the body) when the caller's signal
 * does not end it first. Alertmanager has no per-request timeout, only the flush deadline, so this
 * is a safety net sized like undici's own header and body timeouts.
 */
export const DEFAULT_TIMEOUT_MS = 300_000

/** DEFAULT_MAX_RESPONSE_BODY_BYTES is how much response body is kept; the rest is discarded. */
export const DEFAULT_MAX_RESPONSE_BODY_BYTES = 64 * 1024

/** HttpClientOptions are the per-integration settings that are not part of `http_config`. */
export interface HttpClientOptions {
  /** Sent as `User-Agent` unless the caller passes one, e.g. `Alertmanager/0.25.0`. */
  readonly userAgent: string
  /** Per-request deadline on top of the caller's signal. @default 300000 */
  readonly defaultTimeoutMs?: number
  /** Response bytes kept in {@link HttpResponse.body}. @default 65536 */
  readonly maxResponseBodyBytes?: number
  /** Clock for OAuth2 token expiry. @default Date.now */
  readonly now?: () => number
}

/** HttpResponse is a response whose body has been read (and capped) already. */
export interface HttpResponse {
  readonly status: number
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  /** At most `maxResponseBodyBytes` of the body, decoded as UTF-8. */
  readonly body: string
}

/**
 * HttpClient is the outbound client of one integration, built from its `http_config`
 * (prometheus/common's `NewClientFromConfig`).
 */
export interface HttpClient {
  /**
   * post sends one POST. Every failure to get a response is a retryable NotifyError whose message
   * reads like Go's `*url.Error` with the URL redacted: `Post "<redacted>": <cause>`. A response
   * with any status is returned, not thrown: see `classifyStatus`.
   *
   * `method` is `POST` unless given: OpsGenie's update requests are `PUT`s on the same client
   * (notify/opsgenie/opsgenie.go), and their errors then read `Put "<redacted>": <cause>`.
   * WeChat fetches its token with a `GET` (notify/wechat/wechat.go), sent without a body.
   */
  post(
    url: string,
    body: string | Uint8Array,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
    method?: 'POST' | 'PUT' | 'GET'
  ): Promise<HttpResponse>
  /** close releases connections; idempotent. Later posts fail with a non-retryable NotifyError. */
  close(): Promise<void>
}

/** undici error codes that mean a time limit was hit rather than a refused connection. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

/**
 * createHttpClient builds the client for an `http_config` as prometheus/common does for
 * Alertmanager 0.25: `basic_auth` (password or password_file), `authorization` (type +
 * credentials or credentials_file), `bearer_token`/`bearer_token_file`, `oauth2` (client
 * credentials), `tls_config` (CA, client cert/key, server_name, insecure_skip_verify,
 * min/max version; CA and cert files re-read before each request and the pool rebuilt when they
 * change), `proxy_url`, `follow_redirects` (Go's rules, at most 10 requests) and `enable_http2`
 * (h2 offered via ALPN). Secret files are read at request time, so rotation needs no reload.
 *
 * @param config - the integration's http_config (already defaulted from the global one).
 * @param options - user agent, timeout and body cap.
 * @returns the client; close it when the integration is replaced.
 * @throws HttpConfigError when TLS files are unusable or proxy_url is invalid.
 *
 * @example
 * ```ts
 * const client = createHttpClient(config.http_config, { userAgent: 'Alertmanager/0.25.0' })
 * const res = await client.post(url, body, { 'Content-Type': 'application/json' }, signal)
 * const failure = classifyStatus(res.status, [], res.body)
 * ```
 */
export function createHttpClient(config: HttpClientConfig, options: HttpClientOptions): HttpClient {
  return new ConfiguredHttpClient(config, options)
}

class ConfiguredHttpClient implements HttpClient {
  readonly #config: HttpClientConfig
  readonly #userAgent: string
  readonly #timeoutMs: number
  readonly #maxBodyBytes: number
  readonly #oauth2: OAuth2TokenSource | undefined
  #dispatcher: Promise<Dispatcher> | undefined
  #tlsDigest: string | undefined
  #closed = false

  constructor(config: HttpClientConfig, options: HttpClientOptions) {
    this.#config = config
    this.#userAgent = options.userAgent
    this.#timeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#maxBodyBytes = options.maxResponseBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY_BYTES
    // A proxy_url that cannot work is not refused here: 0.25 loads such a config (Go parses
    // `foo` as a URL) and fails each notification, so alertmesh does the same, with the
    // reason in every failed attempt's log line (the pool is built, and checks it, per request).
    // Reading the TLS files now refuses a broken config at build time; the connection pool
    // itself is created with the first request.
    buildTLSOptions(config.tls_config)
    // buildTLSOptions has read the files successfully, so this cannot fail on a missing file
    // unless it vanished in between; then the next request re-reads it and reports it.
    try {
      this.#tlsDigest = tlsFilesDigestSync(config.tls_config)
    } catch {
      this.#tlsDigest = undefined
    }
    this.#oauth2 =
      config.oauth2 === undefined
        ? undefined
        : new OAuth2TokenSource(config.oauth2, {
            userAgent: options.userAgent,
            ...(options.now === undefined ? {} : { now: options.now }),
          })
  }

  async post(
    url: string,
    body: string | Uint8Array,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
    method: 'POST' | 'PUT' | 'GET' = 'POST'
  ): Promise<HttpResponse> {
    // Go's url.Error names the operation as the method with only its first letter upper-case.
    const op = `${method.slice(0, 1)}${method.slice(1).toLowerCase()}`
    if (this.#closed) {
      throw new NotifyError(`${op} "${REDACTED}": http client is closed`, {
        retryable: false,
        reason: 'other',
        cause: new ClosedError('http client'),
      })
    }
    const deadline = new Deadline(this.#timeoutMs, [signal])
    const combined = deadline.signal
    const requestHeaders: Record<string, string> = { 'user-agent': this.#userAgent }
    for (const [name, value] of Object.entries(headers)) {
      requestHeaders[name.toLowerCase()] = value
    }
    try {
      const target = new URL(url)
      const dispatcher = await this.#currentDispatcher()
      return await roundTrip({
        dispatcher,
        method,
        url: target,
        headers: requestHeaders,
        // Go's notify.Get sends no body, hence no Content-Length.
        body:
          method === 'GET'
            ? undefined
            : typeof body === 'string'
              ? Buffer.from(body, 'utf8')
              : body,
        followRedirects: this.#config.follow_redirects,
        signal: combined,
        maxBodyBytes: this.#maxBodyBytes,
        authorize: (existing) =>
          this.#oauth2 === undefined
            ? configuredAuthorization(this.#config, existing)
            : this.#oauth2.authorization(combined),
      })
    } catch (err) {
      throw failure(err, url, signal, deadline, this.#timeoutMs, op)
    } finally {
      deadline.clear()
    }
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return
    }
    this.#closed = true
    const dispatcher = this.#dispatcher
    await Promise.all([dispatcher?.then((d) => d.close()), this.#oauth2?.close()])
  }

  #build(): Promise<Dispatcher> {
    return buildDispatcher({
      tls: buildTLSOptions(this.#config.tls_config),
      proxyURL: this.#config.proxy_url,
      allowH2: this.#config.enable_http2,
    })
  }

  /** Rebuilds the pool when TLS files changed on disk (prometheus/common's tlsRoundTripper). */
  async #currentDispatcher(): Promise<Dispatcher> {
    let digest: string | undefined
    try {
      digest = await tlsFilesDigest(this.#config.tls_config)
    } catch (err) {
      throw new TransportError(`unable to read TLS files: ${errorMessage(err)}`, { cause: err })
    }
    if (this.#dispatcher === undefined || digest !== this.#tlsDigest) {
      // Publish the pool before awaiting it: concurrent first requests (several groups flushing
      // at once) must share one pool. Building one each let the last closed the others under
      // requests already sent, which then failed and were retried: sent twice.
      const previous = this.#dispatcher
      const next = this.#build()
      this.#dispatcher = next
      this.#tlsDigest = digest
      try {
        await next
      } catch (err) {
        if (this.#dispatcher === next) {
          this.#dispatcher = previous
        }
        throw new TransportError(errorMessage(err), { cause: err })
      }
      // In-flight requests on the old pool finish; close() waits for them.
      previous?.then((d) => d.close()).catch(() => undefined)
    }
    return this.#dispatcher
  }
}

/** failure turns whatever a request threw into a redacted, retryable NotifyError. */
function failure(
  err: unknown,
  url: string,
  signal: AbortSignal,
  deadline: Deadline,
  timeoutMs: number,
  op: string
): NotifyError {
  let detail: string
  let reason: FailureReason
  if (signal.aborted) {
    const why: unknown = signal.reason
    detail =
      why instanceof DOMException && why.name === 'TimeoutError'
        ? 'context deadline exceeded'
        : 'context canceled'
    reason = 'timeout'
  } else if (deadline.timedOut) {
    detail = `request timed out after ${timeoutMs} ms`
    reason = 'timeout'
  } else {
    detail = describe(err)
    const code = errorCode(err)
    reason =
      err instanceof TransportError
        ? 'other'
        : code !== undefined && TIMEOUT_CODES.has(code)
          ? 'timeout'
          : 'connectionError'
  }
  const redacted = redactURLInMessage(detail, url)
  // The cause may be logged with its message; keep it only when it cannot leak the URL.
  const cause = redacted === detail ? err : new Error(redacted)
  return new NotifyError(`${op} "${REDACTED}": ${redacted}`, { retryable: true, reason, cause })
}

function errorCode(err: unknown): string | undefined {
  // Only socket and undici codes say what failed; an alertmesh code (a TransportError's) does not.
  if (err instanceof AlertmeshError) {
    return undefined
  }
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

function describe(err: unknown): string {
  const message = errorMessage(err)
  const code = errorCode(err)
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message
}
