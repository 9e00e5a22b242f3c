/**
 * TokenBucket limits how often a loop may act: it holds up to `burst` tokens, refills at
 * `ratePerSecond`, and each action takes one. Consul's blocking-query docs ask clients to rate
 * limit this way, so a key that changes constantly (or a server that answers at once) costs a
 * bounded number of requests instead of a busy loop.
 */
export class TokenBucket {
  readonly #ratePerMs: number
  readonly #burst: number
  readonly #now: () => number
  #tokens: number
  #refilledAt: number

  /**
   * TokenBucket's constructor starts with a full bucket.
   *
   * @param ratePerSecond - refill rate, > 0.
   * @param burst - capacity, ≥ 1.
   * @param now - monotonic clock in milliseconds.
   */
  constructor(ratePerSecond: number, burst: number, now: () => number) {
    this.#ratePerMs = ratePerSecond / 1000
    this.#burst = burst
    this.#now = now
    this.#tokens = burst
    this.#refilledAt = now()
  }

  /**
   * take waits until a token is available and takes it.
   *
   * @param sleep - waits the given milliseconds; rejects when the signal aborts.
   * @param signal - ends the wait early (the promise then rejects).
   */
  async take(
    sleep: (ms: number, signal: AbortSignal) => Promise<void>,
    signal: AbortSignal
  ): Promise<void> {
    for (;;) {
      signal.throwIfAborted()
      this.#refill()
      if (this.#tokens >= 1) {
        this.#tokens -= 1
        return
      }
      // Ceil so the clock has moved far enough when we look again; a fraction short would cost
      // an extra 1 ms round.
      await sleep(Math.ceil((1 - this.#tokens) / this.#ratePerMs), signal)
    }
  }

  #refill(): void {
    const now = this.#now()
    const elapsed = Math.max(0, now - this.#refilledAt)
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#ratePerMs)
    this.#refilledAt = now
  }
}
