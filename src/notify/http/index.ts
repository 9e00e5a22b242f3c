/**
 * @module notify/http
 * The outbound HTTP client every notifier uses: prometheus/common's `http_config` (auth, OAuth2,
 * TLS, proxy, redirects, HTTP/2) on undici, plus Alertmanager's status classification.
 * Imports only src/config types and src/util; knows nothing about integrations or payloads.
 */
export { basicAuthorization, configuredAuthorization } from './auth.js'
export { classifyStatus, MAX_ERROR_DETAILS_CHARS, reasonForStatus } from './classify-status.js'
export { buildDispatcher, PROXY_SCHEMES, validateProxyURL } from './dispatcher.js'
export type { ConnectionPoolOptions } from './dispatcher.js'
export { HttpConfigError, TransportError } from './errors.js'
export {
  createHttpClient,
  DEFAULT_MAX_RESPONSE_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './http-client.js'
export type { HttpClient, HttpClientOptions, HttpResponse } from './http-client.js'
export { EXPIRY_DELTA_MS, goQueryEscape, OAuth2TokenSource } from './oauth2.js'
export type { OAuth2TokenSourceOptions } from './oauth2.js'
export { MAX_REQUESTS, roundTrip } from './round-trip.js'
export type { RoundTripRequest, RoundTripResponse } from './round-trip.js'
export { buildTLSOptions, TLS_VERSIONS, tlsFilesDigest, tlsFilesDigestSync } from './tls-options.js'
export type { TLSOptions } from './tls-options.js'
export { warmUpHttpClient } from './warm-up.js'
