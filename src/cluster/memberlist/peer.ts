import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

import type Logger from 'bunyan'
import { Registry } from 'prom-client'

import { defaultAdvertiseHost, formatHostPort, isWildcardHost, parseHostPort } from '../address.js'
import type { DropReason } from '../errors.js'
import { decodePart, decodeParts, encodePart, encodeParts } from '../messages.js'
import { createClusterMetrics } from '../metrics.js'
import type { ClusterMetrics } from '../metrics.js'
import type { ClusterPeerOptions } from '../peer-options.js'
import { positionOf, sortMembers } from '../position.js'
import { Settle } from '../settle.js'
import type { Channel, GossipPeer, GossipState, PeerInfo } from '../state.js'

import { BroadcastQueue } from './broadcast-queue.js'
import { encodeUser } from './codec.js'
import type { MemberlistDecodeErrorKind } from './errors.js'
import { Memberlist, UDP_BUFFER_SIZE } from './memberlist.js'
import { tlsTransport } from './tls-transport.js'
import { newUlid } from './ulid.js'

/**
 * MemberlistPeerOptions configure a {@link MemberlistPeer}: the flags both protocols share, as
 * {@link ClusterPeerOptions} documents them (with `tls` as Alertmanager 0.25's TLS transport),
 * and memberlist's own timings. Defaults are Alertmanager 0.25's.
 */
export interface MemberlistPeerOptions extends Pick<
  ClusterPeerOptions,
  | 'listenAddress'
  | 'advertiseAddress'
  | 'knownPeers'
  | 'expectDiscoveredPeers'
  | 'peerTimeoutMs'
  | 'pushPullIntervalMs'
  | 'settleTimeoutMs'
  | 'tcpTimeoutMs'
  | 'reconnectIntervalMs'
  | 'tls'
  | 'log'
  | 'registry'
> {
  /** @default 200 (--cluster.gossip-interval) */
  readonly gossipIntervalMs?: number
  /** @default 1_000 (--cluster.probe-interval) */
  readonly probeIntervalMs?: number
  /** @default 500 (--cluster.probe-timeout) */
  readonly probeTimeoutMs?: number
  /** The wall clock: ULID names are made of it. @default Date.now */
  readonly now?: () => number
}

/** DROP_REASON_OF files memberlist decode failures under the cluster's drop reasons. */
const DROP_REASON_OF: Readonly<Record<MemberlistDecodeErrorKind, DropReason>> = {
  truncated: 'malformed',
  malformed: 'malformed',
  unsupported: 'unknown_type',
  oversize: 'oversize',
}

/** How long this node's own changes gather before they are pushed to every member. */
const PUSH_BATCH_MS = 10
/** A batch this large is pushed at once. */
const MAX_PUSH_BYTES = 256 * 1024

/**
 * MemberlistPeer is a cluster peer that joins an Alertmanager 0.25 cluster as one of its own:
 * hashicorp/memberlist for membership and transport, Alertmanager's delegate for the states
 * (cluster/delegate.go, channel.go): the full state is a clusterpb.FullState in every push/pull,
 * a change is a clusterpb.Part user message gossiped in packets, or sent over TCP to every
 * member when it exceeds half a packet. The name is a fresh ULID, as Alertmanager's, so that
 * positions agree across Go and alertmesh nodes.
 */
export class MemberlistPeer implements GossipPeer {
  readonly #memberlist: Memberlist
  readonly #states = new Map<string, GossipState>()
  readonly #userQueue: BroadcastQueue
  /** This node's own changes waiting for the next immediate push, by state key. */
  readonly #pushes = new Map<string, Uint8Array[]>()
  #pushBytes = 0
  #pushTimer: NodeJS.Timeout | undefined
  readonly #settle: Settle
  readonly #listeners = new Set<() => void>()
  readonly #log: Logger
  readonly #knownPeers: readonly string[]
  readonly #peerTimeoutMs: number
  readonly #reconnectIntervalMs: number
  readonly #metrics: ClusterMetrics
  #discovered: readonly string[] | undefined
  #synced = false
  #joinAttempted = false
  #discoveredJoined: boolean
  /** Known or discovered addresses the last join round could not reach. */
  #failedPeers = 0
  #reconnect: NodeJS.Timeout | undefined
  #stopping: Promise<void> | undefined

  private constructor(options: MemberlistPeerOptions) {
    this.#log = options.log
    this.#knownPeers = options.knownPeers ?? []
    this.#peerTimeoutMs = options.peerTimeoutMs ?? 15_000
    this.#reconnectIntervalMs = options.reconnectIntervalMs ?? 10_000
    this.#discoveredJoined = options.expectDiscoveredPeers !== true
    const now = options.now ?? Date.now
    const listen = parseHostPort(options.listenAddress, 'cluster.listen-address')
    const advertise =
      options.advertiseAddress === undefined
        ? undefined
        : parseHostPort(options.advertiseAddress, 'cluster.advertise-address')
    // Alertmanager's retransmit multiplier: half the known peers, at least 3 (cluster.go Create).
    this.#userQueue = new BroadcastQueue(
      Math.max(3, Math.floor(this.#knownPeers.length / 2)),
      () => this.#memberlist.members().length
    )
    const { log } = options
    this.#memberlist = new Memberlist({
      ...pick(options, [
        'probeIntervalMs',
        'probeTimeoutMs',
        'gossipIntervalMs',
        'pushPullIntervalMs',
        'tcpTimeoutMs',
      ]),
      name: newUlid(now()),
      bindHost: isWildcardHost(listen.host) ? '0.0.0.0' : listen.host,
      bindPort: listen.port,
      advertiseHost:
        advertise?.host ?? (isWildcardHost(listen.host) ? defaultAdvertiseHost() : listen.host),
      advertisePort: advertise?.port ?? listen.port,
      ...(options.tls === undefined
        ? {}
        : {
            transport: tlsTransport({
              tls: options.tls,
              advertise: () => this.#memberlist.self.address,
              timeoutMs: options.tcpTimeoutMs ?? 10_000,
              log,
            }),
          }),
      delegate: {
        localState: () => this.#localState(),
        mergeRemoteState: (buf) => {
          this.#mergeRemoteState(buf)
        },
        notifyMsg: (buf) => {
          this.#notifyMsg(buf)
        },
        getBroadcasts: (overhead, limit) => this.#userQueue.take(overhead, limit),
      },
      onMembersChanged: () => {
        this.#membersChanged()
      },
      onDropped: (kind) => {
        this.#metrics.messagesDropped.inc({ reason: DROP_REASON_OF[kind] })
      },
      log,
      now,
    })
    this.#metrics = createClusterMetrics(
      options.registry ?? new Registry(),
      this.#memberlist.self.name,
      {
        members: () => this.#memberlist.members().length,
        position: () => this.position(),
        failedPeers: () => this.#failedPeers,
      }
    )
    this.#settle = new Settle({
      timeoutMs: options.settleTimeoutMs ?? 60_000,
      pollMs: 200,
      isSynced: () => this.#synced,
      // Alone, or every peer refused the join: nothing to wait for. With discovery, not before
      // its first answer was tried.
      canSettleAlone: () =>
        this.#discoveredJoined &&
        ((this.#knownPeers.length === 0 && (this.#discovered ?? []).length === 0) ||
          (this.#joinAttempted && this.#memberlist.members().length === 1)),
      now,
      log: this.#log,
    })
  }

  /**
   * create binds the cluster port and makes this node alive; {@link MemberlistPeer.start} joins.
   *
   * @param options - addresses, timings, logger and registry.
   * @returns the peer.
   */
  static async create(options: MemberlistPeerOptions): Promise<MemberlistPeer> {
    const peer = new MemberlistPeer(options)
    await peer.#memberlist.listen()
    return peer
  }

  /**
   * addState registers a replicated state under Alertmanager's key (`sil`, `nfl`).
   *
   * @param key - the key.
   * @param state - the state.
   * @returns the channel its local changes go out on.
   */
  addState(key: string, state: GossipState): Channel {
    this.#states.set(key, state)
    return {
      broadcast: (data, relayed) => {
        const gossiped = this.#broadcast(key, data)
        if (gossiped && relayed !== true) {
          this.#pushSoon(key, data)
        }
      },
    }
  }

  /** start runs memberlist's loops, joins the known peers and keeps retrying the missing ones. */
  start(): void {
    this.#memberlist.start()
    this.#settle.start()
    void this.#joinMissing().finally(() => {
      this.#joinAttempted = true
      this.#settle.check()
    })
    this.#reconnect = setInterval(() => {
      void this.#joinMissing()
    }, this.#reconnectIntervalMs)
    this.#reconnect.unref()
  }

  /**
   * setDiscoveredPeers adds addresses found by discovery (Consul) to those joined.
   *
   * @param addresses - `host:port` of peers.
   */
  setDiscoveredPeers(addresses: readonly string[]): void {
    this.#discovered = addresses
    void this.#joinMissing().finally(() => {
      this.#discoveredJoined = true
      this.#settle.check()
    })
  }

  /**
   * waitReady resolves once the node has settled.
   *
   * @param signal - aborts the wait.
   * @returns resolves when ready.
   */
  waitReady(signal: AbortSignal): Promise<void> {
    return this.#settle.waitReady(signal)
  }

  /** ready tells whether the node has settled. */
  get ready(): boolean {
    return this.#settle.ready
  }

  /**
   * status is the `cluster.status` of /api/v2/status.
   *
   * @returns `ready` once settled, else `settling`.
   */
  status(): 'settling' | 'ready' {
    return this.#settle.ready ? 'ready' : 'settling'
  }

  /**
   * self is this node: its ULID and advertised address.
   *
   * @returns the node.
   */
  self(): PeerInfo {
    return this.#memberlist.self
  }

  /**
   * members lists the members memberlist knows alive or suspect, sorted by name, as
   * Alertmanager's Peers and Position see them.
   *
   * @returns the members.
   */
  members(): PeerInfo[] {
    return sortMembers(this.#memberlist.members())
  }

  /**
   * position is this node's index among the members sorted by name.
   *
   * @returns 0 for the first.
   */
  position(): number {
    return positionOf(this.members(), this.#memberlist.self.name)
  }

  /**
   * waitMs is position × peer timeout, Alertmanager's wait before notifying.
   *
   * @returns the wait in milliseconds.
   */
  waitMs(): number {
    return this.position() * this.#peerTimeoutMs
  }

  /**
   * onMembersChanged calls `listener` after a member joined or left.
   *
   * @param listener - called after the change.
   * @returns a function that removes the listener.
   */
  onMembersChanged(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /**
   * stop leaves the cluster and closes the sockets. Idempotent.
   *
   * @returns resolves when closed.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#reconnect)
      clearTimeout(this.#pushTimer)
      this.#settle.stop()
      await this.#memberlist.stop()
    })()
    return this.#stopping
  }

  #membersChanged(): void {
    this.#settle.check()
    for (const l of this.#listeners) {
      l()
    }
  }

  async #joinMissing(): Promise<void> {
    const have = new Set(this.#memberlist.members().map((m) => m.address))
    const wanted = await resolveAll([...this.#knownPeers, ...(this.#discovered ?? [])])
    const missing = wanted.filter((a) => !have.has(a) && a !== this.#memberlist.self.address)
    if (missing.length === 0) {
      this.#failedPeers = 0
      return
    }
    const joined = await this.#memberlist.join(missing)
    this.#failedPeers = missing.length - joined
    if (joined > 0) {
      this.#metrics.reconnections.inc(joined)
    }
    if (joined < missing.length) {
      this.#metrics.reconnectionsFailed.inc(missing.length - joined)
    }
  }

  #localState(): Uint8Array {
    // Alertmanager warns on every key it does not know, so only its own states go out.
    const parts = [...this.#states].map(([key, s]) => ({ key, data: s.marshalBinary() }))
    const full = encodeParts('full_state', parts)
    this.#metrics.messagesSent.inc({ msg_type: 'full_state' })
    this.#metrics.messagesSentSize.inc({ msg_type: 'full_state' }, full.length)
    return full
  }

  #mergeRemoteState(buf: Uint8Array): void {
    this.#metrics.messagesReceived.inc({ msg_type: 'full_state' })
    this.#metrics.messagesReceivedSize.inc({ msg_type: 'full_state' }, buf.length)
    try {
      for (const part of decodeParts('full_state', buf)) {
        this.#merge(part.key, part.data)
      }
    } catch (err: unknown) {
      this.#log.warn({ err: String(err) }, 'merge remote state')
      return
    }
    this.#synced = true
    this.#settle.check()
  }

  #notifyMsg(buf: Uint8Array): void {
    this.#metrics.messagesReceived.inc({ msg_type: 'update' })
    this.#metrics.messagesReceivedSize.inc({ msg_type: 'update' }, buf.length)
    try {
      const part = decodePart(buf)
      this.#merge(part.key, part.data)
    } catch (err: unknown) {
      this.#log.warn({ err: String(err) }, 'decode broadcast')
    }
  }

  #merge(key: string, data: Uint8Array): void {
    const state = this.#states.get(key)
    if (state === undefined) {
      return
    }
    try {
      state.mergeBinary(data)
    } catch (err: unknown) {
      this.#log.warn({ key, err: String(err) }, 'merge broadcast')
    }
  }

  /**
   * pushSoon is alertmesh's immediate broadcast on top of Alertmanager's gossip: this node's
   * own changes also go to every member over TCP within PUSH_BATCH_MS, batched per state (a
   * state's gossip is a sequence of delimited records, so batches concatenate). Gossip alone
   * carries each change only retransmit-limit times to random members; in a burst (many groups
   * flushing at once) a member can miss an nflog entry until the next push/pull, wait out its
   * position and notify again. Relayed changes are not pushed: their author did.
   */
  #pushSoon(key: string, data: Uint8Array): void {
    const list = this.#pushes.get(key)
    if (list === undefined) {
      this.#pushes.set(key, [data])
    } else {
      list.push(data)
    }
    this.#pushBytes += data.length
    if (this.#pushBytes >= MAX_PUSH_BYTES) {
      this.#pushNow()
      return
    }
    this.#pushTimer ??= setTimeout(() => {
      this.#pushNow()
    }, PUSH_BATCH_MS)
  }

  #pushNow(): void {
    clearTimeout(this.#pushTimer)
    this.#pushTimer = undefined
    const self = this.#memberlist.self.name
    const members = this.#memberlist.members().filter((m) => m.name !== self)
    for (const [key, chunks] of this.#pushes) {
      const part = encodePart({ key, data: Buffer.concat(chunks) })
      for (const m of members) {
        this.#memberlist.sendReliable(m.name, part).catch((err: unknown) => {
          this.#log.debug({ node: m.name, err: String(err) }, 'failed to push a change')
        })
      }
    }
    this.#pushes.clear()
    this.#pushBytes = 0
  }

  /** broadcast sends a change Alertmanager's way; it says whether it was queued for gossip. */
  #broadcast(key: string, data: Uint8Array): boolean {
    const part = encodePart({ key, data })
    this.#metrics.messagesSent.inc({ msg_type: 'update' })
    this.#metrics.messagesSentSize.inc({ msg_type: 'update' }, part.length)
    // channel.go: a message over half a packet goes to every member over TCP instead.
    if (part.length > UDP_BUFFER_SIZE / 2) {
      const self = this.#memberlist.self.name
      for (const m of this.#memberlist.members()) {
        if (m.name === self) {
          continue
        }
        this.#memberlist.sendReliable(m.name, part).catch((err: unknown) => {
          this.#log.debug({ node: m.name, err: String(err) }, 'failed to send reliable')
        })
      }
      return false
    }
    this.#userQueue.queue(encodeUser(part))
    return true
  }
}

async function resolveAll(addresses: readonly string[]): Promise<string[]> {
  const out = new Set<string>()
  await Promise.all(
    addresses.map(async (a) => {
      let hp
      try {
        hp = parseHostPort(a)
      } catch {
        return
      }
      if (isIP(hp.host) !== 0) {
        out.add(formatHostPort(hp.host, hp.port))
        return
      }
      try {
        for (const r of await lookup(hp.host, { all: true })) {
          out.add(formatHostPort(r.address, hp.port))
        }
      } catch {
        // Unresolvable now; the next reconnect round tries again.
      }
    })
  )
  return [...out]
}

/** pick copies the options that are set, so unset ones keep the callee's defaults. */
function pick<T extends object, K extends keyof T>(
  from: T,
  keys: readonly K[]
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {}
  for (const k of keys) {
    if (from[k] !== undefined) {
      out[k] = from[k]
    }
  }
  return out
}
