/**
 * Deadline is an abort signal that fires after a time limit or when any parent signal fires,
 * whichever comes first, with a timer this object owns and {@link Deadline.clear} stops.
 *
 * Why not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 a timeout signal
 * referenced only through `AbortSignal.any` can be garbage-collected before its timer fires
 * (nodejs/node#57736), so the combined signal silently never times out. Here the timer closure
 * holds the controller, and libuv's timer list holds the timer, until it fires or is cleared.
 *
 * @example
 * const deadline = new Deadline(10_000, [shutdown.signal])
 * try {
 *   await work(deadline.signal)
 * } finally {
 *   deadline.clear()
 * }
 */
export class Deadline {
  /** signal aborts with a `TimeoutError` DOMException at the limit, or with a parent's reason. */
  readonly signal: AbortSignal
  readonly #controller = new AbortController()
  readonly #parents: readonly AbortSignal[]
  readonly #timer: NodeJS.Timeout
  readonly #onParentAbort = (event: Event): void => {
    this.#abort((event.target as AbortSignal).reason)
  }

  /**
   * Deadline's constructor starts the timer at once; a parent that has already fired aborts the
   * signal before the constructor returns.
   *
   * @param limitMs - the time limit in milliseconds (a negative or NaN limit fires at once).
   * @param parents - signals whose abort aborts this one too (shutdown, a caller's signal).
   */
  constructor(limitMs: number, parents: readonly AbortSignal[] = []) {
    this.signal = this.#controller.signal
    this.#parents = parents
    this.#timer = setTimeout(
      () => {
        this.#abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
      },
      Number.isFinite(limitMs) ? Math.max(0, limitMs) : 0
    )
    // The limit bounds work that something else keeps alive; it must not keep the process up.
    this.#timer.unref()
    for (const parent of parents) {
      if (parent.aborted) {
        this.#abort(parent.reason)
        break
      }
      parent.addEventListener('abort', this.#onParentAbort, { once: true })
    }
  }

  /** timedOut tells whether the signal fired because the limit passed. */
  get timedOut(): boolean {
    const reason: unknown = this.signal.reason
    return reason instanceof DOMException && reason.name === 'TimeoutError'
  }

  /**
   * abort fires the signal now with `reason` (unless it already fired) and stops the timer: the
   * owner cancels the work without a parent signal of its own to abort.
   *
   * @param reason - the signal's reason.
   */
  abort(reason: unknown): void {
    this.#abort(reason)
  }

  /** clear stops the timer and lets go of the parents; the signal keeps its state. Idempotent. */
  clear(): void {
    clearTimeout(this.#timer)
    for (const parent of this.#parents) {
      parent.removeEventListener('abort', this.#onParentAbort)
    }
  }

  #abort(reason: unknown): void {
    if (this.signal.aborted) {
      return
    }
    this.#controller.abort(reason)
    this.clear()
  }
}
