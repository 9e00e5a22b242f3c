import type Logger from 'bunyan'

import { alertsString, compareAlerts, isResolved } from '../alerts/index.js'
import type { Alert } from '../alerts/index.js'
import { labelSetString } from '../labels/index.js'
import type { LabelSet } from '../labels/index.js'
import type { NotifyContext } from '../notify/index.js'
import { Deadline } from '../util/index.js'

import type { Route } from './route.js'

/** FlushFn runs the notification pipeline for one flush and resolves true on success. */
export type FlushFn = (ctx: NotifyContext, alerts: readonly Alert[]) => Promise<boolean>

/** AggregationGroupOptions are the dependencies of one aggregation group. */
export interface AggregationGroupOptions {
  readonly route: Route
  readonly labels: LabelSet
  readonly flush: FlushFn
  /**
   * Deadline of one flush from the route's group_interval (Alertmanager's timeout func), asked
   * at the start of each flush.
   */
  readonly flushTimeoutMs: (groupIntervalMs: number) => number
  readonly log: Logger
  readonly now: () => number
  /**
   * Starts a flush, at once or in a later event-loop turn (the dispatcher's FlushPacer, so
   * that groups coming due together do not hold the thread).
   * @default start at once
   */
  readonly pace?: (start: () => void) => void
}

/**
 * AggregationGroup holds the alerts of one (route, group labels) pair and flushes them to the
 * pipeline on Alertmanager's schedule: after group_wait, then every group_interval measured
 * from the tick (not from the end of the flush). Flushes of one group never overlap: a tick
 * that comes due during a flush runs right after it, as Go's buffered timer channel does.
 */
export class AggregationGroup {
  readonly route: Route
  readonly labels: LabelSet
  /** Group key, `<route key>:<group labels>`, shared by every node. */
  readonly groupKey: string
  readonly #alerts = new Map<string, Alert>()
  /**
   * The fingerprints in compareAlerts order, kept until one joins or leaves: the order reads
   * labels only, which a fingerprint fixes, so a new version of a member does not change it.
   */
  #order: string[] | undefined
  readonly #options: AggregationGroupOptions
  /**
   * The running flush's deadline, which stop() aborts. Not an AbortController of the group's
   * own as the flush's parent signal: that controller and its signal, with the listener map
   * each flush left on it, lived as long as the group (with the spent Immediate below, about
   * 800 bytes a group: a heap snapshot after 10,000 one-alert groups held 62.4 MiB, now 54.7).
   */
  #deadline: Deadline | undefined
  #timer: NodeJS.Timeout | undefined
  #immediate: NodeJS.Immediate | undefined
  #hasFlushed = false
  #flushing = false
  #tickDueAt: number | undefined
  #stopped = false

  constructor(options: AggregationGroupOptions) {
    this.#options = options
    this.route = options.route
    this.labels = options.labels
    this.groupKey = `${options.route.key}:${labelSetString(options.labels)}`
    this.#arm(options.route.opts.groupWaitMs)
  }

  /**
   * insert adds or replaces an alert. Before the first flush, an alert that started longer than
   * group_wait ago (after a restart or reload) makes the group flush at once.
   *
   * @param alert - the alert's latest version.
   */
  insert(alert: Alert): void {
    if (this.#order !== undefined && !this.#alerts.has(alert.fingerprint)) {
      this.#order = undefined
    }
    this.#alerts.set(alert.fingerprint, alert)
    if (!this.#hasFlushed && alert.startsAt + this.route.opts.groupWaitMs < this.#options.now()) {
      this.#arm(0)
    }
  }

  /** empty tells whether the group holds no alert (the dispatcher then removes it). */
  get empty(): boolean {
    return this.#alerts.size === 0
  }

  /** alerts iterates over the group's current alerts. */
  alerts(): IterableIterator<Alert> {
    return this.#alerts.values()
  }

  /**
   * sortedAlerts lists the group's current alerts as notifications and the API order them
   * (compareAlerts); the order is remembered while no alert joins or leaves.
   *
   * @returns a new array of the alerts.
   */
  sortedAlerts(): Alert[] {
    if (this.#order === undefined) {
      this.#order = [...this.#alerts.values()].sort(compareAlerts).map((a) => a.fingerprint)
    }
    return this.#order.map((fingerprint) => this.#alerts.get(fingerprint) as Alert)
  }

  /** stop cancels the timer and any flush in progress; the group is then dead. */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    clearImmediate(this.#immediate)
    this.#deadline?.abort(new Error('aggregation group stopped'))
  }

  #arm(delayMs: number): void {
    if (this.#stopped) {
      return
    }
    clearTimeout(this.#timer)
    clearImmediate(this.#immediate)
    const tick = (): void => {
      this.#tick(this.#options.now())
    }
    if (delayMs <= 0) {
      // group_wait 0 (or an alert already older than group_wait): flush right after this I/O
      // turn, as Go's zero timer fires at once; a 0 ms setTimeout waits at least 1 ms.
      // Let go of the Immediate once it ran: a group outlives it by hours.
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined
        tick()
      })
      this.#immediate.unref()
      return
    }
    this.#timer = setTimeout(tick, delayMs)
    this.#timer.unref()
  }

  #tick(at: number): void {
    if (this.#flushing) {
      this.#tickDueAt = at
      return
    }
    this.#arm(this.route.opts.groupIntervalMs)
    this.#hasFlushed = true
    // Flushing from here on, though the pacer may start it a few turns later: a tick that
    // comes due meanwhile waits for it as for a running flush.
    this.#flushing = true
    const pace = this.#options.pace
    if (pace === undefined) {
      void this.#flush(at)
    } else {
      pace(() => void this.#flush(at))
    }
  }

  async #flush(at: number): Promise<void> {
    let deadline: Deadline | undefined
    try {
      if (this.#alerts.size === 0 || this.#stopped) {
        return
      }
      const now = this.#options.now()
      // Firing alerts go out with a zero end so they cannot resolve while in the pipeline.
      const batch = this.sortedAlerts().map((alert) =>
        isResolved(alert, now) ? alert : { ...alert, endsAt: 0 }
      )
      const log = this.#options.log
      // bunyan's debug() without arguments says whether debug is on: no string at info level.
      if (log.debug()) {
        log.debug({ aggrGroup: this.groupKey, alerts: alertsString(batch, now) }, 'flushing')
      }
      const opts = this.route.opts
      deadline = new Deadline(this.#options.flushTimeoutMs(opts.groupIntervalMs))
      this.#deadline = deadline
      const ctx: NotifyContext = {
        receiver: opts.receiver,
        groupKey: this.groupKey,
        groupLabels: this.labels,
        repeatIntervalMs: opts.repeatIntervalMs,
        now: at,
        signal: deadline.signal,
        muteTimeIntervals: opts.muteTimeIntervals,
        activeTimeIntervals: opts.activeTimeIntervals,
      }
      if (await this.#options.flush(ctx, batch)) {
        this.#dropNotifiedResolved(batch)
      }
    } catch (err: unknown) {
      this.#options.log.error({ err, aggrGroup: this.groupKey }, 'flush failed')
    } finally {
      deadline?.clear()
      this.#deadline = undefined
      this.#flushing = false
      const due = this.#tickDueAt
      this.#tickDueAt = undefined
      if (due !== undefined && !this.#stopped) {
        this.#tick(due)
      }
    }
  }

  // Resolved alerts leave the group once notified, unless a newer version arrived meanwhile.
  #dropNotifiedResolved(batch: readonly Alert[]): void {
    for (const sent of batch) {
      if (sent.endsAt === 0) {
        continue
      }
      const current = this.#alerts.get(sent.fingerprint)
      if (current?.updatedAt === sent.updatedAt) {
        this.#alerts.delete(sent.fingerprint)
        this.#order = undefined
      }
    }
  }
}
