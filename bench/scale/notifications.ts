/**
 * Counts what the webhook sink received per aggregation group, without parsing the JSON: the
 * scale benchmark's bodies carry one group each, whose `group` label value is `g-<number>`, and
 * every alert of a webhook payload has a `"fingerprint"` field (Alertmanager's webhook v4; the
 * same for both targets). Scanning bytes keeps the sink cheap next to the target on 2 cores.
 */

const GROUP_NEEDLE = Buffer.from('"group":"g-')
const ALERT_NEEDLE = Buffer.from('"fingerprint":"')

/**
 * NotificationTracker records, for each group, whether it was notified and the most alerts one
 * of its notifications carried, and when every group first reached each of those.
 */
export class NotificationTracker {
  readonly #expected: Uint16Array
  readonly #best: Uint16Array
  #notified = 0
  #complete = 0
  #requests = 0
  #unparsed = 0
  #allNotifiedAtMs: number | undefined
  #allCompleteAtMs: number | undefined

  /**
   * @param expected - per group, the alerts a complete notification of it carries.
   */
  constructor(expected: Uint16Array) {
    this.#expected = expected
    this.#best = new Uint16Array(expected.length)
  }

  /**
   * record takes one webhook body.
   *
   * @param body - the request body.
   * @param atMs - epoch ms it arrived.
   */
  record(body: Buffer, atMs: number): void {
    this.#requests++
    const at = body.indexOf(GROUP_NEEDLE)
    let group = 0
    let i = at + GROUP_NEEDLE.length
    for (; at >= 0 && i < body.length; i++) {
      const digit = (body[i] ?? 0) - 0x30
      if (digit < 0 || digit > 9) {
        break
      }
      group = group * 10 + digit
    }
    if (at < 0 || group >= this.#best.length) {
      this.#unparsed++
      return
    }
    let alerts = 0
    for (let p = body.indexOf(ALERT_NEEDLE); p >= 0; p = body.indexOf(ALERT_NEEDLE, p + 1)) {
      alerts++
    }
    const before = this.#best[group] ?? 0
    if (alerts <= before) {
      return
    }
    this.#best[group] = alerts
    const expected = this.#expected[group] ?? 0
    if (before === 0) {
      this.#notified++
      if (this.#notified === this.#best.length) {
        this.#allNotifiedAtMs = atMs
      }
    }
    if (before < expected && alerts >= expected) {
      this.#complete++
      if (this.#complete === this.#best.length) {
        this.#allCompleteAtMs = atMs
      }
    }
  }

  /**
   * counts reports progress.
   *
   * @returns groups notified at least once, groups notified with all their alerts, requests
   *   received, requests whose group could not be read, and when each total was reached.
   */
  counts(): {
    notified: number
    complete: number
    requests: number
    unparsed: number
    allNotifiedAtMs: number | undefined
    allCompleteAtMs: number | undefined
  } {
    return {
      notified: this.#notified,
      complete: this.#complete,
      requests: this.#requests,
      unparsed: this.#unparsed,
      allNotifiedAtMs: this.#allNotifiedAtMs,
      allCompleteAtMs: this.#allCompleteAtMs,
    }
  }
}
