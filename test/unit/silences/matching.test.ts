import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Matcher, fingerprint, newMatcher } from '#src/labels/index.js'
import type { LabelSet, MatchType } from '#src/labels/index.js'
import { silenceState } from '#src/silences/index.js'
import type { Silence, SilenceMatcher } from '#src/silences/index.js'
import { SilenceMatching } from '#src/silences/matching.js'
import type { MatchableSilence } from '#src/silences/matching.js'

import { HOUR, MIN, T0, clock, mesh, openMemory, mulberry32 } from './helpers.js'

let tested = 0
/** CountingMatcher counts its evaluations: whether matching looked at a silence at all. */
class CountingMatcher extends Matcher {
  override matchesLabels(labels: LabelSet): boolean {
    tested++
    return super.matchesLabels(labels)
  }
}

/** harness drives a SilenceMatching over a hand-made store: a map and a clock. */
function harness(): {
  matching: SilenceMatching<MatchableSilence>
  put: (id: string, times: { startsAt: number; endsAt: number }, matchers?: Matcher[]) => void
  drop: (id: string) => void
  queries: () => number
  c: ReturnType<typeof clock>
} {
  const c = clock()
  const store = new Map<string, MatchableSilence>()
  let queries = 0
  const matching = new SilenceMatching<MatchableSilence>({
    lookup: (id) => store.get(id),
    now: c.now,
    cacheTtlMs: HOUR,
    onQuery: () => {
      queries++
    },
  })
  return {
    matching,
    put: (id, times, matchers = [newMatcher('=', 'alertname', 'A')]) => {
      const entry = { id, silence: mesh(id, times).silence, matchers }
      store.set(id, entry)
      matching.changed(entry)
    },
    drop: (id) => {
      store.delete(id)
      matching.unindex(id)
    },
    queries: () => queries,
    c,
  }
}

const ALERT = { alertname: 'A', team: 'db' }
const FP = 'fp-a'
const LIVE = { startsAt: T0, endsAt: T0 + HOUR }

describe('SilenceMatching.mutedBy', () => {
  it('answers at once, with no query and no cache entry, while no silence is indexed', () => {
    const h = harness()
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: [], pending: [] })
    assert.equal(h.queries(), 0)
    assert.equal(h.matching.cachedAlerts, 0)
    // The first silence shows in the very next answer, and is gone once dropped.
    h.put('s1', LIVE)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['s1'])
    h.drop('s1')
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, [])
  })

  it('takes the fast path while nothing changed and nothing matched', () => {
    const h = harness()
    h.put('other', LIVE, [newMatcher('=', 'alertname', 'B')])
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: [], pending: [], version: 1 })
    assert.equal(h.queries(), 1)
    h.matching.mutedBy(ALERT, FP)
    h.matching.mutedBy(ALERT, FP)
    // 0.25: "no silences ever applied to this alert, none have been added": no query at all.
    assert.equal(h.queries(), 1)
  })

  it('after a change tests only the changed silences, not the whole index', () => {
    const h = harness()
    h.put('old', LIVE, [new CountingMatcher('=', 'alertname', 'A')])
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['old'])
    tested = 0
    h.put('new', LIVE)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), {
      active: ['new', 'old'],
      pending: [],
      version: 2,
    })
    // "old" was remembered and did not change: its matchers were not run again.
    assert.equal(tested, 0)
  })

  it('drops a remembered silence that changed so that it no longer matches', () => {
    const h = harness()
    h.put('s', LIVE)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['s'])
    h.put('s', LIVE, [newMatcher('=', 'alertname', 'B')])
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, [])
  })

  it('runs a full query when the change log does not reach back far enough', () => {
    const h = harness()
    h.put('counted', LIVE, [new CountingMatcher('=', 'alertname', 'A')])
    h.matching.mutedBy(ALERT, FP)
    for (let i = 0; i < 300; i++) {
      h.put(`other${i}`, LIVE, [newMatcher('=', 'alertname', 'Z')])
    }
    tested = 0
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['counted'])
    assert.equal(tested, 1)
  })

  it('runs a full query for results cached before a bulk load', () => {
    const h = harness()
    h.matching.mutedBy(ALERT, FP)
    const entry = {
      id: 'loaded',
      silence: mesh('loaded', LIVE).silence,
      matchers: [newMatcher('=', 'alertname', 'A')],
    }
    h.matching.loaded([{ entry, indexable: true }])
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['loaded'])
    assert.equal(h.matching.version, 1)
  })

  it('turns a pending silence active by time alone (0.25 issue #2426)', () => {
    const h = harness()
    h.put('later', { startsAt: T0 + MIN, endsAt: T0 + HOUR })
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: [], pending: ['later'], version: 1 })
    h.c.add(MIN)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), { active: ['later'], pending: [], version: 1 })
    // And expires by time alone too; then nothing is remembered: the fast path.
    h.c.add(HOUR)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, [])
    const q = h.queries()
    h.matching.mutedBy(ALERT, FP)
    assert.equal(h.queries(), q)
  })

  it('treats a remembered silence that GC removed (no version change) as gone', () => {
    const h = harness()
    h.put('s1', LIVE)
    h.put('s2', LIVE)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['s1', 's2'])
    h.drop('s1')
    assert.deepEqual(h.matching.mutedBy(ALERT, FP).active, ['s2'])
  })

  it('returns the same cached object when a recheck changes nothing', () => {
    const h = harness()
    h.put('s1', LIVE)
    const first = h.matching.mutedBy(ALERT, FP)
    assert.equal(h.matching.mutedBy(ALERT, FP), first)
  })

  it('sorts ids byte-wise and splits them by state', () => {
    const h = harness()
    // Inserted in reverse order; "B" (0x42) sorts before "a" (0x61).
    h.put('c', { startsAt: T0 + MIN, endsAt: T0 + HOUR })
    h.put('b', LIVE)
    h.put('a', { startsAt: T0 - HOUR, endsAt: T0 - 1 })
    h.put('B', LIVE)
    assert.deepEqual(h.matching.mutedBy(ALERT, FP), {
      active: ['B', 'b'],
      pending: ['c'],
      version: 4,
    })
  })

  it('keeps results per fingerprint and forgets one on request', () => {
    const h = harness()
    h.put('s1', LIVE, [newMatcher('=', 'team', 'db')])
    assert.deepEqual(h.matching.mutedBy({ team: 'db' }, 'x').active, ['s1'])
    assert.deepEqual(h.matching.mutedBy({ team: 'web' }, 'y').active, [])
    assert.equal(h.matching.cachedAlerts, 2)
    h.matching.forget('x')
    assert.equal(h.matching.cachedAlerts, 1)
    assert.equal(h.matching.query({ team: 'db' }).active.length, 1)
    assert.equal(h.matching.cachedAlerts, 1)
  })
})

const OPS: Record<SilenceMatcher['type'], MatchType> = {
  EQUAL: '=',
  NOT_EQUAL: '!=',
  REGEXP: '=~',
  NOT_REGEXP: '!~',
}

/** bruteForce is silence/silence.go Mutes by definition: every stored silence, all matchers, state now. */
function bruteForce(
  list: readonly Silence[],
  labels: LabelSet,
  now: number
): { active: string[]; pending: string[] } {
  const matching = list.filter((s) =>
    s.matchers.every((m) => newMatcher(OPS[m.type], m.name, m.pattern).matchesLabels(labels))
  )
  const ids = (state: string): string[] =>
    matching
      .filter((s) => silenceState(s, now) === state)
      .map((s) => s.id)
      .sort()
  return { active: ids('active'), pending: ids('pending') }
}

describe('Silences.mutedBy against a brute-force scan', () => {
  it('agrees through random writes, expiries, merges, GC and time passing', async () => {
    for (const seed of [7, 8, 9]) {
      const rnd = mulberry32(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
      const c = clock()
      const s = await openMemory(c)
      const values = ['a', 'b', 'c']
      const matcher = (): SilenceMatcher => {
        const type = pick<SilenceMatcher['type']>([
          'EQUAL',
          'EQUAL',
          'REGEXP',
          'NOT_EQUAL',
          'NOT_REGEXP',
        ])
        const pattern =
          type === 'REGEXP' || type === 'NOT_REGEXP'
            ? pick(['a|b', 'a.*', '.*c', '.+'])
            : pick(values)
        return { type, name: pick(['x', 'y']), pattern }
      }
      const alerts = Array.from({ length: 30 }, (_, i) => {
        const labels: Record<string, string> = { alertname: `A${i % 3}` }
        if (rnd() < 0.8) {
          labels['x'] = pick(values)
        }
        if (rnd() < 0.8) {
          labels['y'] = pick(values)
        }
        return { labels, fp: fingerprint(labels) }
      })
      for (let step = 0; step < 400; step++) {
        const r = rnd()
        const ids = s.list().map((x) => x.id)
        const now = c.now()
        if (r < 0.35) {
          const startsAt = now + Math.floor(rnd() * 4 - 1) * MIN
          await s
            .set({
              matchers: [matcher(), ...(rnd() < 0.5 ? [matcher()] : [])],
              startsAt,
              endsAt: startsAt + Math.floor(rnd() * 5 + 1) * MIN,
              createdBy: '',
              comment: '',
            })
            .catch(() => undefined)
        } else if (r < 0.45 && ids.length > 0) {
          await s.expire(pick(ids))
        } else if (r < 0.55 && ids.length > 0) {
          const old = s.get(pick(ids))
          if (old !== undefined) {
            // A peer's newer version with other matchers, same id.
            s.merge([
              {
                silence: { ...old, matchers: [matcher()], updatedAt: old.updatedAt + 1 },
                expiresAt: now + HOUR,
              },
            ])
          }
        } else if (r < 0.6) {
          s.gc()
        } else {
          c.add(Math.floor(rnd() * 90) * 1000)
        }
        const list = s.list()
        for (const a of alerts.slice(0, 10 + (step % 20))) {
          const got = s.mutedBy(a.labels, a.fp)
          assert.deepEqual(
            { active: [...got.active], pending: [...got.pending] },
            bruteForce(list, a.labels, c.now()),
            `seed ${seed} step ${step}`
          )
        }
      }
    }
  })
})
