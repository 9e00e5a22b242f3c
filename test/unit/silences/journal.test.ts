import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { Registry } from 'prom-client'

import { JOURNAL_FILE, SNAPSHOT_FILE, Silences, decodeMeshSilences } from '#src/silences/index.js'
import type { Silence, SilencesOptions } from '#src/silences/index.js'

import { HOUR, MIN, T0, clock, eq, mesh, quietLog, tempDir, setAB } from './helpers.js'

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

/** openIn opens silences persisted in `d`, with an hour's retention and a quiet log. */
function openIn(
  d: string,
  now: () => number,
  extra: Partial<SilencesOptions> = {}
): Promise<Silences> {
  return Silences.open({ retentionMs: HOUR, snapshotDir: d, now, log: quietLog().log, ...extra })
}

function byId(list: readonly Silence[]): Map<string, Silence> {
  return new Map(list.map((s) => [s.id, s]))
}

describe('Silences durability (journal)', () => {
  it('has every acknowledged write on disk without close (a crash right after the acks)', async () => {
    const d = dir()
    const c = clock()
    const s = await openIn(d, c.now)
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
    const reopened = await openIn(d, c.now)
    assert.deepEqual(byId(reopened.list()), byId(s.list()))
    assert.equal(reopened.openReport.loaded, 50)
    assert.equal(reopened.openReport.replayed, 52)
    assert.equal(reopened.openReport.skipped, 0)
    await Promise.all([s.close(), reopened.close()])
  })

  it('persists merged silences too', async () => {
    const d = dir()
    const c = clock()
    const s = await openIn(d, c.now)
    s.merge([mesh('peer-1'), mesh('peer-2')])
    // Merges do not wait for the sync; a compaction orders after the queued append.
    await s.compact()
    const again = await openIn(d, c.now)
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
    const s = await openIn(d, clock().now, { registry })
    const id = await setAB(s)
    assert.ok((await stat(join(d, JOURNAL_FILE))).size > 0)
    await s.compact()
    assert.equal((await stat(join(d, JOURNAL_FILE))).size, 0)
    assert.deepEqual(await readRecords(join(d, SNAPSHOT_FILE)), [s.get(id)])
    const size = (await stat(join(d, SNAPSHOT_FILE))).size
    assert.match(
      await registry.metrics(),
      new RegExp(`^alertmanager_silences_snapshot_size_bytes ${size}$`, 'm')
    )

    const id2 = await setAB(s, { matchers: [eq('c', 'd')] })
    await s.close()
    assert.equal((await stat(join(d, JOURNAL_FILE))).size, 0)
    assert.deepEqual(
      (await readRecords(join(d, SNAPSHOT_FILE))).map((x) => x.id).sort(),
      [id, id2].sort()
    )
  })

  it('compacts by itself when the journal passes journalMaxBytes', async () => {
    const d = dir()
    const s = await openIn(d, clock().now, { journalMaxBytes: 1000 })
    for (let i = 0; i < 40; i++) {
      await setAB(s, { matchers: [eq('i', String(i))] })
    }
    // About 100 bytes per record: several compactions happened, and the journal stays small.
    assert.ok((await stat(join(d, JOURNAL_FILE))).size <= 1100)
    const reopened = await openIn(d, clock().now)
    assert.equal(reopened.list().length, 40)
    await Promise.all([s.close(), reopened.close()])
  })

  it('loads a store created in memory-only mode as empty and writes nothing', async () => {
    const s = await Silences.open({ retentionMs: HOUR, now: clock().now, log: quietLog().log })
    await setAB(s)
    await s.compact()
    await s.close()
    assert.deepEqual(s.openReport, { loaded: 0, replayed: 0, skipped: 0, errors: [] })
  })
})
