// The notification log's words for what reading its files found; reading itself, torn tails
// and the `.corrupt` copy are src/storage's and tested in test/unit/storage.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import bunyan from 'bunyan'

import { loadEvents } from '#src/nflog/files.js'
import { loadNflogCodec } from '#src/nflog/index.js'
import type { MeshEntry, NflogCodec } from '#src/nflog/index.js'
import { loadStoreFiles } from '#src/storage/index.js'

import { recordingLog } from '../../support/recording-log.js'

interface LogRecord {
  level: number
  msg: string
  file?: string
  offset?: number
  count?: number
  copy?: string
}

function capture(): { log: bunyan; records: LogRecord[] } {
  return recordingLog()
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

let root: string
let n = 0
let codec: NflogCodec
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'nflog-files-'))
  codec = await loadNflogCodec()
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** load reads a directory whose `nflog` snapshot holds `content`, as Nflog.open does. */
async function load(content: Buffer, log: bunyan): Promise<string> {
  const dir = join(root, `d${n++}`)
  const snapshotFile = 'nflog'
  await mkdir(dir)
  await writeFile(join(dir, snapshotFile), content)
  await loadStoreFiles<MeshEntry>({
    dir,
    snapshotFile,
    journalFile: 'nflog.journal',
    decode: (data) => {
      const { entries, issues } = codec.decode(data)
      return { records: entries, issues }
    },
    events: loadEvents(log),
  })
  return join(dir, snapshotFile)
}

describe('nflog loadEvents', () => {
  const record = (): Buffer => Buffer.from(codec.encode([ENTRY]))
  const cases: {
    name: string
    content: () => Buffer
    /** The expected warnings, given the length of one good record. */
    warnings: (recordLength: number) => { offset?: number; count?: number; copy?: true }[]
  }[] = [
    // A clean file: nothing logged.
    { name: 'a clean file', content: () => record(), warnings: () => [] },
    // A torn tail: one warning naming the file and the offset of the torn record, then the copy.
    {
      name: 'a torn tail',
      content: () => Buffer.concat([record(), record().subarray(0, 5)]),
      warnings: (n) => [{ offset: n }, { copy: true }],
    },
    // Many bad records: ten warnings, then one summary with the rest's count, then the copy.
    {
      name: 'twelve bad records',
      content: () => Buffer.concat([...Array<Buffer>(12).fill(Buffer.from([1, 0xff])), record()]),
      warnings: () => [
        ...[...Array(10).keys()].map((i) => ({ offset: 2 * i })),
        { count: 2 },
        { copy: true },
      ],
    },
  ]
  for (const c of cases) {
    it(`reports ${c.name}`, async () => {
      const { log, records } = capture()
      const path = await load(c.content(), log)
      const warnings = c.warnings(record().length)
      assert.deepEqual(
        records.map((r) => ({ level: r.level, file: r.file })),
        warnings.map(() => ({ level: bunyan.WARN, file: path }))
      )
      assert.deepEqual(
        records.map((r) =>
          r.copy !== undefined
            ? { copy: true }
            : r.count === undefined
              ? { offset: r.offset }
              : { count: r.count }
        ),
        warnings
      )
      if (warnings.length > 0) {
        assert.equal(records.at(-1)?.copy, `${path}.corrupt`)
        assert.deepEqual(await readFile(`${path}.corrupt`), c.content())
      }
    })
  }

  it('logs, and does not throw, when the copy fails', () => {
    const { log, records } = capture()
    const events = loadEvents(log)
    events.keepFailed?.(
      { path: join(root, 'gone'), exists: true, size: 1, records: [], issues: [] },
      new Error('ENOENT')
    )
    assert.deepEqual(
      records.map((r) => [r.level, r.msg]),
      [[bunyan.ERROR, 'Copying the damaged notification log file failed']]
    )
  })
})
