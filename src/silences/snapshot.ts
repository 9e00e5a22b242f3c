import type Logger from 'bunyan'

import { loadStoreFiles } from '../storage/index.js'
import type { LoadEvents } from '../storage/index.js'

import { decodeMeshSilences } from './codec.js'
import type { MeshSilence } from './silence.js'

/** SNAPSHOT_FILE is the snapshot's name under --storage.path, as in Alertmanager. */
export const SNAPSHOT_FILE = 'silences'
/** JOURNAL_FILE holds the writes since the last snapshot, in the same record format. */
export const JOURNAL_FILE = 'silences.journal'

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

/**
 * loadEvents reports, in the silence store's words, corrupt data (a record cut short by a
 * crash, garbage, a bad varint, a record that does not decode) at error level with the file and
 * byte offset, and the `.corrupt` copy kept of a damaged file. Failing to copy fails the open.
 */
function loadEvents(log: Logger): LoadEvents<MeshSilence> {
  return {
    read: ({ path, size, records, issues, stoppedAt }) => {
      for (const p of issues) {
        log.error({ path, offset: p.offset, reason: p.message }, 'unreadable silence record')
      }
      if (stoppedAt !== undefined) {
        log.error(
          { path, offset: stoppedAt, unread: size - stoppedAt, read: records.length },
          'silence file is corrupt or cut short; keeping the records before this offset'
        )
      }
    },
    kept: ({ path }, copy) => {
      log.warn({ path, copy }, 'kept a copy of the corrupt silence file')
    },
  }
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
  const { snapshot, journal, errors, needsCompaction } = await loadStoreFiles({
    dir,
    snapshotFile: SNAPSHOT_FILE,
    journalFile: JOURNAL_FILE,
    decode: (data) => {
      const { silences, problems, stoppedAt } = decodeMeshSilences(data)
      return { records: silences, issues: problems, stoppedAt }
    },
    events: loadEvents(log),
  })
  return {
    silences: [...mergeLoaded(snapshot.records, journal.records).values()],
    found: snapshot.exists || journal.exists,
    report: {
      replayed: journal.records.length,
      skipped: snapshot.issues.length + journal.issues.length,
      errors,
    },
    needsCompaction,
  }
}
