import type Logger from 'bunyan'
import type { Registry } from 'prom-client'

import { InvalidArgumentError } from '../util/index.js'

import { parseHostPort } from './address.js'
import type { GossipTls } from './tls.js'

/** ClusterPeerOptions configure a {@link ClusterPeer}; the defaults are Alertmanager's flags'. */
export interface ClusterPeerOptions {
  /** This node's stable name (--node.name); unique in the cluster. */
  readonly name: string
  /** The `host:port` to bind, e.g. `0.0.0.0:9094`; port 0 picks a free port (see `self()`). */
  readonly listenAddress: string
  /**
   * The `host:port` peers dial (--cluster.advertise-address).
   *
   * @default the listen address; a wildcard host becomes the first non-internal IPv4 address
   *   (or 127.0.0.1), and port 0 the bound port
   */
  readonly advertiseAddress?: string
  /**
   * Peers to join (--cluster.peer), `host:port` each. Names are resolved to every address and
   * re-resolved every 15 s; this node's own address is ignored, so every node may get the
   * same list.
   *
   * @default []
   */
  readonly knownPeers?: readonly string[]
  /**
   * Whether peers also come from discovery (Consul) through setDiscoveredPeers. When set, the
   * node does not settle as a lone node before the first discovered list has arrived, so a node
   * whose --cluster.peer list is empty still pulls state from the peers Consul names.
   *
   * @default false
   */
  readonly expectDiscoveredPeers?: boolean
  /**
   * The wait per position before notifying (--cluster.peer-timeout): `waitMs()` is
   * position × this.
   *
   * @default 15_000
   */
  readonly peerTimeoutMs?: number
  /**
   * The anti-entropy period (--cluster.pushpull-interval).
   *
   * @default 60_000
   */
  readonly pushPullIntervalMs?: number
  /**
   * The latest a starting node becomes ready (--cluster.settle-timeout); 0 makes it ready at
   * once.
   *
   * @default 60_000
   */
  readonly settleTimeoutMs?: number
  /**
   * How long a connection may take to connect and authenticate (--cluster.tcp-timeout).
   *
   * @default 10_000
   */
  readonly tcpTimeoutMs?: number
  /**
   * The longest delay between two attempts to reach an unreachable peer
   * (--cluster.reconnect-interval); retries start at 100 ms and double up to this.
   *
   * @default 10_000
   */
  readonly reconnectIntervalMs?: number
  /**
   * A peer learned through gossip and unreachable this long is forgotten
   * (--cluster.reconnect-timeout). Configured and discovered peers are dialled for as long as
   * they are configured.
   *
   * @default 21_600_000 (6 h)
   */
  readonly reconnectTimeoutMs?: number
  /**
   * The shared secret (--cluster.key-file). When set, every peer must prove it holds the same
   * key before it gets or gives any state, and every frame carries an HMAC. Frames are not
   * encrypted: the key authenticates peers, it does not hide state from the network.
   */
  readonly key?: Buffer
  /**
   * Mutual TLS for every connection (--cluster.tls-config): encrypted, and each side's
   * certificate checked against the other's CAs. It may be combined with `key`: the two are
   * independent layers (the key's handshake and HMACs run inside TLS, a few hashes per
   * frame), so a cluster with a key turns TLS on without also dropping the key, which would be
   * a second all-nodes switch. Every node must have TLS or none.
   */
  readonly tls?: GossipTls
  /**
   * The largest frame sent or accepted, in bytes (64 KiB to 2 GiB). Larger incoming frames
   * close the connection; larger outgoing ones are not sent. Both are counted, never
   * truncated.
   *
   * @default 67_108_864 (64 MiB)
   */
  readonly maxMessageBytes?: number
  /**
   * How often each connection sends a PING, so a peer that hangs (e.g. SIGSTOP) is noticed.
   *
   * @default 1_000
   */
  readonly pingIntervalMs?: number
  /**
   * A connection that receives nothing for this long is closed.
   *
   * @default max(3_000, 3 × pingIntervalMs)
   */
  readonly pingTimeoutMs?: number
  /** Receives joins, leaves and settle at info, refused peers and dropped gossip at warn. */
  readonly log: Logger
  /**
   * Where the cluster metrics are registered.
   *
   * @default a private registry
   */
  readonly registry?: Registry
  /**
   * Monotonic clock in milliseconds, for timeouts and settle.
   *
   * @default performance.now
   */
  readonly now?: () => number
}

const DEFAULT_PEER_TIMEOUT_MS = 15_000
const DEFAULT_PUSH_PULL_INTERVAL_MS = 60_000
const DEFAULT_SETTLE_TIMEOUT_MS = 60_000
const DEFAULT_TCP_TIMEOUT_MS = 10_000
const DEFAULT_RECONNECT_INTERVAL_MS = 10_000
const DEFAULT_RECONNECT_TIMEOUT_MS = 6 * 60 * 60 * 1000
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
const MIN_MAX_MESSAGE_BYTES = 64 * 1024
const MAX_MAX_MESSAGE_BYTES = 2 ** 31 - 1
const DEFAULT_PING_INTERVAL_MS = 1_000
const MIN_PING_TIMEOUT_MS = 3_000
/** Settings are the options with every default applied. */
export interface Settings {
  readonly peerTimeoutMs: number
  readonly pushPullIntervalMs: number
  readonly settleTimeoutMs: number
  readonly tcpTimeoutMs: number
  readonly reconnectIntervalMs: number
  readonly reconnectTimeoutMs: number
  readonly maxMessageBytes: number
  readonly pingIntervalMs: number
  readonly pingTimeoutMs: number
}

/** checkRange throws InvalidArgumentError naming the option unless min ≤ value ≤ max. */
function checkRange(name: string, value: number, min: number, max = Infinity): number {
  if (!(value >= min && value <= max) || Number.isNaN(value)) {
    const range = max === Infinity ? `≥ ${min}` : `within [${min}, ${max}]`
    throw new InvalidArgumentError(`ClusterPeer: ${name} must be ${range}, got ${value}`)
  }
  return value
}

/** settingsOf applies the defaults and checks every range. */
export function settingsOf(options: ClusterPeerOptions): Settings {
  if (options.name === '') {
    throw new InvalidArgumentError('ClusterPeer: name must not be empty')
  }
  if (options.key?.length === 0) {
    throw new InvalidArgumentError('ClusterPeer: key must not be empty')
  }
  parseHostPort(options.listenAddress, 'ClusterPeer: listenAddress')
  if (options.advertiseAddress !== undefined) {
    parseHostPort(options.advertiseAddress, 'ClusterPeer: advertiseAddress')
  }
  ;(options.knownPeers ?? []).forEach((p, i) => {
    parseHostPort(p, `ClusterPeer: knownPeers[${i}]`)
  })
  const pingIntervalMs = checkRange(
    'pingIntervalMs',
    options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    1
  )
  return {
    peerTimeoutMs: checkRange('peerTimeoutMs', options.peerTimeoutMs ?? DEFAULT_PEER_TIMEOUT_MS, 0),
    pushPullIntervalMs: checkRange(
      'pushPullIntervalMs',
      options.pushPullIntervalMs ?? DEFAULT_PUSH_PULL_INTERVAL_MS,
      1
    ),
    settleTimeoutMs: checkRange(
      'settleTimeoutMs',
      options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS,
      0
    ),
    tcpTimeoutMs: checkRange('tcpTimeoutMs', options.tcpTimeoutMs ?? DEFAULT_TCP_TIMEOUT_MS, 1),
    reconnectIntervalMs: checkRange(
      'reconnectIntervalMs',
      options.reconnectIntervalMs ?? DEFAULT_RECONNECT_INTERVAL_MS,
      1
    ),
    reconnectTimeoutMs: checkRange(
      'reconnectTimeoutMs',
      options.reconnectTimeoutMs ?? DEFAULT_RECONNECT_TIMEOUT_MS,
      1
    ),
    maxMessageBytes: checkRange(
      'maxMessageBytes',
      options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      MIN_MAX_MESSAGE_BYTES,
      MAX_MAX_MESSAGE_BYTES
    ),
    pingIntervalMs,
    pingTimeoutMs: checkRange(
      'pingTimeoutMs',
      options.pingTimeoutMs ?? Math.max(MIN_PING_TIMEOUT_MS, 3 * pingIntervalMs),
      1
    ),
  }
}
