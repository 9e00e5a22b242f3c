import type { LabelSet, Matcher } from '../labels/index.js'

import { literalOf, silenceTest } from './fast-match.js'
import type { LabelTest } from './fast-match.js'

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
 * Anchor is where a silence is filed: a label name and either the values one of which the label
 * must have (`exact`), or one prefix it must start with.
 */
interface Anchor {
  readonly name: string
  readonly kind: 'exact' | 'prefix'
  readonly keys: readonly string[]
}

/**
 * anchorOf returns the anchor a matcher offers, or undefined when it can match an alert without
 * any literal value or prefix (negative matchers, `=""`, real regexes, alternations with an empty
 * alternative).
 */
function anchorOf(m: Matcher): Anchor | undefined {
  if (m.type === '=') {
    return m.value === '' ? undefined : { name: m.name, kind: 'exact', keys: [m.value] }
  }
  if (m.type !== '=~') {
    return undefined
  }
  if (!REGEX_META_BUT_PIPE_RE.test(m.value)) {
    const alternatives = [...new Set(m.value.split('|'))]
    return alternatives.includes('')
      ? undefined
      : { name: m.name, kind: 'exact', keys: alternatives }
  }
  // `lit.*` (not `lit\.*`): the value must start with lit.
  if (m.value.endsWith('.*') && !m.value.endsWith('\\.*')) {
    const lit = literalOf(m.value.slice(0, -2))
    return lit === undefined || lit === ''
      ? undefined
      : { name: m.name, kind: 'prefix', keys: [lit] }
  }
  return undefined
}

/** Filed is an indexed silence with its compiled test and where it is filed. */
interface Filed<T> {
  readonly entry: T
  readonly test: LabelTest
  readonly anchor: Anchor | undefined
}

/** Buckets are the silences filed under one label name, by key, and the key lengths in use. */
interface Buckets<T> {
  readonly byKey: Map<string, Set<Filed<T>>>
  /** lengths counts keys per length; prefix lookups try each length in use. */
  readonly lengths: Map<number, number>
}

/**
 * MatcherIndex finds the silences whose matchers all match a label set without testing every
 * silence (research item 23: an inverted index plus a residual list).
 *
 * Each silence is filed under one *anchor*: a matcher that can only match when the alert's label
 * has one of a few literal values (`name="v"`, `name=~"a|b"` with literal alternatives) or starts
 * with a literal prefix (`name=~"host-1.*"`). Of its anchorable matchers the one with the
 * smallest buckets at insertion time is chosen. A silence without one goes to the residual list.
 * A query looks up each of the alert's labels (for prefixes, each prefix length in use), so it
 * visits the residual list plus only the silences whose anchor the alert satisfies, and then
 * tests all their matchers. An alert has one value per label and a silence one anchor, so no
 * silence is visited twice.
 */
export class MatcherIndex<T extends IndexedSilence = IndexedSilence> {
  readonly #exact = new Map<string, Buckets<T>>()
  readonly #prefix = new Map<string, Buckets<T>>()
  readonly #residual = new Set<Filed<T>>()
  readonly #filed = new Map<string, Filed<T>>()

  /** size is the number of silences in the index. */
  get size(): number {
    return this.#filed.size
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
    return this.#filed.has(id)
  }

  /**
   * add files a silence, replacing an earlier entry with the same id.
   *
   * @param entry - the silence's id and compiled matchers.
   */
  add(entry: T): void {
    this.delete(entry.id)
    const anchor = this.#chooseAnchor(entry.matchers)
    const filed: Filed<T> = { entry, test: silenceTest(entry.matchers), anchor }
    this.#filed.set(entry.id, filed)
    if (anchor === undefined) {
      this.#residual.add(filed)
      return
    }
    const tables = anchor.kind === 'exact' ? this.#exact : this.#prefix
    let buckets = tables.get(anchor.name)
    if (buckets === undefined) {
      buckets = { byKey: new Map(), lengths: new Map() }
      tables.set(anchor.name, buckets)
    }
    for (const key of anchor.keys) {
      let bucket = buckets.byKey.get(key)
      if (bucket === undefined) {
        bucket = new Set()
        buckets.byKey.set(key, bucket)
        buckets.lengths.set(key.length, (buckets.lengths.get(key.length) ?? 0) + 1)
      }
      bucket.add(filed)
    }
  }

  /**
   * delete removes a silence; unknown ids are ignored.
   *
   * @param id - the silence id.
   */
  delete(id: string): void {
    const filed = this.#filed.get(id)
    if (filed === undefined) {
      return
    }
    this.#filed.delete(id)
    const { anchor } = filed
    if (anchor === undefined) {
      this.#residual.delete(filed)
      return
    }
    const tables = anchor.kind === 'exact' ? this.#exact : this.#prefix
    const buckets = tables.get(anchor.name)
    if (buckets === undefined) {
      return
    }
    for (const key of anchor.keys) {
      const bucket = buckets.byKey.get(key)
      bucket?.delete(filed)
      if (bucket?.size === 0) {
        buckets.byKey.delete(key)
        const n = (buckets.lengths.get(key.length) ?? 1) - 1
        if (n === 0) {
          buckets.lengths.delete(key.length)
        } else {
          buckets.lengths.set(key.length, n)
        }
      }
    }
    if (buckets.byKey.size === 0) {
      tables.delete(anchor.name)
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
    for (const filed of this.#residual) {
      if (filed.test(labels)) {
        visit(filed.entry)
      }
    }
    if (this.#exact.size === 0 && this.#prefix.size === 0) {
      return
    }
    for (const name of Object.keys(labels)) {
      const value = labels[name] ?? ''
      visitBucket(this.#exact.get(name)?.byKey.get(value), labels, visit)
      const prefixes = this.#prefix.get(name)
      if (prefixes !== undefined) {
        for (const length of prefixes.lengths.keys()) {
          if (length <= value.length) {
            visitBucket(prefixes.byKey.get(value.slice(0, length)), labels, visit)
          }
        }
      }
    }
  }

  /**
   * matches tests one indexed silence against a label set.
   *
   * @param id - the silence id.
   * @param labels - the label set.
   * @returns the indexed entry when it is indexed and all its matchers match, else undefined.
   */
  matches(id: string, labels: LabelSet): T | undefined {
    const filed = this.#filed.get(id)
    return filed?.test(labels) === true ? filed.entry : undefined
  }

  /** chooseAnchor picks the anchorable matcher with the smallest current buckets, if any. */
  #chooseAnchor(matchers: readonly Matcher[]): Anchor | undefined {
    let best: Anchor | undefined
    let bestCost = Infinity
    for (const m of matchers) {
      const anchor = anchorOf(m)
      if (anchor === undefined) {
        continue
      }
      const buckets = (anchor.kind === 'exact' ? this.#exact : this.#prefix).get(anchor.name)
      // +1 per key: of two empty buckets the matcher with fewer keys is preferred; +1 for a
      // prefix, which costs a lookup per prefix length.
      let cost = anchor.kind === 'prefix' ? 1 : 0
      for (const key of anchor.keys) {
        cost += (buckets?.byKey.get(key)?.size ?? 0) + 1
      }
      if (cost < bestCost) {
        best = anchor
        bestCost = cost
      }
    }
    return best
  }
}

/** visitBucket tests every silence of a bucket and visits the matching ones. */
function visitBucket<T>(
  bucket: Set<Filed<T>> | undefined,
  labels: LabelSet,
  visit: (entry: T) => void
): void {
  if (bucket === undefined) {
    return
  }
  for (const filed of bucket) {
    if (filed.test(labels)) {
      visit(filed.entry)
    }
  }
}
