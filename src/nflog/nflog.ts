import { performance } from 'node:perf_hooks'

import type Logger from 'bunyan'
import type { Registry } from 'prom-client'

import { DurableStore, loadStoreFiles } from '../storage/index.js'
import { ClosedError, InvalidArgumentError, errorMessage } from '../util/index.js'

import { loadNflogCodec } from './codec.js'
import type { NflogCodec } from './codec.js'
import { JOURNAL_FILE, SNAPSHOT_FILE, loadEvents } from './files.js'
import { stateKey } from './mesh-entry.js'
import type { MeshEntry, NflogEntry, NflogReceiver } from './mesh-entry.js'
import { createNflogMetrics } from './metrics.js'
import type { NflogMetrics } from './metrics.js'

/** NflogOptions configure an in-memory notification log; its zero value is a safe default. */
export interface NflogOptions {
  /** --data.retention: the longest an entry is kept. @default 120 h */
  readonly retentionMs?: number
  /** @default Date.now */
  readonly now?: () => number
  /** Called after every local change or accepted merge, with the changed entries. */
  readonly onChange?: (entries: readonly MeshEntry[]) => void
  /** Registers Alertmanager's `alertmanager_nflog_*` metrics here when given. */
  readonly registry?: Registry
}

/** NflogOpenOptions configure a notification log that may be kept on disk. */
export interface NflogOpenOptions extends NflogOptions {
  /** --data.retention. */
  readonly retentionMs: number
  /** --storage.path; undefined keeps the log in memory only. */
  readonly snapshotDir?: string
  readonly log: Logger
  /** How long changes gather before one journal write and fsync. At most 1000. @default 200 */
  readonly flushDelayMs?: number
  /** The journal is folded into the snapshot once larger than this and the snapshot. @default 1 MiB */
  readonly journalCompactBytes?: number
  /** --data.maintenance-interval: runs maintenance() on a timer; undefined leaves it to the caller. */
  readonly maintenanceIntervalMs?: number
}

/** OpenReport says what Nflog.open found on disk. */
export interface OpenReport {
  /** Entries in the log after start-up. */
  readonly loaded: number
  /** Readable records left out: expired, or superseded by a newer one for the same key. */
  readonly skipped: number
  /** One line per unreadable part: `<file>: byte <offset>: <problem>`. */
  readonly errors: readonly string[]
}

/** MergeBinaryResult is the outcome of merging a gossip message. */
export interface MergeBinaryResult {
  readonly accepted: MeshEntry[]
  /** Whether to pass the message on: something changed and it is not oversized (> 700 B). */
  readonly propagate: boolean
  /** Unreadable records, dropped. */
  readonly errors: readonly string[]
}

const DEFAULT_RETENTION_MS = 120 * 3_600_000
const DEFAULT_FLUSH_DELAY_MS = 200
const DEFAULT_COMPACT_BYTES = 1 << 20
/** A failed write nobody waits for is tried again after 1 s, doubling up to 30 s. */
const RETRY = { minMs: 1000, maxMs: 30_000 }
/** cluster.OversizedMessage: half of memberlist's 1400-byte gossip packet. */
const OVERSIZED_MESSAGE_BYTES = 700

/**
 * Nflog is the notification log (Alertmanager's nflog.Log): the last notification per group
 * and integration, which the dedup stage reads to decide whether to send. Entries merge by
 * last-writer-wins on their timestamp, so every node converges on the same log. Created with
 * `Nflog.open`, it is also durable: changes gather for `flushDelayMs`, then one append to the
 * journal and one fsync make them durable (DurableStore in src/storage). Alertmanager only
 * writes its snapshot every --data.maintenance-interval and at shutdown, so a crash loses up to
 * 15 minutes of notifications and they are sent again (nflog/nflog.go's Maintenance).
 */
export class Nflog {
  readonly #entries = new Map<string, MeshEntry>()
  readonly #retentionMs: number
  readonly #now: () => number
  readonly #onChange: ((entries: readonly MeshEntry[]) => void) | undefined
  readonly #metrics: NflogMetrics | undefined
  #codec: NflogCodec | undefined
  #store: DurableStore<MeshEntry> | undefined
  #log: Logger | undefined
  #maintenanceTimer: NodeJS.Timeout | undefined
  #closing: Promise<void> | undefined
  #openReport: OpenReport = { loaded: 0, skipped: 0, errors: [] }

  constructor(options: NflogOptions = {}) {
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS
    this.#now = options.now ?? Date.now
    this.#onChange = options.onChange
    this.#metrics =
      options.registry === undefined ? undefined : createNflogMetrics(options.registry)
  }

  /**
   * open creates a notification log and, given a snapshot directory, loads `nflog` and then
   * replays `nflog.journal` over it. Damaged data is reported in `openReport` and logged with
   * file and byte offset; the log starts with everything readable, and the damaged file is
   * copied to `<file>.corrupt` before being rewritten.
   *
   * @param options - retention, storage directory, logger and tuning.
   * @returns the log, ready for use.
   */
  static async open(options: NflogOpenOptions): Promise<Nflog> {
    checkOptions(options)
    const log = options.log.child({ component: 'nflog' })
    const nflog = new Nflog(options)
    nflog.#log = log
    const codec = await loadNflogCodec()
    nflog.#codec = codec
    const dir = options.snapshotDir
    if (dir !== undefined) {
      const start = performance.now()
      const files = { dir, snapshotFile: SNAPSHOT_FILE, journalFile: JOURNAL_FILE }
      const { snapshot, journal, errors, needsCompaction } = await loadStoreFiles({
        ...files,
        decode: (data) => {
          const { entries, issues } = codec.decode(data)
          return { records: entries, issues }
        },
        events: loadEvents(log),
      })
      // The journal holds changes in the order they were applied, each no older than the one
      // it replaced, so replaying it with "newer or equal wins" rebuilds the log exactly; the
      // snapshot's entries follow the merge rule (strictly newer wins).
      nflog.#restore(snapshot.records, false)
      nflog.#restore(journal.records, true)
      nflog.#openReport = {
        loaded: nflog.#entries.size,
        skipped: snapshot.records.length + journal.records.length - nflog.#entries.size,
        errors,
      }
      const metrics = nflog.#metrics
      const store = await DurableStore.open<MeshEntry>({
        ...files,
        name: 'nflog journal',
        encode: (entries) => codec.encode(entries),
        state: () => nflog.#entries.values(),
        key: (mesh) => stateKey(mesh.entry.groupKey, mesh.entry.receiver),
        gatherMs: options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS,
        compactBytes: options.journalCompactBytes ?? DEFAULT_COMPACT_BYTES,
        compactAtSnapshotSize: true,
        snapshotBytes: snapshot.size,
        retry: RETRY,
        events: {
          snapshotWritten: (bytes, seconds) => {
            metrics?.snapshotDuration.observe(seconds)
            metrics?.snapshotSize.set(bytes)
          },
          // A failed append may have left a torn record, so the retry rewrites the snapshot.
          retrying: (err, retryMs) => {
            log.error({ err: errorMessage(err), retryMs }, 'Writing the notification log failed')
          },
        },
      })
      nflog.#store = store
      // Fold the journal in now: a torn tail must not be followed by new appends.
      if (needsCompaction) {
        // A failure here is retried by the next flush; reading succeeded, so start anyway.
        await store.compact().catch((err: unknown) => {
          log.error({ err: errorMessage(err) }, 'Compacting the notification log failed')
        })
      }
      log.info(
        {
          loaded: nflog.#openReport.loaded,
          skipped: nflog.#openReport.skipped,
          errors: nflog.#openReport.errors.length,
          durationMs: Math.round(performance.now() - start),
        },
        'Loaded notification log'
      )
    }
    if (options.maintenanceIntervalMs !== undefined) {
      nflog.#maintenanceTimer = setInterval(() => {
        nflog.maintenance().catch((err: unknown) => {
          log.error({ err: errorMessage(err) }, 'Running maintenance failed')
        })
      }, options.maintenanceIntervalMs)
      nflog.#maintenanceTimer.unref()
    }
    return nflog
  }

  /** openReport says what open() found on disk. */
  get openReport(): OpenReport {
    return this.#openReport
  }

  /**
   * query returns the entry of a group for one integration.
   *
   * @param receiver - the integration's identity.
   * @param groupKey - the aggregation group's key.
   * @returns the entry, or undefined when the group was never notified (or it expired).
   */
  query(receiver: NflogReceiver, groupKey: string): NflogEntry | undefined {
    const metrics = this.#metrics
    if (metrics === undefined) {
      return this.#entries.get(stateKey(groupKey, receiver))?.entry
    }
    const start = performance.now()
    const entry = this.#entries.get(stateKey(groupKey, receiver))?.entry
    metrics.queries.inc()
    // Alertmanager counts "not found" as a failed query.
    if (entry === undefined) {
      metrics.queryErrors.inc()
    }
    metrics.queryDuration.observe((performance.now() - start) / 1000)
    return entry
  }

  /**
   * log records a notification. The entry lives `expiryMs` (2 × repeat_interval) when that is
   * shorter than the retention. The change reaches the disk within `flushDelayMs` plus one
   * write and fsync.
   *
   * @param receiver - the integration's identity.
   * @param groupKey - the aggregation group's key.
   * @param firing - hashes of the firing alerts notified.
   * @param resolved - hashes of the resolved alerts notified.
   * @param expiryMs - the entry's wanted lifetime; 0 for the retention.
   * @returns the entry's time, or undefined when a newer entry (a peer's) was kept.
   * @throws ClosedError after close().
   */
  log(
    receiver: NflogReceiver,
    groupKey: string,
    firing: readonly bigint[],
    resolved: readonly bigint[],
    expiryMs: number
  ): number | undefined {
    this.#checkOpen()
    const key = stateKey(groupKey, receiver)
    const now = this.#now()
    const existing = this.#entries.get(key)
    if (existing !== undefined && existing.entry.timestamp > now) {
      return undefined
    }
    const lifetime = expiryMs > 0 && this.#retentionMs > expiryMs ? expiryMs : this.#retentionMs
    const mesh: MeshEntry = {
      entry: { groupKey, receiver, timestamp: now, firingAlerts: firing, resolvedAlerts: resolved },
      expiresAt: now + lifetime,
    }
    this.#entries.set(key, mesh)
    this.#logEntries('gossiping new entry', [mesh])
    this.#changed([mesh])
    return now
  }

  /**
   * merge applies entries from a peer: expired ones are dropped, and an entry replaces the
   * local one only when its timestamp is strictly later.
   *
   * @param entries - the incoming entries.
   * @returns the entries that changed the log.
   * @throws ClosedError after close().
   */
  merge(entries: readonly MeshEntry[]): MeshEntry[] {
    this.#checkOpen()
    const now = this.#now()
    const accepted = entries.filter((mesh) => this.#apply(mesh, now, false))
    if (accepted.length > 0) {
      this.#logEntries('Merged entry from a peer', accepted)
      this.#changed(accepted)
    }
    return accepted
  }

  /**
   * logEntries logs each entry at debug with its group key, so a dedup decision that follows
   * can be traced to the entry behind it (nothing is built at info level).
   */
  #logEntries(msg: string, entries: readonly MeshEntry[]): void {
    const log = this.#log
    if (log?.debug() !== true) {
      return
    }
    for (const { entry } of entries) {
      const { receiver } = entry
      log.debug(
        {
          aggrGroup: entry.groupKey,
          receiver: receiver.groupName,
          integration: `${receiver.integration}[${receiver.idx}]`,
          notifiedAt: new Date(entry.timestamp).toISOString(),
          firing: entry.firingAlerts.length,
          resolved: entry.resolvedAlerts.length,
        },
        msg
      )
    }
  }

  /**
   * mergeBinary merges a gossip message (delimited MeshEntry messages, as Alertmanager sends
   * them) and counts it in `alertmanager_nflog_gossip_messages_propagated_total` when it is
   * to be passed on. Unreadable records are dropped and reported, never thrown.
   *
   * @param data - the message.
   * @returns what changed and whether to re-broadcast `data`.
   * @throws InvalidArgumentError on a log made with the constructor rather than open().
   */
  mergeBinary(data: Uint8Array): MergeBinaryResult {
    const { entries, issues } = this.#requireCodec().decode(data)
    const accepted = this.merge(entries)
    const propagate = accepted.length > 0 && data.length <= OVERSIZED_MESSAGE_BYTES
    if (propagate) {
      // Alertmanager re-broadcasts (and counts) the message once per accepted entry.
      this.#metrics?.propagatedMessages.inc(accepted.length)
    }
    return { accepted, propagate, errors: issues.map((i) => `byte ${i.offset}: ${i.message}`) }
  }

  /**
   * marshalBinary encodes the whole log as Alertmanager's snapshot and full-state gossip do.
   *
   * @returns delimited MeshEntry messages.
   * @throws InvalidArgumentError on a log made with the constructor rather than open().
   */
  marshalBinary(): Uint8Array {
    return this.#requireCodec().encode(this.#entries.values())
  }

  /** entries iterates over all entries, expired ones included until the next gc(). */
  entries(): IterableIterator<MeshEntry> {
    return this.#entries.values()
  }

  /** size is the number of entries. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * gc deletes every entry whose expiry has been reached.
   *
   * @returns the number of entries deleted.
   */
  gc(): number {
    const start = performance.now()
    const now = this.#now()
    let removed = 0
    for (const [key, mesh] of this.#entries) {
      if (mesh.expiresAt <= now) {
        this.#entries.delete(key)
        removed++
      }
    }
    this.#metrics?.gcDuration.observe((performance.now() - start) / 1000)
    return removed
  }

  /**
   * flush makes every change so far durable now instead of after `flushDelayMs`.
   *
   * @throws ClosedError after close().
   */
  async flush(): Promise<void> {
    this.#checkOpen()
    await this.#store?.flush()
  }

  /**
   * snapshot rewrites `<snapshotDir>/nflog` with the whole log (atomically) and empties the
   * journal. Without a snapshot directory it does nothing.
   *
   * @returns the snapshot's size in bytes (0 without a snapshot directory).
   * @throws ClosedError after close().
   */
  async snapshot(): Promise<number> {
    this.#checkOpen()
    return (await this.#store?.compact()) ?? 0
  }

  /**
   * maintenance is Alertmanager's periodic job: gc(), then snapshot().
   *
   * @returns how many entries were deleted and the snapshot's size.
   * @throws ClosedError after close().
   */
  async maintenance(): Promise<{ removed: number; sizeBytes: number }> {
    this.#checkOpen()
    const start = performance.now()
    const removed = this.gc()
    const sizeBytes = await this.snapshot()
    this.#metrics?.snapshotSize.set(sizeBytes)
    this.#log?.debug(
      { removed, sizeBytes, durationMs: Math.round(performance.now() - start) },
      'Maintenance done'
    )
    return { removed, sizeBytes }
  }

  /**
   * close stops maintenance and writes a final snapshot. It is idempotent: every call gets
   * the same promise. Afterwards query() still answers; changes throw ClosedError.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    clearInterval(this.#maintenanceTimer)
    await this.#store?.close()
  }

  #checkOpen(): void {
    if (this.#closing !== undefined) {
      throw new ClosedError('nflog')
    }
  }

  #requireCodec(): NflogCodec {
    if (this.#codec === undefined) {
      throw new InvalidArgumentError('nflog: binary encoding needs a log created by Nflog.open')
    }
    return this.#codec
  }

  /** #restore applies records read at start-up, without announcing them as changes. */
  #restore(entries: readonly MeshEntry[], orEqual: boolean): void {
    const now = this.#now()
    for (const mesh of entries) {
      this.#apply(mesh, now, orEqual)
    }
  }

  /** #apply is the merge rule of nflog.go's state.merge. */
  #apply(mesh: MeshEntry, now: number, orEqual: boolean): boolean {
    if (mesh.expiresAt < now) {
      return false
    }
    const key = stateKey(mesh.entry.groupKey, mesh.entry.receiver)
    const existing = this.#entries.get(key)
    if (
      existing === undefined ||
      existing.entry.timestamp < mesh.entry.timestamp ||
      (orEqual && existing.entry.timestamp === mesh.entry.timestamp)
    ) {
      this.#entries.set(key, mesh)
      return true
    }
    return false
  }

  #changed(entries: readonly MeshEntry[]): void {
    this.#store?.enqueue(entries)
    this.#onChange?.(entries)
  }
}

function checkOptions(options: NflogOpenOptions): void {
  const checks: [string, number | undefined, number, number][] = [
    ['retentionMs', options.retentionMs, 1, Number.MAX_SAFE_INTEGER],
    ['flushDelayMs', options.flushDelayMs, 0, 1000],
    ['journalCompactBytes', options.journalCompactBytes, 0, Number.MAX_SAFE_INTEGER],
    ['maintenanceIntervalMs', options.maintenanceIntervalMs, 1, 2 ** 31 - 1],
  ]
  for (const [name, value, min, max] of checks) {
    if (value !== undefined && !(Number.isFinite(value) && value >= min && value <= max)) {
      throw new InvalidArgumentError(
        `nflog: ${name} must be between ${min} and ${max}, got ${value}`
      )
    }
  }
}
