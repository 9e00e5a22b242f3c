import type Logger from 'bunyan'

import type { Alert, AlertStore } from '../alerts/index.js'
import type { InhibitRuleConfig } from '../config/index.js'
import type { LabelSet } from '../labels/index.js'
import { ClosedError } from '../util/index.js'

import { InhibitRule } from './inhibit-rule.js'

/**
 * INHIBITOR_GC_INTERVAL_MS is how often the node drops resolved sources from the inhibitor's
 * cache: every 15 minutes, as each rule's `scache.Run(ctx, 15*time.Minute)` in
 * inhibit/inhibit.go.
 */
export const INHIBITOR_GC_INTERVAL_MS = 15 * 60_000

/** InhibitorOptions are what an {@link Inhibitor} needs: its rules, the alert store and a clock. */
export interface InhibitorOptions {
  /** The config's `inhibit_rules`, in order. */
  readonly rules: readonly InhibitRuleConfig[]
  /** The node's alert store; the inhibitor subscribes to it on {@link Inhibitor.start}. */
  readonly store: AlertStore
  /** The caller's `log.child({ component: 'inhibitor' })`. */
  readonly log: Logger
  /** Clock, injected for tests; "resolved" is judged against it on every check. @default Date.now */
  readonly now?: () => number
}

/**
 * Inhibitor mutes alerts that an inhibit rule's firing source alert covers (0.25's
 * `inhibit.Inhibitor`, inhibit/inhibit.go). Every alert the store delivers that matches a rule's
 * source matchers is cached for that rule by fingerprint, the latest version winning; resolved
 * sources stop inhibiting as soon as their `endsAt` passes and leave the cache on {@link gc}.
 * It is config-scoped: a reload builds a new one, whose cache the store's synchronous replay
 * fills completely in {@link start} (0.25 refills it asynchronously, so right after a reload
 * an alert can notify although its inhibiting source is firing).
 *
 * @example
 * const inhibitor = new Inhibitor({ rules: config.inhibit_rules, store, log })
 * inhibitor.start()
 * inhibitor.inhibitedBy({ alertname: 'Slow', severity: 'warning', cluster: 'a' }) // '5f1e…'
 */
export class Inhibitor {
  readonly #rules: readonly InhibitRule[]
  readonly #store: AlertStore
  readonly #log: Logger
  readonly #now: () => number
  #unsubscribe: (() => void) | undefined
  #stopped = false

  /**
   * Inhibitor's constructor compiles the rules; nothing runs until {@link start}.
   *
   * @param options - rules, store, logger and clock.
   */
  constructor(options: InhibitorOptions) {
    this.#rules = options.rules.map((rule) => new InhibitRule(rule))
    this.#store = options.store
    this.#log = options.log
    this.#now = options.now ?? Date.now
  }

  /**
   * start subscribes to the alert store. The store replays every stored alert (resolved ones
   * included) before it returns, so the source caches are complete from the first check on.
   * Calling it again while running does nothing.
   *
   * @throws ClosedError after {@link stop}.
   */
  start(): void {
    if (this.#stopped) {
      throw new ClosedError('inhibitor')
    }
    if (this.#unsubscribe !== undefined || this.#rules.length === 0) {
      return
    }
    this.#unsubscribe = this.#store.subscribe((alert) => {
      this.#observe(alert)
    })
    this.#log.debug(
      { rules: this.#rules.length, sources: this.#sourceCount() },
      'Inhibitor started'
    )
  }

  /**
   * stop unsubscribes from the store; idempotent. Checks keep answering from the cache as it
   * was, so a pipeline still draining under the old config stays consistent.
   */
  stop(): void {
    this.#stopped = true
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /**
   * inhibitedBy returns the fingerprint of one alert that inhibits a label set, the first
   * found: rules are tried in order, and within a rule the source with the latest `endsAt` is
   * taken (0.25 takes an arbitrary one). The API shows it as `status.inhibitedBy`.
   *
   * @param labels - the checked alert's labels.
   * @returns the inhibiting alert's fingerprint, or undefined when not inhibited.
   */
  inhibitedBy(labels: LabelSet): string | undefined {
    return this.#find(labels)?.fingerprint
  }

  /**
   * mutes tells whether a label set is inhibited: the inhibit stage of the notification
   * pipeline (0.25's `Inhibitor.Mutes`). A source inhibits even when it is itself silenced or
   * inhibited.
   *
   * @param labels - the checked alert's labels.
   * @returns true when some rule's source inhibits it.
   */
  mutes(labels: LabelSet): boolean {
    return this.#find(labels) !== undefined
  }

  /**
   * gc drops the cached sources that are resolved now. The caller runs it every 15 minutes,
   * like 0.25's per-rule `scache.Run(ctx, 15*time.Minute)`; correctness never depends on it.
   *
   * @returns the number of cached sources dropped, over all rules.
   */
  gc(): number {
    const now = this.#now()
    let removed = 0
    for (const rule of this.#rules) {
      removed += rule.gc(now)
    }
    this.#log.debug({ removed, sources: this.#sourceCount() }, 'Inhibitor source cache GC')
    return removed
  }

  /** #observe caches an alert for every rule whose source matchers it matches (0.25's run). */
  #observe(alert: Alert): void {
    for (const rule of this.#rules) {
      if (rule.matchesSource(alert.labels)) {
        rule.set(alert)
      }
    }
  }

  // 0.25's Mutes: the first rule whose target matchers match and that has an equal source wins.
  // When the checked alert also matches the rule's source matchers, sources matching both sides
  // are disregarded, so two such alerts never inhibit each other (nor one itself).
  #find(labels: LabelSet): Alert | undefined {
    let now: number | undefined
    for (const rule of this.#rules) {
      if (!rule.matchesTarget(labels)) {
        continue
      }
      now ??= this.#now()
      const source = rule.hasEqual(labels, rule.matchesSource(labels), now)
      if (source !== undefined) {
        return source
      }
    }
    return undefined
  }

  #sourceCount(): number {
    let count = 0
    for (const rule of this.#rules) {
      count += rule.size
    }
    return count
  }
}
