/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { newMatcher } from '../../../src/labels/index.js'
import type { LabelSet } from '../../../src/labels/index.js'
import { SilenceMatching } from '../../../src/silences/matching.js'
import type { MatchableSilence } from '../../../src/silences/matching.js'

import { HOUR, MIN, T0, clock, mesh } from './helpers.js'

/** harness builds a SilenceMatching over a hand-driven store: a map, a version, a clock. */
function harness(): {
  matching: SilenceMatching<MatchableSilence>
  put: (id: string, times: { startsAt: number; endsAt: number }, labels?: LabelSet) => void
  drop: (id: string) => void
  bump: () => void
  queries: () => number
  c: ReturnType<typeof clock>
} {
  const c = clock()
  const store = new Map<string, MatchableSilence>()
  let version = 0
  let queries = 0
  const matching = new SilenceMatching<MatchableSilence>({
    lookup: (id) => store.get(id),
    version: () => version,
    now: c.now,
    cacheTtlMs: HOUR,
    onQuery: () => {
      queries++
    },
  })
  return {
    matching,
    put: (id, times, labels = { alertname: 'A' }) => {
      const entry = {
        id,
        silence: mesh(id, times).silence,
        matchers: Object.entries(labels).map(([n, v]) => newMatcher('=', n, v)),
      }
      store.set(id, entry)
      matching.index(entry)
    },
    drop: (id) => {
      store.delete(id)
      matching.unindex(id)
    },
    bump: () => {
      version++
    },
    queries: () => queries,
    c,
  }
}

const ALERT = { alertname: 'A', team: 'db' }
const FP = 'fp-a'

describe('SilenceMatching.mutedBy', () => {
  it('answers from the cache while the version is unchanged, and re-queries after a change', () => {
    const h = harness()
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: [], pending: [], version: 0 })
    assert.equal(h.queries(), 1)
    // A silence indexed without a version change is not seen: 0.25's fast path ("no silences
    // ever applied to this alert, none have been added") returns without any query.
    h.put('s1', { startsAt: T0, endsAt: T0 + HOUR })
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, [])
    assert.equal(h.queries(), 1)
    // A new version: a full query finds it.
    h.bump()
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: ['s1'], pending: [], version: 1 })
    assert.equal(h.queries(), 2)
  })

  it('turns a pending silence active by time alone, re-checking only the remembered ids', () => {
    const h = harness()
    h.put('later', { startsAt: T0 + MIN, endsAt: T0 + HOUR })
    h.bump()
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: [], pending: ['later'], version: 1 })
    h.c.add(MIN)
    // Same version: a recheck (one query) moves it to active.
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: ['later'], pending: [], version: 1 })
    assert.equal(h.queries(), 2)
    // And it expires by time alone too.
    h.c.add(HOUR)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: [], pending: [], version: 1 })
    assert.equal(h.queries(), 3)
    // Nothing remembered any more: the fast path, no query.
    h.c.add(MIN)
    h.matching.mutedBy(ALERT, FP)
    assert.equal(h.queries(), 3)
  })

  it('treats a remembered silence that GC removed (no version change) as gone', () => {
    const h = harness()
    h.put('s1', { startsAt: T0, endsAt: T0 + HOUR })
    h.put('s2', { startsAt: T0, endsAt: T0 + HOUR })
    h.bump()
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['s1', 's2'])
    h.drop('s1')
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['s2'])
  })

  it('returns the same cached object when a recheck changes nothing', () => {
    const h = harness()
    h.put('s1', { startsAt: T0, endsAt: T0 + HOUR })
    h.bump()
    const first = h.matching.mutedBy(ALERT, FP)
    assert.equal(h.matching.mutedBy(ALERT, FP), first)
  })

  it('sorts ids byte-wise and splits them by state', () => {
    const h = harness()
    // Inserted in reverse order; "B" (0x42) sorts before "a" (0x61).
    h.put('c', { startsAt: T0 + MIN, endsAt: T0 + HOUR })
    h.put('b', { startsAt: T0, endsAt: T0 + HOUR })
    h.put('a', { startsAt: T0 - HOUR, endsAt: T0 - 1 })
    h.put('B', { startsAt: T0, endsAt: T0 + HOUR })
    h.bump()
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), {
      active: ['B', 'b'],
      pending: ['c'],
      version: 1,
    })
  })

  it('keeps results per fingerprint and forgets one on request', () => {
    const h = harness()
    h.put('s1', { startsAt: T0, endsAt: T0 + HOUR }, { team: 'db' })
    h.bump()
    assert.deepEqual(h.matching.mutedBy({ team: 'db' }, 'x').active, ['s1'])
    assert.deepEqual(h.matching.mutedBy({ team: 'web' }, 'y').active, [])
    assert.equal(h.matching.cachedAlerts, 2)
    h.matching.forget('x')
    assert.equal(h.matching.cachedAlerts, 1)
  })
})

describe('SilenceMatching.query', () => {
  it('queries the index without touching the cache', () => {
    const h = harness()
    h.put('s1', { startsAt: T0, endsAt: T0 + HOUR })
    assert.deepEqual(h.matching.query(ALERT), { active: ['s1'], pending: [] })
    assert.equal(h.matching.cachedAlerts, 0)
  })
})
