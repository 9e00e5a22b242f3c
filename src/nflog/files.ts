import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import type Logger from 'bunyan'

import { errorMessage } from '../util/index.js'

import type { DecodeIssue, NflogCodec } from './codec.js'
import type { MeshEntry } from './mesh-entry.js'

/** SNAPSHOT_FILE is Alertmanager's snapshot file name under --storage.path. */
export const SNAPSHOT_FILE = 'nflog'

/** JOURNAL_FILE holds the changes made since the snapshot, in the same format. */
export const JOURNAL_FILE = 'nflog.journal'

/** At most this many issues per file are logged one by one; the report keeps them all. */
const LOGGED_ISSUES = 10

/** NflogFile is one file as read at start-up. */
export interface NflogFile {
  readonly path: string
  /** Size in bytes; 0 when the file does not exist. */
  readonly size: number
  readonly entries: readonly MeshEntry[]
  readonly issues: readonly DecodeIssue[]
}

/**
 * readNflogFile reads and decodes one file. A missing file is empty; records that cannot be
 * used are logged with the file name and byte offset and left out, so start-up goes on with
 * everything readable (Alertmanager refuses to start instead).
 *
 * @param path - the file.
 * @param codec - the nflog codec.
 * @param log - where issues are reported.
 * @returns the file's entries and issues.
 */
export async function readNflogFile(
  path: string,
  codec: NflogCodec,
  log: Logger
): Promise<NflogFile> {
  let data: Buffer
  try {
    data = await readFile(path)
  } catch (err: unknown) {
    if (isNotFound(err)) {
      return { path, size: 0, entries: [], issues: [] }
    }
    throw err
  }
  const { entries, issues } = codec.decode(data)
  for (const issue of issues.slice(0, LOGGED_ISSUES)) {
    log.warn(
      { file: path, offset: issue.offset, err: issue.message },
      'Skipping unreadable notification log data'
    )
  }
  if (issues.length > LOGGED_ISSUES) {
    log.warn(
      { file: path, count: issues.length - LOGGED_ISSUES },
      'More unreadable notification log records skipped'
    )
  }
  return { path, size: data.length, entries, issues }
}

/**
 * issueText renders an issue for the open report: `<file>: byte <offset>: <message>`.
 *
 * @param file - the file the issue is in.
 * @param issue - the issue.
 * @returns the text.
 */
export function issueText(file: NflogFile, issue: DecodeIssue): string {
  return `${file.path}: byte ${issue.offset}: ${issue.message}`
}

/**
 * keepCorruptCopy copies a damaged file to `<file>.corrupt` before it is rewritten, so the
 * evidence survives the repair. Failing to copy is logged, not fatal.
 *
 * @param file - the damaged file.
 * @param log - where a failure is reported.
 */
export async function keepCorruptCopy(file: NflogFile, log: Logger): Promise<void> {
  const copy = `${file.path}.corrupt`
  try {
    await copyFile(file.path, copy)
    log.warn({ file: file.path, copy }, 'Kept a copy of the damaged notification log file')
  } catch (err: unknown) {
    log.error(
      { file: file.path, err: errorMessage(err) },
      'Copying the damaged notification log file failed'
    )
  }
}

/**
 * nflogPaths names the two files under a storage directory.
 *
 * @param dir - --storage.path.
 * @returns the snapshot and journal paths.
 */
export function nflogPaths(dir: string): { snapshotPath: string; journalPath: string } {
  return { snapshotPath: join(dir, SNAPSHOT_FILE), journalPath: join(dir, JOURNAL_FILE) }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT'
}
