/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { Registry } from 'prom-client'

import {
  JOURNAL_FILE,
  SNAPSHOT_FILE,
  Silences,
  decodeMeshSilences,
  encodeMeshSilences,
} from '../../../src/silences/index.js'
import type { Silence } from '../../../src/silences/index.js'
import { Journal } from '../../../src/silences/journal.js'
import { ClosedError } from '../../../src/util/index.js'

import { HOUR, MIN, T0, clock, eq, mesh, quietLog, tempDir } from './helpers.js'

let root: Awaited<ReturnType<typeof tempDir>>
let n = 0
/** dir returns a fresh directory for one test. */
const dir = (): string => join(root.dir, `t${n++}`)

before(async () => {
  root = await tempDir()
})
after(async () => {
  await root.remove()
})

async function readRecords(path: string): Promise<Silence[]> {
  return decodeMeshSilences(await readFile(path)).silences.map((m) => m.silence)
}

function byId(list: readonly Silence[]): Map<string, Silence> {
  return new Map(list.map((s) => [s.id, s]))
}

describe('Silences durability (journal)', () => {
  it('has every acknowledged write on disk without close (a crash right after the acks)', async () => {
    const d = dir()
    const c = clock()
    const s = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: c.now,
      log: quietLog().log,
    })
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.set({
          matchers: [eq('i', String(i))],
          startsAt: T0,
          endsAt: T0 + HOUR,
          createdBy: `u${i}`,
          comment: 'c',
        })
      )
    )
    c.add(MIN)
    await s.expire(ids[0] ?? '')
    await s.set({
      id: ids[1],
      matchers: [eq('i', '1')],
      startsAt: T0,
      endsAt: T0 + 2 * HOUR,
      createdBy: 'u1',
      comment: 'extended',
    })
    // No close, no compaction: a second store reads the same directory, as after kill -9.
    const reopened = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: c.now,
      log: quietLog().log,
    })
    assert.deepEqual(byId(reopened.list()), byId(s.list()))
    assert.equal(reopened.openReport.loaded, 50)
    assert.equal(reopened.openReport.replayed, 52)
    assert.equal(reopened.openReport.skipped, 0)
    await Promise.all([s.close(), reopened.close()])
  })

  it('persists merged silences too', async () => {
    const d = dir()
    const c = clock()
    const s = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: c.now,
      log: quietLog().log,
    })
    s.merge([mesh('peer-1'), mesh('peer-2')])
    // Merges do not wait for the sync; a compaction orders after the queued append.
    await s.compact()
    const again = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: c.now,
      log: quietLog().log,
    })
    assert.deepEqual(
      again
        .list()
        .map((x) => x.id)
        .sort(),
      ['peer-1', 'peer-2']
    )
    await Promise.all([s.close(), again.close()])
  })

  it('compacts into the snapshot and truncates the journal, on request and at close', async () => {
    const d = dir()
    const registry = new Registry()
    const s = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: clock().now,
      log: quietLog().log,
      registry,
    })
    const id = await s.set({
      matchers: [eq('a', 'b')],
      startsAt: T0,
      endsAt: T0 + HOUR,
      createdBy: '',
      comment: '',
    })
    assert.ok((await stat(join(d, JOURNAL_FILE))).size > 0)
    await s.compact()
    assert.equal((await stat(join(d, JOURNAL_FILE))).size, 0)
    assert.deepEqual(await readRecords(join(d, SNAPSHOT_FILE)), [s.get(id)])
    const size = (await stat(join(d, SNAPSHOT_FILE))).size
    assert.match(
      await registry.metrics(),
      new RegExp(`^alertmanager_silences_snapshot_size_bytes ${size}$`, 'm')
    )

    const id2 = await s.set({
      matchers: [eq('c', 'd')],
      startsAt: T0,
      endsAt: T0 + HOUR,
      createdBy: '',
      comment: '',
    })
    await s.close()
    assert.equal((await stat(join(d, JOURNAL_FILE))).size, 0)
    assert.deepEqual(
      (await readRecords(join(d, SNAPSHOT_FILE))).map((x) => x.id).sort(),
      [id, id2].sort()
    )
  })

  it('compacts by itself when the journal passes journalMaxBytes', async () => {
    const d = dir()
    const s = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: clock().now,
      log: quietLog().log,
      journalMaxBytes: 1000,
    })
    for (let i = 0; i < 40; i++) {
      await s.set({
        matchers: [eq('i', String(i))],
        startsAt: T0,
        endsAt: T0 + HOUR,
        createdBy: '',
        comment: '',
      })
    }
    // About 100 bytes per record: several compactions happened, and the journal stays small.
    assert.ok((await stat(join(d, JOURNAL_FILE))).size <= 1100)
    const reopened = await Silences.open({
      retentionMs: HOUR,
      snapshotDir: d,
      now: clock().now,
      log: quietLog().log,
    })
    assert.equal(reopened.list().length, 40)
    await Promise.all([s.close(), reopened.close()])
  })

  it('loads a store created in memory-only mode as empty and writes nothing', async () => {
    const s = await Silences.open({ retentionMs: HOUR, now: clock().now, log: quietLog().log })
    await s.set({
      matchers: [eq('a', 'b')],
      startsAt: T0,
      endsAt: T0 + HOUR,
      createdBy: '',
      comment: '',
    })
    await s.compact()
    await s.close()
    assert.deepEqual(s.openReport, { loaded: 0, replayed: 0, skipped: 0, errors: [] })
  })
})

describe('Journal', () => {
  const record = encodeMeshSilences([mesh('x')])

  async function openJournal(
    d: string,
    encodeState: () => Uint8Array = () => new Uint8Array()
  ): Promise<Journal> {
    const { mkdir } = await import('node:fs/promises')
    await mkdir(d, { recursive: true })
    return Journal.open({
      dir: d,
      maxBytes: 1 << 20,
      encodeState,
      onCompacted: () => undefined,
      log: quietLog().log,
    })
  }

  it('groups parallel appends into a few syncs', async () => {
    const d = dir()
    const journal = await openJournal(d)
    await Promise.all(Array.from({ length: 200 }, () => journal.append(record)))
    // The first append syncs alone; everything queued meanwhile shares the next sync.
    assert.ok(journal.syncs <= 3, `${journal.syncs} syncs`)
    assert.equal(journal.size, 200 * record.length)
    assert.equal((await readRecords(join(d, JOURNAL_FILE))).length, 200)
    await journal.close()
  })

  it('acknowledges appends queued behind a compaction with the snapshot', async () => {
    const d = dir()
    let encoded = 0
    const journal = await openJournal(d, () => {
      encoded++
      return record
    })
    // The first append is being written; the next two and the compaction wait behind it. The
    // compaction's state already holds the two, so they are not appended at all.
    const first = journal.append(record)
    const queued = [journal.append(record), journal.append(record)]
    await Promise.all([first, ...queued, journal.compact()])
    assert.equal(encoded, 1)
    assert.equal(journal.syncs, 1)
    assert.equal(journal.size, 0)
    await journal.close()
  })

  it('rejects waiters when a compaction fails and recovers with the next one', async () => {
    const d = dir()
    let fail = true
    const journal = await openJournal(d, () => {
      if (fail) {
        throw new Error('disk on fire')
      }
      return record
    })
    await journal.append(record)
    await assert.rejects(journal.compact(), /disk on fire/)
    // The journal still has its record; the next append must go through a compaction first.
    fail = false
    await journal.append(record)
    assert.equal(journal.size, 0)
    assert.deepEqual(await readRecords(join(d, SNAPSHOT_FILE)), [mesh('x').silence])
    await journal.close()
  })

  it('refuses appends after close and closes idempotently', async () => {
    const journal = await openJournal(dir())
    await Promise.all([journal.close(), journal.close()])
    await assert.rejects(journal.append(record), ClosedError)
    await assert.rejects(journal.compact(), ClosedError)
  })
})
