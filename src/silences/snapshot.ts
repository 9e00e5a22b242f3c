import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import type Logger from 'bunyan'

import { decodeMeshSilences } from './codec.js'
import { JOURNAL_FILE, SNAPSHOT_FILE } from './journal.js'
import type { MeshSilence } from './silence.js'

/** OpenReport says what opening the store read from disk, and what it could not read. */
export interface OpenReport {
  /** loaded is how many silences the store holds after opening. */
  readonly loaded: number
  /** replayed is how many journal records were read (applied or not). */
  readonly replayed: number
  /** skipped is how many records could not be read, in both files. */
  readonly skipped: number
  /** errors describe each unreadable record: file, byte offset and reason. */
  readonly errors: readonly string[]
}

/** SilenceFile is what {@link readSilenceFile} read from one file. */
export interface SilenceFile {
  /** exists is false when the file is missing (which is not an error). */
  readonly exists: boolean
  /** size in bytes. */
  readonly size: number
  /** silences in file order. */
  readonly silences: readonly MeshSilence[]
  /** skipped is how many records could not be read. */
  readonly skipped: number
  /** errors, e.g. `/data/silences: byte 220: truncated record: length 95, only 7 bytes left`. */
  readonly errors: readonly string[]
}

/** isNotFound reports whether an fs error is ENOENT. */
function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT'
}

/**
 * readSilenceFile reads a snapshot or journal of delimited `MeshSilence` records, keeping every
 * record it can read. Corrupt data (a record cut short by a crash, garbage, a bad varint, a
 * record that does not decode) is logged at error level with the file and byte offset and
 * returned in `errors`; it never throws for it. A missing file reads as empty.
 *
 * @param path - the file.
 * @param log - where to report corruption.
 * @returns what was read.
 * @throws the I/O error for anything but a missing file (e.g. EACCES).
 */
export async function readSilenceFile(path: string, log: Logger): Promise<SilenceFile> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err: unknown) {
    if (isNotFound(err)) {
      return { exists: false, size: 0, silences: [], skipped: 0, errors: [] }
    }
    throw err
  }
  const { silences, problems, stoppedAt } = decodeMeshSilences(bytes)
  const errors = problems.map((p) => `${path}: byte ${p.offset}: ${p.message}`)
  for (const p of problems) {
    log.error({ path, offset: p.offset, reason: p.message }, 'unreadable silence record')
  }
  if (stoppedAt !== undefined) {
    log.error(
      { path, offset: stoppedAt, unread: bytes.length - stoppedAt, read: silences.length },
      'silence file is corrupt or cut short; keeping the records before this offset'
    )
  }
  return { exists: true, size: bytes.length, silences, skipped: problems.length, errors }
}

/**
 * preserveCorrupt copies a corrupt file to `<path>.corrupt` before it is rewritten, so that an
 * operator can still inspect (or recover from) the bytes that could not be read.
 *
 * @param path - the corrupt file.
 * @param log - where to report the copy.
 */
export async function preserveCorrupt(path: string, log: Logger): Promise<void> {
  const copy = `${path}.corrupt`
  await copyFile(path, copy)
  log.warn({ path, copy }, 'kept a copy of the corrupt silence file')
}

/**
 * mergeLoaded builds the state from a snapshot and a journal read at startup: snapshot records
 * in order (a later duplicate wins, as in 0.25's decodeState), then journal records, each applied
 * unless an already loaded version of the silence is newer (updatedAt).
 *
 * @param snapshot - the snapshot's records.
 * @param journal - the journal's records, in append order.
 * @returns the state by id.
 */
export function mergeLoaded(
  snapshot: readonly MeshSilence[],
  journal: readonly MeshSilence[]
): Map<string, MeshSilence> {
  const state = new Map<string, MeshSilence>()
  for (const m of snapshot) {
    state.set(m.silence.id, m)
  }
  for (const m of journal) {
    const prev = state.get(m.silence.id)
    if (prev === undefined || prev.silence.updatedAt <= m.silence.updatedAt) {
      state.set(m.silence.id, m)
    }
  }
  return state
}

/** LoadedDir is what {@link loadSilenceDir} found under --storage.path. */
export interface LoadedDir {
  /** silences is the loaded state, one per id. */
  readonly silences: readonly MeshSilence[]
  /** found is true when the snapshot or the journal existed. */
  readonly found: boolean
  /** report describes the reading, except the final count. */
  readonly report: Omit<OpenReport, 'loaded'>
  /**
   * needsCompaction is true when the journal has content or a file was corrupt: the store must
   * rewrite the snapshot and empty the journal before appending (never after a torn tail).
   */
  readonly needsCompaction: boolean
}

/**
 * loadSilenceDir reads the snapshot and replays the journal of a storage directory (created if
 * missing, as Alertmanager does), keeping copies of corrupt files.
 *
 * @param dir - --storage.path.
 * @param log - where to report.
 * @returns the silences and a report.
 * @throws the I/O error when the directory cannot be read; never for corrupt content.
 */
export async function loadSilenceDir(dir: string, log: Logger): Promise<LoadedDir> {
  await mkdir(dir, { recursive: true })
  const snapshotPath = join(dir, SNAPSHOT_FILE)
  const journalPath = join(dir, JOURNAL_FILE)
  const snapshot = await readSilenceFile(snapshotPath, log)
  const journal = await readSilenceFile(journalPath, log)
  if (snapshot.skipped > 0) {
    await preserveCorrupt(snapshotPath, log)
  }
  if (journal.skipped > 0) {
    await preserveCorrupt(journalPath, log)
  }
  return {
    silences: [...mergeLoaded(snapshot.silences, journal.silences).values()],
    found: snapshot.exists || journal.exists,
    report: {
      replayed: journal.silences.length,
      skipped: snapshot.skipped + journal.skipped,
      errors: [...snapshot.errors, ...journal.errors],
    },
    needsCompaction: journal.size > 0 || snapshot.skipped > 0,
  }
}
