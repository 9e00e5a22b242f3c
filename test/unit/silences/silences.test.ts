import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  SilenceInvalidError,
  SilenceNotFoundError,
  Silences,
  encodeMeshSilences,
  silenceState,
} from '#src/silences/index.js'
import type { MeshSilence, Silence, SilenceState } from '#src/silences/index.js'
import { ClosedError, GO_ZERO_TIME_MS, InvalidArgumentError } from '#src/util/index.js'

import { HOUR, MIN, SEC, T0, clock, eq, mesh, openMemory, quietLog, re, setAB } from './helpers.js'

/** expiresAt returns a stored silence's GC time. */
function expiresAt(s: Silences, id: string): number | undefined {
  return s.meshSilences().find((m) => m.silence.id === id)?.expiresAt
}

function countState(s: Silences, state: SilenceState, now: number): number {
  return s.list().filter((x) => silenceState(x, now) === state).length
}

describe('Silences.set', () => {
  it('follows 0.25 TestSilenceSet: create, clamp, update in place, replace, recreate', async () => {
    const c = clock()
    const s = await openMemory(c)
    const start1 = c.now()
    const ab = [eq('a', 'b')]

    // A new silence with a start in the future keeps it.
    const id1 = await setAB(s, { startsAt: start1 + 2 * MIN, endsAt: start1 + 5 * MIN })
    const want1: Silence = {
      id: id1,
      matchers: ab,
      startsAt: start1 + 2 * MIN,
      endsAt: start1 + 5 * MIN,
      updatedAt: start1,
      createdBy: '',
      comment: '',
    }
    assert.match(id1, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.deepEqual(s.get(id1), want1)
    assert.equal(expiresAt(s, id1), start1 + 5 * MIN + HOUR)
    assert.equal(s.version, 1)

    // A new silence with an unset (zero) start starts now.
    c.add(MIN)
    const start2 = c.now()
    const id2 = await setAB(s, { startsAt: GO_ZERO_TIME_MS, endsAt: start2 + MIN })
    assert.deepEqual(s.get(id2), {
      ...want1,
      id: id2,
      startsAt: start2,
      endsAt: start2 + MIN,
      updatedAt: start2,
    })
    assert.equal(s.version, 2)

    // Extending the active silence 2 keeps its id.
    c.add(MIN)
    const start3 = c.now()
    const id3 = await setAB(s, { id: id2, startsAt: start2, endsAt: start3 + 100 * MIN })
    assert.equal(id3, id2)
    assert.deepEqual(s.get(id2), {
      ...want1,
      id: id2,
      startsAt: start2,
      endsAt: start3 + 100 * MIN,
      updatedAt: start3,
    })
    assert.equal(expiresAt(s, id2), start3 + 100 * MIN + HOUR)
    assert.equal(s.version, 3)

    // New matchers: silence 2 is expired and a new one created, starting now.
    c.add(MIN)
    const start4 = c.now()
    const ac = [eq('a', 'c')]
    const id4 = await setAB(s, {
      id: id2,
      matchers: ac,
      startsAt: start2,
      endsAt: start3 + 100 * MIN,
    })
    assert.notEqual(id4, id2)
    assert.deepEqual(s.get(id2), {
      ...want1,
      id: id2,
      startsAt: start2,
      endsAt: start4,
      updatedAt: start4,
    })
    assert.equal(expiresAt(s, id2), start4 + HOUR)
    assert.deepEqual(s.get(id4), {
      ...want1,
      id: id4,
      matchers: ac,
      startsAt: start4,
      endsAt: start3 + 100 * MIN,
      updatedAt: start4,
    })
    assert.equal(s.version, 5)

    // Updating the expired silence 2 creates a new one and leaves silence 2 alone.
    c.add(MIN)
    const start5 = c.now()
    const before2 = s.get(id2)
    const id5 = await setAB(s, { id: id2, startsAt: start1, endsAt: start1 + 5 * MIN })
    assert.notEqual(id5, id2)
    assert.equal(s.get(id2), before2)
    assert.deepEqual(s.get(id5), {
      ...want1,
      id: id5,
      startsAt: start5,
      endsAt: start1 + 5 * MIN,
      updatedAt: start5,
    })
    assert.equal(s.version, 6)
    assert.equal(s.list().length, 4)
  })

  it('follows 0.25 TestSetActiveSilence: a start moved within the same second updates in place', async () => {
    const c = clock()
    const s = await openMemory(c)
    const now = c.now()
    const id1 = await setAB(s, { startsAt: now - MIN, endsAt: now + 5 * MIN })
    // The start was clamped to now; 2 ms later is the same Unix second.
    c.add(MIN)
    const id2 = await s.set({
      id: id1,
      matchers: [eq('a', 'b')],
      startsAt: now + 2,
      endsAt: now + 7 * MIN,
      createdBy: 'x',
      comment: 'y',
    })
    assert.equal(id2, id1)
    assert.deepEqual(s.get(id1), {
      id: id1,
      matchers: [eq('a', 'b')],
      // Not clamped: an in-place update keeps the posted start.
      startsAt: now + 2,
      endsAt: now + 7 * MIN,
      updatedAt: c.now(),
      createdBy: 'x',
      comment: 'y',
    })
  })

  it('updates a pending silence in place while it starts in the future', async () => {
    const c = clock()
    const s = await openMemory(c)
    const id = await setAB(s, { startsAt: T0 + HOUR, endsAt: T0 + 2 * HOUR })
    // Pending → a new start still in the future (even another second) keeps the id.
    assert.equal(await setAB(s, { id, startsAt: T0 + 30 * MIN, endsAt: T0 + 2 * HOUR }), id)
    // Pending → a start in the past replaces it.
    const other = await setAB(s, { id, startsAt: T0 - MIN, endsAt: T0 + 2 * HOUR })
    assert.notEqual(other, id)
    assert.equal(s.get(other)?.startsAt, T0)
    // The pending original was expired: start and end both moved to now.
    assert.equal(s.get(id)?.startsAt, T0)
    assert.equal(s.get(id)?.endsAt, T0)
  })

  // Rows port 0.25's TestSilencesSetFail, plus the deviation of validating before expiring.
  const failures: {
    name: string
    silence: Parameters<Silences['set']>[0]
    error: new (...args: never[]) => Error
    message: string
  }[] = [
    {
      name: 'an unknown id',
      silence: {
        id: 'some_id',
        matchers: [eq('a', 'b')],
        startsAt: T0,
        endsAt: T0 + HOUR,
        createdBy: '',
        comment: '',
      },
      error: SilenceNotFoundError,
      message: 'silence not found',
    },
    {
      name: 'no matchers',
      silence: { matchers: [], startsAt: T0, endsAt: T0 + HOUR, createdBy: '', comment: '' },
      error: SilenceInvalidError,
      message: 'silence invalid: at least one matcher required',
    },
    {
      // The start is clamped to now first, as in 0.25.
      name: 'an end in the past',
      silence: {
        matchers: [eq('a', 'b')],
        startsAt: T0 - HOUR,
        endsAt: T0 - MIN,
        createdBy: '',
        comment: '',
      },
      error: SilenceInvalidError,
      message: 'silence invalid: end time must not be before start time',
    },
  ]
  for (const f of failures) {
    it(`refuses ${f.name}`, async () => {
      const s = await openMemory(clock())
      await assert.rejects(s.set(f.silence), (err: unknown) => {
        assert.ok(err instanceof f.error)
        assert.equal(err.message, f.message)
        return true
      })
      assert.equal(s.version, 0)
      assert.deepEqual(s.list(), [])
    })
  }

  it('leaves the old silence intact when its replacement is invalid (0.25 expired it first)', async () => {
    const s = await openMemory(clock())
    const id = await setAB(s)
    await assert.rejects(setAB(s, { id, matchers: [re('a', '(')] }), /invalid regular expression/)
    assert.equal(s.get(id)?.endsAt, T0 + HOUR)
    assert.equal(s.version, 1)
  })

  it('stamps each write of one silence after the previous one, even within a millisecond', async () => {
    const c = clock()
    const s = await openMemory(c)
    const id = await setAB(s)
    await setAB(s, { id, endsAt: T0 + 2 * HOUR })
    await s.expire(id)
    // Peers accept only a strictly newer updatedAt, so both later writes must be newer.
    assert.equal(s.get(id)?.updatedAt, T0 + 2)
    assert.equal(s.get(id)?.endsAt, T0)
  })

  it('tells onChange about every write, the expired predecessor first', async () => {
    const changes: (readonly MeshSilence[])[] = []
    const s = await openMemory(clock(), { onChange: (m) => changes.push(m) })
    const id = await setAB(s)
    const id2 = await setAB(s, { id, matchers: [eq('a', 'c')] })
    assert.deepEqual(
      changes.map((c) => c.map((m) => [m.silence.id, m.expiresAt])),
      // The expired predecessor ends now, so it is collectable one retention from now.
      [
        [[id, T0 + 2 * HOUR]],
        [
          [id, T0 + HOUR],
          [id2, T0 + 2 * HOUR],
        ],
      ]
    )
  })
})

describe('Silences onChange', () => {
  it('stores and acknowledges a write even when the hook throws', async () => {
    const s = await openMemory(clock(), {
      onChange: () => {
        throw new Error('gossip down')
      },
    })
    const id = await setAB(s)
    assert.ok(s.get(id))
    assert.equal(s.merge([mesh('peer')]).length, 1)
  })
})

describe('Silences debug log', () => {
  it('logs each silence gossiped from here and each merged from a peer', async () => {
    const { log, records } = quietLog()
    const s = await openMemory(clock(), { log })
    const id = await s.set({
      matchers: [eq('a', 'b')],
      startsAt: T0,
      endsAt: T0 + HOUR,
      createdBy: 'ops',
      comment: 'maintenance',
    })
    s.merge([mesh('from-peer')])
    const lines = (records() as { msg: string; id?: string; state?: string; level: number }[])
      .filter((r) => r.msg.endsWith(' silence') || r.msg.endsWith(' from a peer'))
      .map((r) => [r.level, r.msg, r.id, r.state])
    assert.deepEqual(lines, [
      [20, 'Gossiping new silence', id, 'active'],
      [20, 'Merged silence from a peer', 'from-peer', 'active'],
    ])
  })
})

describe('Silences.expire', () => {
  const m = [eq('a', 'b')]
  const population = (now: number, retention: number): MeshSilence[] => [
    mesh('pending', {
      matchers: m,
      startsAt: now + MIN,
      endsAt: now + HOUR,
      updatedAt: now - HOUR,
    }),
    mesh('active', { matchers: m, startsAt: now - MIN, endsAt: now + HOUR, updatedAt: now - HOUR }),
    // Injected with a later GC time than endsAt + retention, so zero retention keeps it too.
    mesh('expired', {
      matchers: m,
      startsAt: now - HOUR,
      endsAt: now - MIN,
      updatedAt: now - HOUR,
      expiresAt: now + retention + HOUR,
    }),
  ]

  it('follows 0.25 TestSilenceExpire: pending and active end now, expired stays', async () => {
    const c = clock()
    const s = await openMemory(c)
    const now = c.now()
    assert.equal(s.merge(population(now, HOUR)).length, 3)
    assert.equal(countState(s, 'pending', now), 1)
    assert.equal(countState(s, 'expired', now), 1)

    await s.expire('pending')
    await s.expire('active')
    await s.expire('expired')

    assert.deepEqual(s.get('pending'), {
      ...population(now, HOUR)[0]?.silence,
      startsAt: now,
      endsAt: now,
      updatedAt: now,
    })
    assert.deepEqual(s.get('active'), {
      ...population(now, HOUR)[1]?.silence,
      endsAt: now,
      updatedAt: now,
    })
    assert.deepEqual(s.get('expired'), population(now, HOUR)[2]?.silence)
    c.add(SEC)
    assert.equal(countState(s, 'pending', c.now()), 0)
    assert.equal(countState(s, 'expired', c.now()), 3)
  })

  it('follows 0.25 TestSilenceExpireWithZeroRetention: expired silences stay until GC', async () => {
    const c = clock()
    const s = await openMemory(c, { retentionMs: 0 })
    s.merge(population(c.now(), 0))
    c.add(1)
    await s.expire('pending')
    await s.expire('active')
    await s.expire('expired')
    c.add(1)
    assert.equal(countState(s, 'pending', c.now()), 0)
    assert.equal(countState(s, 'active', c.now()), 0)
    assert.equal(countState(s, 'expired', c.now()), 3)
    // With zero retention the two expired just now are collectable at once.
    assert.equal(s.gc(), 2)
  })

  it('refuses an unknown id with "silence not found"', async () => {
    const s = await openMemory(clock())
    await assert.rejects(s.expire('nope'), (err: unknown) => {
      assert.ok(err instanceof SilenceNotFoundError)
      assert.equal(err.code, 'AM_SILENCE_NOT_FOUND')
      assert.equal(err.message, 'silence not found')
      return true
    })
  })

  it('does not bump the version for an already expired silence', async () => {
    const c = clock()
    const s = await openMemory(c)
    s.merge([mesh('x', { startsAt: T0 - HOUR, endsAt: T0 - MIN })])
    const v = s.version
    await s.expire('x')
    assert.equal(s.version, v)
  })
})

describe('Silences.merge', () => {
  it('follows 0.25 TestStateMerge: unknown or newer wins, older and expired are dropped', async () => {
    const c = clock()
    const now = c.now()
    const changes: (readonly MeshSilence[])[] = []
    const s = await openMemory(c, { onChange: (m) => changes.push(m) })
    const exp = now + MIN
    s.merge([
      mesh('a1', { updatedAt: now, expiresAt: exp }),
      mesh('a2', { updatedAt: now, expiresAt: exp }),
      mesh('a3', { updatedAt: now, expiresAt: exp }),
    ])
    const v = s.version
    changes.length = 0
    const accepted = s.merge([
      // A new id: added.
      mesh('b1', { updatedAt: now, expiresAt: exp }),
      // An older write of a2: dropped.
      mesh('a2', { updatedAt: now - MIN, expiresAt: exp, comment: 'older' }),
      // The same updatedAt as a1 is not newer: dropped.
      mesh('a1', { updatedAt: now, expiresAt: exp, comment: 'same time' }),
      // A newer write of a3: replaces it.
      mesh('a3', { updatedAt: now + MIN, expiresAt: exp, comment: 'newer' }),
      // A new id already past its GC time: dropped.
      mesh('a4', { updatedAt: now - MIN, expiresAt: now - 1 }),
      // Exactly at its GC time is not before now: added (GC will remove it).
      mesh('a5', { updatedAt: now - MIN, expiresAt: now }),
    ])
    assert.deepEqual(
      accepted.map((m) => m.silence.id),
      ['b1', 'a3', 'a5']
    )
    assert.equal(s.version, v + 3)
    assert.deepEqual(changes, [accepted])
    assert.equal(s.get('a3')?.comment, 'newer')
    assert.equal(s.get('a2')?.comment, '')
    assert.equal(s.get('a1')?.comment, '')
    assert.equal(s.get('a4'), undefined)
  })

  it('is idempotent: merging the same silences twice accepts nothing the second time', async () => {
    const s = await openMemory(clock())
    const batch = [mesh('x'), mesh('y', { updatedAt: T0 + 5 })]
    assert.equal(s.merge(batch).length, 2)
    const v = s.version
    assert.deepEqual(s.merge(batch), [])
    assert.equal(s.version, v)
  })

  it('keeps a silence whose matchers do not compile, which then matches nothing', async () => {
    const s = await openMemory(clock())
    assert.equal(s.merge([mesh('bad', { matchers: [re('a', '(')] })]).length, 1)
    assert.ok(s.get('bad'))
    assert.deepEqual(s.query({ a: '(' }), { active: [], pending: [] })
  })

  it('marshalBinary and mergeBinary round-trip the silences between two nodes', async () => {
    const a = await openMemory(clock())
    const b = await openMemory(clock())
    a.merge([mesh('x'), mesh('y', { updatedAt: T0 + 5 })])
    const result = b.mergeBinary(a.marshalBinary())
    assert.deepEqual(result, { accepted: a.meshSilences(), errors: [] })
    assert.deepEqual(b.mergeBinary(a.marshalBinary()).accepted, [], 'nothing new')
  })

  it('mergeBinary drops and reports what does not decode, and merges the rest', async () => {
    const s = await openMemory(clock())
    const data = Buffer.concat([encodeMeshSilences([mesh('ok')]), Uint8Array.from([5, 1, 2])])
    const result = s.mergeBinary(data)
    assert.deepEqual(
      result.accepted.map((m) => m.silence.id),
      ['ok']
    )
    assert.equal(result.errors.length, 1)
    assert.match(result.errors[0] ?? '', /^byte \d+: truncated record/)
  })
})

describe('Silences.gc', () => {
  it('deletes silences at or past expiresAt and keeps the version', async () => {
    const c = clock()
    const s = await openMemory(c)
    s.merge([
      // Past its GC time at T0 + 2h.
      mesh('old', { endsAt: T0 + MIN, expiresAt: T0 + HOUR }),
      // Exactly at its GC time at T0 + 2h: deleted (0.25: !ExpiresAt.After(now)).
      mesh('edge', { endsAt: T0 + MIN, expiresAt: T0 + 2 * HOUR }),
      // Expired but within retention: kept, still listed.
      mesh('kept', { endsAt: T0 + MIN, expiresAt: T0 + 2 * HOUR + 1 }),
      // Active: kept.
      mesh('active', { endsAt: T0 + 3 * HOUR }),
    ])
    const v = s.version
    c.set(T0 + 2 * HOUR)
    assert.equal(s.gc(), 2)
    assert.deepEqual(
      s
        .list()
        .map((x) => x.id)
        .sort(),
      ['active', 'kept']
    )
    assert.equal(s.version, v)
    assert.equal(s.gc(), 0)
  })

  it('keeps an expired silence out of queries after it leaves the index', async () => {
    const c = clock()
    const s = await openMemory(c)
    const id = await setAB(s, { endsAt: T0 + MIN })
    c.add(2 * MIN)
    s.gc()
    assert.deepEqual(s.query({ a: 'b' }), { active: [], pending: [] })
    // Re-activating it by an update files it again.
    c.set(T0)
    const again = await setAB(s, { id })
    assert.deepEqual(s.query({ a: 'b' }).active, [again])
  })
})

describe('Silences lifecycle', () => {
  it('refuses writes after close, keeps reads, and closes idempotently', async () => {
    const s = await openMemory(clock())
    const id = await setAB(s)
    await Promise.all([s.close(), s.close()])
    await assert.rejects(setAB(s), ClosedError)
    await assert.rejects(s.expire(id), ClosedError)
    await assert.rejects(s.compact(), ClosedError)
    assert.deepEqual(s.merge([mesh('late')]), [])
    assert.equal(s.get(id)?.id, id)
  })

  it('rejects a negative retention', async () => {
    await assert.rejects(
      Silences.open({ retentionMs: -1, log: quietLog().log }),
      InvalidArgumentError
    )
  })

  it('lists expired silences until GC and hands out frozen objects', async () => {
    const c = clock()
    const s = await openMemory(c)
    const id = await setAB(s, { endsAt: T0 + MIN })
    c.add(HOUR)
    assert.deepEqual(
      s.list().map((x) => x.id),
      [id]
    )
    assert.ok(Object.isFrozen(s.get(id)))
    assert.ok(Object.isFrozen(s.get(id)?.matchers[0]))
  })
})
