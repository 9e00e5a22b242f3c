import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

import type Logger from 'bunyan'

import { ClosedError, atomicWrite, errorMessage, syncDir } from '../util/index.js'

/** SNAPSHOT_FILE is the snapshot's name under --storage.path, as in Alertmanager. */
export const SNAPSHOT_FILE = 'silences'
/** JOURNAL_FILE holds the writes since the last snapshot, in the same record format. */
export const JOURNAL_FILE = 'silences.journal'

/** JournalOptions configure a {@link Journal}. */
export interface JournalOptions {
  /** dir is --storage.path. */
  readonly dir: string
  /** maxBytes is the journal size past which it is compacted into the snapshot. */
  readonly maxBytes: number
  /**
   * encodeState returns the whole state as snapshot bytes. It is called synchronously when a
   * compaction starts, so it includes every change made before then.
   */
  readonly encodeState: () => Uint8Array
  /** onCompacted reports each snapshot written: its size and how long writing took. */
  readonly onCompacted: (bytes: number, seconds: number) => void
  readonly log: Logger
}

/** Waiter is a caller waiting for its bytes to be durable. */
interface Waiter {
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
}

/** Pending is an appended record waiting for the next group sync. */
interface Pending extends Waiter {
  readonly bytes: Uint8Array
}

/**
 * Journal makes silence writes durable before they are acknowledged (research item 7), which
 * Alertmanager does not: it snapshots every 15 minutes and at a clean shutdown only.
 *
 * Each write appends its delimited `MeshSilence` records to `silences.journal`; the promise
 * resolves after an fdatasync. Appends that arrive while a sync runs are written together and
 * share the next sync (group commit), so a burst of parallel writes costs a few syncs, not one
 * each. A compaction writes the whole state to `silences` with atomicWrite (temp file, fsync,
 * rename, directory fsync) and then truncates the journal; it runs on request, at close, and when
 * the journal passes `maxBytes`. Appends and compactions run one at a time, in order, so a
 * truncation never drops a record that is not in the snapshot: records still queued when a
 * compaction starts are in the state it encodes, and are acknowledged by it.
 *
 * After a failed append the journal's tail may be torn, so nothing more is appended until a
 * compaction succeeds (it rewrites everything and truncates the torn tail).
 */
export class Journal {
  readonly #file: FileHandle
  readonly #options: JournalOptions
  readonly #snapshotPath: string
  #size: number
  #syncs = 0
  #pending: Pending[] = []
  #compactWaiters: Waiter[] = []
  #compactRequested = false
  #mustCompact = false
  #draining: Promise<void> | undefined
  #closing: Promise<void> | undefined

  private constructor(file: FileHandle, size: number, options: JournalOptions) {
    this.#file = file
    this.#size = size
    this.#options = options
    this.#snapshotPath = join(options.dir, SNAPSHOT_FILE)
  }

  /**
   * open opens (or creates) the journal for appending. Reading it is the caller's job, before.
   *
   * @param options - where and how.
   * @returns the journal.
   */
  static async open(options: JournalOptions): Promise<Journal> {
    const file = await open(join(options.dir, JOURNAL_FILE), 'a', 0o640)
    try {
      const { size } = await file.stat()
      // A new file's directory entry must be durable too before appends to it count.
      await syncDir(options.dir)
      return new Journal(file, size, options)
    } catch (err: unknown) {
      await file.close()
      throw err
    }
  }

  /** syncs counts the journal's group syncs so far (one per batch of appends). */
  get syncs(): number {
    return this.#syncs
  }

  /** size is the journal's current length in bytes. */
  get size(): number {
    return this.#size
  }

  /**
   * append writes records and resolves once they are on disk.
   *
   * @param bytes - delimited MeshSilence records.
   * @returns resolves when durable; rejects with the I/O error, or ClosedError after close.
   */
  append(bytes: Uint8Array): Promise<void> {
    if (this.#closing !== undefined) {
      return Promise.reject(new ClosedError('silences journal'))
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ bytes, resolve, reject })
      this.#kick()
    })
  }

  /**
   * compact writes the whole state to the snapshot and empties the journal.
   *
   * @returns resolves when the snapshot is durable.
   */
  compact(): Promise<void> {
    if (this.#closing !== undefined) {
      return Promise.reject(new ClosedError('silences journal'))
    }
    return this.#requestCompaction()
  }

  /**
   * close compacts once more and closes the file; later calls return the same promise.
   *
   * @returns resolves when closed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#requestCompaction()
      } finally {
        await this.#file.close()
      }
    })()
    return this.#closing
  }

  #requestCompaction(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#compactWaiters.push({ resolve, reject })
      this.#kick()
    })
  }

  #kick(): void {
    if (this.#draining !== undefined) {
      return
    }
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined
      if (this.#pending.length > 0 || this.#compactWaiters.length > 0) {
        this.#kick()
      }
    })
  }

  /** drain runs queued compactions and appends one at a time until none are left. */
  async #drain(): Promise<void> {
    for (;;) {
      const compactNow =
        this.#compactWaiters.length > 0 ||
        this.#compactRequested ||
        (this.#mustCompact && this.#pending.length > 0)
      if (compactNow) {
        await this.#runCompaction()
      } else if (this.#pending.length > 0) {
        await this.#runAppend()
      } else {
        return
      }
    }
  }

  async #runCompaction(): Promise<void> {
    // Synchronously, before any await: the encoded state then contains every record queued so
    // far, which is why those records are acknowledged by the snapshot instead of appended.
    const waiters: Waiter[] = [...this.#compactWaiters.splice(0), ...this.#pending.splice(0)]
    this.#compactRequested = false
    const started = performance.now()
    try {
      const data = this.#options.encodeState()
      await atomicWrite(this.#snapshotPath, data)
      await this.#file.truncate(0)
      await this.#file.sync()
      this.#size = 0
      this.#mustCompact = false
      this.#options.onCompacted(data.length, (performance.now() - started) / 1000)
      for (const w of waiters) {
        w.resolve()
      }
    } catch (err: unknown) {
      this.#mustCompact = true
      this.#options.log.error(
        { err: errorMessage(err), path: this.#snapshotPath },
        'writing silences snapshot failed'
      )
      for (const w of waiters) {
        w.reject(err)
      }
    }
  }

  async #runAppend(): Promise<void> {
    const batch = this.#pending.splice(0)
    const data = Buffer.concat(batch.map((p) => p.bytes))
    try {
      let written = 0
      while (written < data.length) {
        const { bytesWritten } = await this.#file.write(data, written, data.length - written)
        written += bytesWritten
      }
      await this.#file.datasync()
      this.#syncs++
      this.#size += data.length
      if (this.#size > this.#options.maxBytes) {
        this.#compactRequested = true
      }
      for (const p of batch) {
        p.resolve()
      }
    } catch (err: unknown) {
      this.#mustCompact = true
      this.#options.log.error(
        { err: errorMessage(err), path: join(this.#options.dir, JOURNAL_FILE) },
        'appending to silences journal failed'
      )
      for (const p of batch) {
        p.reject(err)
      }
    }
  }
}
