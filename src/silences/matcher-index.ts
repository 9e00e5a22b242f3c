import type { LabelSet, Matcher } from '../labels/index.js'

/** IndexedSilence is what the index holds per silence: its id and compiled matchers. */
export interface IndexedSilence {
  readonly id: string
  /** matchers are compiled once when the silence is stored; all must match. */
  readonly matchers: readonly Matcher[]
}

// Characters with a meaning in Go RE2 syntax, except `|`. A regex without them is a list of
// literal alternatives, exactly like labels' own fast path for such patterns.
const REGEX_META_BUT_PIPE_RE = /[\\.+*?()[\]{}^$]/

/**
 * anchorValues returns the label values one of which an alert must carry under `m.name` for `m`
 * to match, or undefined when `m` can match an alert without any of them (negative matchers,
 * `=""`, real regexes, alternations with an empty alternative).
 */
function anchorValues(m: Matcher): readonly string[] | undefined {
  if (m.type === '=') {
    return m.value === '' ? undefined : [m.value]
  }
  if (m.type === '=~' && !REGEX_META_BUT_PIPE_RE.test(m.value)) {
    const alternatives = [...new Set(m.value.split('|'))]
    return alternatives.includes('') ? undefined : alternatives
  }
  return undefined
}

/** Anchor is where a silence is filed: one label name and the values it is filed under. */
interface Anchor {
  readonly name: string
  readonly values: readonly string[]
}

/**
 * MatcherIndex finds the silences whose matchers all match a label set without testing every
 * silence (research item 23: an inverted index for equality matchers plus a residual list).
 *
 * Each silence is filed under one *anchor*: a matcher that can only match when the alert has the
 * label with one of a few literal values (`name="v"`, or `name=~"a|b"` with literal
 * alternatives). Of its anchorable matchers the one with the smallest buckets at insertion time
 * is chosen. A silence without one goes to the residual list. A query looks up each of the
 * alert's labels, so it visits the residual list plus only the silences whose anchor the alert
 * satisfies, and then tests all their matchers. Because an alert has one value per label name and
 * a silence has one anchor, no silence is visited twice.
 */
export class MatcherIndex<T extends IndexedSilence = IndexedSilence> {
  readonly #byName = new Map<string, Map<string, Set<T>>>()
  readonly #residual = new Set<T>()
  readonly #anchors = new Map<string, { entry: T; anchor: Anchor | undefined }>()

  /** size is the number of silences in the index. */
  get size(): number {
    return this.#anchors.size
  }

  /** residualSize is how many silences every query must test (no anchor). */
  get residualSize(): number {
    return this.#residual.size
  }

  /**
   * has reports whether a silence id is in the index.
   *
   * @param id - the silence id.
   * @returns true when indexed.
   */
  has(id: string): boolean {
    return this.#anchors.has(id)
  }

  /**
   * add files a silence, replacing an earlier entry with the same id.
   *
   * @param entry - the silence's id and compiled matchers.
   */
  add(entry: T): void {
    this.delete(entry.id)
    const anchor = this.#chooseAnchor(entry.matchers)
    this.#anchors.set(entry.id, { entry, anchor })
    if (anchor === undefined) {
      this.#residual.add(entry)
      return
    }
    let byValue = this.#byName.get(anchor.name)
    if (byValue === undefined) {
      byValue = new Map()
      this.#byName.set(anchor.name, byValue)
    }
    for (const value of anchor.values) {
      let bucket = byValue.get(value)
      if (bucket === undefined) {
        bucket = new Set()
        byValue.set(value, bucket)
      }
      bucket.add(entry)
    }
  }

  /**
   * delete removes a silence; unknown ids are ignored.
   *
   * @param id - the silence id.
   */
  delete(id: string): void {
    const filed = this.#anchors.get(id)
    if (filed === undefined) {
      return
    }
    this.#anchors.delete(id)
    const { entry, anchor } = filed
    if (anchor === undefined) {
      this.#residual.delete(entry)
      return
    }
    const byValue = this.#byName.get(anchor.name)
    for (const value of anchor.values) {
      const bucket = byValue?.get(value)
      bucket?.delete(entry)
      if (bucket?.size === 0) {
        byValue?.delete(value)
      }
    }
    if (byValue?.size === 0) {
      this.#byName.delete(anchor.name)
    }
  }

  /**
   * forEachMatch calls `visit` for every indexed silence whose matchers all match `labels` (an
   * absent label counts as `""`), in no particular order.
   *
   * @param labels - the alert's labels.
   * @param visit - called once per matching silence.
   */
  forEachMatch(labels: LabelSet, visit: (entry: T) => void): void {
    for (const entry of this.#residual) {
      if (matchesAll(entry.matchers, labels)) {
        visit(entry)
      }
    }
    if (this.#byName.size === 0) {
      return
    }
    for (const name of Object.keys(labels)) {
      const bucket = this.#byName.get(name)?.get(labels[name] ?? '')
      if (bucket === undefined) {
        continue
      }
      for (const entry of bucket) {
        if (matchesAll(entry.matchers, labels)) {
          visit(entry)
        }
      }
    }
  }

  /** chooseAnchor picks the anchorable matcher with the smallest current buckets, if any. */
  #chooseAnchor(matchers: readonly Matcher[]): Anchor | undefined {
    let best: Anchor | undefined
    let bestCost = Infinity
    for (const m of matchers) {
      const values = anchorValues(m)
      if (values === undefined) {
        continue
      }
      const byValue = this.#byName.get(m.name)
      let cost = 0
      for (const value of values) {
        // +1 per value: of two empty buckets the matcher with fewer values is preferred.
        cost += (byValue?.get(value)?.size ?? 0) + 1
      }
      if (cost < bestCost) {
        best = { name: m.name, values }
        bestCost = cost
      }
    }
    return best
  }
}

/**
 * matchesAll reports whether every matcher matches the label set (0.25's `Matchers.Matches`).
 *
 * @param matchers - the compiled matchers.
 * @param labels - the label set.
 * @returns true when all match (also for no matchers).
 */
export function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  for (const m of matchers) {
    if (!m.matchesLabels(labels)) {
      return false
    }
  }
  return true
}
