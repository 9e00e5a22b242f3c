import type Logger from 'bunyan'

import type { LoadEvents, StoreFile } from '../storage/index.js'
import { errorMessage } from '../util/index.js'

import type { MeshEntry } from './mesh-entry.js'

/** SNAPSHOT_FILE is Alertmanager's snapshot file name under --storage.path. */
export const SNAPSHOT_FILE = 'nflog'

/** JOURNAL_FILE holds the changes made since the snapshot, in the same format. */
export const JOURNAL_FILE = 'nflog.journal'

/** At most this many issues per file are logged one by one; the report keeps them all. */
const LOGGED_ISSUES = 10

/**
 * loadEvents reports, in the notification log's words, what reading its files found: records
 * that cannot be used, with the file name and byte offset (start-up goes on with everything
 * readable; Alertmanager refuses to start instead), and the `.corrupt` copy of a damaged file
 * (failing to copy is logged, not fatal).
 *
 * @param log - the nflog's logger.
 * @returns the hooks for loadStoreFiles.
 */
export function loadEvents(log: Logger): LoadEvents<MeshEntry> {
  return {
    read: (file) => {
      reportUnreadable(file, log)
    },
    kept: (file, copy) => {
      log.warn({ file: file.path, copy }, 'Kept a copy of the damaged notification log file')
    },
    keepFailed: (file, err) => {
      log.error(
        { file: file.path, err: errorMessage(err) },
        'Copying the damaged notification log file failed'
      )
    },
  }
}

/**
 * reportUnreadable logs the first issues of a file one by one, then how many more there were.
 *
 * @param file - the file as read.
 * @param log - where to report.
 */
export function reportUnreadable(file: StoreFile<MeshEntry>, log: Logger): void {
  for (const issue of file.issues.slice(0, LOGGED_ISSUES)) {
    log.warn(
      { file: file.path, offset: issue.offset, err: issue.message },
      'Skipping unreadable notification log data'
    )
  }
  if (file.issues.length > LOGGED_ISSUES) {
    log.warn(
      { file: file.path, count: file.issues.length - LOGGED_ISSUES },
      'More unreadable notification log records skipped'
    )
  }
}
