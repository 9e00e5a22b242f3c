import { setTimeout as delay } from 'node:timers/promises'

import { ClosedError, InvalidArgumentError } from '../util/index.js'

import type { QueryResult } from './client-types.js'
import { TokenBucket } from './token-bucket.js'

/** BlockingQueryOptions configure a {@link BlockingQuery}. */
export interface BlockingQueryOptions<T> {
  /** Names the query in errors, e.g. `kv alertmesh/config`. */
  readonly name: string
  /**
   * Reads the value, blocking while Consul's index is still `index` (0: answer at once). Must
   * reject when `signal` aborts.
   */
  readonly fetch: (index: bigint, waitMs: number, signal: AbortSignal) => Promise<QueryResult<T>>
  /**
   * Receives the first value, then every value that differs from the last one received
   * (by `equals`). If it throws, the error goes to `onError` like a failed read, and the same
   * value is offered again after the backoff.
   */
  readonly onChange: (value: T, index: bigint) => void
  /** Tells two values apart; Consul may answer with a new index and the same content. */
  readonly equals: (a: T, b: T) => boolean
  /**
   * Hears every failed read, with the count of failures in a row and the delay before the next
   * try. Must not throw.
   */
  readonly onError?: (err: unknown, attempt: number, retryInMs: number) => void
  /** Called on the first successful read after one or more failures. Must not throw. */
  readonly onRecovered?: () => void
  /**
   * How long Consul may hold each blocking read; 1 ms to 10 min (Consul's cap).
   *
   * @default 60_000
   */
  readonly waitMs?: number
  /**
   * Reads allowed per second in the long run (token bucket refill).
   *
   * @default 10
   */
  readonly ratePerSecond?: number
  /**
   * Reads allowed back to back before the rate applies (token bucket capacity).
   *
   * @default 3
   */
  readonly burst?: number
  /** Delay after failures: doubles from initialMs up to maxMs, with equal jitter. */
  readonly backoff?: {
    /** @default 200 */
    readonly initialMs?: number
    /** @default 30_000 */
    readonly maxMs?: number
  }
  /** @default Math.random */
  readonly random?: () => number
  /** Monotonic clock in milliseconds, for the rate limit. @default performance.now */
  readonly now?: () => number
  /**
   * Waits, rejecting when the signal aborts.
   *
   * @default an unref'd setTimeout from node:timers/promises
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

const DEFAULT_WAIT_MS = 60_000
/** Consul caps `wait` at 10 minutes (api-docs/features/blocking.mdx). */
const MAX_WAIT_MS = 600_000
const DEFAULT_RATE_PER_SECOND = 10
const DEFAULT_BURST = 3
const DEFAULT_BACKOFF_INITIAL_MS = 200
const DEFAULT_BACKOFF_MAX_MS = 30_000

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal, ref: false })

/**
 * BlockingQuery keeps one Consul read up to date with blocking queries and does the client
 * duties of Consul's "Blocking Queries" page, which node-consul's `watch` helper gets wrong
 * (it delivers twice after an index reset, delivers unchanged values and never rate limits):
 *
 * - the first read is non-blocking (index 0); each later one passes the last index;
 * - an index lower than the one sent (snapshot restore, a deleted key in a listed prefix)
 *   resets to 0, so the next read answers at once;
 * - an index of 0 is treated as 1, so the loop never blocks on 0;
 * - a token bucket bounds the request rate, whatever the server does;
 * - failures back off exponentially with jitter; the delay resets after a success;
 * - `onChange` sees a value only when it differs from the last one it saw, so an index reset
 *   or an identical KV write does not deliver twice.
 *
 * @example
 * ```ts
 * const query = new BlockingQuery({
 *   name: 'kv alertmesh/config',
 *   fetch: (index, waitMs, signal) => client.kvGet('alertmesh/config', { index, waitMs, signal }),
 *   equals: (a, b) => a?.value.equals(b?.value ?? Buffer.alloc(0)) ?? b === undefined,
 *   onChange: (entry) => apply(entry),
 * })
 * query.start()
 * await query.stop()
 * ```
 */
export class BlockingQuery<T> {
  readonly #options: BlockingQueryOptions<T>
  readonly #waitMs: number
  readonly #ratePerSecond: number
  readonly #burst: number
  readonly #backoffInitialMs: number
  readonly #backoffMaxMs: number
  readonly #random: () => number
  readonly #now: () => number
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly #controller = new AbortController()
  #loop: Promise<void> | undefined
  #stopped = false
  #lastIndex = 0n

  /**
   * BlockingQuery's constructor checks the options; nothing runs until {@link BlockingQuery.start}.
   *
   * @param options - what to read, what to call, and the tunables.
   * @throws InvalidArgumentError naming an option that is out of range.
   */
  constructor(options: BlockingQueryOptions<T>) {
    this.#options = options
    this.#waitMs = options.waitMs ?? DEFAULT_WAIT_MS
    if (!(this.#waitMs >= 1 && this.#waitMs <= MAX_WAIT_MS)) {
      throw new InvalidArgumentError(
        `${options.name}: waitMs must be within [1, ${MAX_WAIT_MS}], got ${this.#waitMs}`
      )
    }
    this.#ratePerSecond = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND
    if (!(this.#ratePerSecond > 0 && Number.isFinite(this.#ratePerSecond))) {
      throw new InvalidArgumentError(
        `${options.name}: ratePerSecond must be > 0, got ${this.#ratePerSecond}`
      )
    }
    this.#burst = options.burst ?? DEFAULT_BURST
    if (!(this.#burst >= 1 && Number.isFinite(this.#burst))) {
      throw new InvalidArgumentError(`${options.name}: burst must be ≥ 1, got ${this.#burst}`)
    }
    this.#backoffInitialMs = options.backoff?.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS
    this.#backoffMaxMs = options.backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS
    if (!(this.#backoffInitialMs > 0 && Number.isFinite(this.#backoffInitialMs))) {
      throw new InvalidArgumentError(
        `${options.name}: backoff.initialMs must be > 0, got ${this.#backoffInitialMs}`
      )
    }
    if (!(this.#backoffMaxMs >= this.#backoffInitialMs && Number.isFinite(this.#backoffMaxMs))) {
      throw new InvalidArgumentError(
        `${options.name}: backoff.maxMs must be ≥ backoff.initialMs, got ${this.#backoffMaxMs}`
      )
    }
    this.#random = options.random ?? Math.random
    this.#now = options.now ?? (() => performance.now())
    this.#sleep = options.sleep ?? defaultSleep
  }

  /** lastIndex is the X-Consul-Index of the latest successful read; 0 before the first. */
  get lastIndex(): bigint {
    return this.#lastIndex
  }

  /**
   * start begins the loop; a second call while running does nothing.
   *
   * @throws ClosedError after {@link BlockingQuery.stop}.
   */
  start(): void {
    if (this.#stopped) {
      throw new ClosedError(`blocking query ${this.#options.name}`)
    }
    this.#loop ??= this.#run(this.#controller.signal)
  }

  /**
   * stop aborts the read in flight (or the pause between reads) and resolves once the loop has
   * ended; no callback runs after that. Idempotent.
   *
   * @returns a promise that resolves when the loop is done.
   */
  stop(): Promise<void> {
    this.#stopped = true
    this.#controller.abort()
    return this.#loop ?? Promise.resolve()
  }

  async #run(signal: AbortSignal): Promise<void> {
    const bucket = new TokenBucket(this.#ratePerSecond, this.#burst, this.#now)
    let index = 0n
    let failures = 0
    let delivered: { readonly value: T } | undefined
    // A function, not `signal.aborted` inline: the flag changes across awaits, which the
    // compiler's narrowing does not see.
    const stopped = (): boolean => signal.aborted
    const fail = async (err: unknown): Promise<boolean> => {
      failures++
      const retryInMs = this.#backoffDelay(failures)
      this.#options.onError?.(err, failures, retryInMs)
      return this.#pause(retryInMs, signal)
    }

    while (!stopped()) {
      try {
        await bucket.take(this.#sleep, signal)
      } catch {
        break
      }
      let result: QueryResult<T>
      try {
        result = await this.#options.fetch(index, this.#waitMs, signal)
      } catch (err: unknown) {
        // A failed read may mean Consul restarted, possibly with lost state and a lower index.
        // Blocking on our old, higher index would then hang for a whole wait before the reset
        // shows, so the first read after an error never blocks.
        index = 0n
        if (stopped() || !(await fail(err))) {
          break
        }
        continue
      }
      if (stopped()) {
        break
      }
      this.#lastIndex = result.index
      // Never block on 0: Consul's docs call an index of 0 a bug to work around with 1.
      const got = result.index < 1n ? 1n : result.index
      // Lower than what we sent: the index was reset (snapshot restore, a deleted key under a
      // listed prefix), so the next read must not block. Equality is fine: the wait timed out.
      index = got < index ? 0n : got
      if (failures > 0) {
        failures = 0
        this.#options.onRecovered?.()
      }
      if (delivered !== undefined && this.#options.equals(delivered.value, result.value)) {
        continue
      }
      try {
        this.#options.onChange(result.value, result.index)
        delivered = { value: result.value }
      } catch (err: unknown) {
        // Offer the value again after the backoff: read without blocking, as after a reset.
        index = 0n
        if (!(await fail(err))) {
          break
        }
      }
    }
  }

  /** backoffDelay doubles from the initial delay up to the max, with equal jitter. */
  #backoffDelay(failures: number): number {
    const ceiling = Math.min(
      this.#backoffMaxMs,
      this.#backoffInitialMs * 2 ** Math.min(failures - 1, 52)
    )
    // Equal jitter: half fixed, half random, so retries from many nodes spread out but none
    // comes back immediately.
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2)
  }

  /** pause sleeps, and says whether the loop should go on (false once stopped). */
  async #pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.#sleep(ms, signal)
    } catch {
      // A sleep only rejects on abort; anything else would be a broken injected sleep.
    }
    return !signal.aborted
  }
}
