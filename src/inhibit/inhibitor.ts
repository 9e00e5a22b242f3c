import type Logger from 'bunyan'

import { isResolved } from '../alerts/index.js'
import type { Alert, AlertStore } from '../alerts/index.js'
import type { InhibitRuleConfig } from '../config/index.js'
import type { LabelSet, Matcher } from '../labels/index.js'

/** InhibitorOptions are the dependencies of an Inhibitor. */
export interface InhibitorOptions {
  readonly rules: readonly InhibitRuleConfig[]
  readonly store: AlertStore
  readonly log: Logger
  /** @default Date.now */
  readonly now?: () => number
}

function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  for (const m of matchers) {
    if (!m.matchesLabels(labels)) {
      return false
    }
  }
  return true
}

// One rule with its source cache, bucketed by the values of the rule's `equal` labels so a
// check looks only at sources that can qualify (absent labels count as "").
class InhibitRule {
  readonly #rule: InhibitRuleConfig
  readonly #buckets = new Map<string, Map<string, Alert>>()

  constructor(rule: InhibitRuleConfig) {
    this.#rule = rule
  }

  #key(labels: LabelSet): string {
    return this.#rule.equal.map((name) => labels[name] ?? '').join('\u0000')
  }

  observe(alert: Alert): void {
    if (!matchesAll(this.#rule.source_matchers, alert.labels)) {
      return
    }
    const key = this.#key(alert.labels)
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      bucket = new Map()
      this.#buckets.set(key, bucket)
    }
    bucket.set(alert.fingerprint, alert)
  }

  targets(labels: LabelSet): boolean {
    return matchesAll(this.#rule.target_matchers, labels)
  }

  // Alertmanager's hasEqual with its self-inhibition guard (inhibit.go): a candidate source
  // that also matches the target matchers cannot inhibit an alert that is itself a source.
  inhibitor(labels: LabelSet, now: number): Alert | undefined {
    const bucket = this.#buckets.get(this.#key(labels))
    if (bucket === undefined) {
      return undefined
    }
    const excludeTwoSided = matchesAll(this.#rule.source_matchers, labels)
    for (const source of bucket.values()) {
      if (isResolved(source, now)) {
        continue
      }
      if (excludeTwoSided && matchesAll(this.#rule.target_matchers, source.labels)) {
        continue
      }
      return source
    }
    return undefined
  }

  gc(now: number): number {
    let removed = 0
    for (const [key, bucket] of this.#buckets) {
      for (const [fp, alert] of bucket) {
        if (isResolved(alert, now)) {
          bucket.delete(fp)
          removed++
        }
      }
      if (bucket.size === 0) {
        this.#buckets.delete(key)
      }
    }
    return removed
  }
}

/**
 * Inhibitor mutes alerts that an inhibit rule's firing source alert covers (Alertmanager's
 * inhibit.Inhibitor). It is config-scoped: a reload builds a new one with an empty cache that
 * the store's replay fills at once.
 */
export class Inhibitor {
  readonly #rules: InhibitRule[]
  readonly #store: AlertStore
  readonly #now: () => number
  #unsubscribe: (() => void) | undefined

  constructor(options: InhibitorOptions) {
    this.#rules = options.rules.map((rule) => new InhibitRule(rule))
    this.#store = options.store
    this.#now = options.now ?? Date.now
  }

  /** start subscribes to the alert store; stored alerts are replayed first. */
  start(): void {
    if (this.#rules.length === 0 || this.#unsubscribe !== undefined) {
      return
    }
    this.#unsubscribe = this.#store.subscribe((alert) => {
      for (const rule of this.#rules) {
        rule.observe(alert)
      }
    })
  }

  /** stop unsubscribes; idempotent. */
  stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /**
   * inhibitedBy returns the fingerprint of the first source alert inhibiting an alert.
   *
   * @param labels - the alert's labels.
   * @returns the inhibiting alert's fingerprint, or undefined.
   */
  inhibitedBy(labels: LabelSet): string | undefined {
    const now = this.#now()
    for (const rule of this.#rules) {
      if (rule.targets(labels)) {
        const source = rule.inhibitor(labels, now)
        if (source !== undefined) {
          return source.fingerprint
        }
      }
    }
    return undefined
  }

  /**
   * mutes tells whether an alert is inhibited (the pipeline's mute stage).
   *
   * @param labels - the alert's labels.
   * @returns true when inhibited.
   */
  mutes(labels: LabelSet): boolean {
    return this.inhibitedBy(labels) !== undefined
  }

  /**
   * gc drops resolved source alerts from the caches.
   *
   * @returns how many were dropped.
   */
  gc(): number {
    const now = this.#now()
    return this.#rules.reduce((sum, rule) => sum + rule.gc(now), 0)
  }
}
