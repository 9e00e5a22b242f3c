import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'

import { ClosedError, atomicWrite, syncDir } from '../util/index.js'

/** DurableStoreEvents let a store report writing in its own words and metrics. */
export interface DurableStoreEvents {
  /** snapshotWritten reports each snapshot written: its size and how long writing took. */
  readonly snapshotWritten?: (bytes: number, seconds: number) => void
  /** appendFailed reports a failed journal append (the next write compacts instead). */
  readonly appendFailed?: (err: unknown, path: string) => void
  /** snapshotFailed reports a failed snapshot. */
  readonly snapshotFailed?: (err: unknown, path: string) => void
  /** retrying reports a failed write nobody waited for, tried again in `retryMs` (see `retry`). */
  readonly retrying?: (err: unknown, retryMs: number) => void
}

/** DurableStoreOptions configure a {@link DurableStore}. */
export interface DurableStoreOptions<T> {
  /** dir is --storage.path; it must exist. */
  readonly dir: string
  /** snapshotFile is the snapshot's name in `dir`, e.g. Alertmanager's `silences` or `nflog`. */
  readonly snapshotFile: string
  /** journalFile is the journal's name in `dir`, e.g. `silences.journal`. */
  readonly journalFile: string
  /** name is how ClosedError names the store, e.g. `silences journal`. */
  readonly name: string
  /**
   * encode writes records as the files hold them: delimited protobuf messages, so that the
   * encodings of consecutive slices, concatenated, are the encoding of the whole.
   */
  readonly encode: (records: Iterable<T>) => Uint8Array
  /** state is the whole state, read synchronously when a snapshot starts. */
  readonly state: () => Iterable<T>
  /** key, when given, collapses pending records of one key into the latest. */
  readonly key?: ((record: T) => string) | undefined
  /**
   * gatherMs is how long records gather before one append and fsync. With 0 a write starts as
   * soon as the previous one is done, and the records that arrived meanwhile share it (group
   * commit). @default 0
   */
  readonly gatherMs?: number | undefined
  /** compactBytes: the journal is folded into the snapshot once it reaches this size. */
  readonly compactBytes: number
  /** compactAtSnapshotSize raises that threshold to the last snapshot's size. @default false */
  readonly compactAtSnapshotSize?: boolean | undefined
  /** snapshotBytes is the size of the snapshot found at start-up. @default 0 */
  readonly snapshotBytes?: number | undefined
  /**
   * retry, when given, tries a failed write that nobody waits for again (as a snapshot) after
   * `minMs`, doubling up to `maxMs`. Without it the next write or compaction repairs.
   */
  readonly retry?: { readonly minMs: number; readonly maxMs: number } | undefined
  readonly events?: DurableStoreEvents | undefined
}

/**
 * SNAPSHOT_SLICE_MS bounds how long a snapshot (or a large journal append) encodes before it
 * lets the event loop run. At 100k nflog entries one encode took 0.4 s on an idle 2-core machine
 * and 2.3 s under a flush storm, during which the API did not answer (issue 20's GET /-/ready
 * p99 during flushes).
 */
export const SNAPSHOT_SLICE_MS = 5

/** SLICE_CHECK_RECORDS is how many records are encoded between two looks at the clock. */
const SLICE_CHECK_RECORDS = 64

/** Waiter is a caller waiting for a write to be durable. */
interface Waiter<R> {
  readonly resolve: (value: R) => void
  readonly reject: (err: unknown) => void
}

/**
 * DurableStore keeps a state on disk as a snapshot plus a journal of the records changed since
 * (docs/architecture.md, "Durability"); Alertmanager only writes its snapshot at maintenance and
 * shutdown, so a crash loses up to 15 minutes of changes.
 *
 * A write appends the changed records to the journal and resolves after an fdatasync. Records
 * arriving while a write runs, or within `gatherMs`, share the next one. A snapshot (atomicWrite:
 * temp file, fsync, rename, directory fsync; then the journal is truncated) runs on request, at
 * close, and when the journal outgrows its threshold. Writes and snapshots run one at a time, in
 * order, so a truncation never drops a record that is not in the snapshot: records still pending
 * when a snapshot starts are in the state it encodes, and are acknowledged by it.
 *
 * After a failed write the journal's tail may be torn, so nothing more is appended until a
 * snapshot succeeds (it rewrites everything and truncates the torn tail).
 */
export class DurableStore<T> {
  readonly #file: FileHandle
  readonly #options: DurableStoreOptions<T>
  readonly #snapshotPath: string
  readonly #journalPath: string
  #pending = new Map<unknown, T>()
  #waiters: Waiter<void>[] = []
  #compactWaiters: Waiter<number>[] = []
  /** due is true once pending records may be written (the gather delay has passed). */
  #due = false
  #compactRequested = false
  #mustCompact = false
  #journalBytes: number
  #lastSnapshotBytes: number
  #syncs = 0
  #seq = 0
  #retryMs: number
  #timer: NodeJS.Timeout | undefined
  #draining: Promise<void> | undefined
  #closed = false
  #closing: Promise<void> | undefined

  private constructor(file: FileHandle, size: number, options: DurableStoreOptions<T>) {
    this.#file = file
    this.#journalBytes = size
    this.#options = options
    this.#snapshotPath = join(options.dir, options.snapshotFile)
    this.#journalPath = join(options.dir, options.journalFile)
    this.#lastSnapshotBytes = options.snapshotBytes ?? 0
    this.#retryMs = options.retry?.minMs ?? 0
  }

  /**
   * open opens (or creates) the journal for appending. Reading the files is the caller's job,
   * before (loadStoreFiles).
   *
   * @param options - where, how to encode, and when to write.
   * @returns the store.
   */
  static async open<T>(options: DurableStoreOptions<T>): Promise<DurableStore<T>> {
    const file = await open(join(options.dir, options.journalFile), 'a', 0o640)
    try {
      const { size } = await file.stat()
      // A new file's directory entry must be durable too before appends to it count.
      await syncDir(options.dir)
      return new DurableStore(file, size, options)
    } catch (err: unknown) {
      await file.close()
      throw err
    }
  }

  /** journalBytes is the journal's length: records not yet folded into the snapshot. */
  get journalBytes(): number {
    return this.#journalBytes
  }

  /** syncs counts the journal appends so far (one fdatasync each). */
  get syncs(): number {
    return this.#syncs
  }

  /**
   * write queues changed records and resolves once they are on disk.
   *
   * @param records - the records that changed.
   * @returns resolves when durable; rejects with the I/O error, or ClosedError after close.
   */
  write(records: readonly T[]): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new ClosedError(this.#options.name))
    }
    if (records.length === 0) {
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject })
      this.enqueue(records)
    })
  }

  /**
   * enqueue queues changed records without waiting for them; failures are reported through
   * the events (and retried with `retry`). After close it does nothing.
   *
   * @param records - the records that changed.
   */
  enqueue(records: readonly T[]): void {
    if (this.#closed) {
      return
    }
    const key = this.#options.key
    for (const record of records) {
      this.#pending.set(key === undefined ? this.#seq++ : key(record), record)
    }
    const gatherMs = this.#options.gatherMs ?? 0
    if (gatherMs === 0) {
      this.#due = true
      this.#kick()
    } else {
      this.#schedule(gatherMs)
    }
  }

  /**
   * flush writes the pending records now instead of after the gather delay.
   *
   * @returns resolves when they are durable, and any write or compaction under way is done.
   */
  flush(): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new ClosedError(this.#options.name))
    }
    if (this.#pending.size === 0) {
      // Still waits for a write or compaction under way.
      return this.#draining ?? Promise.resolve()
    }
    const written = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject })
      this.#due = true
      this.#kick()
    })
    // A compaction the write made due follows before flush resolves.
    return written.then(() => this.#draining)
  }

  /**
   * compact writes the whole state to the snapshot and empties the journal.
   *
   * @returns the snapshot's size, once it is durable.
   */
  compact(): Promise<number> {
    if (this.#closed) {
      return Promise.reject(new ClosedError(this.#options.name))
    }
    return this.#requestCompaction()
  }

  /**
   * close takes a final snapshot and closes the journal; later calls return the same promise.
   * Should the snapshot fail, the pending records still go to the journal before the error is
   * passed on.
   *
   * @returns resolves when closed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Before anything runs: the final compaction may start (and fail) synchronously.
      this.#closed = true
      clearTimeout(this.#timer)
      this.#timer = undefined
      try {
        await this.#requestCompaction()
      } finally {
        await this.#file.close()
      }
    })()
    return this.#closing
  }

  #requestCompaction(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#compactWaiters.push({ resolve, reject })
      this.#kick()
    })
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined || this.#closed) {
      return
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#due = true
      // After a failure the next write is a snapshot, pending records or not.
      this.#compactRequested ||= this.#mustCompact
      this.#kick()
    }, delayMs)
    this.#timer.unref()
  }

  #kick(): void {
    if (this.#draining !== undefined) {
      return
    }
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined
      if (this.#hasWork()) {
        this.#kick()
      }
    })
  }

  #hasWork(): boolean {
    return (
      this.#compactWaiters.length > 0 ||
      this.#compactRequested ||
      (this.#due && this.#pending.size > 0)
    )
  }

  /** drain runs queued snapshots and appends one at a time until none are left. */
  async #drain(): Promise<void> {
    while (this.#hasWork()) {
      const threshold = Math.max(
        this.#options.compactBytes,
        this.#options.compactAtSnapshotSize === true ? this.#lastSnapshotBytes : 0
      )
      if (
        this.#compactWaiters.length > 0 ||
        this.#compactRequested ||
        this.#mustCompact ||
        this.#journalBytes >= threshold
      ) {
        await this.#runCompaction()
      } else {
        await this.#runAppend(threshold)
      }
    }
  }

  /** takePending hands the pending records and their waiters to one write. */
  #takePending(): { records: Map<unknown, T>; waiters: Waiter<void>[] } {
    const records = this.#pending
    const waiters = this.#waiters
    this.#pending = new Map()
    this.#waiters = []
    this.#due = false
    return { records, waiters }
  }

  async #runAppend(threshold: number): Promise<void> {
    const { records, waiters } = this.#takePending()
    let data: Uint8Array
    try {
      // A flush storm changes thousands of records between two appends; sliced like snapshots.
      data = await encodeInSlices(records.values(), this.#options.encode)
      let written = 0
      while (written < data.length) {
        const { bytesWritten } = await this.#file.write(data, written, data.length - written)
        written += bytesWritten
      }
      await this.#file.datasync()
    } catch (err: unknown) {
      this.#mustCompact = true
      this.#options.events?.appendFailed?.(err, this.#journalPath)
      this.#failed(err, waiters)
      return
    }
    this.#syncs++
    this.#journalBytes += data.length
    if (this.#journalBytes >= threshold) {
      this.#compactRequested = true
    }
    this.#succeeded(waiters)
  }

  async #runCompaction(): Promise<void> {
    // Synchronously, before any await: every pending record is already in the state the
    // snapshot encodes, which is why those are acknowledged by the snapshot instead of appended.
    // Records changed while it encodes (it yields between slices) become pending anew and go to
    // the journal after the truncation; a key the encode has not reached yet is written with its
    // newer value, which replaying the journal over the snapshot gives anyway.
    const compactWaiters = this.#compactWaiters.splice(0)
    const { records, waiters } = this.#takePending()
    this.#compactRequested = false
    const started = performance.now()
    let size: number
    try {
      const data = await encodeInSlices(this.#options.state(), this.#options.encode)
      size = data.length
      await atomicWrite(this.#snapshotPath, data)
      await this.#file.truncate(0)
      await this.#file.sync()
    } catch (err: unknown) {
      this.#mustCompact = true
      // The records stay pending (without waiters) for the snapshot that repairs, or for the
      // journal should this have been the final snapshot.
      this.#pending = new Map([...records, ...this.#pending])
      this.#options.events?.snapshotFailed?.(err, this.#snapshotPath)
      if (this.#closed) {
        await this.#appendOnClose()
      }
      this.#failed(err, [...compactWaiters, ...waiters])
      return
    }
    this.#journalBytes = 0
    this.#lastSnapshotBytes = size
    this.#mustCompact = false
    this.#options.events?.snapshotWritten?.(size, (performance.now() - started) / 1000)
    for (const w of compactWaiters) {
      w.resolve(size)
    }
    this.#succeeded(waiters)
  }

  /** appendOnClose writes what the failed final snapshot did not cover, as far as it can. */
  async #appendOnClose(): Promise<void> {
    try {
      await this.#file.write(this.#options.encode(this.#takePending().records.values()))
      await this.#file.datasync()
    } catch {
      // The snapshot's error is the one passed on.
    }
  }

  #succeeded(waiters: readonly Waiter<void>[]): void {
    this.#retryMs = this.#options.retry?.minMs ?? 0
    for (const w of waiters) {
      w.resolve()
    }
  }

  #failed(err: unknown, waiters: readonly Pick<Waiter<never>, 'reject'>[]): void {
    const retry = this.#options.retry
    if (retry !== undefined && waiters.length === 0 && !this.#closed) {
      this.#options.events?.retrying?.(err, this.#retryMs)
      this.#schedule(this.#retryMs)
      this.#retryMs = Math.min(this.#retryMs * 2, retry.maxMs)
    }
    for (const w of waiters) {
      w.reject(err)
    }
  }
}

/**
 * encodeInSlices encodes a whole state as `encode` would in one call, but hands the event loop
 * back every SNAPSHOT_SLICE_MS so that requests and timers are served while a large state is
 * encoded. It walks the state's iterator across those turns: for a live Map that means records
 * deleted meanwhile are skipped and records replaced meanwhile may be written with their newer
 * value, both of which the journal's replay rules allow (see #runCompaction).
 *
 * @param state - the records to encode.
 * @param encode - the store's encoder of delimited records.
 * @returns the encoding.
 */
export async function encodeInSlices<T>(
  state: Iterable<T>,
  encode: (records: Iterable<T>) => Uint8Array
): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let batch: T[] = []
  let sliceStarted = performance.now()
  for (const record of state) {
    batch.push(record)
    if (batch.length < SLICE_CHECK_RECORDS) {
      continue
    }
    parts.push(encode(batch))
    batch = []
    if (performance.now() - sliceStarted >= SNAPSHOT_SLICE_MS) {
      await nextTurn()
      sliceStarted = performance.now()
    }
  }
  if (batch.length > 0) {
    parts.push(encode(batch))
  }
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts)
}
