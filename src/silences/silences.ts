import { randomUUID } from 'node:crypto'

import type Logger from 'bunyan'
import { Registry } from 'prom-client'

import type { LabelSet, Matcher } from '../labels/index.js'
import { DurableStore } from '../storage/index.js'
import { ClosedError, InvalidArgumentError, errorMessage } from '../util/index.js'

import { decodeMeshSilences, encodeMeshSilences } from './codec.js'
import { SilenceNotFoundError } from './errors.js'
import { SilenceMatching } from './matching.js'
import type { MatchableSilence } from './matching.js'
import { createSilencesMetrics } from './metrics.js'
import type { SilencesMetrics } from './metrics.js'
import type { MutedBy } from './mute-cache.js'
import {
  canUpdate,
  compileSilenceMatchers,
  freezeMeshSilence,
  silenceState,
  validateSilence,
} from './silence.js'
import type { MeshSilence, PostableSilence, Silence, SilenceState } from './silence.js'
import { JOURNAL_FILE, SNAPSHOT_FILE, loadSilenceDir } from './snapshot.js'
import type { OpenReport } from './snapshot.js'

/** SilencesOptions configure {@link Silences.open}. */
export interface SilencesOptions {
  /** retentionMs is --data.retention: how long after its end a silence is kept. */
  readonly retentionMs: number
  /** snapshotDir is --storage.path; undefined keeps silences in memory only. */
  readonly snapshotDir?: string | undefined
  /** now is the clock, epoch ms. @default Date.now */
  readonly now?: (() => number) | undefined
  readonly log: Logger
  /** registry receives the `alertmanager_silences*` metrics; none are exported without it. */
  readonly registry?: Registry | undefined
  /**
   * onChange is called synchronously after every local write and every accepted merge, with the
   * changed silences (for gossip: broadcast them, and nothing else).
   */
  readonly onChange?: ((changed: readonly MeshSilence[]) => void) | undefined
  /** journalMaxBytes is the journal size that triggers a compaction. @default 4 MiB */
  readonly journalMaxBytes?: number | undefined
  /** muteCacheTtlMs is how long an alert's cached muting result is kept unused. @default 15 min */
  readonly muteCacheTtlMs?: number | undefined
}

/** MergeBinaryResult is the outcome of merging a gossip message. */
export interface MergeBinaryResult {
  /** accepted are the silences that changed the store. */
  readonly accepted: MeshSilence[]
  /** errors describe the unreadable records, dropped: `byte <offset>: <reason>`. */
  readonly errors: readonly string[]
}

/** Entry is a stored silence with its compiled matchers (none when they do not compile). */
interface Entry extends MatchableSilence {
  readonly mesh: MeshSilence
}

/**
 * Silences is the silence store (Alertmanager 0.25's `silence.Silences`, silence/silence.go): create,
 * update and expire with 0.25's rules, merge from gossip, GC by retention, and muting queries
 * through an index and a per-alert cache keyed by the store's version. With a snapshot dir every
 * write is durable before its promise resolves (DurableStore in src/storage: appended to
 * `silences.journal`, fsynced, and concurrent writes share one fsync); the snapshot file is
 * Alertmanager's own format, so either can take over the other's data directory.
 */
export class Silences {
  readonly #state = new Map<string, Entry>()
  readonly #matching: SilenceMatching<Entry>
  readonly #retentionMs: number
  readonly #now: () => number
  readonly #log: Logger
  readonly #metrics: SilencesMetrics
  readonly #onChange: ((changed: readonly MeshSilence[]) => void) | undefined
  #store: DurableStore<MeshSilence> | undefined
  #closing: Promise<void> | undefined
  #openReport: OpenReport = { loaded: 0, replayed: 0, skipped: 0, errors: [] }

  private constructor(options: SilencesOptions) {
    const ttl = options.muteCacheTtlMs ?? 15 * 60_000
    if (!Number.isFinite(options.retentionMs) || options.retentionMs < 0) {
      throw new InvalidArgumentError(`invalid retentionMs ${options.retentionMs}: must be >= 0`)
    }
    if (!(ttl > 0)) {
      throw new InvalidArgumentError(`invalid muteCacheTtlMs ${ttl}: must be > 0`)
    }
    this.#retentionMs = options.retentionMs
    this.#now = options.now ?? Date.now
    this.#log = options.log.child({ component: 'silences' })
    this.#onChange = options.onChange
    this.#matching = new SilenceMatching<Entry>({
      lookup: (id) => this.#state.get(id),
      now: this.#now,
      cacheTtlMs: ttl,
      onQuery: (started) => {
        this.#metrics.queriesTotal.inc()
        this.#metrics.queryDuration.observe((performance.now() - started) / 1000)
      },
    })
    this.#metrics = createSilencesMetrics(options.registry ?? new Registry(), () =>
      this.#countByState()
    )
  }

  /**
   * open creates the store and, with a snapshot dir, loads `silences` and replays
   * `silences.journal` (newer updatedAt wins). Unreadable records are reported in
   * {@link openReport} and logged; the store starts with everything that could be read, and a
   * corrupt file is kept as `<file>.corrupt` before being rewritten.
   *
   * @param options - retention, storage, clock, logger, metrics, change hook.
   * @returns the opened store.
   * @throws InvalidArgumentError for a bad option; the I/O error when the directory cannot be
   * read or written (never for corrupt content).
   * @example
   * const silences = await Silences.open({ retentionMs: 120 * 3_600_000, snapshotDir: '/data', log })
   */
  static async open(options: SilencesOptions): Promise<Silences> {
    const store = new Silences(options)
    const dir = options.snapshotDir
    if (dir === undefined) {
      return store
    }
    const loaded = await loadSilenceDir(dir, store.#log)
    const entries = loaded.silences.map((m) => store.#entry(m))
    if (loaded.found) {
      // 0.25 bumps the version once for a loaded snapshot (silence.go loadSnapshot).
      store.#matching.loaded(entries)
    }
    store.#openReport = { ...loaded.report, loaded: store.#state.size }
    const log = store.#log
    store.#store = await DurableStore.open<MeshSilence>({
      dir,
      snapshotFile: SNAPSHOT_FILE,
      journalFile: JOURNAL_FILE,
      name: 'silences journal',
      encode: encodeMeshSilences,
      state: () => store.meshSilences(),
      // The journal is compacted once it passes journalMaxBytes, i.e. reaches one byte more.
      compactBytes: (options.journalMaxBytes ?? 4 << 20) + 1,
      events: {
        snapshotWritten: (bytes, seconds) => {
          store.#metrics.snapshotSize.set(bytes)
          store.#metrics.snapshotDuration.observe(seconds)
        },
        snapshotFailed: (err, path) => {
          log.error({ err: errorMessage(err), path }, 'writing silences snapshot failed')
        },
        appendFailed: (err, path) => {
          log.error({ err: errorMessage(err), path }, 'appending to silences journal failed')
        },
      },
    })
    // Fold the journal into the snapshot now: appends must never follow a torn tail, and a
    // corrupt snapshot is rewritten with what could be read.
    if (loaded.needsCompaction) {
      await store.#store.compact()
    }
    store.#log.info({ ...store.openReport, errors: loaded.report.errors.length }, 'silences loaded')
    return store
  }

  /** openReport says what was read from disk at open, including every unreadable record. */
  get openReport(): OpenReport {
    return this.#openReport
  }

  /** version counts local writes, accepted merges and loads; muting caches key on it. */
  get version(): number {
    return this.#matching.version
  }

  /**
   * get returns a stored silence, expired ones included until GC.
   *
   * @param id - the silence id.
   * @returns the silence, or undefined.
   */
  get(id: string): Silence | undefined {
    return this.#state.get(id)?.mesh.silence
  }

  /**
   * list returns every stored silence (active, pending and expired until GC), unsorted.
   *
   * @returns the silences.
   */
  list(): Silence[] {
    return Array.from(this.#state.values(), (e) => e.mesh.silence)
  }

  /**
   * meshSilences returns every stored silence with its GC time: the full state for a snapshot or
   * a gossip push/pull.
   *
   * @returns the silences.
   */
  meshSilences(): MeshSilence[] {
    return Array.from(this.#state.values(), (e) => e.mesh)
  }

  /**
   * set creates or updates a silence with 0.25's rules (silence/silence.go Set, canUpdate). An id that is not stored
   * fails. The silence is updated in place when its matchers are unchanged and its state allows
   * it (active: same start second and not ending before now; pending: not starting before now);
   * otherwise the old silence is expired (unless already expired) and a new one with a fresh
   * UUIDv4 is created, its start moved up to now if earlier. Deviation from 0.25: the new silence
   * is validated before the old one is expired, so a refused update leaves the old one intact.
   *
   * @param silence - the silence to write.
   * @returns the (possibly new) id, once the write is durable.
   * @throws SilenceNotFoundError, SilenceInvalidError (0.25's messages), ClosedError.
   */
  async set(silence: PostableSilence): Promise<string> {
    this.#assertOpen()
    const now = this.#now()
    const prev =
      silence.id === undefined || silence.id === '' ? undefined : this.#state.get(silence.id)
    if (silence.id !== undefined && silence.id !== '' && prev === undefined) {
      throw new SilenceNotFoundError()
    }
    const fields = {
      matchers: silence.matchers,
      startsAt: silence.startsAt,
      endsAt: silence.endsAt,
      createdBy: silence.createdBy,
      comment: silence.comment,
    }
    let writes: Silence[]
    if (prev !== undefined && canUpdate(prev.silence, silence, now)) {
      writes = [{ ...fields, id: prev.id, updatedAt: this.#writeTime(prev, now) }]
    } else {
      const startsAt = silence.startsAt < now ? now : silence.startsAt
      writes = [{ ...fields, id: randomUUID(), startsAt, updatedAt: now }]
      if (prev !== undefined && silenceState(prev.silence, now) !== 'expired') {
        writes.unshift(this.#expired(prev, now))
      }
    }
    writes.forEach(validateSilence)
    await this.#commit(writes)
    return writes[writes.length - 1]?.id ?? ''
  }

  /**
   * expire ends a silence now (silence/silence.go Expire): active → endsAt = now; pending → startsAt = endsAt =
   * now; already expired → nothing to do.
   *
   * @param id - the silence id.
   * @returns resolves once the write is durable.
   * @throws SilenceNotFoundError for an unknown id; ClosedError.
   */
  async expire(id: string): Promise<void> {
    this.#assertOpen()
    const entry = this.#state.get(id)
    if (entry === undefined) {
      throw new SilenceNotFoundError()
    }
    const now = this.#now()
    if (silenceState(entry.silence, now) === 'expired') {
      return
    }
    const write = this.#expired(entry, now)
    validateSilence(write)
    await this.#commit([write])
  }

  /**
   * merge applies silences received from a peer with 0.25's rule: drop one whose expiresAt is
   * before now; accept it when its id is unknown or the stored copy's updatedAt is older. Accepted
   * silences bump the version, go to onChange (to be gossiped on) and to the journal (without
   * waiting for the sync). After close it does nothing.
   *
   * @param incoming - the received silences.
   * @returns the accepted ones.
   */
  merge(incoming: readonly MeshSilence[]): MeshSilence[] {
    if (this.#closing !== undefined) {
      return []
    }
    const now = this.#now()
    const accepted: MeshSilence[] = []
    for (const m of incoming) {
      if (m.expiresAt < now) {
        continue
      }
      const prev = this.#state.get(m.silence.id)
      if (prev !== undefined && !(prev.silence.updatedAt < m.silence.updatedAt)) {
        continue
      }
      const { entry, indexable } = this.#entry(freezeMeshSilence(m))
      this.#matching.changed(entry, indexable)
      accepted.push(entry.mesh)
    }
    if (accepted.length > 0) {
      this.#logChanges('Merged silence from a peer', accepted)
      this.#metrics.propagatedMessagesTotal.inc(accepted.length)
      this.#notify(accepted)
      this.#persist(accepted).catch((err: unknown) => {
        this.#log.error({ err: errorMessage(err) }, 'persisting merged silences failed')
      })
    }
    return accepted
  }

  /**
   * mergeBinary merges a gossip message (delimited MeshSilence messages, as Alertmanager sends
   * them) with {@link merge}. Unreadable records are dropped and reported, never thrown.
   *
   * @param data - the message.
   * @returns what changed, and the unreadable records.
   */
  mergeBinary(data: Uint8Array): MergeBinaryResult {
    const { silences, problems } = decodeMeshSilences(data)
    return {
      accepted: this.merge(silences),
      errors: problems.map((p) => `byte ${p.offset}: ${p.message}`),
    }
  }

  /**
   * marshalBinary encodes every stored silence as Alertmanager's snapshot and full-state gossip
   * do.
   *
   * @returns delimited MeshSilence messages.
   */
  marshalBinary(): Uint8Array {
    return encodeMeshSilences(this.meshSilences())
  }

  /**
   * gc deletes silences whose expiresAt is at or before now (0.25's GC). It does not change the
   * version. Expired silences also leave the matching index here.
   *
   * @returns how many silences were deleted.
   */
  gc(): number {
    const started = performance.now()
    const now = this.#now()
    let deleted = 0
    for (const [id, entry] of this.#state) {
      if (entry.mesh.expiresAt <= now) {
        this.#state.delete(id)
        this.#matching.unindex(id)
        deleted++
      } else if (silenceState(entry.silence, now) === 'expired') {
        this.#matching.unindex(id)
      }
    }
    this.#metrics.gcDuration.observe((performance.now() - started) / 1000)
    return deleted
  }

  /**
   * compact writes the whole state to the snapshot and empties the journal; a no-op in memory.
   *
   * @returns resolves when the snapshot is durable.
   */
  async compact(): Promise<void> {
    this.#assertOpen()
    await this.#store?.compact()
  }

  /**
   * close takes a final snapshot and stops writes: later set/expire/compact throw ClosedError,
   * merge does nothing; reads keep working. Idempotent.
   *
   * @returns resolves when the snapshot is written and the journal closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#store?.close() ?? Promise.resolve()
    return this.#closing
  }

  /**
   * query finds the active and pending silences matching a label set, without the cache.
   *
   * @param labels - the alert's labels.
   * @returns sorted ids of the active and of the pending matching silences.
   */
  query(labels: LabelSet): MutedBy {
    return this.#matching.query(labels)
  }

  /**
   * mutedBy tells which silences mute an alert, with 0.25's per-alert cache (silence/silence.go Mutes): while
   * the version is unchanged only the alert's remembered silences are re-checked against the
   * clock; after any change a full indexed query runs.
   *
   * @param labels - the alert's labels.
   * @param fingerprint - the alert's fingerprint, the cache key.
   * @returns sorted ids of the active (muting) and pending matching silences.
   */
  mutedBy(labels: LabelSet, fingerprint: string): MutedBy {
    return this.#matching.mutedBy(labels, fingerprint)
  }

  /**
   * forgetAlert drops an alert's cached muting result, e.g. when the alert is deleted.
   *
   * @param fingerprint - the alert's fingerprint.
   */
  forgetAlert(fingerprint: string): void {
    this.#matching.forget(fingerprint)
  }

  /** cachedAlerts is how many alerts have a cached muting result (bounded by muteCacheTtlMs). */
  get cachedAlerts(): number {
    return this.#matching.cachedAlerts
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) {
      throw new ClosedError('silences')
    }
  }

  /** writeTime is a local write's updatedAt: now, but always after the stored one's (see below). */
  #writeTime(prev: Entry, now: number): number {
    // Merges accept only a strictly newer updatedAt. 0.25 stamps nanoseconds, so two writes of one
    // silence never share a stamp in practice; with milliseconds they would, and the second write
    // would lose on every peer. Hence at least 1 ms after the previous write.
    return Math.max(now, prev.silence.updatedAt + 1)
  }

  /** expired returns the silence as expire() writes it. */
  #expired(entry: Entry, now: number): Silence {
    const s = entry.silence
    const pending = silenceState(s, now) === 'pending'
    return {
      ...s,
      startsAt: pending ? now : s.startsAt,
      endsAt: now,
      updatedAt: this.#writeTime(entry, now),
    }
  }

  /** commit stores local writes, tells onChange, and waits until they are durable. */
  async #commit(writes: readonly Silence[]): Promise<void> {
    const changed = writes.map((silence) => {
      const { entry, indexable } = this.#entry(
        freezeMeshSilence({ silence, expiresAt: silence.endsAt + this.#retentionMs })
      )
      this.#matching.changed(entry, indexable)
      return entry.mesh
    })
    this.#logChanges('Gossiping new silence', changed)
    this.#notify(changed)
    await this.#persist(changed)
  }

  /** logChanges logs each changed silence at debug (nothing is built at info level). */
  #logChanges(msg: string, changed: readonly MeshSilence[]): void {
    if (!this.#log.debug()) {
      return
    }
    const now = this.#now()
    for (const { silence } of changed) {
      this.#log.debug(
        {
          id: silence.id,
          state: silenceState(silence, now),
          createdBy: silence.createdBy,
          endsAt: new Date(silence.endsAt).toISOString(),
        },
        msg
      )
    }
  }

  /**
   * entry puts a (frozen) silence into the state, compiling its matchers once; the caller tells
   * the matching (index and version) about it.
   */
  #entry(mesh: MeshSilence): { entry: Entry; indexable: boolean } {
    const id = mesh.silence.id
    let matchers: Matcher[] | undefined
    try {
      matchers = compileSilenceMatchers(mesh.silence.matchers)
    } catch (err: unknown) {
      // Only merged or loaded silences can get here (local writes are validated). 0.25 would fail
      // every query that reaches it; here it is kept, listed, and never matches.
      this.#log.warn(
        { id, err: errorMessage(err) },
        'silence matchers do not compile; it will never match'
      )
    }
    const entry: Entry = { id, mesh, silence: mesh.silence, matchers: matchers ?? [] }
    this.#state.set(id, entry)
    return { entry, indexable: matchers !== undefined }
  }

  /** notify calls onChange; a throwing hook must not keep a stored change off the disk. */
  #notify(changed: readonly MeshSilence[]): void {
    try {
      this.#onChange?.(changed)
    } catch (err: unknown) {
      this.#log.error({ err: errorMessage(err) }, 'silences onChange hook failed')
    }
  }

  #persist(changed: readonly MeshSilence[]): Promise<void> {
    return this.#store?.write(changed) ?? Promise.resolve()
  }

  #countByState(): Record<SilenceState, number> {
    const counts = { active: 0, pending: 0, expired: 0 }
    const now = this.#now()
    for (const entry of this.#state.values()) {
      counts[silenceState(entry.silence, now)]++
    }
    return counts
  }
}
