import { STATUS_CODES } from 'node:http'

import type { Dispatcher } from 'undici'

import type { OAuth2 } from '../../config/index.js'
import { errorMessage } from '../../util/index.js'

import { basicAuthorization, readSecretFile } from './auth.js'
import { buildDispatcher } from './dispatcher.js'
import { TransportError } from './errors.js'
import { roundTrip } from './round-trip.js'
import { buildTLSOptions } from './tls-options.js'

/** EXPIRY_DELTA_MS is golang.org/x/oauth2's `expiryDelta`: tokens are renewed this early. */
export const EXPIRY_DELTA_MS = 10_000

/** Go's `io.LimitReader(r.Body, 1<<20)` on token responses. */
const MAX_TOKEN_RESPONSE_BYTES = 1 << 20

type AuthStyle = 'header' | 'params'

/**
 * authStyleCache remembers, per token URL, which client authentication style worked, like
 * golang.org/x/oauth2's process-wide `authStyleCache`.
 */
const authStyleCache = new Map<string, AuthStyle>()

interface CachedToken {
  readonly authorization: string
  /** Epoch ms; undefined when the server sent no `expires_in` (never expires). */
  readonly expiresAt: number | undefined
}

/** OAuth2TokenSourceOptions are what a token source needs besides the config block. */
export interface OAuth2TokenSourceOptions {
  /** Sent on token requests too, as prometheus/common copies the request's User-Agent. */
  readonly userAgent: string
  /** Clock for token expiry. @default Date.now */
  readonly now?: () => number
}

/**
 * OAuth2TokenSource implements prometheus/common's `oauth2` http_config: the OAuth 2.0
 * client-credentials grant of golang.org/x/oauth2/clientcredentials, with its quirks:
 *
 * - client authentication is auto-detected per token URL: HTTP basic auth with the URL-escaped
 *   id and secret first, then `client_id`/`client_secret` form parameters, remembered on success;
 * - `scope` is the scopes joined by spaces; `endpoint_params` may override `grant_type` but no
 *   other parameter (`oauth2: cannot overwrite parameter "scope"`);
 * - the token is reused until 10 s before `expires_in` runs out (forever without `expires_in`);
 *   JSON and form-encoded responses are accepted; the header type is normalised (`bearer` ->
 *   `Bearer`);
 * - `client_secret_file` is read on every request and a changed secret drops the cached token;
 * - token requests use the block's own `tls_config` and `proxy_url`, HTTP/1.1, and follow
 *   redirects. Like prometheus/common, that transport is built on first use, so an unusable
 *   oauth2 `tls_config` fails requests (retryable) rather than the reload.
 */
export class OAuth2TokenSource {
  readonly #config: OAuth2
  readonly #userAgent: string
  readonly #now: () => number
  #dispatcher: Promise<Dispatcher> | undefined
  #secret: string | undefined
  #token: CachedToken | undefined

  /**
   * OAuth2TokenSource's constructor does no I/O.
   *
   * @param config - the `oauth2` block.
   * @param options - user agent and clock.
   */
  constructor(config: OAuth2, options: OAuth2TokenSourceOptions) {
    this.#config = config
    this.#userAgent = options.userAgent
    this.#now = options.now ?? Date.now
  }

  /**
   * authorization returns the Authorization header value for a request, fetching a token when
   * there is no valid one.
   *
   * @param signal - aborts the token request.
   * @returns e.g. `Bearer <access token>`.
   * @throws TransportError (or the dispatcher's network error) when no token can be had.
   */
  async authorization(signal: AbortSignal): Promise<string> {
    const secret = await this.#currentSecret()
    if (secret !== this.#secret) {
      this.#secret = secret
      this.#token = undefined
    }
    const token = this.#token
    if (
      token !== undefined &&
      (token.expiresAt === undefined || token.expiresAt - EXPIRY_DELTA_MS > this.#now())
    ) {
      return token.authorization
    }
    const fresh = await this.#retrieve(secret, signal)
    this.#token = fresh
    return fresh.authorization
  }

  /**
   * close releases the token endpoint's connections.
   *
   * @returns when they are closed.
   */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher
    this.#dispatcher = undefined
    await dispatcher?.then((d) => d.close())
  }

  /** An inline client_secret wins over the file, as in prometheus/common's oauth2RoundTripper. */
  async #currentSecret(): Promise<string> {
    const inline = this.#config.client_secret ?? ''
    const file = this.#config.client_secret_file
    if (inline === '' && file !== undefined && file !== '') {
      const text = await readSecretFile(file, 'unable to read oauth2 client secret file')
      return text.trim()
    }
    return inline
  }

  #transport(): Promise<Dispatcher> {
    if (this.#dispatcher === undefined) {
      let tls
      try {
        tls = buildTLSOptions(this.#config.tls_config)
      } catch (err) {
        throw new TransportError(errorMessage(err), { cause: err })
      }
      this.#dispatcher = buildDispatcher({
        tls,
        proxyURL: this.#config.proxy_url,
        allowH2: false,
      })
    }
    return this.#dispatcher
  }

  async #retrieve(secret: string, signal: AbortSignal): Promise<CachedToken> {
    const params = this.#params()
    const tokenURL = this.#config.token_url
    const known = authStyleCache.get(tokenURL)
    if (known !== undefined) {
      return this.#request(known, params, secret, signal)
    }
    let token: CachedToken
    let style: AuthStyle = 'header'
    try {
      token = await this.#request(style, params, secret, signal)
    } catch (err) {
      if (signal.aborted) {
        throw err
      }
      style = 'params'
      token = await this.#request(style, params, secret, signal)
    }
    authStyleCache.set(tokenURL, style)
    return token
  }

  #params(): Map<string, string> {
    const params = new Map<string, string>([['grant_type', 'client_credentials']])
    if (this.#config.scopes.length > 0) {
      params.set('scope', this.#config.scopes.join(' '))
    }
    for (const [name, value] of Object.entries(this.#config.endpoint_params)) {
      if (params.has(name) && name !== 'grant_type') {
        throw new TransportError(`oauth2: cannot overwrite parameter ${JSON.stringify(name)}`)
      }
      params.set(name, value)
    }
    return params
  }

  async #request(
    style: AuthStyle,
    base: ReadonlyMap<string, string>,
    secret: string,
    signal: AbortSignal
  ): Promise<CachedToken> {
    const params = new Map(base)
    const clientID = this.#config.client_id
    if (style === 'params') {
      if (clientID !== '') {
        params.set('client_id', clientID)
      }
      if (secret !== '') {
        params.set('client_secret', secret)
      }
    }
    let url: URL
    try {
      url = new URL(this.#config.token_url)
    } catch (err) {
      throw new TransportError('oauth2: invalid token_url', { cause: err })
    }
    const response = await roundTrip({
      dispatcher: await this.#transport(),
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': this.#userAgent,
      },
      body: Buffer.from(encodeForm(params), 'utf8'),
      followRedirects: true,
      signal,
      maxBodyBytes: MAX_TOKEN_RESPONSE_BYTES,
      authorize: (existing) =>
        Promise.resolve(
          style === 'header'
            ? basicAuthorization(goQueryEscape(clientID), goQueryEscape(secret))
            : existing
        ),
    })
    if (response.status < 200 || response.status > 299) {
      throw new TransportError(
        `oauth2: cannot fetch token: ${response.status} ${STATUS_CODES[response.status] ?? ''}\nResponse: ${response.body}`
      )
    }
    return this.#parse(response.headers['content-type'] ?? '', response.body)
  }

  #parse(contentType: string, body: string): CachedToken {
    const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase()
    let accessToken: string
    let tokenType: string
    let expiresIn: number
    if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'text/plain') {
      const values = new URLSearchParams(body)
      accessToken = values.get('access_token') ?? ''
      tokenType = values.get('token_type') ?? ''
      expiresIn = Number.parseInt(values.get('expires_in') ?? '', 10) || 0
    } else {
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch (err) {
        throw new TransportError(`oauth2: cannot parse token response: ${errorMessage(err)}`, {
          cause: err,
        })
      }
      const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
        string,
        unknown
      >
      accessToken = typeof record['access_token'] === 'string' ? record['access_token'] : ''
      tokenType = typeof record['token_type'] === 'string' ? record['token_type'] : ''
      // PayPal (and others) send expires_in as a string; Go's expirationTime accepts both.
      const raw = record['expires_in']
      expiresIn = typeof raw === 'number' || typeof raw === 'string' ? Math.trunc(Number(raw)) : 0
      if (!Number.isFinite(expiresIn)) {
        expiresIn = 0
      }
    }
    if (accessToken === '') {
      throw new TransportError('oauth2: server response missing access_token')
    }
    return {
      authorization: `${tokenTypeName(tokenType)} ${accessToken}`,
      expiresAt: expiresIn === 0 ? undefined : this.#now() + expiresIn * 1000,
    }
  }
}

/** golang.org/x/oauth2's `Token.Type`: canonical spelling of the well-known types. */
function tokenTypeName(type: string): string {
  switch (type.toLowerCase()) {
    case 'bearer':
      return 'Bearer'
    case 'mac':
      return 'MAC'
    case 'basic':
      return 'Basic'
    default:
      return type === '' ? 'Bearer' : type
  }
}

/** Go's `url.Values.Encode`: keys sorted, each part `QueryEscape`d. */
function encodeForm(params: ReadonlyMap<string, string>): string {
  return [...params.keys()]
    .sort()
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(params.get(key) ?? '')}`)
    .join('&')
}

/**
 * goQueryEscape is Go's `url.QueryEscape`: every byte but `A-Za-z0-9-_.~` percent-encoded
 * (upper-case hex), space as `+`. A string is escaped as its UTF-8 bytes; raw bytes (which need
 * not be valid UTF-8, as SNS sends a truncated rune) are escaped as they are.
 *
 * @param text - the text, or the raw bytes, to escape.
 * @returns the escaped text.
 */
export function goQueryEscape(text: string | Uint8Array): string {
  let out = ''
  for (const byte of typeof text === 'string' ? Buffer.from(text, 'utf8') : text) {
    const c = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-_.~]/.test(c)) {
      out += c
    } else if (c === ' ') {
      out += '+'
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    }
  }
  return out
}
