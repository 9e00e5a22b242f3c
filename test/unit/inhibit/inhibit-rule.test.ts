// InhibitRule, the per-rule source cache: 0.25's TestInhibitRuleHasEqual plus the index that
// replaces its linear scan (equal-value buckets, latest-end-first lists, GC).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import type { InhibitRuleConfig } from '#src/config/index.js'
import { InhibitRule } from '#src/inhibit/inhibit-rule.js'
import { parseMatchers } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'

import { testAlert } from '../../support/fixtures.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN

function alert(labels: LabelSet, endsAt = NOW + HOUR, startsAt = NOW - MIN): Alert {
  return testAlert({ labels, startsAt, endsAt, updatedAt: NOW })
}

function config(source: string, target: string, equal: string[]): InhibitRuleConfig {
  return {
    source_matchers: parseMatchers(source),
    target_matchers: parseMatchers(target),
    equal,
  }
}

/** ruleWith builds a rule and caches `alerts` directly, as 0.25's test fills `scache`. */
function ruleWith(rule: InhibitRuleConfig, alerts: readonly Alert[]): InhibitRule {
  const r = new InhibitRule(rule)
  for (const a of alerts) {
    r.set(a)
  }
  return r
}

describe('InhibitRule.hasEqual (0.25 TestInhibitRuleHasEqual)', () => {
  const cases: {
    why: string
    initial: Alert[]
    equal: string[]
    input: LabelSet
    result: boolean
  }[] = [
    {
      why: 'no source alerts at all: nothing inhibits',
      initial: [],
      equal: [],
      input: { a: 'b' },
      result: false,
    },
    {
      // 0.25 caches a zero alert `{}`: no labels, no times, so it never resolves.
      why: 'no equal labels: any unresolved source satisfies the requirement',
      initial: [{ ...alert({}), startsAt: 0, endsAt: 0 }],
      equal: [],
      input: { a: 'b' },
      result: true,
    },
    {
      why: 'sources with matching equal labels that are already resolved do not inhibit',
      initial: [alert({ a: 'b', b: 'f' }, NOW - SEC), alert({ a: 'b', b: 'c' }, NOW - SEC)],
      equal: ['a', 'b'],
      input: { a: 'b', b: 'c' },
      result: false,
    },
    {
      why: 'one unresolved source among resolved ones with the same equal value inhibits',
      initial: [alert({ a: 'b', c: 'd' }, NOW - SEC), alert({ a: 'b', c: 'f' }, NOW + HOUR)],
      equal: ['a'],
      input: { a: 'b' },
      result: true,
    },
    {
      why: 'sources whose equal label value differs do not inhibit',
      initial: [alert({ a: 'c', c: 'd' }, NOW - SEC), alert({ a: 'c', c: 'f' }, NOW - SEC)],
      equal: ['a'],
      input: { a: 'b' },
      result: false,
    },
    {
      why: 'a firing source whose equal label value differs does not inhibit',
      initial: [alert({ a: 'c' })],
      equal: ['a'],
      input: { a: 'b' },
      result: false,
    },
    {
      why: 'an equal label absent on both sides counts as equal',
      initial: [alert({ x: '1' })],
      equal: ['a', 'b'],
      input: { y: '1' },
      result: true,
    },
    {
      why: 'an equal label present on the source only does not inhibit',
      initial: [alert({ a: 'b', c: 'd' })],
      equal: ['a', 'c'],
      input: { a: 'b' },
      result: false,
    },
    {
      why: 'an equal label present on the target only does not inhibit',
      initial: [alert({ a: 'b' })],
      equal: ['a', 'c'],
      input: { a: 'b', c: 'd' },
      result: false,
    },
    {
      // Go reads a missing label as "", so an explicitly empty value equals an absent one.
      why: 'an empty equal label value equals an absent one, as in Go',
      initial: [alert({ a: 'b' })],
      equal: ['a', 'c'],
      input: { a: 'b', c: '' },
      result: true,
    },
    {
      // A naive join with a separator would map both to "p\0q\0".
      why: 'values containing separator characters never collide across labels',
      initial: [alert({ a: 'p\u0000q', b: '' })],
      equal: ['a', 'b'],
      input: { a: 'p', b: 'q\u0000' },
      result: false,
    },
    {
      why: 'length prefixes in values do not collide either',
      initial: [alert({ a: '1:x', b: 'y' })],
      equal: ['a', 'b'],
      input: { a: '1', b: 'x1:y' },
      result: false,
    },
    {
      why: 'the order of equal names does not matter, and duplicates are ignored',
      initial: [alert({ a: '1', b: '2', n: 's' })],
      equal: ['b', 'a', 'b'],
      input: { a: '1', b: '2', n: 't' },
      result: true,
    },
    {
      why: 'a source ending exactly now is resolved (endsAt <= now)',
      initial: [alert({ a: 'b' }, NOW)],
      equal: ['a'],
      input: { a: 'b' },
      result: false,
    },
    {
      why: 'a source ending one millisecond from now still inhibits',
      initial: [alert({ a: 'b' }, NOW + 1)],
      equal: ['a'],
      input: { a: 'b' },
      result: true,
    },
  ]
  for (const c of cases) {
    it(c.why, () => {
      const rule = ruleWith(config('', '', c.equal), c.initial)
      assert.equal(rule.hasEqual(c.input, false, NOW) !== undefined, c.result)
    })
  }
})

describe('InhibitRule two-sided sources', () => {
  // Rule: kind="src" inhibits tier="low"; a source labelled tier="low" too matches both sides.
  const rule = (): InhibitRuleConfig => config('kind="src"', 'tier="low"', ['cluster'])
  const sourceOnly = alert({ kind: 'src', cluster: 'a', n: '1' }, NOW + MIN)
  const twoSided = alert({ kind: 'src', tier: 'low', cluster: 'a', n: '2' }, NOW + HOUR)

  const cases: {
    why: string
    initial: Alert[]
    exclude: boolean
    by: Alert | undefined
  }[] = [
    {
      why: 'without exclusion the source with the latest end is chosen, two-sided or not',
      initial: [sourceOnly, twoSided],
      exclude: false,
      by: twoSided,
    },
    {
      why: 'with exclusion a two-sided source is skipped in favour of a source-only one',
      initial: [sourceOnly, twoSided],
      exclude: true,
      by: sourceOnly,
    },
    {
      why: 'with exclusion and only two-sided sources nothing inhibits',
      initial: [twoSided],
      exclude: true,
      by: undefined,
    },
    {
      why: 'without exclusion a lone two-sided source inhibits',
      initial: [twoSided],
      exclude: false,
      by: twoSided,
    },
    {
      why: 'a resolved source-only head with exclusion means nothing inhibits',
      initial: [alert({ kind: 'src', cluster: 'a' }, NOW - SEC), twoSided],
      exclude: true,
      by: undefined,
    },
  ]
  for (const c of cases) {
    it(c.why, () => {
      const r = ruleWith(rule(), c.initial)
      assert.equal(r.hasEqual({ tier: 'low', cluster: 'a' }, c.exclude, NOW), c.by)
    })
  }
})

describe('InhibitRule.set', () => {
  const rule = (): InhibitRule => new InhibitRule(config('', '', ['cluster']))
  const labels = { alertname: 'Down', cluster: 'a' }

  it('a later resolved version of a source replaces the firing one', () => {
    const r = rule()
    r.set(alert(labels, NOW + HOUR))
    r.set(alert(labels, NOW - SEC))
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW), undefined)
    assert.equal(r.size, 1)
  })

  it('a later firing version of a resolved source inhibits again', () => {
    const r = rule()
    r.set(alert(labels, NOW - SEC))
    const refired = alert(labels, NOW + HOUR, NOW)
    r.set(refired)
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW), refired)
    assert.equal(r.size, 1)
  })

  it('the latest version wins even when its end is earlier', () => {
    const r = rule()
    r.set(alert(labels, NOW + HOUR))
    const shorter = alert(labels, NOW + MIN)
    r.set(shorter)
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW), shorter)
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW + MIN), undefined)
  })

  it('among several qualifying sources the one with the latest end is returned', () => {
    const early = alert({ n: '1', cluster: 'a' }, NOW + MIN)
    const late = alert({ n: '2', cluster: 'a' }, NOW + HOUR)
    const middle = alert({ n: '3', cluster: 'a' }, NOW + 10 * MIN)
    const r = ruleWith(config('', '', ['cluster']), [early, late, middle])
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW), late)
    // Once the latest one is replaced by a resolved version, the next latest takes over.
    r.set(alert(late.labels, NOW - SEC))
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW), middle)
  })

  it('ties on the end go to the source cached first', () => {
    const first = alert({ n: '1', cluster: 'a' })
    const second = alert({ n: '2', cluster: 'a' })
    const r = ruleWith(config('', '', ['cluster']), [first, second])
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW), first)
  })

  it('a source without an end (endsAt 0) never resolves', () => {
    const endless = { ...alert({ cluster: 'a' }), endsAt: 0 }
    const r = ruleWith(config('', '', ['cluster']), [alert({ n: '1', cluster: 'a' }), endless])
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW + 1000 * HOUR), endless)
  })
})

describe('InhibitRule.gc', () => {
  it('drops exactly the sources resolved at that instant and keeps buckets usable', () => {
    const r = ruleWith(config('', '', ['cluster']), [
      alert({ n: '1', cluster: 'a' }, NOW - SEC),
      alert({ n: '2', cluster: 'a' }, NOW),
      alert({ n: '3', cluster: 'a' }, NOW + SEC),
      alert({ n: '4', cluster: 'b' }, NOW - SEC),
      { ...alert({ n: '5', cluster: 'c' }), endsAt: 0 },
    ])
    assert.equal(r.size, 5)
    assert.equal(r.gc(NOW), 3)
    assert.equal(r.size, 2)
    assert.equal(r.hasEqual({ cluster: 'a' }, false, NOW)?.labels['n'], '3')
    assert.equal(r.hasEqual({ cluster: 'b' }, false, NOW), undefined)
    assert.equal(r.hasEqual({ cluster: 'c' }, false, NOW)?.labels['n'], '5')
    // A source dropped by GC can come back with a new version.
    r.set(alert({ n: '4', cluster: 'b' }, NOW + HOUR, NOW))
    assert.equal(r.hasEqual({ cluster: 'b' }, false, NOW)?.labels['n'], '4')
    assert.equal(r.gc(NOW), 0)
  })

  it('GC of two-sided sources drops them from their own list', () => {
    const r = ruleWith(config('', 'tier="low"', []), [
      alert({ tier: 'low', n: '1' }, NOW - SEC),
      alert({ tier: 'low', n: '2' }, NOW + SEC),
    ])
    assert.equal(r.gc(NOW), 1)
    assert.equal(r.size, 1)
    assert.equal(r.hasEqual({ tier: 'low' }, false, NOW)?.labels['n'], '2')
  })
})
