import type Logger from 'bunyan'

import { alertString, compareLabelSets } from '../alerts/index.js'
import type { Alert, AlertStore } from '../alerts/index.js'
import { fingerprint } from '../labels/index.js'
import type { LabelSet } from '../labels/index.js'
import type { Stage } from '../notify/index.js'
import { ClosedError, errorMessage } from '../util/index.js'

import { AggregationGroup } from './aggregation-group.js'
import type { AggregationGroupOptions } from './aggregation-group.js'
import { FlushPacer } from './flush-pacer.js'
import { flushTimeoutMs } from './flush-timeout.js'
import type { DispatcherMetrics } from './metrics.js'
import type { Route } from './route.js'

/** DispatcherOptions are the dependencies of a Dispatcher. */
export interface DispatcherOptions {
  readonly store: AlertStore
  readonly route: Route
  readonly pipeline: Stage
  readonly log: Logger
  readonly metrics: DispatcherMetrics
  /**
   * This node's cluster wait before notifying (position × peer_timeout), read at each flush:
   * it extends the flush deadline (see {@link flushTimeoutMs}).
   * @default no wait
   */
  readonly clusterWaitMs?: () => number
  /** @default Date.now */
  readonly now?: () => number
  /** How often empty groups are removed. @default 30 s */
  readonly cleanupIntervalMs?: number
}

/** AlertGroupView is one aggregation group as the API lists it. */
export interface AlertGroupView {
  /** The aggregation group's key, as the nflog and the notification pipeline know it. */
  readonly groupKey: string
  readonly labels: LabelSet
  readonly receiver: string
  readonly alerts: readonly Alert[]
}

/**
 * Dispatcher routes every alert of the store into aggregation groups and hands their flushes
 * to the notification pipeline (Alertmanager's dispatch.Dispatcher). It knows nothing about
 * integrations: the pipeline is one Stage.
 */
export class Dispatcher {
  readonly route: Route
  readonly #options: DispatcherOptions
  readonly #groups = new Map<Route, Map<string, AggregationGroup>>()
  readonly #now: () => number
  /** One pacer for every group, so a storm of due groups shares the turns' allowance. */
  readonly #pacer = new FlushPacer()
  /**
   * What every group is given besides its route and labels: made once, so 100k groups do not
   * hold 100k copies of the same three closures.
   */
  readonly #groupHooks: Omit<AggregationGroupOptions, 'route' | 'labels'>
  #unsubscribe: (() => void) | undefined
  #cleanup: NodeJS.Timeout | undefined
  #stopped = false

  constructor(options: DispatcherOptions) {
    this.#options = options
    this.route = options.route
    this.#now = options.now ?? Date.now
    this.#groupHooks = {
      flush: (ctx, alerts) => this.#flush(ctx, alerts),
      flushTimeoutMs: (groupIntervalMs) =>
        flushTimeoutMs(groupIntervalMs, this.#options.clusterWaitMs?.() ?? 0),
      log: options.log,
      now: this.#now,
      pace: (start) => {
        this.#pacer.run(start)
      },
    }
  }

  /** start subscribes to the store, which first replays every stored alert. */
  start(): void {
    if (this.#stopped) {
      throw new ClosedError('dispatcher')
    }
    this.#options.metrics.aggregationGroups.set(0)
    this.#unsubscribe = this.#options.store.subscribe((alert) => {
      this.#process(alert)
    })
    this.#cleanup = setInterval(() => {
      this.#removeEmptyGroups()
    }, this.#options.cleanupIntervalMs ?? 30_000)
    this.#cleanup.unref()
  }

  /** stop unsubscribes and stops every group, cancelling flushes in progress. Idempotent. */
  stop(): Promise<void> {
    if (this.#stopped) {
      return Promise.resolve()
    }
    this.#stopped = true
    this.#unsubscribe?.()
    clearInterval(this.#cleanup)
    for (const groups of this.#groups.values()) {
      for (const group of groups.values()) {
        group.stop()
      }
    }
    this.#groups.clear()
    return Promise.resolve()
  }

  /** groupCount is the number of live aggregation groups. */
  get groupCount(): number {
    let count = 0
    for (const groups of this.#groups.values()) {
      count += groups.size
    }
    return count
  }

  /**
   * groups lists the aggregation groups for the API (Alertmanager's Dispatcher.Groups): groups
   * whose route passes `routeFilter`, with the alerts that pass `alertFilter`, sorted by group
   * labels then receiver; alerts sorted as in notifications. Also returns, per fingerprint, the
   * sorted receivers of the listed groups the alert is in.
   *
   * @param routeFilter - keeps a route's groups.
   * @param alertFilter - keeps an alert.
   * @returns the groups and the receivers per fingerprint.
   */
  groups(
    routeFilter: (route: Route) => boolean,
    alertFilter: (alert: Alert) => boolean
  ): { groups: AlertGroupView[]; receivers: Map<string, string[]> } {
    const views: AlertGroupView[] = []
    const receivers = new Map<string, string[]>()
    for (const [route, groups] of this.#groups) {
      if (!routeFilter(route)) {
        continue
      }
      const receiver = route.opts.receiver
      for (const group of groups.values()) {
        const alerts: Alert[] = []
        // Already in order: a filtered subsequence of a sorted list needs no sort.
        for (const alert of group.sortedAlerts()) {
          if (!alertFilter(alert)) {
            continue
          }
          const list = receivers.get(alert.fingerprint)
          if (list === undefined) {
            receivers.set(alert.fingerprint, [receiver])
          } else {
            list.push(receiver)
          }
          alerts.push(alert)
        }
        if (alerts.length > 0) {
          views.push({ groupKey: group.groupKey, labels: group.labels, receiver, alerts })
        }
      }
    }
    views.sort(
      (a, b) =>
        compareLabelSets(a.labels, b.labels) ||
        (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0)
    )
    for (const list of receivers.values()) {
      list.sort()
    }
    return { groups: views, receivers }
  }

  #process(alert: Alert): void {
    const started = performance.now()
    for (const route of this.route.match(alert.labels)) {
      this.#insert(alert, route)
    }
    this.#options.metrics.processingSeconds.observe((performance.now() - started) / 1000)
  }

  #insert(alert: Alert, route: Route): void {
    const labels = groupLabels(alert.labels, route)
    const id = fingerprint(labels)
    let groups = this.#groups.get(route)
    if (groups === undefined) {
      groups = new Map()
      this.#groups.set(route, groups)
    }
    let group = groups.get(id)
    if (group === undefined) {
      group = new AggregationGroup({ ...this.#groupHooks, route, labels })
      groups.set(id, group)
      this.#options.metrics.aggregationGroups.inc()
    }
    // Alertmanager logs "Received alert" once, before routing; here it is logged per group
    // the alert joins, so every line that follows the alert carries its group key.
    const log = this.#options.log
    if (log.debug()) {
      log.debug(
        { alert: alertString(alert, this.#now()), aggrGroup: group.groupKey },
        'Received alert'
      )
    }
    group.insert(alert)
  }

  async #flush(ctx: Parameters<Stage['exec']>[0], alerts: readonly Alert[]): Promise<boolean> {
    try {
      await this.#options.pipeline.exec(ctx, alerts)
      return true
    } catch (err: unknown) {
      if (!this.#stopped) {
        this.#options.log.error(
          { aggrGroup: ctx.groupKey, receiver: ctx.receiver, err: errorMessage(err) },
          'Notify for alerts failed'
        )
      }
      return false
    }
  }

  #removeEmptyGroups(): void {
    for (const groups of this.#groups.values()) {
      for (const [id, group] of groups) {
        if (group.empty) {
          group.stop()
          groups.delete(id)
          this.#options.metrics.aggregationGroups.dec()
        }
      }
    }
  }
}

// The alert's labels restricted to the route's group_by (all of them for `...`).
function groupLabels(labels: LabelSet, route: Route): LabelSet {
  if (route.opts.groupByAll) {
    return labels
  }
  const result: Record<string, string> = {}
  for (const name of route.opts.groupBy) {
    const value = labels[name]
    if (value !== undefined) {
      result[name] = value
    }
  }
  return result
}
