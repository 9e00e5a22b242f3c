/**
 * MutedBy is which silences mute an alert: sorted ids of the active ones, and of the pending ones
 * that match it and will become active later (silence/silence.go Mutes and its cache).
 */
export interface MutedBy {
  readonly active: readonly string[]
  readonly pending: readonly string[]
}

/** MuteEntry is what the cache remembers per alert: the result and the version it is based on. */
export interface MuteEntry extends MutedBy {
  /** version is the silences version the ids were computed at. */
  readonly version: number
}

/**
 * MuteCache is the silence part of 0.25's marker: per alert fingerprint, the silence ids that
 * matched and the silences version they were computed at. Unlike the marker (research item 25)
 * it cannot grow without bound under alert churn: entries live in two generations, the current
 * one and the previous one, and every `ttlMs` the previous generation is dropped. An entry read
 * from the previous generation moves to the current one, so an alert evaluated at least once per
 * `ttlMs` keeps its entry and one not seen for two periods is forgotten (and simply recomputed
 * with a full query if it comes back).
 */
export class MuteCache {
  #current = new Map<string, MuteEntry>()
  #previous = new Map<string, MuteEntry>()
  #rotatedAt: number
  readonly #ttlMs: number
  readonly #now: () => number

  /**
   * MuteCache's constructor starts an empty cache.
   *
   * @param ttlMs - how long an unused entry is kept at least (at most twice that).
   * @param now - the clock, epoch ms.
   */
  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs
    this.#now = now
    this.#rotatedAt = now()
  }

  /** size is the number of remembered alerts, both generations. */
  get size(): number {
    return this.#current.size + this.#previous.size
  }

  /**
   * get returns the entry of a fingerprint, if remembered.
   *
   * @param fingerprint - the alert's fingerprint.
   * @returns the entry, or undefined.
   */
  get(fingerprint: string): MuteEntry | undefined {
    this.#maybeRotate()
    const entry = this.#current.get(fingerprint)
    if (entry !== undefined) {
      return entry
    }
    const old = this.#previous.get(fingerprint)
    if (old !== undefined) {
      this.#previous.delete(fingerprint)
      this.#current.set(fingerprint, old)
    }
    return old
  }

  /**
   * set remembers the entry of a fingerprint.
   *
   * @param fingerprint - the alert's fingerprint.
   * @param entry - the result and its version.
   */
  set(fingerprint: string, entry: MuteEntry): void {
    this.#maybeRotate()
    this.#current.set(fingerprint, entry)
    this.#previous.delete(fingerprint)
  }

  /**
   * delete forgets one fingerprint, e.g. when its alert is deleted.
   *
   * @param fingerprint - the alert's fingerprint.
   */
  delete(fingerprint: string): void {
    this.#current.delete(fingerprint)
    this.#previous.delete(fingerprint)
  }

  /** clear forgets everything. */
  clear(): void {
    this.#current = new Map()
    this.#previous = new Map()
  }

  /** maybeRotate drops the previous generation once per ttl (twice per ttl if idle that long). */
  #maybeRotate(): void {
    const now = this.#now()
    if (now - this.#rotatedAt < this.#ttlMs && now >= this.#rotatedAt) {
      return
    }
    // Idle for two periods (or the clock went back): nothing in either generation is recent.
    const idle = now - this.#rotatedAt >= 2 * this.#ttlMs || now < this.#rotatedAt
    this.#previous = idle ? new Map<string, MuteEntry>() : this.#current
    this.#current = new Map<string, MuteEntry>()
    this.#rotatedAt = now
  }
}
