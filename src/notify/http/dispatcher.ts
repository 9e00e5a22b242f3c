import { createRequire } from 'node:module'

import type * as Undici from 'undici'
import type { Dispatcher } from 'undici'

import { HttpConfigError } from './errors.js'
import type { TLSOptions } from './tls-options.js'

let undiciModule: typeof Undici | undefined

/** PROXY_SCHEMES are the proxy_url schemes Go's `http.Transport` (and undici) can use. */
export const PROXY_SCHEMES: readonly string[] = ['http:', 'https:', 'socks5:']

/**
 * ConnectionPoolOptions describe one connection pool (an undici dispatcher, not to be confused
 * with the alert dispatcher of src/dispatch): TLS, proxy and HTTP/2 settings.
 */
export interface ConnectionPoolOptions {
  /** TLS options for connections to targets (and to an https proxy, as Go uses one config). */
  readonly tls: TLSOptions
  /** The proxy to send everything through, if any. */
  readonly proxyURL?: string | undefined
  /** Offer HTTP/2 via ALPN on TLS connections (`enable_http2`); never h2c, as in Go. */
  readonly allowH2: boolean
}

/**
 * buildDispatcher creates the undici connection pool for an `http_config`: an `Agent`, or a
 * `ProxyAgent` when `proxy_url` is set. Like Go's transport, plain-http targets go to the proxy
 * as absolute-URI requests and https targets through a CONNECT tunnel; proxy credentials in the
 * URL's userinfo become `Proxy-Authorization: Basic ...`.
 *
 * undici is loaded on first use: it is the largest module a node loads, and a node that has
 * not sent a notification yet does not need it, so start-up skips it. It is required rather
 * than imported: the bundled command runs from a vm.Script (for its code cache, see
 * scripts/build-bundle.mjs), where a dynamic import() would need Node's experimental loader hook.
 *
 * @param options - TLS, proxy and HTTP/2 settings.
 * @returns a dispatcher the caller must close.
 * @throws HttpConfigError for a proxy_url that does not parse or has an unsupported scheme.
 */
export function buildDispatcher(options: ConnectionPoolOptions): Promise<Dispatcher> {
  // A promise still, so that callers share one pending pool and see a bad proxy_url as a
  // rejection, as they did when undici was imported.
  return Promise.resolve().then(() => createDispatcher(options))
}

/**
 * loadHttpLibrary loads undici now if it is not loaded yet (it is otherwise loaded by the first
 * request). Loading takes about 140 ms of the main thread, which a caller can move out of the
 * first notification's latency by calling this while nothing waits on it.
 *
 * @returns the library.
 */
export function loadHttpLibrary(): typeof Undici {
  undiciModule ??= createRequire(import.meta.url)('undici') as typeof Undici
  return undiciModule
}

function createDispatcher(options: ConnectionPoolOptions): Dispatcher {
  const { Agent, ProxyAgent } = loadHttpLibrary()
  const connect = { ...options.tls, allowH2: options.allowH2 }
  if (options.proxyURL === undefined || options.proxyURL === '') {
    return new Agent({ connect, allowH2: options.allowH2 })
  }
  validateProxyURL(options.proxyURL)
  return new ProxyAgent({
    uri: options.proxyURL,
    proxyTunnel: false,
    requestTls: connect,
    proxyTls: options.tls,
    allowH2: options.allowH2,
  })
}

/**
 * validateProxyURL checks a proxy_url without quoting it back (it may hold credentials).
 *
 * @param proxyURL - the configured proxy URL.
 * @throws HttpConfigError when it is unusable.
 */
export function validateProxyURL(proxyURL: string): void {
  let url: URL
  try {
    url = new URL(proxyURL)
  } catch (err) {
    throw new HttpConfigError('invalid proxy_url: not a URL', { cause: err })
  }
  if (!PROXY_SCHEMES.includes(url.protocol)) {
    throw new HttpConfigError(
      `unsupported scheme ${JSON.stringify(url.protocol.slice(0, -1))} for proxy_url`
    )
  }
  if (url.hostname === '') {
    throw new HttpConfigError('missing host for proxy_url')
  }
}
