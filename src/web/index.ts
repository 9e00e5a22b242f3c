/**
 * @module web
 * The exporter-toolkit web config (`--web.config.file`) as Alertmanager 0.25 serves it: the
 * file's strict decoding and checks with the toolkit's messages, TLS for the API and UI
 * (certificates re-read per connection), basic auth with bcrypt hashes and the toolkit's
 * verdict cache, and the security headers it allows. It wraps a plain node:http handler, so
 * it knows nothing of koa or the API. It also reads the cluster TLS config
 * (`--cluster.tls-config`), the same toolkit TLS server settings plus Prometheus common's
 * client settings, and hands gossip fresh TLS settings per connection. Imports only
 * src/config (its yaml.v2 reader) and src/util.
 */
export { BasicAuth, FAKE_HASH, compareGoHash, parseBasicAuth } from './basic-auth.js'
export type { BasicAuthOptions, Credentials } from './basic-auth.js'
export { bcryptCost } from './bcrypt-cost.js'
export { parseWebConfig, readWebConfig, validateUsers } from './config.js'
export type { HttpServerConfig, TlsServerConfig, WebConfig } from './config.js'
export { WebConfigError } from './errors.js'
export { parseClusterTlsConfig, readClusterTlsConfig } from './cluster-tls-config.js'
export type { ClusterTlsConfig, TlsClientConfig } from './cluster-tls-config.js'
export { GossipTlsFiles } from './gossip-tls.js'
export { UnsupportedTlsError, buildServerTls, checkHonoured, hasTls } from './tls.js'
export { validateWebConfigFile } from './validate.js'
export type { ValidatedWebConfig } from './validate.js'
export { WebServer } from './web-server.js'
export type { RequestHandler, WebServerOptions } from './web-server.js'
