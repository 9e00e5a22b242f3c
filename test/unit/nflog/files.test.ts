/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import bunyan from 'bunyan'

import { keepCorruptCopy, nflogPaths, readNflogFile } from '../../../src/nflog/files.js'
import { loadNflogCodec } from '../../../src/nflog/index.js'
import type { MeshEntry, NflogCodec } from '../../../src/nflog/index.js'

interface LogRecord {
  level: number
  msg: string
  file?: string
  offset?: number
  count?: number
  copy?: string
}

function capture(): { log: bunyan; records: LogRecord[] } {
  const records: LogRecord[] = []
  const log = bunyan.createLogger({
    name: 't',
    streams: [
      {
        type: 'raw',
        level: 'trace',
        stream: { write: (r: object) => records.push(r as LogRecord) },
      },
    ],
  })
  return { log, records }
}

const ENTRY: MeshEntry = {
  entry: {
    groupKey: '{}:{alertname="A"}',
    receiver: { groupName: 'r', integration: 'webhook', idx: 0 },
    timestamp: Date.UTC(2024, 0, 1),
    firingAlerts: [1n],
    resolvedAlerts: [],
  },
  expiresAt: Date.UTC(2024, 0, 2),
}

let dir: string
let codec: NflogCodec
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nflog-files-'))
  codec = await loadNflogCodec()
})
after(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('nflogPaths', () => {
  it('names Alertmanager snapshot file and the journal next to it', () => {
    assert.deepEqual(nflogPaths('/data'), {
      snapshotPath: '/data/nflog',
      journalPath: '/data/nflog.journal',
    })
  })
})

describe('readNflogFile', () => {
  const record = (): Buffer => Buffer.from(codec.encode([ENTRY]))
  const cases: {
    name: string
    content: (() => Buffer) | undefined
    entries: number
    /** The expected warnings, given the length of one good record. */
    warnings: (recordLength: number) => { offset?: number; count?: number }[]
  }[] = [
    // No file yet (first start): empty, nothing logged.
    { name: 'a missing file', content: undefined, entries: 0, warnings: () => [] },
    // An empty file is an empty log.
    { name: 'an empty file', content: () => Buffer.alloc(0), entries: 0, warnings: () => [] },
    // A torn tail: one warning naming the file and the offset of the torn record.
    {
      name: 'a torn tail',
      content: () => Buffer.concat([record(), record().subarray(0, 5)]),
      entries: 1,
      warnings: (n) => [{ offset: n }],
    },
    // Many bad records: ten warnings, then one summary with the rest's count.
    {
      name: 'twelve bad records',
      content: () => Buffer.concat([...Array<Buffer>(12).fill(Buffer.from([1, 0xff])), record()]),
      entries: 1,
      warnings: () => [...[...Array(10).keys()].map((i) => ({ offset: 2 * i })), { count: 2 }],
    },
  ]
  for (const [i, c] of cases.entries()) {
    it(`reads ${c.name}`, async () => {
      const path = join(dir, `read${i}`)
      if (c.content !== undefined) {
        await writeFile(path, c.content())
      }
      const { log, records } = capture()
      const warnings = c.warnings(record().length)
      const file = await readNflogFile(path, codec, log)
      assert.equal(file.entries.length, c.entries)
      assert.equal(file.size, c.content?.().length ?? 0)
      assert.deepEqual(
        records.map((r) => ({ level: r.level, file: r.file })),
        warnings.map(() => ({ level: bunyan.WARN, file: path }))
      )
      assert.deepEqual(
        records.map((r) => (r.count === undefined ? { offset: r.offset } : { count: r.count })),
        warnings
      )
    })
  }

  it('fails on a file that exists but cannot be read', async () => {
    await assert.rejects(readNflogFile(dir, codec, capture().log), { code: 'EISDIR' })
  })
})

describe('keepCorruptCopy', () => {
  it('copies the damaged file to <file>.corrupt', async () => {
    const path = join(dir, 'nflog')
    await writeFile(path, 'damaged')
    const { log, records } = capture()
    await keepCorruptCopy({ path, size: 7, entries: [], issues: [] }, log)
    assert.equal(await readFile(`${path}.corrupt`, 'utf8'), 'damaged')
    assert.equal(records[0]?.copy, `${path}.corrupt`)
  })

  it('logs, and does not throw, when the copy fails', async () => {
    const { log, records } = capture()
    await keepCorruptCopy({ path: join(dir, 'gone'), size: 0, entries: [], issues: [] }, log)
    assert.equal(records[0]?.level, bunyan.ERROR)
  })
})
