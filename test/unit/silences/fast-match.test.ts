import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Matcher, newMatcher } from '#src/labels/index.js'
import type { LabelSet, MatchType } from '#src/labels/index.js'
import { labelTest, silenceTest } from '#src/silences/fast-match.js'

let slow = 0
/** CountingMatcher counts fallbacks to the matcher (its regex engine). */
class CountingMatcher extends Matcher {
  override matches(value: string): boolean {
    slow++
    return super.matches(value)
  }
}

const VALUES = [
  '',
  'host-1',
  'host-12.example.com',
  'xhost-1',
  'host-1\n',
  'a\nhost-1',
  'db',
  'my-db-01',
  '.example.com',
  'fooexample.com',
  'ünïcode-host-1☃',
  'host-1.*',
  'a.b',
  'aXb',
]

// Each row: a pattern and whether it takes the string fast path (the result must equal the
// regex engine's either way).
const PATTERNS: { pattern: string; fast: boolean }[] = [
  // Prefix.
  { pattern: 'host-1.*', fast: true },
  // Suffix with escaped dots.
  { pattern: '.*\\.example\\.com', fast: true },
  // Substring.
  { pattern: '.*db.*', fast: true },
  // Escaped punctuation inside a prefix.
  { pattern: 'host\\-1.*', fast: true },
  // A literal newline inside a prefix.
  { pattern: 'a\nhost.*', fast: true },
  // `.*` alone and `.*.*`.
  { pattern: '.*', fast: true },
  { pattern: '.*.*', fast: true },
  // Ends with `\.*` (zero or more dots): not a prefix.
  { pattern: 'host\\.*', fast: false },
  // Real regex syntax.
  { pattern: 'host-[0-9]+.*', fast: false },
  { pattern: '(?i)HOST.*', fast: false },
  { pattern: 'a.b', fast: false },
  { pattern: '.*?db', fast: false },
  // An escaped letter is a class (\d), not a literal.
  { pattern: 'host-\\d.*', fast: false },
  // Alternation: the labels matcher's own fast path, not ours.
  { pattern: 'db|web', fast: false },
]

describe('labelTest', () => {
  for (const { pattern, fast } of PATTERNS) {
    for (const type of ['=~', '!~'] as MatchType[]) {
      it(`agrees with the regex engine for ${type}${JSON.stringify(pattern)} (${fast ? 'string test' : 'regex'})`, () => {
        const reference = newMatcher(type, 'l', pattern)
        const counting = new CountingMatcher(type, 'l', pattern)
        const test = labelTest(counting)
        slow = 0
        for (const value of VALUES) {
          assert.equal(
            test({ l: value }),
            reference.matchesLabels({ l: value }),
            JSON.stringify(value)
          )
        }
        assert.equal(test({}), reference.matchesLabels({}), 'absent label')
        assert.equal(slow === 0, fast)
      })
    }
  }

  it('memoizes regex results per value, and stays exact when the memo overflows', () => {
    const counting = new CountingMatcher('=~', 'l', 'a[0-9]+|b')
    const test = labelTest(counting)
    slow = 0
    for (let round = 0; round < 3; round++) {
      assert.equal(test({ l: 'a1' }), true)
      assert.equal(test({ l: 'c' }), false)
    }
    assert.equal(slow, 2)
    for (let i = 0; i < 200; i++) {
      assert.equal(test({ l: `a${i}` }), true)
      assert.equal(test({ l: `x${i}` }), false)
    }
  })

  it('ignores inherited properties of a label set', () => {
    assert.equal(labelTest(newMatcher('=~', 'constructor', '(?s).*'))({}), true)
    assert.equal(labelTest(newMatcher('=~', 'constructor', 'f|g'))({}), false)
    assert.equal(labelTest(newMatcher('=~', 'constructor', '.*'))({}), true)
    assert.equal(labelTest(newMatcher('=~', 'constructor', 'f.*'))({}), false)
  })
})

describe('silenceTest', () => {
  const cases: { name: string; matchers: Matcher[]; labels: LabelSet; want: boolean }[] = [
    // One matcher.
    {
      name: 'one matching matcher',
      matchers: [newMatcher('=', 'a', 'b')],
      labels: { a: 'b' },
      want: true,
    },
    // Two: both must match.
    {
      name: 'two matchers, one failing',
      matchers: [newMatcher('=', 'a', 'b'), newMatcher('=~', 'c', 'd.*')],
      labels: { a: 'b', c: 'x' },
      want: false,
    },
    // Three: all must match.
    {
      name: 'three matching matchers',
      matchers: [
        newMatcher('=', 'a', 'b'),
        newMatcher('=~', 'c', 'd.*'),
        newMatcher('!=', 'e', 'f'),
      ],
      labels: { a: 'b', c: 'dd' },
      want: true,
    },
    // No matchers (never stored, but defined): everything matches.
    { name: 'no matchers', matchers: [], labels: { a: 'b' }, want: true },
  ]
  for (const c of cases) {
    it(`is ${String(c.want)} for ${c.name}`, () => {
      assert.equal(silenceTest(c.matchers)(c.labels), c.want)
    })
  }
})
