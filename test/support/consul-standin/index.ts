/**
 * A Consul stand-in for tests: an in-memory, single-node imitation of the parts of Consul's HTTP
 * API that alertmesh uses (KV, blocking queries, agent services and TTL/HTTP checks, health,
 * catalog, status, ACL tokens), written from Consul's documentation and source, with fault
 * injection for the failures a Consul client must survive. It lives under test/ only and is
 * never part of the product; it must not import anything from src/.
 *
 * Where it knowingly differs from Consul (1.x, as of its api-docs and agent sources):
 * - One node, one server, one datacenter, no Raft or gossip: X-Consul-Knownleader is always
 *   true, X-Consul-Lastcontact 0, /v1/status/leader `"127.0.0.1:8300"`.
 * - As in Consul, only reads served by the servers (KV, health, catalog) carry X-Consul-Index;
 *   writes and agent-local endpoints do not.
 * - resetIndex() keeps the data and lowers every index above the target to it; a real snapshot
 *   restore would bring back older data as well.
 * - KV tombstones are only reaped by reapTombstones(), never after tombstone_ttl.
 * - No sessions: `?acquire=` and `?release=` fail as for an unknown session. No /v1/txn.
 * - Recent Consul releases refuse KV keys with characters outside `a-zA-Z0-9,-_./` or with
 *   file-like extensions (`.json`, `.txt`, …); the stand-in accepts them. Unclean paths (a
 *   leading or doubled slash, `.` segments) get the same 301 as from Go's ServeMux.
 * - A value over 512 KiB is refused even when sent chunked (Consul checks Content-Length only).
 * - Only TTL and HTTP checks; other kinds are refused with 400. HTTP checks only go to
 *   127.0.0.1. No maintenance mode, SuccessBeforePassing or FailuresBeforeCritical.
 * - ACL rules are a simplified model (key prefixes, all-or-nothing service/node/agent, and
 *   named exact/prefix rules with Consul's precedence but no `list` policy); there is no ACL
 *   API. An unknown token gets "ACL not found", a missing permission Consul's
 *   "Permission denied: token with AccessorID '…' lacks permission '…' on "…"".
 * - `?filter`, `?near`, `?node-meta`, `?cached`, hash-based blocking and the streaming backend
 *   are ignored.
 * - Re-registering an unchanged service still consumes a Raft index (Consul's anti-entropy
 *   would not write), which only shows as a gap between indexes.
 * Test-only knobs that Consul fixes: reapIntervalMs (30 s), minDeregisterMs (1 min),
 * checkUpdateIntervalMs (check_update_interval, 5 min) and minCheckIntervalMs (1 s).
 *
 * @module
 */

import { ConsulStandin } from './server.js'
import type { StandinOptions } from './server.js'

export { ConsulStandin, KV_MAX_VALUE_SIZE } from './server.js'
export type { KvSnapshotEntry, RestartOptions, StandinOptions } from './server.js'
export type { AclPolicyRule, AclResource, AclTokenRule, AclTokenSpec } from './acl.js'
export { ANONYMOUS_ACCESSOR_ID, AclResolver } from './acl.js'
export type {
  DropRule,
  FailRule,
  InterceptedRequest,
  InterceptHook,
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
