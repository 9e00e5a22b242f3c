import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Matcher, newMatcher } from '#src/labels/index.js'
import type { LabelSet, MatchType } from '#src/labels/index.js'
import { MatcherIndex } from '#src/silences/matcher-index.js'
import type { IndexedSilence } from '#src/silences/matcher-index.js'

import { mulberry32 } from './helpers.js'

const NAMES = ['alertname', 'team', 'env', 'job', 'severity']
const VALUES = ['a', 'b', 'c', 'db', 'web', '']
// Regexes covering the index's cases: literal alternations and prefixes (indexed), ones with an
// empty alternative, suffixes or real regex syntax (residual), and patterns matching "".
const PATTERNS = [
  'a|b',
  'db|web|c',
  'a|',
  '.*',
  '.+',
  'd.*',
  'we.*',
  'web.*',
  'w.*',
  '.*b',
  'w[e]b',
  '(?i)DB',
  'a',
  '',
]

function matches(ms: readonly Matcher[], labels: LabelSet): boolean {
  return ms.every((m) => m.matchesLabels(labels))
}

function randomMatcher(rnd: () => number): Matcher {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const type = pick<MatchType>(['=', '=', '=', '!=', '=~', '=~', '!~'])
  const value = type === '=~' || type === '!~' ? pick(PATTERNS) : pick(VALUES)
  return newMatcher(type, pick(NAMES), value)
}

function randomLabels(rnd: () => number): LabelSet {
  const labels: Record<string, string> = {}
  for (const name of NAMES) {
    if (rnd() < 0.7) {
      labels[name] = VALUES[Math.floor(rnd() * VALUES.length)] ?? ''
    }
  }
  return labels
}

function matchIds(index: MatcherIndex, labels: LabelSet): string[] {
  const ids: string[] = []
  index.forEachMatch(labels, (e) => ids.push(e.id))
  return ids.sort()
}

describe('MatcherIndex', () => {
  it('finds exactly the silences a brute-force scan finds (random silences and alerts)', () => {
    // Several seeds, each a fresh random population; deletes and replacements are mixed in.
    for (const seed of [1, 2, 3, 42, 2024]) {
      const rnd = mulberry32(seed)
      const index = new MatcherIndex()
      const all = new Map<string, IndexedSilence>()
      for (let i = 0; i < 400; i++) {
        const count = 1 + Math.floor(rnd() * 3)
        const entry = {
          id: `s${i % 350}`,
          matchers: Array.from({ length: count }, () => randomMatcher(rnd)),
        }
        index.add(entry)
        all.set(entry.id, entry)
        if (rnd() < 0.1) {
          const victim = `s${Math.floor(rnd() * 350)}`
          index.delete(victim)
          all.delete(victim)
        }
      }
      assert.equal(index.size, all.size)
      for (let j = 0; j < 500; j++) {
        const labels = randomLabels(rnd)
        const want = [...all.values()]
          .filter((e) => matches(e.matchers, labels))
          .map((e) => e.id)
          .sort()
        assert.deepEqual(
          matchIds(index, labels),
          want,
          `seed ${seed}, labels ${JSON.stringify(labels)}`
        )
      }
    }
  })

  // Which silences go to the residual list (tested on every query) and which are indexed.
  const anchorCases: { name: string; matchers: Matcher[]; residual: boolean }[] = [
    { name: 'an equality matcher', matchers: [newMatcher('=', 'a', 'b')], residual: false },
    { name: 'an empty equality only', matchers: [newMatcher('=', 'a', '')], residual: true },
    { name: 'a literal alternation', matchers: [newMatcher('=~', 'a', 'x|y')], residual: false },
    {
      name: 'an alternation with an empty branch',
      matchers: [newMatcher('=~', 'a', 'x|')],
      residual: true,
    },
    { name: 'a prefix regex', matchers: [newMatcher('=~', 'a', 'x.*')], residual: false },
    {
      name: 'a prefix regex with escapes',
      matchers: [newMatcher('=~', 'a', 'x\\.y.*')],
      residual: false,
    },
    { name: 'a regex ending in \\.*', matchers: [newMatcher('=~', 'a', 'x\\.*')], residual: true },
    { name: 'a suffix regex', matchers: [newMatcher('=~', 'a', '.*x')], residual: true },
    { name: 'a real regex', matchers: [newMatcher('=~', 'a', 'x+y')], residual: true },
    { name: 'a negative matcher only', matchers: [newMatcher('!=', 'a', 'x')], residual: true },
    {
      name: 'a negative matcher and an equality',
      matchers: [newMatcher('!=', 'a', 'x'), newMatcher('=', 'b', 'y')],
      residual: false,
    },
  ]
  for (const c of anchorCases) {
    it(`${c.residual ? 'scans' : 'indexes'} a silence with ${c.name}`, () => {
      const index = new MatcherIndex()
      index.add({ id: 'x', matchers: c.matchers })
      assert.equal(index.residualSize, c.residual ? 1 : 0)
    })
  }

  it('files a silence under its least crowded anchor', () => {
    let tested = 0
    /** CountingMatcher counts how often the index tests it, i.e. whether x was a candidate. */
    class CountingMatcher extends Matcher {
      override matchesLabels(labels: LabelSet): boolean {
        tested++
        return super.matchesLabels(labels)
      }
    }
    const index = new MatcherIndex()
    for (let i = 0; i < 5; i++) {
      index.add({ id: `crowd${i}`, matchers: [newMatcher('=', 'team', 'db')] })
    }
    index.add({
      id: 'x',
      matchers: [
        new CountingMatcher('=', 'team', 'db'),
        new CountingMatcher('=', 'alertname', 'A'),
      ],
    })
    // Filed under alertname="A" (empty bucket), not team="db" (five silences): an alert with
    // team="db" but another alertname never makes x a candidate.
    assert.equal(matchIds(index, { alertname: 'B', team: 'db' }).length, 5)
    assert.equal(tested, 0)
    assert.deepEqual(matchIds(index, { alertname: 'A', team: 'db' }), [
      'crowd0',
      'crowd1',
      'crowd2',
      'crowd3',
      'crowd4',
      'x',
    ])
    assert.equal(tested, 2)
  })

  it('replaces an entry re-added with the same id and forgets deleted ones', () => {
    const index = new MatcherIndex()
    index.add({ id: 'x', matchers: [newMatcher('=', 'a', 'b')] })
    index.add({ id: 'x', matchers: [newMatcher('=~', 'a', 'c|d')] })
    assert.deepEqual(matchIds(index, { a: 'b' }), [])
    assert.deepEqual(matchIds(index, { a: 'd' }), ['x'])
    index.delete('x')
    index.delete('never-added')
    assert.deepEqual(matchIds(index, { a: 'd' }), [])
    assert.equal(index.size, 0)
    assert.equal(index.has('x'), false)
  })

  it('tests one silence by id', () => {
    const index = new MatcherIndex()
    const entry = { id: 'x', matchers: [newMatcher('=', 'a', 'b'), newMatcher('=~', 'c', 'd.*')] }
    index.add(entry)
    assert.equal(index.matches('x', { a: 'b', c: 'dd' }), entry)
    assert.equal(index.matches('x', { a: 'b', c: 'e' }), undefined)
    assert.equal(index.matches('y', { a: 'b', c: 'dd' }), undefined)
  })

  it('ignores inherited properties of a label set', () => {
    const index = new MatcherIndex()
    index.add({ id: 'x', matchers: [newMatcher('=', 'constructor', 'y')] })
    assert.deepEqual(matchIds(index, {}), [])
  })
})
