/**
 * BACKOFF_DEFAULTS are cenkalti/backoff's `NewExponentialBackOff` defaults as Alertmanager 0.25's
 * retry stage uses them (`notify/notify.go`), with `MaxElapsedTime = 0`: never give up by time.
 */
export const BACKOFF_DEFAULTS = {
  /** The first interval before randomisation. */
  initialIntervalMs: 500,
  /** Each interval is this factor of the previous one. */
  multiplier: 1.5,
  /** The returned delay is uniformly random within ± this fraction of the current interval. */
  randomizationFactor: 0.5,
  /** The current interval (before randomisation) never grows beyond this. */
  maxIntervalMs: 60_000,
} as const

/** ExponentialBackoffOptions tunes an {@link ExponentialBackoff}; every field is optional. */
export interface ExponentialBackoffOptions {
  /** @default 500 */
  readonly initialIntervalMs?: number
  /** @default 1.5 */
  readonly multiplier?: number
  /** @default 0.5 */
  readonly randomizationFactor?: number
  /** @default 60000 */
  readonly maxIntervalMs?: number
  /**
   * Source of uniform numbers in [0, 1), like Go's `rand.Float64`; inject a fixed function in tests.
   *
   * @default Math.random
   */
  readonly random?: () => number
}

const NS_PER_MS = 1_000_000

/**
 * ExponentialBackoff is cenkalti/backoff v4's `ExponentialBackOff` (the retry backoff of
 * Alertmanager 0.25), without the elapsed-time limit because Alertmanager sets
 * `MaxElapsedTime = 0`: the caller stops on its own deadline instead.
 *
 * The arithmetic runs on integer nanoseconds exactly as Go's `time.Duration` does (truncating
 * conversions included), so a given random sequence yields the same delays as Alertmanager.
 * Alertmanager's ticker asks for the next delay as soon as an attempt starts, so the wait and the
 * attempt overlap; a retry loop that wants to match it should start the timer before awaiting
 * the attempt.
 *
 * @example
 * ```ts
 * const backoff = new ExponentialBackoff()
 * backoff.next() // somewhere in [250, 750] ms
 * backoff.next() // somewhere in [375, 1125] ms
 * ```
 */
export class ExponentialBackoff {
  readonly #initialNs: number
  readonly #maxNs: number
  readonly #multiplier: number
  readonly #randomizationFactor: number
  readonly #random: () => number
  #currentNs: number

  /**
   * ExponentialBackoff's constructor takes the Alertmanager defaults for anything not given.
   *
   * @param options - tunables and the injectable random source.
   */
  constructor(options: ExponentialBackoffOptions = {}) {
    this.#initialNs = Math.trunc(
      (options.initialIntervalMs ?? BACKOFF_DEFAULTS.initialIntervalMs) * NS_PER_MS
    )
    this.#maxNs = Math.trunc((options.maxIntervalMs ?? BACKOFF_DEFAULTS.maxIntervalMs) * NS_PER_MS)
    this.#multiplier = options.multiplier ?? BACKOFF_DEFAULTS.multiplier
    this.#randomizationFactor = options.randomizationFactor ?? BACKOFF_DEFAULTS.randomizationFactor
    this.#random = options.random ?? Math.random
    this.#currentNs = this.#initialNs
  }

  /**
   * next returns the delay before the next attempt and grows the interval (Go's `NextBackOff`).
   *
   * @returns the delay in milliseconds, with nanosecond precision in the fraction.
   */
  next(): number {
    const nextNs = this.#randomized()
    // incrementCurrentInterval: clamp to the max before multiplying, so it never overflows.
    if (this.#currentNs >= this.#maxNs / this.#multiplier) {
      this.#currentNs = this.#maxNs
    } else {
      this.#currentNs = Math.trunc(this.#currentNs * this.#multiplier)
    }
    return nextNs / NS_PER_MS
  }

  /** reset starts the sequence over from the initial interval (Go's `Reset`). */
  reset(): void {
    this.#currentNs = this.#initialNs
  }

  /** getRandomValueFromInterval, including its `+ 1` ns that makes the upper bound reachable. */
  #randomized(): number {
    if (this.#randomizationFactor === 0) {
      return this.#currentNs
    }
    const delta = this.#randomizationFactor * this.#currentNs
    const min = this.#currentNs - delta
    const max = this.#currentNs + delta
    return Math.trunc(min + this.#random() * (max - min + 1))
  }
}
