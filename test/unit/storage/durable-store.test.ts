// DurableStore as both stores use it: silences (every write awaited, group commit, compaction
// past a size) and the nflog (changes gathered for a delay, latest per key, compaction past the
// snapshot's size, retried in the background).
import assert from 'node:assert/strict'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { DurableStore, SNAPSHOT_SLICE_MS, encodeInSlices } from '#src/storage/index.js'
import type { DurableStoreOptions } from '#src/storage/index.js'
import { ClosedError } from '#src/util/index.js'

import { decode, encode, rec, tempDirs } from './helpers.js'
import type { Rec } from './helpers.js'

const freshDir = tempDirs()

interface Setup {
  store: DurableStore<Rec>
  /** state is what the store snapshots; change() updates it and tells the store. */
  state: Map<string, Rec>
  change: (...records: Rec[]) => void
  dir: string
  snapshotPath: string
  journalPath: string
  events: string[]
}

async function setup(options: Partial<DurableStoreOptions<Rec>> = {}): Promise<Setup> {
  const dir = freshDir()
  await mkdir(dir)
  const state = new Map<string, Rec>()
  const events: string[] = []
  const store = await DurableStore.open<Rec>({
    dir,
    snapshotFile: 'snap',
    journalFile: 'snap.journal',
    name: 'test store',
    encode,
    state: () => state.values(),
    compactBytes: 1 << 20,
    events: {
      snapshotWritten: (bytes) => events.push(`snapshot ${bytes}`),
      appendFailed: (err) => events.push(`append failed: ${String(err)}`),
      snapshotFailed: (err) => events.push(`snapshot failed: ${String(err)}`),
      retrying: (err, retryMs) => events.push(`retry in ${retryMs}: ${String(err)}`),
    },
    ...options,
  })
  const change = (...records: Rec[]): void => {
    for (const r of records) {
      state.set(r.key, r)
    }
    store.enqueue(records)
  }
  return {
    store,
    state,
    change,
    dir,
    snapshotPath: join(dir, options.snapshotFile ?? 'snap'),
    journalPath: join(dir, 'snap.journal'),
    events,
  }
}

async function records(path: string): Promise<Rec[]> {
  const got = decode(await readFile(path))
  assert.deepEqual(got.issues, [])
  return [...got.records]
}

async function size(path: string): Promise<number> {
  return (await stat(path).catch(() => ({ size: -1 }))).size
}

const r1 = encode([rec('x')]).length

describe('DurableStore writes (silences: every write awaited)', () => {
  it('groups parallel writes into a few syncs', async () => {
    const s = await setup()
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.store.write([rec(`k${i}`)])))
    // The first write syncs alone; everything queued meanwhile shares the next sync.
    assert.ok(s.store.syncs <= 3, `${s.store.syncs} syncs`)
    assert.equal(s.store.journalBytes, await size(s.journalPath))
    assert.equal((await records(s.journalPath)).length, 200)
    await s.store.close()
  })

  it('acknowledges writes queued behind a compaction with the snapshot', async () => {
    let encoded = 0
    const s = await setup({
      state: () => {
        encoded++
        return [rec('x')]
      },
    })
    // The first write is being written; the next two and the compaction wait behind it. The
    // compaction's state already holds the two, so they are not appended at all.
    const first = s.store.write([rec('x')])
    const queued = [s.store.write([rec('x')]), s.store.write([rec('x')])]
    await Promise.all([first, ...queued, s.store.compact()])
    assert.equal(encoded, 1)
    assert.equal(s.store.syncs, 1)
    assert.equal(s.store.journalBytes, 0)
    assert.equal(await size(s.journalPath), 0)
    await s.store.close()
  })

  it('compacts once the journal reaches compactBytes, not before', async () => {
    const s = await setup({ compactBytes: 3 * r1 })
    await s.store.write([rec('x')])
    await s.store.write([rec('x')])
    assert.equal(await size(s.journalPath), 2 * r1)
    assert.equal(await size(s.snapshotPath), -1)
    await s.store.write([rec('x')])
    // The compaction follows the write that reached the threshold; flush waits for it.
    await s.store.flush()
    assert.equal(await size(s.journalPath), 0)
    assert.deepEqual(s.events, ['snapshot 0'])
    await s.store.close()
  })

  it('rejects waiters when a compaction fails and recovers with the next write', async () => {
    let fail = true
    const s = await setup({
      state: () => {
        if (fail) {
          throw new Error('disk on fire')
        }
        return [rec('x')]
      },
    })
    await s.store.write([rec('x')])
    await assert.rejects(s.store.compact(), /disk on fire/)
    assert.deepEqual(s.events, ['snapshot failed: Error: disk on fire'])
    // The journal still has its record; the next write must go through a compaction first.
    fail = false
    await s.store.write([rec('x')])
    assert.equal(s.store.journalBytes, 0)
    assert.deepEqual(await records(s.snapshotPath), [rec('x')])
    await s.store.close()
  })

  it('after a failed append, the next write is a compaction (never after a torn tail)', async () => {
    let failAppend = true
    const s = await setup({
      encode: (rs) => {
        const list = [...rs]
        if (failAppend && list.some((r) => r.key === 'bad')) {
          failAppend = false
          throw new Error('EIO')
        }
        return encode(list)
      },
    })
    s.state.set('ok', rec('ok'))
    await s.store.write([rec('ok')])
    s.state.set('bad', rec('bad'))
    await assert.rejects(s.store.write([rec('bad')]), /EIO/)
    assert.deepEqual(s.events, ['append failed: Error: EIO'])
    s.state.set('next', rec('next'))
    await s.store.write([rec('next')])
    assert.equal(await size(s.journalPath), 0)
    assert.deepEqual(await records(s.snapshotPath), [rec('ok'), rec('bad'), rec('next')])
    await s.store.close()
  })

  it('refuses writes after close and closes idempotently', async () => {
    const s = await setup()
    await Promise.all([s.store.close(), s.store.close()])
    await assert.rejects(s.store.write([rec('x')]), ClosedError)
    await assert.rejects(s.store.compact(), ClosedError)
    await assert.rejects(s.store.flush(), ClosedError)
  })
})

describe('DurableStore gathered writes (nflog: changes gather, then one append)', () => {
  const delays: { gatherMs: number }[] = [
    // No delay: as soon as the writer is free.
    { gatherMs: 0 },
    // A short delay.
    { gatherMs: 50 },
    // The nflog's default.
    { gatherMs: 200 },
  ]
  for (const c of delays) {
    it(`has a change on disk within 1 s (gatherMs ${c.gatherMs})`, async () => {
      const s = await setup({ ...c, key: (r) => r.key })
      const start = performance.now()
      s.change(rec('a'))
      while ((await size(s.journalPath)) <= 0) {
        // The bound leaves room for a loaded CI machine without hiding a write that never comes.
        assert.ok(performance.now() - start < 3000, 'journal still empty after 3 s')
        await sleep(5)
      }
      const latencyMs = performance.now() - start
      assert.ok(latencyMs >= c.gatherMs - 5, `written after ${latencyMs} ms`)
      assert.deepEqual(await records(s.journalPath), [rec('a')])
      await s.store.close()
    })
  }

  it('gathers the changes of one delay into one append, latest per key', async () => {
    const s = await setup({ gatherMs: 30, key: (r) => r.key })
    s.change(rec('a', '1'))
    s.change(rec('b'))
    s.change(rec('a', '2'))
    await s.store.flush()
    assert.deepEqual(await records(s.journalPath), [rec('a', '2'), rec('b')])
    s.change(rec('c'))
    await s.store.flush()
    assert.deepEqual(
      (await records(s.journalPath)).map((r) => r.key),
      ['a', 'b', 'c']
    )
    assert.equal(s.store.syncs, 2)
    assert.equal(s.store.journalBytes, await size(s.journalPath))
    await s.store.close()
  })

  it('folds the journal into the snapshot once it outgrows compactBytes and the snapshot', async () => {
    const s = await setup({ gatherMs: 20, compactBytes: 2 * r1, compactAtSnapshotSize: true })
    s.change(rec('a'))
    await s.store.flush()
    assert.equal(await size(s.snapshotPath), -1, 'one record stays in the journal')
    s.change(rec('b'), rec('c'), rec('d'))
    await s.store.flush()
    assert.equal(await size(s.journalPath), 0)
    assert.deepEqual(
      (await records(s.snapshotPath)).map((r) => r.key),
      ['a', 'b', 'c', 'd']
    )
    // The snapshot is now 4 records: the journal may grow to that size before the next one.
    s.change(rec('e'), rec('f'), rec('g'))
    await s.store.flush()
    assert.equal(await size(s.journalPath), 3 * r1)
    s.change(rec('h'))
    await s.store.flush()
    assert.equal(await size(s.journalPath), 0)
    await s.store.close()
  })

  it('compact() writes the whole state, empties the journal and returns its size', async () => {
    const s = await setup({ gatherMs: 20, key: (r) => r.key })
    s.change(rec('a'), rec('b'))
    await s.store.flush()
    const bytes = await s.store.compact()
    assert.equal(bytes, await size(s.snapshotPath))
    assert.deepEqual(await records(s.snapshotPath), [...s.state.values()])
    assert.equal(await size(s.journalPath), 0)
    assert.deepEqual(s.events, [`snapshot ${bytes}`])
    await s.store.close()
  })

  it('close() writes pending changes in a final snapshot, and later changes schedule nothing', async () => {
    const s = await setup({ gatherMs: 1000, key: (r) => r.key })
    s.change(rec('a'))
    await s.store.close()
    assert.deepEqual(await records(s.snapshotPath), [rec('a')])
    assert.equal(await size(s.journalPath), 0)
    s.change(rec('b'))
    await sleep(30)
    assert.deepEqual(await records(s.snapshotPath), [rec('a')])
  })

  it('appends pending changes to the journal when the final snapshot fails', async () => {
    let fail = false
    const s = await setup({
      gatherMs: 1000,
      state: () => {
        if (fail) {
          throw new Error('no space')
        }
        return []
      },
    })
    s.change(rec('a'))
    fail = true
    await assert.rejects(s.store.close(), /no space/)
    assert.deepEqual(await records(s.journalPath), [rec('a')])
  })

  it('retries a failed write as a full snapshot, with backoff, until it succeeds', async () => {
    const s = await setup({
      gatherMs: 10,
      compactBytes: 0,
      snapshotFile: join('later', 'snap'),
      retry: { minMs: 50, maxMs: 80 },
    })
    s.change(rec('a'))
    while (s.events.filter((e) => e.startsWith('retry')).length < 3) {
      await sleep(10)
    }
    assert.match(s.events[0] ?? '', /^snapshot failed: .*ENOENT/)
    assert.deepEqual(
      s.events.filter((e) => e.startsWith('retry')).map((e) => e.split(':')[0]),
      ['retry in 50', 'retry in 80', 'retry in 80']
    )
    await mkdir(join(s.dir, 'later'))
    const start = performance.now()
    while ((await size(s.snapshotPath)) <= 0) {
      assert.ok(performance.now() - start < 3000, 'no retry within 3 s')
      await sleep(20)
    }
    assert.deepEqual(await records(s.snapshotPath), [rec('a')])
    await s.store.close()
  })
})

/** busyFor keeps the thread busy, as encoding many protobuf records does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // Spinning on purpose: the point is a synchronous cost.
  }
}

/** TurnCounter counts event-loop turns (one setImmediate each) between start() and stop(). */
class TurnCounter {
  turns = 0
  #running = false

  start(): void {
    this.#running = true
    setImmediate(() => {
      this.#tick()
    })
  }

  stop(): void {
    this.#running = false
  }

  #tick(): void {
    this.turns++
    if (this.#running) {
      setImmediate(() => {
        this.#tick()
      })
    }
  }
}

describe('DurableStore snapshots of a large state (the API keeps answering)', () => {
  const many = Array.from({ length: 2000 }, (_, i) => rec(`k${i}`, `v${i}`))

  it('encodes in slices whose bytes are those of one encode', async () => {
    const slowEncode = (records: Iterable<Rec>): Uint8Array => {
      busyFor(1)
      return encode(records)
    }
    const sliced = await encodeInSlices(many, slowEncode)
    assert.deepEqual(Buffer.from(sliced), Buffer.from(encode(many)))
    assert.deepEqual(Buffer.from(await encodeInSlices([], encode)), Buffer.from(encode([])))
  })

  it('lets the event loop run while it encodes, and journals what changed meanwhile', async () => {
    // Every encode call costs 1 ms, so the whole state takes far longer than one slice: the
    // store must hand the event loop back between slices, not encode it all in one turn.
    const loop = new TurnCounter()
    const turnsSeenByEncode = new Set<number>()
    let calls = 0
    const midway: { change?: (r: Rec) => void } = {}
    const s = await setup({
      key: (r) => r.key,
      gatherMs: 10,
      encode: (records) => {
        turnsSeenByEncode.add(loop.turns)
        calls++
        if (calls === 3) {
          // k0 is in the first slice, already encoded: its change must reach the journal.
          midway.change?.(rec('k0', 'changed while encoding'))
        }
        busyFor(1)
        return encode(records)
      },
    })
    midway.change = s.change
    for (const r of many) {
      s.state.set(r.key, r)
    }
    loop.start()
    const bytes = await s.store.compact()
    loop.stop()
    assert.ok(
      calls * 1 > 4 * SNAPSHOT_SLICE_MS && turnsSeenByEncode.size > 1,
      `encode ran in ${turnsSeenByEncode.size} turn(s) over ${calls} calls`
    )
    const snapshot = await records(s.snapshotPath)
    assert.equal(bytes, await size(s.snapshotPath))
    assert.equal(snapshot.length, many.length)
    assert.deepEqual(snapshot[0], rec('k0', 'v0'))
    await s.store.flush()
    assert.deepEqual(await records(s.journalPath), [rec('k0', 'changed while encoding')])
    await s.store.close()
    assert.deepEqual((await records(s.snapshotPath))[0], rec('k0', 'changed while encoding'))
  })

  it('lets the event loop run while it encodes a large journal append', async () => {
    const loop = new TurnCounter()
    const turnsSeenByEncode = new Set<number>()
    const s = await setup({
      key: (r) => r.key,
      encode: (records) => {
        turnsSeenByEncode.add(loop.turns)
        busyFor(1)
        return encode(records)
      },
    })
    loop.start()
    s.change(...many)
    await s.store.flush()
    loop.stop()
    assert.ok(turnsSeenByEncode.size > 1, `encode ran in ${turnsSeenByEncode.size} turn(s)`)
    assert.deepEqual(await records(s.journalPath), many)
    assert.equal(s.store.syncs, 1)
    await s.store.close()
  })
})
