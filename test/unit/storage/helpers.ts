// Shared helpers for the storage tests: a small codec of delimited text records (the stores'
// protobuf codecs frame their records the same way), and temporary directories.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'

import type { DecodedRecords, RecordIssue } from '#src/storage/index.js'

/** Rec is a test record: a key and a value, `key=value` on disk. */
export interface Rec {
  readonly key: string
  readonly value: string
}

/** rec builds a record. */
export function rec(key: string, value = 'v'): Rec {
  return { key, value }
}

/**
 * encode writes records as varint-length-prefixed `key=value` texts, like Alertmanager's
 * delimited protobuf files.
 *
 * @param records - the records.
 * @returns the bytes.
 */
export function encode(records: Iterable<Rec>): Uint8Array {
  const parts: number[] = []
  for (const r of records) {
    const body = Buffer.from(`${r.key}=${r.value}`)
    let n = body.length
    while (n >= 0x80) {
      parts.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    parts.push(n, ...body)
  }
  return Uint8Array.from(parts)
}

/**
 * decode reads what encode wrote. A body without `=` is an undecodable record (skipped, reading
 * goes on); a broken or overlong length prefix stops reading there, as in both stores' codecs.
 *
 * @param data - the bytes.
 * @returns the records, the issues and where reading stopped.
 */
export function decode(data: Uint8Array): DecodedRecords<Rec> {
  const records: Rec[] = []
  const issues: RecordIssue[] = []
  let pos = 0
  while (pos < data.length) {
    const offset = pos
    let length = 0
    let shift = 0
    let byte = 0x80
    while (byte >= 0x80 && pos < data.length && shift < 35) {
      byte = data[pos++] ?? 0
      length += (byte & 0x7f) * 2 ** shift
      shift += 7
    }
    if (byte >= 0x80 || length > data.length - pos) {
      issues.push({ offset, message: `truncated record: length ${length}` })
      return { records, issues, stoppedAt: offset }
    }
    const text = Buffer.from(data.subarray(pos, pos + length)).toString()
    pos += length
    const eq = text.indexOf('=')
    if (eq < 0) {
      issues.push({ offset, message: 'undecodable record' })
      continue
    }
    records.push({ key: text.slice(0, eq), value: text.slice(eq + 1) })
  }
  return { records, issues }
}

/**
 * tempDirs makes a temporary directory for the test file (removed after it) and returns a
 * function naming a fresh path below it, one per test.
 *
 * @returns the namer; call it inside tests, after the file's `before` hook ran.
 */
export function tempDirs(): () => string {
  let root = ''
  let n = 0
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'storage-'))
  })
  after(async () => {
    await rm(root, { recursive: true, force: true })
  })
  return () => join(root, `t${n++}`)
}
