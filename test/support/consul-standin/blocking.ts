// Raft indexes and blocking queries (Consul's api-docs/features/blocking.mdx and the server's
// blockingQuery in agent/consul/rpc.go). A blocking read runs its query, and while the index it
// would answer with is not above `?index`, parks until a write changes that, the wait runs out,
// or the state store is abandoned (a snapshot restore), in which case it answers at once with
// whatever index it now has.

/** DEFAULT_QUERY_TIME_MS is Consul's default `?wait` (default_query_time). */
export const DEFAULT_QUERY_TIME_MS = 5 * 60_000
/** MAX_QUERY_TIME_MS is Consul's cap on `?wait` (max_query_time). */
export const MAX_QUERY_TIME_MS = 10 * 60_000
/** JITTER_FRACTION: Consul adds up to wait/16 of random time to every blocking query. */
export const JITTER_FRACTION = 16

/**
 * RaftIndex is the one monotonically increasing log index that every write consumes, as Raft's
 * does in Consul: a failed CAS or an idempotent write still takes an index, which is why gaps
 * appear between the ModifyIndex values a client sees.
 */
export class RaftIndex {
  #value = 1

  /** current is the index of the last applied write. */
  get current(): number {
    return this.#value
  }

  /**
   * next allocates the index of a new write.
   *
   * @returns the new index.
   */
  next(): number {
    this.#value += 1
    return this.#value
  }

  /**
   * reset moves the log back, as a snapshot restore or a fresh cluster does.
   *
   * @param to - the new current index (at least 1).
   */
  reset(to: number): void {
    this.#value = Math.max(1, Math.floor(to))
  }
}

/**
 * queryTimeMs turns a parsed `?wait` into the time a blocking query may park: Consul's default
 * when absent or not positive, capped at its maximum, plus up to 1/16 of random jitter so that
 * many watchers do not all return together.
 *
 * @param waitMs - the parsed `?wait`, if any.
 * @param random - a source of [0, 1) numbers.
 * @returns milliseconds.
 */
export function queryTimeMs(
  waitMs: number | undefined,
  random: () => number = Math.random
): number {
  let base = waitMs ?? 0
  if (base <= 0) {
    base = DEFAULT_QUERY_TIME_MS
  } else if (base > MAX_QUERY_TIME_MS) {
    base = MAX_QUERY_TIME_MS
  }
  return base + random() * (base / JITTER_FRACTION)
}

/** BlockOutcome says why a blocking query stopped waiting. */
export type BlockOutcome = 'immediate' | 'changed' | 'timeout' | 'abandoned' | 'aborted'

/** BlockRequest describes one parked query. */
export interface BlockRequest {
  /** The client's `?index`; 0 means do not block. */
  readonly minIndex: number
  /** How long to park at most (already including jitter). */
  readonly waitMs: number
  /** Recomputes the index the query would answer with now. */
  readonly index: () => number
  /** Fires when the client went away. */
  readonly signal: AbortSignal
}

interface Waiter {
  readonly check: () => void
  readonly abandon: () => void
}

/**
 * BlockingHub parks blocking queries and wakes them after writes. Every write calls changed();
 * each parked query then recomputes its own index, so a query on one key is not answered by a
 * write elsewhere unless its index really moved (Consul's memdb watch sets give the same result).
 */
export class BlockingHub {
  readonly #waiters = new Set<Waiter>()

  /** pending is the number of parked queries. */
  get pending(): number {
    return this.#waiters.size
  }

  /** changed lets every parked query re-check its index after a write. */
  changed(): void {
    for (const waiter of [...this.#waiters]) {
      waiter.check()
    }
  }

  /** abandon answers every parked query now, as Consul does when a snapshot is restored. */
  abandon(): void {
    for (const waiter of [...this.#waiters]) {
      waiter.abandon()
    }
  }

  /**
   * wait parks a query until its index passes `minIndex`, the wait runs out, the store is
   * abandoned or the client leaves.
   *
   * @param request - the query.
   * @returns why it stopped.
   */
  wait(request: BlockRequest): Promise<BlockOutcome> {
    if (request.minIndex === 0 || request.index() > request.minIndex) {
      return Promise.resolve('immediate')
    }
    if (request.signal.aborted) {
      return Promise.resolve('aborted')
    }
    return new Promise((resolve) => {
      const finish = (outcome: BlockOutcome): void => {
        clearTimeout(timer)
        request.signal.removeEventListener('abort', onAbort)
        this.#waiters.delete(waiter)
        resolve(outcome)
      }
      const onAbort = (): void => {
        finish('aborted')
      }
      const waiter: Waiter = {
        check: () => {
          if (request.index() > request.minIndex) {
            finish('changed')
          }
        },
        abandon: () => {
          finish('abandoned')
        },
      }
      const timer = setTimeout(() => {
        finish('timeout')
      }, request.waitMs)
      timer.unref()
      request.signal.addEventListener('abort', onAbort)
      this.#waiters.add(waiter)
    })
  }
}
