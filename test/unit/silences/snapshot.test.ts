import assert from 'node:assert/strict'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { JOURNAL_FILE, SNAPSHOT_FILE, Silences, encodeMeshSilences } from '#src/silences/index.js'
import type { MeshSilence } from '#src/silences/index.js'
import { mergeLoaded } from '#src/silences/snapshot.js'

import { HOUR, T0, clock, mesh, quietLog, tempDir } from './helpers.js'

let root: Awaited<ReturnType<typeof tempDir>>
let n = 0

before(async () => {
  root = await tempDir()
})
after(async () => {
  await root.remove()
})

const SNAP = [mesh('s1'), mesh('s2', { comment: 'two' }), mesh('s3', { comment: 'three' })]
const snapBytes = encodeMeshSilences(SNAP)
const sizes = SNAP.map((m) => encodeMeshSilences([m]).length)
const JOURNAL = [mesh('j1'), mesh('s1', { updatedAt: T0 + 5, comment: 'updated' })]
const journalBytes = encodeMeshSilences(JOURNAL)
const cat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts)
const GARBAGE = Buffer.from('\x07\xff\xfe garbage that is not a record \x00\x01')

interface Case {
  name: string
  snapshot?: Uint8Array
  journal?: Uint8Array
  /** ids loaded, with their comments. */
  want: Record<string, string>
  skipped: number
  /** patterns each reported error must match, in order. */
  errors: RegExp[]
}

const CASES: Case[] = [
  {
    name: 'no files at all (a fresh storage path)',
    want: {},
    skipped: 0,
    errors: [],
  },
  {
    name: 'a clean snapshot and journal (the journal replays over the snapshot)',
    snapshot: snapBytes,
    journal: journalBytes,
    want: { s1: 'updated', s2: 'two', s3: 'three', j1: '' },
    skipped: 0,
    errors: [],
  },
  {
    name: 'a snapshot whose last record is cut short',
    snapshot: snapBytes.subarray(0, snapBytes.length - 4),
    want: { s1: '', s2: 'two' },
    skipped: 1,
    errors: [new RegExp(`/silences: byte ${(sizes[0] ?? 0) + (sizes[1] ?? 0)}: truncated record`)],
  },
  {
    name: 'garbage appended to the snapshot',
    snapshot: cat(snapBytes, GARBAGE),
    want: { s1: '', s2: 'two', s3: 'three' },
    // The first garbage "record" (length 7) does not decode; what follows it is cut short.
    skipped: 2,
    errors: [new RegExp(`/silences: byte ${snapBytes.length}: undecodable record`), /truncated/],
  },
  {
    name: 'a snapshot starting with a bad varint',
    snapshot: cat(new Uint8Array(12).fill(0xff), snapBytes),
    want: {},
    skipped: 1,
    errors: [/\/silences: byte 0: bad length varint/],
  },
  {
    name: 'a journal of garbage',
    snapshot: snapBytes,
    journal: GARBAGE,
    want: { s1: '', s2: 'two', s3: 'three' },
    skipped: 2,
    errors: [
      /\/silences\.journal: byte 0: undecodable record/,
      /\/silences\.journal: byte 8: truncated/,
    ],
  },
  {
    name: 'a journal torn in its last record (crash during an append)',
    snapshot: snapBytes,
    journal: journalBytes.subarray(0, journalBytes.length - 2),
    want: { s1: '', s2: 'two', s3: 'three', j1: '' },
    skipped: 1,
    errors: [/\/silences\.journal: byte \d+: truncated record/],
  },
  {
    name: 'an undecodable record in the middle of the journal',
    snapshot: snapBytes,
    journal: cat(
      encodeMeshSilences([mesh('j1')]),
      Uint8Array.of(2, 0x0f, 0x00),
      encodeMeshSilences([mesh('j2')])
    ),
    want: { s1: '', s2: 'two', s3: 'three', j1: '', j2: '' },
    skipped: 1,
    errors: [/\/silences\.journal: byte \d+: undecodable record/],
  },
]

describe('Silences.open with damaged files', () => {
  for (const c of CASES) {
    it(`starts with what it could read from ${c.name}, and reports the rest`, async () => {
      const dir = join(root.dir, `case${n++}`)
      await mkdir(dir)
      if (c.snapshot !== undefined) {
        await writeFile(join(dir, SNAPSHOT_FILE), c.snapshot)
      }
      if (c.journal !== undefined) {
        await writeFile(join(dir, JOURNAL_FILE), c.journal)
      }
      const { log, records } = quietLog()
      const s = await Silences.open({ retentionMs: HOUR, snapshotDir: dir, now: clock().now, log })
      assert.deepEqual(Object.fromEntries(s.list().map((x) => [x.id, x.comment])), c.want)
      assert.equal(s.openReport.loaded, Object.keys(c.want).length)
      assert.equal(s.openReport.skipped, c.skipped)
      assert.equal(s.openReport.errors.length, c.errors.length)
      c.errors.forEach((re, i) => {
        assert.match(s.openReport.errors[i] ?? '', re)
      })
      // A loaded file bumps the version once, as 0.25's loadSnapshot does.
      assert.equal(s.version, c.snapshot === undefined && c.journal === undefined ? 0 : 1)
      if (c.skipped > 0) {
        assert.ok(records().some((r) => r.level >= 50 && r.msg === 'unreadable silence record'))
        const damaged =
          c.errors[0]?.source.includes('journal') === true ? JOURNAL_FILE : SNAPSHOT_FILE
        // The damaged bytes are kept for inspection.
        assert.deepEqual(
          await readFile(join(dir, `${damaged}.corrupt`)),
          Buffer.from((damaged === JOURNAL_FILE ? c.journal : c.snapshot) ?? [])
        )
      }
      // The journal was folded into a clean snapshot, so new appends never follow a torn tail.
      assert.equal((await stat(join(dir, JOURNAL_FILE))).size, 0)
      await s.set({
        matchers: [{ type: 'EQUAL', name: 'x', pattern: 'y' }],
        startsAt: T0,
        endsAt: T0 + HOUR,
        createdBy: '',
        comment: '',
      })
      const again = await Silences.open({
        retentionMs: HOUR,
        snapshotDir: dir,
        now: clock().now,
        log: quietLog().log,
      })
      assert.deepEqual(again.openReport.errors, [])
      assert.equal(again.list().length, Object.keys(c.want).length + 1)
      await Promise.all([s.close(), again.close()])
    })
  }
})

describe('mergeLoaded', () => {
  const cases: {
    name: string
    snapshot: MeshSilence[]
    journal: MeshSilence[]
    want: Record<string, string>
  }[] = [
    // A later duplicate in the snapshot wins, as in 0.25's decodeState.
    {
      name: 'duplicates in the snapshot',
      snapshot: [mesh('a', { comment: 'first' }), mesh('a', { comment: 'second' })],
      journal: [],
      want: { a: 'second' },
    },
    // A newer journal record replaces the snapshot's.
    {
      name: 'a newer journal record',
      snapshot: [mesh('a', { updatedAt: T0, comment: 'snap' })],
      journal: [mesh('a', { updatedAt: T0 + 1, comment: 'journal' })],
      want: { a: 'journal' },
    },
    // An older journal record (written before a compaction that crashed before truncating)
    // does not undo the snapshot.
    {
      name: 'an older journal record',
      snapshot: [mesh('a', { updatedAt: T0 + 1, comment: 'snap' })],
      journal: [mesh('a', { updatedAt: T0, comment: 'journal' })],
      want: { a: 'snap' },
    },
    // Equal stamps: the journal is later in time, so it wins.
    {
      name: 'an equally stamped journal record',
      snapshot: [mesh('a', { comment: 'snap' })],
      journal: [mesh('a', { comment: 'journal' })],
      want: { a: 'journal' },
    },
  ]
  for (const c of cases) {
    it(`resolves ${c.name}`, () => {
      const got = mergeLoaded(c.snapshot, c.journal)
      assert.deepEqual(
        Object.fromEntries([...got].map(([id, m]) => [id, m.silence.comment])),
        c.want
      )
    })
  }
})
