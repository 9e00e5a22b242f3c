import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'

import type Logger from 'bunyan'

import { atomicWrite, errorMessage, syncDir } from '../util/index.js'

import type { NflogCodec } from './codec.js'
import { stateKey } from './mesh-entry.js'
import type { MeshEntry } from './mesh-entry.js'
import type { NflogMetrics } from './metrics.js'

/** NflogStoreOptions configure the files of one notification log. */
export interface NflogStoreOptions {
  /** The snapshot file, `<storage.path>/nflog`, in Alertmanager's format. */
  readonly snapshotPath: string
  /** The journal of changes since the snapshot, `<storage.path>/nflog.journal`. */
  readonly journalPath: string
  /** The directory holding both, fsynced when the journal is created. */
  readonly dir: string
  readonly codec: NflogCodec
  readonly log: Logger
  readonly metrics: NflogMetrics | undefined
  /** How long changes gather before one journal write and fsync. */
  readonly flushDelayMs: number
  /** The journal is folded into the snapshot once it exceeds this and the last snapshot. */
  readonly compactBytes: number
  /** Size of the snapshot file found at start-up, the first compaction threshold. */
  readonly snapshotBytes: number
  /** The whole log, read synchronously when a snapshot is encoded. */
  readonly state: () => Iterable<MeshEntry>
}

const RETRY_MIN_MS = 1000
const RETRY_MAX_MS = 30_000

/**
 * NflogStore keeps a notification log on disk without an fsync per notification. Alertmanager
 * only writes its snapshot every --data.maintenance-interval and at shutdown, so a crash loses
 * up to 15 minutes of notifications and they are sent again (nflog/nflog.go's Maintenance;
 * docs/architecture.md, "Durability").
 * Here changes gather for `flushDelayMs`, then one append to the journal and one fsync make
 * them durable; the journal is folded into the snapshot (atomic rename) when it grows past
 * the snapshot's size, at maintenance and on close. Every operation on the files runs in
 * order on one promise chain.
 */
export class NflogStore {
  readonly #options: NflogStoreOptions
  readonly #journal: FileHandle
  readonly #pending = new Map<string, MeshEntry>()
  #journalBytes: number
  #lastSnapshotBytes: number
  #timer: NodeJS.Timeout | undefined
  #tail: Promise<unknown> = Promise.resolve()
  #needsSnapshot = false
  #retryMs = RETRY_MIN_MS
  #closed = false

  private constructor(options: NflogStoreOptions, journal: FileHandle, journalBytes: number) {
    this.#options = options
    this.#journal = journal
    this.#journalBytes = journalBytes
    this.#lastSnapshotBytes = options.snapshotBytes
  }

  /**
   * open opens (creating it if needed) the journal for appending.
   *
   * @param options - paths, codec and tuning.
   * @returns the store.
   */
  static async open(options: NflogStoreOptions): Promise<NflogStore> {
    const journal = await open(options.journalPath, 'a', 0o640)
    try {
      const { size } = await journal.stat()
      // The journal's directory entry must survive a crash as much as its content.
      await syncDir(options.dir)
      return new NflogStore(options, journal, size)
    } catch (err: unknown) {
      await journal.close()
      throw err
    }
  }

  /** journalBytes is the size of the journal, records not yet folded into the snapshot. */
  get journalBytes(): number {
    return this.#journalBytes
  }

  /**
   * enqueue takes changed entries and schedules their write; it never blocks the caller.
   *
   * @param entries - entries that changed the log.
   */
  enqueue(entries: readonly MeshEntry[]): void {
    for (const mesh of entries) {
      this.#pending.set(stateKey(mesh.entry.groupKey, mesh.entry.receiver), mesh)
    }
    this.#schedule(this.#options.flushDelayMs)
  }

  /**
   * flush writes every pending change to the journal and fsyncs it, now.
   *
   * @returns once the changes are durable.
   */
  flush(): Promise<void> {
    this.#cancelTimer()
    return this.#serial(() => this.#writePending())
  }

  /**
   * snapshot replaces the snapshot file with the whole log (atomic write) and empties the
   * journal.
   *
   * @returns the snapshot's size in bytes.
   */
  snapshot(): Promise<number> {
    this.#cancelTimer()
    return this.#serial(() => this.#writeSnapshot())
  }

  /**
   * close takes a final snapshot and closes the journal. Should the snapshot fail, pending
   * changes still go to the journal before the error is passed on.
   */
  async close(): Promise<void> {
    this.#closed = true
    this.#cancelTimer()
    try {
      await this.#serial(async () => {
        try {
          await this.#writeSnapshot()
        } catch (err: unknown) {
          await this.#appendPending().catch(() => undefined)
          throw err
        }
      })
    } finally {
      await this.#journal.close()
    }
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(op)
    this.#tail = result.catch(() => undefined)
    return result
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined || this.#closed) {
      return
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.flush().then(
        () => {
          this.#retryMs = RETRY_MIN_MS
        },
        (err: unknown) => {
          // The next attempt rewrites the snapshot: a failed append may have left a torn
          // record that later appends must not follow.
          this.#needsSnapshot = true
          this.#options.log.error(
            { err: errorMessage(err), retryMs: this.#retryMs },
            'Writing the notification log failed'
          )
          this.#schedule(this.#retryMs)
          this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS)
        }
      )
    }, delayMs)
    this.#timer.unref()
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
  }

  async #writePending(): Promise<void> {
    const threshold = Math.max(this.#options.compactBytes, this.#lastSnapshotBytes)
    if (this.#needsSnapshot || this.#journalBytes >= threshold) {
      await this.#writeSnapshot()
      return
    }
    await this.#appendPending()
    if (this.#journalBytes >= threshold) {
      await this.#writeSnapshot()
    }
  }

  async #appendPending(): Promise<void> {
    if (this.#pending.size === 0) {
      return
    }
    const data = this.#options.codec.encode(this.#pending.values())
    this.#pending.clear()
    try {
      let written = 0
      while (written < data.length) {
        const { bytesWritten } = await this.#journal.write(data, written)
        written += bytesWritten
      }
      await this.#journal.datasync()
    } catch (err: unknown) {
      this.#needsSnapshot = true
      throw err
    }
    this.#journalBytes += data.length
  }

  async #writeSnapshot(): Promise<number> {
    const start = performance.now()
    // The state is encoded synchronously, so it includes every pending change. Those stay
    // pending until the file is safe (close() appends them to the journal should it fail);
    // changes made meanwhile remain pending for the emptied journal.
    const covered = [...this.#pending]
    const data = this.#options.codec.encode(this.#options.state())
    try {
      await atomicWrite(this.#options.snapshotPath, data)
      await this.#journal.truncate(0)
      await this.#journal.datasync()
    } catch (err: unknown) {
      this.#needsSnapshot = true
      throw err
    }
    for (const [key, mesh] of covered) {
      if (this.#pending.get(key) === mesh) {
        this.#pending.delete(key)
      }
    }
    this.#journalBytes = 0
    this.#lastSnapshotBytes = data.length
    this.#needsSnapshot = false
    this.#options.metrics?.snapshotDuration.observe((performance.now() - start) / 1000)
    this.#options.metrics?.snapshotSize.set(data.length)
    return data.length
  }
}
