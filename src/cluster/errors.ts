import { AlertmeshError } from '../util/index.js'

/**
 * DropReason says why the cluster dropped a message or refused a connection; it is the `reason`
 * label of `alertmanager_cluster_messages_dropped_total`.
 *
 * - `malformed`: a frame or payload that does not decode, or a HELLO with invalid fields.
 * - `oversize`: an incoming frame longer than `maxMessageBytes` (during the handshake: 64 KiB).
 * - `oversize_outgoing`: a local message longer than `maxMessageBytes`, not sent.
 * - `unknown_type`: a frame type this version does not know.
 * - `unexpected`: a known frame at the wrong time, e.g. UPDATE before the handshake ended.
 * - `bad_mac`: a frame whose HMAC does not verify (forged, replayed or reordered).
 * - `auth`: a handshake proof that does not verify, or one side has a key and the other not.
 * - `version`: a peer speaking another protocol version.
 * - `duplicate_name`: a peer that claims this node's name.
 * - `too_many_handshakes`: a connection refused because too many handshakes are pending.
 * - `backpressure`: a peer that stopped reading; its connection is closed.
 * - `merge_failed`: a state's `mergeBinary` threw.
 * - `unknown_key`: a state key not registered on this node (ignored, as Alertmanager does).
 */
export type DropReason =
  | 'malformed'
  | 'oversize'
  | 'oversize_outgoing'
  | 'unknown_type'
  | 'unexpected'
  | 'bad_mac'
  | 'auth'
  | 'version'
  | 'duplicate_name'
  | 'too_many_handshakes'
  | 'backpressure'
  | 'merge_failed'
  | 'unknown_key'

/** DROP_REASONS lists every {@link DropReason}, so the metric starts at 0 for each. */
export const DROP_REASONS: readonly DropReason[] = [
  'malformed',
  'oversize',
  'oversize_outgoing',
  'unknown_type',
  'unexpected',
  'bad_mac',
  'auth',
  'version',
  'duplicate_name',
  'too_many_handshakes',
  'backpressure',
  'merge_failed',
  'unknown_key',
]

/**
 * ClusterListenError reports that the cluster listener could not be bound, naming the address
 * and, for the usual causes, what to check.
 */
export class ClusterListenError extends AlertmeshError {
  /**
   * ClusterListenError's constructor builds the operator message from the address and the
   * socket error.
   *
   * @param address - the listen address as given.
   * @param cause - the error `listen` failed with.
   */
  constructor(address: string, cause: unknown) {
    super('AM_CLUSTER_LISTEN', `cannot listen on ${address} for cluster gossip: ${why(cause)}`, {
      cause,
    })
  }
}

/** why turns a listen error into words; the errno names the common cases. */
function why(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code
  switch (code) {
    case 'EADDRINUSE':
      return 'address already in use (another alertmesh or Alertmanager on this port?)'
    case 'EADDRNOTAVAIL':
      return 'address not available on this host (check --cluster.listen-address)'
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)'
    default:
      return cause instanceof Error ? cause.message : String(cause)
  }
}

/**
 * ProtocolError is a peer's protocol violation found while reading a frame. It never leaves a
 * socket handler: the connection counts it under its reason, logs it and closes.
 */
export class ProtocolError extends AlertmeshError {
  /** Why the frame was refused. */
  readonly reason: DropReason

  /**
   * ProtocolError's constructor takes the reason and a detail for the log.
   *
   * @param reason - the drop reason.
   * @param message - what was wrong.
   */
  constructor(reason: DropReason, message: string) {
    super('AM_CLUSTER_PROTOCOL', message)
    this.reason = reason
  }
}
