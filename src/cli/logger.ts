import type { Writable } from 'node:stream'

import bunyan from 'bunyan'
import type Logger from 'bunyan'

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

const OMITTED = new Set(['v', 'level', 'time', 'msg', 'name', 'hostname', 'pid'])

function logfmtValue(value: unknown): string {
  const text =
    value instanceof Error
      ? value.message
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  if (text === '' || /[\s"=\\]/.test(text)) {
    return JSON.stringify(text)
  }
  return text
}

/**
 * logfmtLine renders a bunyan record as one logfmt line in the shape Alertmanager's go-kit
 * logger writes (`ts=… caller… level=info msg=…` plus fields).
 *
 * @param record - the bunyan record.
 * @returns the line, with its newline.
 */
export function logfmtLine(record: Readonly<Record<string, unknown>>): string {
  const time = record['time']
  const parts = [
    `ts=${time instanceof Date ? time.toISOString() : String(time)}`,
    `level=${LEVEL_NAMES[record['level'] as number] ?? 'info'}`,
  ]
  const component = record['component']
  if (component !== undefined) {
    parts.push(`component=${logfmtValue(component)}`)
  }
  parts.push(`msg=${logfmtValue(record['msg'])}`)
  for (const [key, value] of Object.entries(record)) {
    if (!OMITTED.has(key) && key !== 'component' && value !== undefined) {
      parts.push(`${key}=${logfmtValue(value)}`)
    }
  }
  return `${parts.join(' ')}\n`
}

/**
 * createLogger builds the root bunyan logger: bunyan JSON records for `json`, the same records
 * rendered as logfmt lines (Alertmanager's default format) for `logfmt`.
 *
 * @param options - level and format from --log.level and --log.format.
 * @returns the root logger; components take `log.child({ component })`.
 */
export function createLogger(options: {
  level: string
  format: 'logfmt' | 'json'
  out?: Writable
}): Logger {
  const out = options.out ?? process.stderr
  const level = options.level as bunyan.LogLevelString
  if (options.format === 'json') {
    return bunyan.createLogger({
      name: 'alertmesh',
      level,
      stream: out,
      serializers: bunyan.stdSerializers,
    })
  }
  return bunyan.createLogger({
    name: 'alertmesh',
    serializers: bunyan.stdSerializers,
    streams: [
      {
        level,
        type: 'raw',
        stream: {
          write(record: unknown) {
            out.write(logfmtLine(record as Record<string, unknown>))
          },
        },
      },
    ],
  })
}
