import type Logger from 'bunyan'

import { ClosedError } from '../util/index.js'

/**
 * SettleReason says what ended the settle phase: `no_peers` (no peer configured),
 * `full_state` (a peer's full state was merged), `peers_unreachable` (every known peer has
 * been unreachable for a second) or `timeout` (settleTimeoutMs passed first).
 */
export type SettleReason = 'no_peers' | 'full_state' | 'peers_unreachable' | 'timeout'

/** SettleOptions configure a {@link Settle}. */
export interface SettleOptions {
  /** The latest the node becomes ready (--cluster.settle-timeout). */
  readonly timeoutMs: number
  /** How often `canSettleAlone` is asked. */
  readonly pollMs: number
  /** Whether no known peer is reachable, so waiting for a full state is pointless. */
  readonly canSettleAlone: () => boolean
  /**
   * Whether the node has the state of every peer it can reach (asked before canSettleAlone;
   * settles with reason `full_state`).
   */
  readonly isSynced?: () => boolean
  readonly now: () => number
  readonly log: Logger
}

/**
 * Settle decides when a starting node may notify: once it has merged a full state from at
 * least one peer, so it knows the silences and nflog entries the cluster already has.
 * Alertmanager instead waits until the member count has been stable for three polls of
 * 2 s each (at least ~10 s, and the whole settle timeout when peers are down); here a lone node
 * or a node whose peers are all down is ready after a second, and a node with a reachable peer
 * as soon as that peer's state is in (cluster/cluster.go `Settle`).
 */
export class Settle {
  readonly #options: SettleOptions
  readonly #waiters = new Set<{ resolve: () => void; reject: (err: Error) => void }>()
  #startedAt = 0
  #ready = false
  #stopped = false
  #timeout: NodeJS.Timeout | undefined
  #poll: NodeJS.Timeout | undefined

  /**
   * Settle's constructor takes the timing and the reachability probe; the clock starts at
   * {@link Settle.start}.
   *
   * @param options - timeout, poll period, probe, clock and logger.
   */
  constructor(options: SettleOptions) {
    this.#options = options
  }

  /** ready tells whether the node has settled. */
  get ready(): boolean {
    return this.#ready
  }

  /** start begins the settle phase: the timeout and the reachability poll. */
  start(): void {
    this.#startedAt = this.#options.now()
    this.#options.log.info(
      { timeoutMs: this.#options.timeoutMs },
      'Waiting for gossip to settle...'
    )
    if (this.#options.timeoutMs === 0) {
      this.settle('timeout')
      return
    }
    this.#timeout = setTimeout(() => {
      this.settle('timeout')
    }, this.#options.timeoutMs)
    this.#timeout.unref()
    this.#poll = setInterval(() => {
      this.check()
    }, this.#options.pollMs)
    this.#poll.unref()
  }

  /**
   * restart opens a new settle phase on a node that had settled (its view of the cluster went
   * stale, see ClusterPeer): waiters wait again until it settles anew or times out.
   */
  restart(): void {
    if (this.#stopped) {
      return
    }
    this.#ready = false
    this.#clearTimers()
    this.start()
  }

  /** check asks the probe now, e.g. right after the peer list was resolved. */
  check(): void {
    if (this.#ready || this.#stopped) {
      return
    }
    if (this.#options.isSynced?.() === true) {
      this.settle('full_state')
    } else if (this.#options.canSettleAlone()) {
      this.settle('peers_unreachable')
    }
  }

  /**
   * settle ends the settle phase (idempotent) and releases every waiter.
   *
   * @param reason - what ended it, for the log.
   */
  settle(reason: SettleReason): void {
    if (this.#ready || this.#stopped) {
      return
    }
    this.#ready = true
    this.#clearTimers()
    const elapsedMs = Math.round(this.#options.now() - this.#startedAt)
    if (reason === 'timeout') {
      this.#options.log.info({ elapsedMs }, 'gossip not settled but continuing anyway')
    } else {
      // Alertmanager's words (cluster/cluster.go); `reason` says what alertmesh settled on.
      this.#options.log.info({ elapsedMs, reason }, 'gossip settled; proceeding')
    }
    for (const w of this.#waiters) {
      w.resolve()
    }
    this.#waiters.clear()
  }

  /**
   * waitReady resolves once settled (notify's `Peer.waitReady`).
   *
   * @param signal - aborts the wait.
   * @returns a promise that resolves when ready and rejects with the signal's reason on abort,
   *   or with a ClosedError when the peer stops first.
   */
  waitReady(signal: AbortSignal): Promise<void> {
    if (this.#ready) {
      return Promise.resolve()
    }
    if (this.#stopped) {
      return Promise.reject(new ClosedError('cluster peer'))
    }
    if (signal.aborted) {
      return Promise.reject(signal.reason as Error)
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter)
        reject(signal.reason as Error)
      }
      const waiter = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
        reject: (err: Error) => {
          signal.removeEventListener('abort', onAbort)
          reject(err)
        },
      }
      this.#waiters.add(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** stop ends the timers; waiters still pending are rejected with a ClosedError. */
  stop(): void {
    this.#stopped = true
    this.#clearTimers()
    for (const w of this.#waiters) {
      w.reject(new ClosedError('cluster peer'))
    }
    this.#waiters.clear()
  }

  #clearTimers(): void {
    clearTimeout(this.#timeout)
    clearInterval(this.#poll)
    this.#timeout = undefined
    this.#poll = undefined
  }
}
