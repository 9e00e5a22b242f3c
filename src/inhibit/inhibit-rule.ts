import { isResolved } from '../alerts/index.js'
import type { Alert } from '../alerts/index.js'
import type { InhibitRuleConfig } from '../config/index.js'
import type { LabelSet, Matcher } from '../labels/index.js'

/**
 * matchesAll tells whether every matcher matches a label set (0.25's `labels.Matchers.Matches`;
 * an empty list matches everything).
 *
 * @param matchers - the matchers.
 * @param labels - the label set.
 * @returns true when all match.
 */
function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  for (const m of matchers) {
    if (!m.matchesLabels(labels)) {
      return false
    }
  }
  return true
}

/** SourceEntry is one cached source alert with its sort key precomputed. */
interface SourceEntry {
  readonly alert: Alert
  /** `endsAt`, or +Infinity for an alert without an end (which never resolves). */
  readonly until: number
}

/**
 * SourceBucket holds the cached sources that share one set of `equal` label values. Sources that
 * also match the rule's target matchers ("two-sided") are kept apart, because a check excludes
 * them exactly when the checked alert matches the source matchers too. Each list is sorted by
 * `until`, latest first, so the head of a list is its only source that can still inhibit if any
 * can: "resolved" is `until <= now`, monotone in `until`.
 */
interface SourceBucket {
  readonly sourceOnly: SourceEntry[]
  readonly twoSided: SourceEntry[]
}

/** CachedSource locates a fingerprint's entry so a newer version can replace it. */
interface CachedSource {
  readonly entry: SourceEntry
  readonly key: string
  readonly twoSided: boolean
}

/** untilOf maps an alert's end to its sort key. */
function untilOf(alert: Alert): number {
  return alert.endsAt === 0 ? Number.POSITIVE_INFINITY : alert.endsAt
}

/** firstAtOrBefore returns the first index of a latest-first list whose `until` is <= `until`. */
function firstAtOrBefore(list: readonly SourceEntry[], until: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as SourceEntry).until > until) {
      lo = mid + 1
    } else {
      hi = mid
    }
  }
  return lo
}

/** insertEntry inserts after every entry with the same or a later `until` (stable). */
function insertEntry(list: SourceEntry[], entry: SourceEntry): void {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as SourceEntry).until >= entry.until) {
      lo = mid + 1
    } else {
      hi = mid
    }
  }
  list.splice(lo, 0, entry)
}

/** removeEntry removes one entry, found by identity among those with its `until`. */
function removeEntry(list: SourceEntry[], entry: SourceEntry): void {
  for (let i = firstAtOrBefore(list, entry.until); i < list.length; i++) {
    if (list[i] === entry) {
      list.splice(i, 1)
      return
    }
  }
}

/**
 * InhibitRule is one compiled inhibit rule with its source cache (0.25's `inhibit.InhibitRule`
 * and its `scache`). The cache is indexed by the values of the rule's `equal` labels, so a check
 * is one map lookup and a look at the head of at most two sorted lists, however many sources are
 * cached (0.25 scans every cached source per check, inhibit.go `hasEqual`).
 *
 * @example
 * const rule = new InhibitRule(config.inhibit_rules[0])
 * if (rule.matchesSource(alert.labels)) rule.set(alert)
 * rule.matchesTarget(labels) && rule.hasEqual(labels, rule.matchesSource(labels), Date.now())
 */
export class InhibitRule {
  /** sourceMatchers select the alerts that inhibit. */
  readonly sourceMatchers: readonly Matcher[]
  /** targetMatchers select the alerts that can be inhibited. */
  readonly targetMatchers: readonly Matcher[]
  /** equal names the labels whose values must agree between source and target (deduplicated). */
  readonly equal: readonly string[]
  readonly #buckets = new Map<string, SourceBucket>()
  readonly #byFingerprint = new Map<string, CachedSource>()

  /**
   * InhibitRule's constructor takes the rule as configured (deprecated match forms already
   * folded into the matcher lists by src/config).
   *
   * @param rule - the configured rule.
   */
  constructor(rule: InhibitRuleConfig) {
    this.sourceMatchers = rule.source_matchers
    this.targetMatchers = rule.target_matchers
    this.equal = [...new Set(rule.equal)]
  }

  /** size is the number of cached sources, resolved ones included until {@link gc}. */
  get size(): number {
    return this.#byFingerprint.size
  }

  /**
   * matchesSource tells whether a label set matches all source matchers.
   *
   * @param labels - the label set.
   * @returns true when it is a source of this rule.
   */
  matchesSource(labels: LabelSet): boolean {
    return matchesAll(this.sourceMatchers, labels)
  }

  /**
   * matchesTarget tells whether a label set matches all target matchers.
   *
   * @param labels - the label set.
   * @returns true when this rule can inhibit it.
   */
  matchesTarget(labels: LabelSet): boolean {
    return matchesAll(this.targetMatchers, labels)
  }

  /**
   * set caches a source alert, replacing any earlier version with its fingerprint (0.25's
   * `scache.Set`: the latest version wins, even when it is older or resolved). The caller
   * checks the source matchers first, as 0.25's `Inhibitor.run` does.
   *
   * @param alert - the alert as the store holds it.
   */
  set(alert: Alert): void {
    const previous = this.#byFingerprint.get(alert.fingerprint)
    if (previous !== undefined) {
      this.#remove(alert.fingerprint, previous)
    }
    const key = this.#key(alert.labels)
    const twoSided = this.matchesTarget(alert.labels)
    const entry: SourceEntry = { alert, until: untilOf(alert) }
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      bucket = { sourceOnly: [], twoSided: [] }
      this.#buckets.set(key, bucket)
    }
    insertEntry(twoSided ? bucket.twoSided : bucket.sourceOnly, entry)
    this.#byFingerprint.set(alert.fingerprint, { entry, key, twoSided })
  }

  /**
   * hasEqual finds a cached source that inhibits a label set under this rule (0.25's
   * `InhibitRule.hasEqual`): not resolved at `now`, the same value for every `equal` label (a
   * label absent on both sides counts as equal), and, with `excludeTwoSidedMatch`, not itself
   * matching the target matchers. When several qualify, 0.25 returns whichever its map iteration
   * yields first; this returns the one with the latest `endsAt`, earliest cached on a tie.
   *
   * @param labels - the checked alert's labels.
   * @param excludeTwoSidedMatch - true when the checked alert matches the source matchers too.
   * @param now - epoch milliseconds.
   * @returns the inhibiting source alert, or undefined.
   */
  hasEqual(labels: LabelSet, excludeTwoSidedMatch: boolean, now: number): Alert | undefined {
    const bucket = this.#buckets.get(this.#key(labels))
    if (bucket === undefined) {
      return undefined
    }
    let best = bucket.sourceOnly[0]
    if (!excludeTwoSidedMatch) {
      const other = bucket.twoSided[0]
      if (other !== undefined && (best === undefined || other.until > best.until)) {
        best = other
      }
    }
    // The head has the latest end of every candidate: if it is resolved, all of them are.
    if (best === undefined || isResolved(best.alert, now)) {
      return undefined
    }
    return best.alert
  }

  /**
   * gc drops the cached sources resolved at `now` (0.25's `store.Alerts.gc`, run every
   * 15 minutes).
   *
   * @param now - epoch milliseconds.
   * @returns the number of sources dropped.
   */
  gc(now: number): number {
    let removed = 0
    for (const [key, bucket] of this.#buckets) {
      for (const list of [bucket.sourceOnly, bucket.twoSided]) {
        // Resolved entries form the tail of a latest-first list.
        const from = firstAtOrBefore(list, now)
        for (const dropped of list.splice(from)) {
          this.#byFingerprint.delete(dropped.alert.fingerprint)
          removed++
        }
      }
      if (bucket.sourceOnly.length === 0 && bucket.twoSided.length === 0) {
        this.#buckets.delete(key)
      }
    }
    return removed
  }

  /** #remove drops a fingerprint's cached entry and its bucket once empty. */
  #remove(fingerprint: string, cached: CachedSource): void {
    const bucket = this.#buckets.get(cached.key)
    if (bucket !== undefined) {
      removeEntry(cached.twoSided ? bucket.twoSided : bucket.sourceOnly, cached.entry)
      if (bucket.sourceOnly.length === 0 && bucket.twoSided.length === 0) {
        this.#buckets.delete(cached.key)
      }
    }
    this.#byFingerprint.delete(fingerprint)
  }

  /**
   * #key joins the values of the `equal` labels unambiguously: each value is prefixed with its
   * length. An absent label reads as "", as Go's `lset[name]` does. With no `equal` labels every
   * source shares the key "".
   */
  #key(labels: LabelSet): string {
    const names = this.equal
    if (names.length === 1) {
      return labels[names[0] as string] ?? ''
    }
    let key = ''
    for (const name of names) {
      const value = labels[name] ?? ''
      key += `${String(value.length)}:${value}`
    }
    return key
  }
}
