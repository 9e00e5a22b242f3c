/**
 * A Consul stand-in for tests: an in-memory, single-node imitation of the parts of Consul's HTTP
 * API that alertmesh uses (KV, blocking queries, agent services and TTL/HTTP checks, health,
 * catalog, status, ACL tokens), written from Consul's documentation and source, with fault
 * injection for the failures a Consul client must survive. It lives under test/ only and is
 * never part of the product; it must not import anything from src/.
 *
 * @module
 */

import { ConsulStandin } from './server.js'
import type { StandinOptions } from './server.js'

export { ConsulStandin, KV_MAX_VALUE_SIZE } from './server.js'
export type { KvSnapshotEntry, RestartOptions, StandinOptions } from './server.js'
export type { AclTokenRule, AclTokenSpec } from './acl.js'
export { ANONYMOUS_ACCESSOR_ID } from './acl.js'
export type {
  DropRule,
  FailRule,
  LatencyRule,
  RequestFilter,
  RequestOutcome,
  RequestRecord,
} from './faults.js'
export { DEFAULT_FAIL_BODY } from './faults.js'
export { formatGoDuration, parseGoDuration } from './duration.js'

/**
 * startConsulStandin starts a stand-in on 127.0.0.1 and resolves once it accepts connections.
 *
 * @param options - port (0 = free port), datacenter, node name, ACL tokens and test-only
 *   timing knobs.
 * @returns the running stand-in; call stop() when done.
 * @example
 * ```ts
 * const consul = await startConsulStandin({ aclTokens: ['root'] })
 * await fetch(`${consul.url}/v1/kv/a`, { method: 'PUT', body: 'x', headers: { 'X-Consul-Token': 'root' } })
 * await consul.stop()
 * ```
 */
export function startConsulStandin(options: StandinOptions = {}): Promise<ConsulStandin> {
  return ConsulStandin.start(options)
}
