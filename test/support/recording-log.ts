// A logger for tests that check what operators would see: it keeps each record, with its
// fields, and prints nothing.
import bunyan from 'bunyan'

import type { LogRecord } from './logged-process.js'

/**
 * recordingLog is a logger that keeps every record at `level` or above, as logged.
 *
 * @param level - the lowest level kept.
 * @returns the logger and its records, filled as it logs.
 */
export function recordingLog(level: bunyan.LogLevel = 'trace'): {
  log: bunyan
  records: LogRecord[]
} {
  const records: LogRecord[] = []
  const log = bunyan.createLogger({
    name: 'test',
    streams: [
      {
        type: 'raw',
        level,
        // A copy: bunyan hands every raw stream the same object.
        stream: { write: (record: object) => records.push({ ...record } as LogRecord) },
      },
    ],
  })
  return { log, records }
}
