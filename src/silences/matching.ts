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
  readonly now: () => number
  /** cacheTtlMs is how long an unused per-alert result is kept (between 1x and 2x). */
  readonly cacheTtlMs: number
  /** onQuery is called after each query with its start (performance.now()), for metrics. */
  readonly onQuery: (started: number) => void
}

/**
 * MAX_CHANGE_LOG bounds the change log. An alert whose cached result is older than the log
 * reaches back gets a full query, which is what 0.25 always does after a change.
 */
const MAX_CHANGE_LOG = 4096
/** MAX_INCREMENTAL is how many changes an incremental update may test; beyond, a full query. */
const MAX_INCREMENTAL = 256

const EMPTY: readonly string[] = Object.freeze([])
const MUTED_BY_NONE: MutedBy = Object.freeze({ active: EMPTY, pending: EMPTY })

/** sortedIds sorts and freezes ids byte-wise (Go's sort.Strings), sharing one empty array. */
function sortedIds(ids: string[]): readonly string[] {
  return ids.length === 0 ? EMPTY : Object.freeze(ids.sort(compareGoStrings))
}

/** sameIds reports whether two id lists are equal. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}

/**
 * SilenceMatching answers "which silences mute this alert" for the store, and owns its version
 * (silence/silence.go Mutes): a {@link MatcherIndex} for full queries, a {@link MuteCache} of per-alert results
 * keyed by version, and a log of which silence changed at which version.
 *
 * 0.25 re-runs a full query for every alert after any change. Here an alert cached at version v
 * is brought up to date from the log instead: its remembered silences that did not change keep
 * their match (their matchers did not change) and are re-checked against the clock, and only
 * the silences changed since v are tested against its labels. The result is the set a full query
 * would return; silences that did not match at v and did not change cannot match now.
 */
export class SilenceMatching<T extends MatchableSilence> {
  readonly #index = new MatcherIndex<T>()
  readonly #cache: MuteCache
  readonly #options: SilenceMatchingOptions<T>
  #version = 0
  /** #changes[k] is the id changed at version #logStart + 1 + k. */
  #changes: string[] = []
  #logStart = 0

  /**
   * SilenceMatching's constructor starts with no silences, version 0 and an empty cache.
   *
   * @param options - the store's lookup and clock.
   */
  constructor(options: SilenceMatchingOptions<T>) {
    this.#options = options
    this.#cache = new MuteCache(options.cacheTtlMs, options.now)
  }

  /** version counts changes: one per changed silence, one per bulk load. */
  get version(): number {
    return this.#version
  }

  /** cachedAlerts is how many alerts have a cached result. */
  get cachedAlerts(): number {
    return this.#cache.size
  }

  /**
   * changed (re)indexes a silence that was written or merged and bumps the version.
   *
   * @param entry - the silence; undefined matchers (not compilable) leave it unindexed.
   * @param indexable - false when its matchers do not compile: it is kept out of the index.
   */
  changed(entry: T, indexable = true): void {
    if (indexable) {
      this.#index.add(entry)
    } else {
      this.#index.delete(entry.id)
    }
    this.#version++
    this.#changes.push(entry.id)
    if (this.#changes.length > MAX_CHANGE_LOG) {
      const drop = this.#changes.length - MAX_CHANGE_LOG / 2
      this.#changes = this.#changes.slice(drop)
      this.#logStart += drop
    }
  }

  /**
   * loaded indexes silences read from disk with one version bump (0.25 bumps once per snapshot
   * load); results cached before need a full query.
   *
   * @param entries - the silences, with whether each is indexable.
   */
  loaded(entries: readonly { entry: T; indexable: boolean }[]): void {
    for (const { entry, indexable } of entries) {
      if (indexable) {
        this.#index.add(entry)
      }
    }
    this.#version++
    this.#changes = []
    this.#logStart = this.#version
  }

  /**
   * unindex removes a silence from the index (GC'd, or expired for good); no version change.
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
   * mutedBy is 0.25's `Silencer.Mutes` against the marker: a cached result from the current
   * version is re-checked against the clock only (a pending silence turns active without a
   * version change; nothing remembered → nothing to check); an older one is updated from the
   * change log, or replaced by a full query when the log does not reach back that far.
   *
   * @param labels - the alert's labels.
   * @param fingerprint - the alert's fingerprint, the cache key.
   * @returns sorted ids of the active (muting) and pending matching silences.
   */
  mutedBy(labels: LabelSet, fingerprint: string): MutedBy {
    // With no silence indexed none can match, whatever the cache remembers (a remembered id
    // is gone, expired or GC'd), so the API's listings skip 100k cache lookups.
    if (this.#index.size === 0) {
      return MUTED_BY_NONE
    }
    const version = this.#version
    const cached = this.#cache.get(fingerprint)
    if (
      cached === undefined ||
      cached.version < this.#logStart ||
      version - cached.version > MAX_INCREMENTAL
    ) {
      const entry: MuteEntry = { ...this.query(labels), version }
      this.#cache.set(fingerprint, entry)
      return entry
    }
    if (cached.version === version && cached.active.length === 0 && cached.pending.length === 0) {
      return cached
    }
    const started = performance.now()
    const now = this.#options.now()
    const changed = new Set(this.#changes.slice(cached.version - this.#logStart))
    const active: string[] = []
    const pending: string[] = []
    const add = (id: string, silence: Silence): void => {
      const state = silenceState(silence, now)
      if (state === 'active') {
        active.push(id)
      } else if (state === 'pending') {
        pending.push(id)
      }
    }
    for (const ids of [cached.active, cached.pending]) {
      for (const id of ids) {
        // A silence GC'd since (GC keeps the version) is gone.
        const entry = changed.has(id) ? undefined : this.#options.lookup(id)
        if (entry !== undefined) {
          add(id, entry.silence)
        }
      }
    }
    for (const id of changed) {
      const entry = this.#index.matches(id, labels)
      if (entry !== undefined) {
        add(id, entry.silence)
      }
    }
    this.#options.onQuery(started)
    if (
      cached.version === version &&
      sameIds(active, cached.active) &&
      sameIds(pending, cached.pending)
    ) {
      return cached
    }
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
