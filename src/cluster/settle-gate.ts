import type Logger from 'bunyan'

import type { Dialer } from './dialer.js'
import { Settle } from './settle.js'

/** A node whose known peers have all been unreachable this long settles alone. */
const SETTLE_UNREACHABLE_MS = 1_000
const SETTLE_POLL_MS = 100

/** SettleTargets is what settling asks the dialer about the addresses it knows. */
export type SettleTargets = Pick<Dialer, 'addresses' | 'allDownFor' | 'allReachedOrDownFor'>

/** SettleGateOptions configure a {@link SettleGate}; the functions are asked at each check. */
export interface SettleGateOptions {
  /** The latest the node becomes ready (--cluster.settle-timeout). */
  readonly timeoutMs: number
  /** Whether every peer source has spoken (the discovery's `sourcesKnown`). */
  readonly sourcesKnown: () => boolean
  /** The peers with an established connection, by name. */
  readonly peers: () => ReadonlyMap<string, unknown>
  /** Whether a connection is still in its handshake. */
  readonly handshaking: () => boolean
  /** The dialer's addresses and how long each has been down. */
  readonly targets: SettleTargets
  readonly now: () => number
  readonly log: Logger
}

/**
 * SettleGate decides when this node has settled, from what the rest of the peer knows: which
 * peers' full state has been merged, whether every peer source has spoken, and how long the
 * known addresses have been unreachable. It drives a {@link Settle}, which holds the timeout,
 * the poll and the waiters.
 *
 * The node settles with reason `no_peers` once every source is known and names nobody but
 * itself; `full_state` once it has merged the full state of at least one peer and every known
 * address either belongs to a connected peer whose full state is merged or has been unreachable
 * for a second; `peers_unreachable` when nobody is connected or handshaking and every known
 * address has been unreachable for a second; `timeout` at --cluster.settle-timeout.
 */
export class SettleGate {
  readonly #options: SettleGateOptions
  readonly #settle: Settle
  /** Peers whose full state has been merged. */
  readonly #fullStateFrom = new Set<string>()
  #started = false

  /**
   * SettleGate's constructor takes the timeout and the views of the peer it decides on;
   * nothing is decided before {@link SettleGate.start}.
   *
   * @param options - timeout, views, clock and logger.
   */
  constructor(options: SettleGateOptions) {
    this.#options = options
    this.#settle = new Settle({
      timeoutMs: options.timeoutMs,
      pollMs: SETTLE_POLL_MS,
      canSettleAlone: () => this.#canSettleAlone(),
      isSynced: () => this.#isSynced(),
      now: options.now,
      log: options.log,
    })
  }

  /** ready tells whether the node has settled. */
  get ready(): boolean {
    return this.#settle.ready
  }

  /**
   * start begins the settle phase.
   *
   * @param expectsPeers - whether any peer may come (--cluster.peer or discovery); when not,
   *   the node settles at once.
   */
  start(expectsPeers: boolean): void {
    this.#started = true
    this.#settle.start()
    if (!expectsPeers) {
      this.#settle.settle('no_peers')
    }
  }

  /**
   * resettle makes a settled node settle again, from fresh full states of its peers: after a
   * stall, what it merged before may be missing everything sent meanwhile.
   */
  resettle(): void {
    if (!this.#started) {
      return
    }
    this.#fullStateFrom.clear()
    this.#settle.restart()
  }

  /**
   * merged records that a peer's full state has been merged, and checks at once.
   *
   * @param from - the peer's name.
   */
  merged(from: string): void {
    this.#fullStateFrom.add(from)
    this.check()
  }

  /** check settles at once when every peer source is known and names nobody but us. */
  check(): void {
    if (!this.#started) {
      return
    }
    const o = this.#options
    if (o.sourcesKnown() && o.targets.addresses().size === 0 && o.peers().size === 0) {
      this.#settle.settle('no_peers')
      return
    }
    this.#settle.check()
  }

  /**
   * waitReady resolves once settled (notify's `Peer.waitReady`).
   *
   * @param signal - aborts the wait.
   * @returns resolves when ready; rejects with the signal's reason, or a ClosedError when the
   *   gate stops first.
   */
  waitReady(signal: AbortSignal): Promise<void> {
    return this.#settle.waitReady(signal)
  }

  /** stop ends the timers; pending waiters are rejected with a ClosedError. */
  stop(): void {
    this.#settle.stop()
  }

  /**
   * isSynced: the full state of at least one peer is merged, and every known address either
   * belongs to a connected peer whose full state is merged or has been unreachable for
   * SETTLE_UNREACHABLE_MS. Settling on the first peer alone let a cold-started cluster notify
   * before its mesh had formed (a node briefly saw itself at position 0 and sent a duplicate).
   */
  #isSynced(): boolean {
    if (!this.#options.sourcesKnown() || this.#fullStateFrom.size === 0) {
      return false
    }
    // Handshakes in progress do not hold this up: a peer without the key keeps handshaking
    // forever, and its address counts as down like any unreachable one.
    const synced = new Set(
      [...this.#options.peers().keys()].filter((name) => this.#fullStateFrom.has(name))
    )
    return this.#options.targets.allReachedOrDownFor(SETTLE_UNREACHABLE_MS, synced)
  }

  /**
   * canSettleAlone: no peer is connected or handshaking, and every known address has been
   * unreachable for SETTLE_UNREACHABLE_MS, so there is nobody to pull state from.
   */
  #canSettleAlone(): boolean {
    const o = this.#options
    if (!o.sourcesKnown() || o.peers().size > 0 || o.handshaking()) {
      return false
    }
    return o.targets.allDownFor(SETTLE_UNREACHABLE_MS)
  }
}
