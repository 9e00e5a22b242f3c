import { performance } from 'node:perf_hooks'

/**
 * TURN_BUDGET_MS is about how long the flushes started in one event-loop turn may keep the
 * thread: the API answers between turns, so this bounds what a flush storm adds to its latency.
 */
export const TURN_BUDGET_MS = 10

/** MAX_PER_TURN caps the flushes started in one turn however cheap they have been. */
const MAX_PER_TURN = 1024

/**
 * FlushPacer spreads the starts of aggregation group flushes that come due together over
 * event-loop turns. Node runs every expired timer of a timer list in one go, draining each
 * callback's promise jobs, without polling I/O in between: 100k groups created within a second
 * come due within a second, and their flushes (the whole pipeline up to the first socket
 * write) then held the thread for seconds, so GET /-/ready waited as long. Go's Alertmanager
 * runs each group in its own goroutine, which the scheduler preempts; this is the
 * single-threaded counterpart.
 *
 * A start that finds the turn's allowance left runs at once, as before, so a lone flush is not
 * delayed; the rest wait, in order, for the next turns (setImmediate, which comes after the
 * I/O poll). The allowance adapts to the measured cost of a turn's starts (their promise jobs
 * included): halved when a turn took more than TURN_BUDGET_MS, grown by a quarter otherwise.
 */
export class FlushPacer {
  readonly #queue: ((() => void) | undefined)[] = []
  #head = 0
  #perTurn = 64
  #startedThisTurn = 0
  #turnStartedAt = 0
  #turnEnd: NodeJS.Immediate | undefined

  /**
   * run starts a flush now when this turn allows one more, else queues it for a later turn.
   *
   * @param start - begins the flush (its promise is the caller's).
   */
  run(start: () => void): void {
    if (this.#head === this.#queue.length && this.#startedThisTurn < this.#perTurn) {
      this.#begin(start)
      return
    }
    this.#queue.push(start)
    this.#scheduleTurnEnd()
  }

  #begin(start: () => void): void {
    if (this.#startedThisTurn === 0) {
      this.#turnStartedAt = performance.now()
    }
    this.#startedThisTurn++
    this.#scheduleTurnEnd()
    start()
  }

  #scheduleTurnEnd(): void {
    if (this.#turnEnd !== undefined) {
      return
    }
    this.#turnEnd = setImmediate(() => {
      this.#turnEnd = undefined
      this.#endTurn()
    })
    // A pending start keeps the process alive no more than the timer that queued it did.
    this.#turnEnd.unref()
  }

  #endTurn(): void {
    if (this.#startedThisTurn > 0) {
      const took = performance.now() - this.#turnStartedAt
      this.#perTurn =
        took > TURN_BUDGET_MS
          ? Math.max(1, Math.floor(this.#perTurn / 2))
          : Math.min(MAX_PER_TURN, this.#perTurn + Math.ceil(this.#perTurn / 4))
    }
    this.#startedThisTurn = 0
    while (this.#head < this.#queue.length && this.#startedThisTurn < this.#perTurn) {
      const start = this.#queue[this.#head]
      // Clear the slot so the queue does not keep the started flush's closure alive.
      this.#queue[this.#head] = undefined
      this.#head++
      if (start !== undefined) {
        this.#begin(start)
      }
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0
      this.#head = 0
    }
  }
}
