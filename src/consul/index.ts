/**
 * @module consul
 * The one place that talks to Consul: a typed KV client over the `consul` package and a
 * blocking-query loop that does the client duties of Consul's "Blocking Queries" page. May
 * import util only; it knows nothing about Alertmanager config parsing (src/cli connects it to src/config).
 */
export { BlockingQuery } from './blocking-query.js'
export type { BlockingQueryOptions } from './blocking-query.js'
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
