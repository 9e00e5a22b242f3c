/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Nflog, stateKey } from '../../../src/nflog/index.js'
import type { MeshEntry, NflogReceiver } from '../../../src/nflog/index.js'

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

describe('stateKey', () => {
  it('joins the group key and the receiver as <groupKey>:<receiver>/<integration>/<idx>', () => {
    assert.equal(
      stateKey(GROUP_KEY, { groupName: 'team', integration: 'webhook', idx: 3 }),
      `${GROUP_KEY}:team/webhook/3`
    )
  })
})

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
