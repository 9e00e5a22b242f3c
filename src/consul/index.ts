/**
 * @module consul
 * The one place that talks to Consul: a typed KV client over the `consul` package. May import
 * util only; it knows nothing about Alertmanager config parsing (src/cli connects it to
 * src/config).
 */
export { ConsulClient } from './client.js'
export type {
  ConsulClientOptions,
  ConsulSettings,
  KvEntry,
  QueryOptions,
  QueryResult,
} from './client.js'
export { ConsulError } from './errors.js'
export type { ConsulErrorCode } from './errors.js'
