import assert from 'node:assert/strict'
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import bunyan from 'bunyan'

import { Nflog, loadNflogCodec } from '#src/nflog/index.js'
import type { MeshEntry, NflogCodec, NflogOpenOptions, NflogReceiver } from '#src/nflog/index.js'
import { ClosedError, InvalidArgumentError } from '#src/util/index.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const HOUR = 3_600_000
const RETENTION = 120 * HOUR
const GROUP_KEY = '{}/{team="db"}:{alertname="A"}'
const RECEIVER: NflogReceiver = { groupName: 'team', integration: 'webhook', idx: 0 }

function setup(retentionMs?: number) {
  const clock = { now: T0 }
  const changes: (readonly MeshEntry[])[] = []
  const nflog = new Nflog({
    now: () => clock.now,
    onChange: (entries) => changes.push(entries),
    ...(retentionMs === undefined ? {} : { retentionMs }),
  })
  return { nflog, clock, changes }
}

function mesh(
  timestamp: number,
  expiresAt: number,
  overrides: { groupKey?: string; receiver?: NflogReceiver; firing?: bigint[] } = {}
): MeshEntry {
  return {
    entry: {
      groupKey: overrides.groupKey ?? GROUP_KEY,
      receiver: overrides.receiver ?? RECEIVER,
      timestamp,
      firingAlerts: overrides.firing ?? [1n],
      resolvedAlerts: [],
    },
    expiresAt,
  }
}

describe('Nflog.log and query', () => {
  it('stores the notification with the current time and returns it by group key and receiver', () => {
    const { nflog, changes } = setup()
    nflog.log(RECEIVER, GROUP_KEY, [1n, 2n], [3n], 8 * HOUR)
    const entry = nflog.query(RECEIVER, GROUP_KEY)
    assert.deepEqual(entry, {
      groupKey: GROUP_KEY,
      receiver: RECEIVER,
      timestamp: T0,
      firingAlerts: [1n, 2n],
      resolvedAlerts: [3n],
    })
    assert.equal(changes.length, 1)
    assert.deepEqual(changes[0]?.[0]?.entry, entry)
  })

  const misses: { name: string; receiver: NflogReceiver; groupKey: string }[] = [
    // Another group.
    { name: 'another group key', receiver: RECEIVER, groupKey: '{}:{alertname="B"}' },
    // Another receiver.
    {
      name: 'another receiver',
      receiver: { ...RECEIVER, groupName: 'other' },
      groupKey: GROUP_KEY,
    },
    // Same receiver, another integration type.
    {
      name: 'another integration',
      receiver: { ...RECEIVER, integration: 'email' },
      groupKey: GROUP_KEY,
    },
    // Same receiver and type, another index.
    { name: 'another index', receiver: { ...RECEIVER, idx: 1 }, groupKey: GROUP_KEY },
  ]
  for (const c of misses) {
    it(`finds nothing for ${c.name}`, () => {
      const { nflog } = setup()
      nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
      assert.equal(nflog.query(c.receiver, c.groupKey), undefined)
    })
  }

  it('keeps only the latest entry per key', () => {
    const { nflog, clock } = setup()
    nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
    clock.now += 1000
    nflog.log(RECEIVER, GROUP_KEY, [2n], [], 0)
    assert.equal(nflog.size, 1)
    assert.deepEqual(nflog.query(RECEIVER, GROUP_KEY)?.firingAlerts, [2n])
  })

  it('does not overwrite an entry with a later timestamp (clock drift between peers)', () => {
    const { nflog, changes } = setup()
    nflog.merge([mesh(T0 + 5000, T0 + HOUR, { firing: [9n] })])
    nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
    assert.deepEqual(nflog.query(RECEIVER, GROUP_KEY)?.firingAlerts, [9n])
    assert.equal(changes.length, 1, 'only the merge changed the log')
  })

  it('overwrites an entry with the same timestamp', () => {
    const { nflog } = setup()
    nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
    nflog.log(RECEIVER, GROUP_KEY, [2n], [], 0)
    assert.deepEqual(nflog.query(RECEIVER, GROUP_KEY)?.firingAlerts, [2n])
  })

  const expiries: { name: string; retentionMs: number; expiryMs: number; lifetimeMs: number }[] = [
    // The usual case: 2 x repeat_interval is shorter than the retention.
    {
      name: 'expiry shorter than retention',
      retentionMs: RETENTION,
      expiryMs: 8 * HOUR,
      lifetimeMs: 8 * HOUR,
    },
    // A longer expiry is capped by the retention.
    {
      name: 'expiry longer than retention',
      retentionMs: RETENTION,
      expiryMs: 200 * HOUR,
      lifetimeMs: RETENTION,
    },
    // Equal: the retention (the condition is retention > expiry).
    {
      name: 'expiry equal to retention',
      retentionMs: 10 * HOUR,
      expiryMs: 10 * HOUR,
      lifetimeMs: 10 * HOUR,
    },
    // Zero means "no expiry wanted": the retention.
    { name: 'zero expiry', retentionMs: RETENTION, expiryMs: 0, lifetimeMs: RETENTION },
    // A custom --data.retention applies.
    { name: 'short retention', retentionMs: HOUR, expiryMs: 8 * HOUR, lifetimeMs: HOUR },
  ]
  for (const c of expiries) {
    it(`expires entries at min(expiry, retention): ${c.name}`, () => {
      const { nflog } = setup(c.retentionMs)
      nflog.log(RECEIVER, GROUP_KEY, [1n], [], c.expiryMs)
      assert.deepEqual(
        [...nflog.entries()].map((m) => m.expiresAt),
        [T0 + c.lifetimeMs]
      )
    })
  }

  it('retains entries for 120 h by default', () => {
    const nflog = new Nflog({ now: () => T0 })
    nflog.log(RECEIVER, GROUP_KEY, [], [], 0)
    assert.equal([...nflog.entries()][0]?.expiresAt, T0 + RETENTION)
  })
})

describe('Nflog.merge', () => {
  const cases: {
    name: string
    local: MeshEntry | undefined
    incoming: MeshEntry
    accepted: boolean
  }[] = [
    // Nothing local: taken.
    { name: 'a new key', local: undefined, incoming: mesh(T0, T0 + HOUR), accepted: true },
    // Strictly later timestamp: the last writer wins.
    {
      name: 'a later timestamp',
      local: mesh(T0 - 10, T0 + HOUR),
      incoming: mesh(T0, T0 + HOUR),
      accepted: true,
    },
    // Same timestamp: kept local (strictly later only).
    {
      name: 'the same timestamp',
      local: mesh(T0, T0 + HOUR),
      incoming: mesh(T0, T0 + 2 * HOUR, { firing: [7n] }),
      accepted: false,
    },
    // Older timestamp: ignored.
    {
      name: 'an older timestamp',
      local: mesh(T0, T0 + HOUR),
      incoming: mesh(T0 - 10, T0 + HOUR),
      accepted: false,
    },
    // Already expired: dropped even without a local entry.
    {
      name: 'an expired entry',
      local: undefined,
      incoming: mesh(T0 - HOUR, T0 - 1),
      accepted: false,
    },
    // Expiring exactly now is not yet "before now": taken.
    {
      name: 'an entry expiring now',
      local: undefined,
      incoming: mesh(T0 - HOUR, T0),
      accepted: true,
    },
  ]
  for (const c of cases) {
    it(`${c.accepted ? 'accepts' : 'refuses'} ${c.name}`, () => {
      const { nflog, changes } = setup()
      if (c.local !== undefined) {
        nflog.merge([c.local])
        changes.length = 0
      }
      const accepted = nflog.merge([c.incoming])
      assert.deepEqual(accepted, c.accepted ? [c.incoming] : [])
      assert.deepEqual(changes, c.accepted ? [[c.incoming]] : [])
      const want = c.accepted ? c.incoming.entry : c.local?.entry
      assert.deepEqual(nflog.query(RECEIVER, GROUP_KEY), want)
    })
  }

  it('merges a batch entry by entry and reports the accepted ones in one change', () => {
    const { nflog, changes } = setup()
    nflog.merge([mesh(T0, T0 + HOUR)])
    changes.length = 0
    const other = mesh(T0, T0 + HOUR, { groupKey: '{}:{alertname="B"}' })
    const stale = mesh(T0 - 1, T0 + HOUR)
    const accepted = nflog.merge([stale, other])
    assert.deepEqual(accepted, [other])
    assert.deepEqual(changes, [[other]])
    assert.equal(nflog.size, 2)
  })
})

describe('Nflog.gc', () => {
  it('deletes entries whose expiry has been reached, keeping later ones', () => {
    const { nflog, clock } = setup()
    nflog.merge([
      mesh(T0, T0 + HOUR, { groupKey: 'past' }),
      mesh(T0, T0 + 2 * HOUR, { groupKey: 'boundary' }),
      mesh(T0, T0 + 3 * HOUR, { groupKey: 'future' }),
    ])
    clock.now = T0 + 2 * HOUR
    // Query does not look at expiry: entries live until the next gc, as in Alertmanager.
    assert.notEqual(nflog.query(RECEIVER, 'past'), undefined)
    assert.equal(nflog.gc(), 2)
    assert.deepEqual(
      [...nflog.entries()].map((m) => m.entry.groupKey),
      ['future']
    )
    assert.equal(nflog.query(RECEIVER, 'past'), undefined)
    assert.equal(nflog.gc(), 0)
  })
})

const quiet = bunyan.createLogger({ name: 't', level: 'fatal' })
let root: string
let codec: NflogCodec
let dirs = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'nflog-open-'))
  codec = await loadNflogCodec()
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/**
 * openAt opens a log on a fresh (or given) directory with a settable clock; `timing` is a short
 * flush delay unless a test sets its own.
 */
async function openAt(
  files: { nflog?: Uint8Array; journal?: Uint8Array; dir?: string } = {},
  timing: Pick<NflogOpenOptions, 'flushDelayMs' | 'maintenanceIntervalMs'> = { flushDelayMs: 10 }
): Promise<{ nflog: Nflog; dir: string; clock: { now: number } }> {
  const dir = files.dir ?? join(root, `d${dirs++}`)
  if (files.nflog !== undefined || files.journal !== undefined) {
    await mkdir(dir, { recursive: true })
  }
  if (files.nflog !== undefined) {
    await writeFile(join(dir, 'nflog'), files.nflog)
  }
  if (files.journal !== undefined) {
    await writeFile(join(dir, 'nflog.journal'), files.journal)
  }
  const clock = { now: T0 }
  const nflog = await Nflog.open({
    retentionMs: RETENTION,
    snapshotDir: dir,
    log: quiet,
    now: () => clock.now,
    ...timing,
  })
  return { nflog, dir, clock }
}

async function decodeFile(path: string): Promise<{ entries: MeshEntry[]; issues: number }> {
  const { entries, issues } = codec.decode(await readFile(path))
  return { entries, issues: issues.length }
}

describe('Nflog.open', () => {
  it('keeps the log in memory without a snapshot directory', async () => {
    const nflog = await Nflog.open({ retentionMs: RETENTION, log: quiet })
    nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
    assert.equal(await nflog.snapshot(), 0)
    assert.deepEqual(nflog.openReport, { loaded: 0, skipped: 0, errors: [] })
    await nflog.close()
  })

  it('starts empty on a directory that does not exist yet, and creates it', async () => {
    const dir = join(root, 'new', 'storage')
    const { nflog } = await openAt({ dir })
    assert.equal(nflog.size, 0)
    assert.ok((await stat(dir)).isDirectory())
    await nflog.close()
  })

  it('restores every change after a crash (no close) from snapshot plus journal', async () => {
    const a = await openAt()
    a.nflog.log(RECEIVER, GROUP_KEY, [2n ** 64n - 1n], [], 8 * HOUR)
    a.nflog.log(RECEIVER, 'other', [1n], [2n], 0)
    await a.nflog.snapshot()
    a.clock.now += 1000
    a.nflog.log(RECEIVER, GROUP_KEY, [2n ** 63n], [5n], 8 * HOUR)
    a.nflog.log({ ...RECEIVER, idx: 1 }, GROUP_KEY, [3n], [], 0)
    await a.nflog.flush()
    // What a SIGKILL leaves behind: the directory as it is now.
    const crashed = join(root, `crash${dirs++}`)
    await cp(a.dir, crashed, { recursive: true })
    const b = await openAt({ dir: crashed })
    b.clock.now = a.clock.now
    assert.deepEqual([...b.nflog.entries()], [...a.nflog.entries()])
    // The snapshot's first GROUP_KEY entry is superseded by the journal's.
    assert.deepEqual(b.nflog.openReport, { loaded: 3, skipped: 1, errors: [] })
    // The journal was folded into an Alertmanager-readable snapshot.
    assert.equal((await stat(join(crashed, 'nflog.journal'))).size, 0)
    assert.deepEqual((await decodeFile(join(crashed, 'nflog'))).entries, [...a.nflog.entries()])
    await Promise.all([a.nflog.close(), b.nflog.close()])
  })

  const replays: {
    name: string
    nflog: MeshEntry[]
    journal: MeshEntry[]
    want: number[]
    skipped: number
  }[] = [
    // A journal entry newer than the snapshot's wins.
    {
      name: 'a newer journal entry replaces the snapshot entry',
      nflog: [mesh(T0 - 10, T0 + HOUR, { firing: [1n] })],
      journal: [mesh(T0 - 5, T0 + HOUR, { firing: [2n] })],
      want: [2],
      skipped: 1,
    },
    // The journal is replayed in order: an equal timestamp was a later log() call.
    {
      name: 'journal entries apply in order on equal timestamps',
      nflog: [],
      journal: [mesh(T0, T0 + HOUR, { firing: [1n] }), mesh(T0, T0 + HOUR, { firing: [2n] })],
      want: [2],
      skipped: 1,
    },
    // The snapshot follows the merge rule: strictly newer only.
    {
      name: 'the snapshot keeps the first of equal timestamps',
      nflog: [mesh(T0, T0 + HOUR, { firing: [1n] }), mesh(T0, T0 + HOUR, { firing: [2n] })],
      journal: [],
      want: [1],
      skipped: 1,
    },
    // An older journal entry (left over from before a compaction) changes nothing.
    {
      name: 'an older journal entry is ignored',
      nflog: [mesh(T0, T0 + HOUR, { firing: [1n] })],
      journal: [mesh(T0 - 1, T0 + HOUR, { firing: [2n] })],
      want: [1],
      skipped: 1,
    },
    // Entries whose expiry has passed are dropped from both files.
    {
      name: 'expired entries are dropped',
      nflog: [mesh(T0 - HOUR, T0 - 1, { groupKey: 'x' })],
      journal: [mesh(T0 - HOUR, T0 - 1, { firing: [2n] })],
      want: [],
      skipped: 2,
    },
  ]
  for (const c of replays) {
    it(`replays: ${c.name}`, async () => {
      const { nflog } = await openAt({
        nflog: codec.encode(c.nflog),
        journal: codec.encode(c.journal),
      })
      assert.deepEqual(
        [...nflog.entries()].map((m) => Number(m.entry.firingAlerts[0])),
        c.want
      )
      assert.deepEqual(nflog.openReport, { loaded: c.want.length, skipped: c.skipped, errors: [] })
      await nflog.close()
    })
  }

  it('starts with what it can read despite damage, and later changes survive', async () => {
    const good = codec.encode([mesh(T0, T0 + HOUR)])
    const other = codec.encode([mesh(T0, T0 + HOUR, { groupKey: 'b' })])
    // Garbage after the snapshot's record; SIGKILL in the middle of a journal append.
    const files = {
      nflog: Buffer.concat([good, Buffer.from([3, 0xff, 0xff, 0xff])]),
      journal: Buffer.concat([other, other.subarray(0, 9)]),
    }
    const first = await openAt(files)
    assert.equal(first.nflog.size, 2)
    assert.equal(first.nflog.openReport.errors.length, 2)
    assert.deepEqual(first.nflog.openReport.errors, [
      `${join(first.dir, 'nflog')}: byte ${good.length}: undecodable record of 3 bytes: ` +
        'index out of range: 3 + 1 > 3',
      `${join(first.dir, 'nflog.journal')}: byte ${other.length}: truncated record: ` +
        `length ${other.length - 1} but only 8 bytes left`,
    ])
    // The damaged bytes are kept aside and the files rewritten clean...
    assert.deepEqual(await readFile(join(first.dir, 'nflog.corrupt')), files.nflog)
    assert.deepEqual(await readFile(join(first.dir, 'nflog.journal.corrupt')), files.journal)
    assert.deepEqual(await decodeFile(join(first.dir, 'nflog')), {
      entries: [...first.nflog.entries()],
      issues: 0,
    })
    // ...so a later append is not lost behind the torn record.
    first.nflog.log(RECEIVER, 'after', [9n], [], 0)
    await first.nflog.flush()
    const crashed = join(root, `crash${dirs++}`)
    await cp(first.dir, crashed, { recursive: true })
    const reopened = await openAt({ dir: crashed })
    assert.equal(reopened.nflog.size, 3)
    assert.deepEqual(reopened.nflog.openReport.errors, [])
    await Promise.all([first.nflog.close(), reopened.nflog.close()])
  })

  const invalid: { name: string; options: Record<string, number> }[] = [
    // Zero retention would expire every entry at once.
    { name: 'retentionMs 0', options: { retentionMs: 0 } },
    // The 1-second durability promise caps the delay.
    { name: 'flushDelayMs above 1000', options: { flushDelayMs: 1001 } },
    // Negative delays are nonsense.
    { name: 'negative flushDelayMs', options: { flushDelayMs: -1 } },
    // NaN everywhere.
    { name: 'NaN maintenanceIntervalMs', options: { maintenanceIntervalMs: Number.NaN } },
  ]
  for (const c of invalid) {
    it(`refuses ${c.name}`, async () => {
      await assert.rejects(
        Nflog.open({ retentionMs: RETENTION, log: quiet, ...c.options }),
        InvalidArgumentError
      )
    })
  }

  it('runs maintenance (gc, then snapshot) every maintenanceIntervalMs', async () => {
    const { nflog, dir, clock } = await openAt({}, { maintenanceIntervalMs: 20 })
    nflog.log(RECEIVER, 'short', [1n], [], HOUR)
    nflog.log(RECEIVER, 'long', [1n], [], 0)
    clock.now += HOUR
    const deadline = Date.now() + 2000
    while (
      nflog.size !== 1 ||
      (await stat(join(dir, 'nflog')).catch(() => undefined)) === undefined
    ) {
      assert.ok(Date.now() < deadline, 'no maintenance within 2 s')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await nflog.close()
    assert.deepEqual(
      (await decodeFile(join(dir, 'nflog'))).entries.map((m) => m.entry.groupKey),
      ['long']
    )
  })
})

describe('Nflog.close', () => {
  it('is idempotent; afterwards query answers and changes throw ClosedError', async () => {
    const { nflog, dir } = await openAt()
    nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
    const closing = nflog.close()
    assert.equal(nflog.close(), closing)
    await closing
    assert.deepEqual((await decodeFile(join(dir, 'nflog'))).entries, [...nflog.entries()])
    assert.notEqual(nflog.query(RECEIVER, GROUP_KEY), undefined)
    assert.throws(() => {
      nflog.log(RECEIVER, GROUP_KEY, [1n], [], 0)
    }, ClosedError)
    assert.throws(() => nflog.merge([mesh(T0 + 1, T0 + HOUR)]), ClosedError)
    await assert.rejects(nflog.flush(), ClosedError)
    await assert.rejects(nflog.snapshot(), ClosedError)
    await assert.rejects(nflog.maintenance(), ClosedError)
  })
})

describe('Nflog binary state (gossip)', () => {
  it('marshalBinary and mergeBinary round-trip the log between two nodes', async () => {
    const a = await Nflog.open({ retentionMs: RETENTION, log: quiet, now: () => T0 })
    const b = await Nflog.open({ retentionMs: RETENTION, log: quiet, now: () => T0 })
    a.log(RECEIVER, GROUP_KEY, [2n ** 64n - 1n], [], 0)
    const result = b.mergeBinary(a.marshalBinary())
    assert.deepEqual(result, { accepted: [...a.entries()], propagate: true, errors: [] })
    assert.deepEqual(b.mergeBinary(a.marshalBinary()).propagate, false, 'nothing new')
    await Promise.all([a.close(), b.close()])
  })

  const messages: { name: string; data: () => Uint8Array; propagate: boolean; errors: number }[] = [
    // Over 700 bytes: Alertmanager does not pass oversized messages on (already sent to all).
    {
      name: 'an oversized message',
      data: () => codec.encode([mesh(T0, T0 + HOUR, { groupKey: 'k'.repeat(800) })]),
      propagate: false,
      errors: 0,
    },
    // Garbage is dropped and reported, never thrown out of the gossip handler.
    { name: 'garbage', data: () => Uint8Array.from([5, 1, 2]), propagate: false, errors: 1 },
  ]
  for (const c of messages) {
    it(`mergeBinary handles ${c.name}`, async () => {
      const nflog = await Nflog.open({ retentionMs: RETENTION, log: quiet, now: () => T0 })
      const result = nflog.mergeBinary(c.data())
      assert.equal(result.propagate, c.propagate)
      assert.equal(result.errors.length, c.errors)
      await nflog.close()
    })
  }

  it('needs a log created by Nflog.open for binary state', () => {
    assert.throws(() => new Nflog().marshalBinary(), InvalidArgumentError)
  })
})
