/**
 * @module consul
 * The one place that talks to Consul: a typed client over the `consul` package (KV, agent
 * service registration and TTL checks, passing health instances), a blocking-query loop that
 * does the client duties of Consul's "Blocking Queries" page, the config watch that yields raw
 * config documents, per-node status records, and cluster membership: the service registrar
 * and the peer catalog that yields peer lists. May import util only; it knows nothing about
 * Alertmanager config parsing or the gossip layer (src/cli connects it to src/config and
 * src/cluster).
 */
export { BlockingQuery } from './blocking-query.js'
export type { BlockingQueryOptions } from './blocking-query.js'
export { ConsulClient } from './client.js'
export type {
  CallOptions,
  CheckStatus,
  ConsulClientOptions,
  ConsulSettings,
  KvEntry,
  QueryOptions,
  QueryResult,
  ServiceCheck,
  ServiceInstance,
  ServiceRegistration,
} from './client-types.js'
export { ConsulConfigWatch, fetchConfigDocument } from './config-watch.js'
export type { KvConfigDocument, ConsulConfigWatchOptions } from './config-watch.js'
export { ConsulError } from './errors.js'
export { isUnknownCheckError } from './wire.js'
export type { ConsulErrorCode } from './errors.js'
export { kvLayout } from './kv-layout.js'
export type { KvLayout } from './kv-layout.js'
export { readNodeStatuses, writeNodeStatus } from './status-key.js'
export type { NodeStatus, ReadNodeStatusesOptions } from './status-key.js'
export { PeerCatalog } from './peer-catalog.js'
export type { ConsulPeer, PeerCatalogOptions } from './peer-catalog.js'
export { ServiceRegistrar } from './registration.js'
export type { ServiceRegistrarOptions } from './registration.js'
