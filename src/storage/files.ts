import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** RecordIssue is one record of a delimited file that could not be used. */
export interface RecordIssue {
  /** offset is where the record (its length prefix) starts. */
  readonly offset: number
  readonly message: string
}

/** DecodedRecords is what a codec could read from a file of delimited records. */
export interface DecodedRecords<T> {
  /** records in file order. */
  readonly records: readonly T[]
  /** issues, one per unusable record. */
  readonly issues: readonly RecordIssue[]
  /** stoppedAt is the offset where reading stopped early (framing lost), when the codec says. */
  readonly stoppedAt?: number | undefined
}

/** StoreFile is one snapshot or journal file as read at start-up. */
export interface StoreFile<T> extends DecodedRecords<T> {
  readonly path: string
  /** exists is false when the file is missing (which is not an error). */
  readonly exists: boolean
  /** size in bytes; 0 when the file does not exist. */
  readonly size: number
}

/**
 * readStoreFile reads and decodes one file. A missing file reads as empty; what the codec cannot
 * read is returned as issues, never thrown.
 *
 * @param path - the file.
 * @param decode - the store's codec, which must not throw on bad input.
 * @returns what was read.
 * @throws the I/O error for anything but a missing file (e.g. EISDIR, EACCES).
 */
export async function readStoreFile<T>(
  path: string,
  decode: (data: Uint8Array) => DecodedRecords<T>
): Promise<StoreFile<T>> {
  let data: Uint8Array
  try {
    data = await readFile(path)
  } catch (err: unknown) {
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { path, exists: false, size: 0, records: [], issues: [] }
    }
    throw err
  }
  return { ...decode(data), path, exists: true, size: data.length }
}

/**
 * issueText renders an issue for an open report: `<file>: byte <offset>: <message>`.
 *
 * @param path - the file the issue is in.
 * @param issue - the issue.
 * @returns the text.
 */
export function issueText(path: string, issue: RecordIssue): string {
  return `${path}: byte ${issue.offset}: ${issue.message}`
}

/**
 * keepCorruptCopy copies a damaged file to `<file>.corrupt` before it is rewritten, so that an
 * operator can still inspect (or recover from) the bytes that could not be read.
 *
 * @param path - the damaged file.
 * @returns the copy's path.
 */
export async function keepCorruptCopy(path: string): Promise<string> {
  const copy = `${path}.corrupt`
  await copyFile(path, copy)
  return copy
}

/** LoadEvents let a store report reading in its own words. */
export interface LoadEvents<T> {
  /** read is called once per file, right after it was read (issues included). */
  readonly read?: (file: StoreFile<T>) => void
  /** kept is called after a damaged file was copied to `copy`. */
  readonly kept?: (file: StoreFile<T>, copy: string) => void
  /** keepFailed is called when the copy failed; it may rethrow. @default rethrows */
  readonly keepFailed?: (file: StoreFile<T>, err: unknown) => void
}

/** LoadOptions name a store's files and how to read them. */
export interface LoadOptions<T> {
  /** dir is --storage.path, created when missing (as Alertmanager does). */
  readonly dir: string
  readonly snapshotFile: string
  readonly journalFile: string
  readonly decode: (data: Uint8Array) => DecodedRecords<T>
  readonly events?: LoadEvents<T>
}

/** LoadedFiles is what {@link loadStoreFiles} found. */
export interface LoadedFiles<T> {
  readonly snapshot: StoreFile<T>
  readonly journal: StoreFile<T>
  /** errors describe each unreadable record of both files: `<file>: byte <offset>: <reason>`. */
  readonly errors: readonly string[]
  /**
   * needsCompaction is true when the journal has content or the snapshot was damaged: the store
   * must rewrite the snapshot and empty the journal before appending (never after a torn tail).
   */
  readonly needsCompaction: boolean
}

/**
 * loadStoreFiles reads a store's snapshot and then its journal, and keeps a `.corrupt` copy of
 * each damaged one. Replaying the journal over the snapshot is the store's job: merge rules
 * differ per state.
 *
 * @param options - the directory, file names, codec and reporting hooks.
 * @returns both files and what to do next.
 * @throws the I/O error when the directory cannot be read; never for corrupt content.
 */
export async function loadStoreFiles<T>(options: LoadOptions<T>): Promise<LoadedFiles<T>> {
  const { dir, decode, events } = options
  await mkdir(dir, { recursive: true })
  const snapshot = await readStoreFile(join(dir, options.snapshotFile), decode)
  events?.read?.(snapshot)
  const journal = await readStoreFile(join(dir, options.journalFile), decode)
  events?.read?.(journal)
  for (const file of [snapshot, journal]) {
    if (file.issues.length === 0) {
      continue
    }
    let copy: string
    try {
      copy = await keepCorruptCopy(file.path)
    } catch (err: unknown) {
      if (events?.keepFailed === undefined) {
        throw err
      }
      events.keepFailed(file, err)
      continue
    }
    events?.kept?.(file, copy)
  }
  return {
    snapshot,
    journal,
    errors: [snapshot, journal].flatMap((f) => f.issues.map((i) => issueText(f.path, i))),
    needsCompaction: journal.size > 0 || snapshot.issues.length > 0,
  }
}
