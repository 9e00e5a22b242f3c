import type Logger from 'bunyan'

/**
 * WarnLimiter logs a warning at most once per interval for each key, adding how many were held
 * back since the last one. A peer that sends garbage in a loop, or a Consul outage retried for
 * hours, must not flood the log.
 */
export class WarnLimiter {
  readonly #log: Logger
  readonly #intervalMs: number
  readonly #now: () => number
  readonly #last = new Map<string, { at: number; suppressed: number }>()

  /**
   * WarnLimiter's constructor takes the logger, the interval and the clock.
   *
   * @param log - where warnings go.
   * @param intervalMs - the least time between two warnings with the same key.
   * @param now - monotonic clock in milliseconds.
   */
  constructor(log: Logger, intervalMs: number, now: () => number) {
    this.#log = log
    this.#intervalMs = intervalMs
    this.#now = now
  }

  /**
   * warn logs `msg` with `fields` unless a warning with the same key went out recently.
   *
   * @param key - what counts as the same warning, e.g. the drop reason.
   * @param fields - details for the log record.
   * @param msg - the constant message.
   */
  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.#now()
    const last = this.#last.get(key)
    if (last !== undefined && now - last.at < this.#intervalMs) {
      last.suppressed++
      return
    }
    const suppressed = last?.suppressed ?? 0
    this.#last.set(key, { at: now, suppressed: 0 })
    this.#log.warn(suppressed > 0 ? { ...fields, suppressed } : fields, msg)
  }

  /**
   * reset forgets a key, so the next warning with it goes out at once (after a recovery).
   *
   * @param key - the warning's key.
   */
  reset(key: string): void {
    this.#last.delete(key)
  }
}
