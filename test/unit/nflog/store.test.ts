/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import bunyan from 'bunyan'

import { loadNflogCodec, stateKey } from '../../../src/nflog/index.js'
import type { MeshEntry, NflogCodec } from '../../../src/nflog/index.js'
import { NflogStore } from '../../../src/nflog/store.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const HOUR = 3_600_000

function mesh(groupKey: string, timestamp = T0, firing: bigint[] = [1n]): MeshEntry {
  return {
    entry: {
      groupKey,
      receiver: { groupName: 'team', integration: 'webhook', idx: 0 },
      timestamp,
      firingAlerts: firing,
      resolvedAlerts: [],
    },
    expiresAt: timestamp + HOUR,
  }
}

interface Setup {
  store: NflogStore
  state: Map<string, MeshEntry>
  dir: string
  snapshotPath: string
  journalPath: string
  records: { msg: string; err?: string }[]
  /** change sets the state and tells the store, as Nflog does. */
  change: (...entries: MeshEntry[]) => void
}

let root: string
let codec: NflogCodec
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'nflog-store-'))
  codec = await loadNflogCodec()
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

let dirs = 0
async function setup(
  options: { flushDelayMs?: number; compactBytes?: number; snapshotPath?: string } = {}
): Promise<Setup> {
  const dir = join(root, `d${dirs++}`)
  await mkdir(dir)
  const records: { msg: string; err?: string }[] = []
  const log = bunyan.createLogger({
    name: 't',
    streams: [
      { type: 'raw', level: 'trace', stream: { write: (r: object) => records.push(r as never) } },
    ],
  })
  const state = new Map<string, MeshEntry>()
  const snapshotPath = options.snapshotPath ?? join(dir, 'nflog')
  const journalPath = join(dir, 'nflog.journal')
  const store = await NflogStore.open({
    dir,
    snapshotPath,
    journalPath,
    codec,
    log,
    metrics: undefined,
    flushDelayMs: options.flushDelayMs ?? 20,
    compactBytes: options.compactBytes ?? 1 << 20,
    snapshotBytes: 0,
    state: () => state.values(),
  })
  const change = (...entries: MeshEntry[]): void => {
    for (const e of entries) {
      state.set(stateKey(e.entry.groupKey, e.entry.receiver), e)
    }
    store.enqueue(entries)
  }
  return { store, state, dir, snapshotPath, journalPath, records, change }
}

async function decodeFile(path: string): Promise<MeshEntry[]> {
  const { entries, issues } = codec.decode(await readFile(path))
  assert.deepEqual(issues, [])
  return entries
}

async function size(path: string): Promise<number> {
  return (await stat(path).catch(() => ({ size: -1 }))).size
}

describe('NflogStore journal', () => {
  const delays: { flushDelayMs: number }[] = [
    // No delay: the next turn of the event loop.
    { flushDelayMs: 0 },
    // A short delay.
    { flushDelayMs: 50 },
    // The default.
    { flushDelayMs: 200 },
  ]
  for (const c of delays) {
    it(`has a change on disk within 1 s (flushDelayMs ${c.flushDelayMs})`, async () => {
      const s = await setup(c)
      const start = performance.now()
      s.change(mesh('a'))
      while ((await size(s.journalPath)) <= 0) {
        // The flush is due after flushDelayMs (<= 1 s by contract); the bound leaves room for a
        // loaded CI machine without hiding a flush that never comes.
        assert.ok(performance.now() - start < 3000, 'journal still empty after 3 s')
        await sleep(5)
      }
      const latencyMs = performance.now() - start
      assert.ok(latencyMs >= c.flushDelayMs - 5, `flushed after ${latencyMs} ms`)
      assert.deepEqual(await decodeFile(s.journalPath), [mesh('a')])
      await s.store.close()
    })
  }

  it('gathers the changes of one delay into one append, latest per key', async () => {
    const s = await setup({ flushDelayMs: 30 })
    s.change(mesh('a', T0))
    s.change(mesh('b', T0))
    s.change(mesh('a', T0 + 1, [2n]))
    await s.store.flush()
    assert.deepEqual(await decodeFile(s.journalPath), [mesh('a', T0 + 1, [2n]), mesh('b', T0)])
    s.change(mesh('c', T0))
    await s.store.flush()
    const journal = await decodeFile(s.journalPath)
    assert.deepEqual(
      journal.map((m) => m.entry.groupKey),
      ['a', 'b', 'c']
    )
    assert.equal(s.store.journalBytes, await size(s.journalPath))
    await s.store.close()
  })

  it('folds the journal into the snapshot once it outgrows compactBytes and the snapshot', async () => {
    const s = await setup({ compactBytes: 200 })
    s.change(mesh('a'))
    await s.store.flush()
    assert.equal(await size(s.snapshotPath), -1, 'one record stays in the journal')
    s.change(...['b', 'c', 'd', 'e'].map((k) => mesh(k)))
    await s.store.flush()
    assert.equal(await size(s.journalPath), 0)
    assert.deepEqual(
      (await decodeFile(s.snapshotPath)).map((m) => m.entry.groupKey),
      ['a', 'b', 'c', 'd', 'e']
    )
    await s.store.close()
  })
})

describe('NflogStore snapshot and close', () => {
  it('snapshot() writes the whole state in Alertmanager format and empties the journal', async () => {
    const s = await setup()
    s.change(mesh('a'), mesh('b'))
    await s.store.flush()
    const bytes = await s.store.snapshot()
    assert.equal(bytes, await size(s.snapshotPath))
    assert.deepEqual(await decodeFile(s.snapshotPath), [...s.state.values()])
    assert.equal(await size(s.journalPath), 0)
    await s.store.close()
  })

  it('close() writes pending changes in a final snapshot, and later changes schedule nothing', async () => {
    const s = await setup({ flushDelayMs: 1000 })
    s.change(mesh('a'))
    await s.store.close()
    assert.deepEqual(await decodeFile(s.snapshotPath), [mesh('a')])
    assert.equal(await size(s.journalPath), 0)
    s.change(mesh('b'))
    await sleep(30)
    assert.deepEqual(await decodeFile(s.snapshotPath), [mesh('a')])
  })

  it('retries a failed write as a full snapshot until it succeeds', async () => {
    const base = join(root, 'later')
    const s = await setup({ compactBytes: 0, snapshotPath: join(base, 'nflog') })
    s.change(mesh('a'))
    while (!s.records.some((r) => r.msg === 'Writing the notification log failed')) {
      await sleep(10)
    }
    assert.match(s.records.at(-1)?.err ?? '', /ENOENT/)
    await mkdir(base)
    const start = performance.now()
    while ((await size(join(base, 'nflog'))) <= 0) {
      assert.ok(performance.now() - start < 3000, 'no retry within 3 s')
      await sleep(20)
    }
    assert.deepEqual(await decodeFile(join(base, 'nflog')), [mesh('a')])
    await s.store.close()
  })
})
