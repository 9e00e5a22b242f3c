import type { LabelSet } from '../labels/index.js'
import { compareGoStrings } from '../util/index.js'

import { MatcherIndex } from './matcher-index.js'
import type { IndexedSilence } from './matcher-index.js'
import { MuteCache } from './mute-cache.js'
import type { MutedBy, MuteEntry } from './mute-cache.js'
import { silenceState } from './silence.js'
import type { Silence } from './silence.js'

/** MatchableSilence is a stored silence as matching sees it: compiled matchers and times. */
export interface MatchableSilence extends IndexedSilence {
  readonly silence: Silence
}

/** SilenceMatchingOptions connect {@link SilenceMatching} to its store. */
export interface SilenceMatchingOptions<T extends MatchableSilence> {
  /** lookup finds a stored silence by id. */
  readonly lookup: (id: string) => T | undefined
  /** version is the store's current version. */
  readonly version: () => number
  readonly now: () => number
  /** cacheTtlMs is how long an unused per-alert result is kept (between 1x and 2x). */
  readonly cacheTtlMs: number
  /** onQuery is called after each query with its start (performance.now()), for metrics. */
  readonly onQuery: (started: number) => void
}

const EMPTY: readonly string[] = Object.freeze([])

/** sortedIds sorts and freezes ids byte-wise (Go's sort.Strings), sharing one empty array. */
function sortedIds(ids: string[]): readonly string[] {
  return ids.length === 0 ? EMPTY : Object.freeze(ids.sort(compareGoStrings))
}

/** sameIds reports whether two id lists are equal. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}

/**
 * SilenceMatching answers "which silences mute this alert" for the store: a {@link MatcherIndex}
 * for full queries and a {@link MuteCache} of per-alert results keyed by the store's version,
 * used the way 0.25's Silencer uses the marker (spec §8.6).
 */
export class SilenceMatching<T extends MatchableSilence> {
  readonly #index = new MatcherIndex<T>()
  readonly #cache: MuteCache
  readonly #options: SilenceMatchingOptions<T>

  /**
   * SilenceMatching's constructor starts with no silences and an empty cache.
   *
   * @param options - the store's lookup, version and clock.
   */
  constructor(options: SilenceMatchingOptions<T>) {
    this.#options = options
    this.#cache = new MuteCache(options.cacheTtlMs, options.now)
  }

  /** cachedAlerts is how many alerts have a cached result. */
  get cachedAlerts(): number {
    return this.#cache.size
  }

  /**
   * index adds or replaces a silence in the index.
   *
   * @param entry - the silence with compiled matchers.
   */
  index(entry: T): void {
    this.#index.add(entry)
  }

  /**
   * unindex removes a silence from the index (GC, expired, or uncompilable).
   *
   * @param id - the silence id.
   */
  unindex(id: string): void {
    this.#index.delete(id)
  }

  /**
   * query finds the active and pending silences whose matchers all match, without the cache.
   *
   * @param labels - the alert's labels.
   * @returns sorted ids of the active and of the pending matching silences.
   */
  query(labels: LabelSet): MutedBy {
    const started = performance.now()
    const now = this.#options.now()
    const active: string[] = []
    const pending: string[] = []
    this.#index.forEachMatch(labels, (entry) => {
      const state = silenceState(entry.silence, now)
      if (state === 'active') {
        active.push(entry.id)
      } else if (state === 'pending') {
        pending.push(entry.id)
      }
    })
    this.#options.onQuery(started)
    return { active: sortedIds(active), pending: sortedIds(pending) }
  }

  /**
   * mutedBy is 0.25's `Silencer.Mutes` against the marker: if the alert's cached result is from
   * the current version, only its remembered ids are re-checked against the clock (a pending
   * silence turns active without a version change; nothing remembered → nothing to check);
   * otherwise a full query runs and is cached with the current version.
   *
   * @param labels - the alert's labels.
   * @param fingerprint - the alert's fingerprint, the cache key.
   * @returns sorted ids of the active (muting) and pending matching silences.
   */
  mutedBy(labels: LabelSet, fingerprint: string): MutedBy {
    const version = this.#options.version()
    const cached = this.#cache.get(fingerprint)
    if (cached?.version !== version) {
      const entry: MuteEntry = { ...this.query(labels), version }
      this.#cache.set(fingerprint, entry)
      return entry
    }
    if (cached.active.length === 0 && cached.pending.length === 0) {
      return cached
    }
    const started = performance.now()
    const now = this.#options.now()
    const active: string[] = []
    const pending: string[] = []
    for (const ids of [cached.active, cached.pending]) {
      for (const id of ids) {
        // A silence GC'd since (GC keeps the version) counts as expired.
        const entry = this.#options.lookup(id)
        const state = entry === undefined ? 'expired' : silenceState(entry.silence, now)
        if (state === 'active') {
          active.push(id)
        } else if (state === 'pending') {
          pending.push(id)
        }
      }
    }
    this.#options.onQuery(started)
    if (sameIds(active, cached.active) && sameIds(pending, cached.pending)) {
      return cached
    }
    // The version stays the cached one: these ids are still those found at that version.
    const entry: MuteEntry = { active: sortedIds(active), pending: sortedIds(pending), version }
    this.#cache.set(fingerprint, entry)
    return entry
  }

  /**
   * forget drops an alert's cached result.
   *
   * @param fingerprint - the alert's fingerprint.
   */
  forget(fingerprint: string): void {
    this.#cache.delete(fingerprint)
  }
}
