import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MatcherError } from '#src/labels/errors.js'
import type { LabelSet, MatchType } from '#src/labels/index.js'
import { parseMatcher } from '#src/labels/matcher-parser.js'
import { Matcher, matchersToString, newMatcher, sortMatchers } from '#src/labels/matcher.js'

import { loadGoOracle, loadGolden } from './golden.js'

describe('Matcher.matches', () => {
  it('applies each operator like 0.25 labels.Matcher.Matches', () => {
    const cases: [MatchType, string, string, boolean][] = [
      // Equal.
      ['=', 'db', 'db', true],
      // Equal is exact (no trimming, case-sensitive).
      ['=', 'db', 'DB', false],
      // Not equal.
      ['!=', 'db', 'web', true],
      // Regex is fully anchored.
      ['=~', 'crit', 'critical', false],
      // Anchoring wraps the whole alternation: ^(?:a|b)$.
      ['=~', 'a|b', 'ab', false],
      // Alternation member.
      ['=~', 'crit|page', 'page', true],
      // Empty alternative matches the empty string.
      ['=~', 'crit|', '', true],
      // Empty regex matches only the empty string.
      ['=~', '', 'x', false],
      // `.` does not match a newline without (?s).
      ['=~', '.*', 'a\nb', false],
      // With (?s) it does.
      ['=~', '(?s).*', 'a\nb', true],
      // `.+` needs one character.
      ['=~', '.+', '', false],
      // Case-insensitive flag.
      ['=~', '(?i)CRIT', 'crit', true],
      // Unicode class.
      ['=~', '\\pL+', 'héllo', true],
      // POSIX class is ASCII only.
      ['=~', '[[:alpha:]]+', 'héllo', false],
      // `$` is end of text, not before a final newline.
      ['=~', 'a', 'a\n', false],
      // Go quirk: "a)|(b" becomes ^(?:a)|(b)$, so the first branch is only start-anchored.
      ['=~', 'a)|(b', 'ax', true],
      // Regex metacharacter escaped: literal dot.
      ['=~', 'a\\.b', 'axb', false],
      // A literal pattern with a newline.
      ['=~', 'a\nb', 'a\nb', true],
      // Negated regex.
      ['!~', 'crit|page', 'warn', true],
      // Negated regex on a match.
      ['!~', '.*', 'x', false],
    ]
    for (const [type, value, input, want] of cases) {
      assert.equal(
        newMatcher(type, 'n', value).matches(input),
        want,
        `${type}${value} on ${JSON.stringify(input)}`
      )
    }
  })

  it('agrees with 0.25 labels.NewMatcher/Matches on the oracle corpus (fast paths included)', () => {
    const oracle = loadGoOracle()
    for (const { type, value, error, matches, string } of oracle.matcher) {
      if (error !== undefined) {
        assert.throws(() => newMatcher(type, 'n', value), { message: error }, value)
        continue
      }
      const m = newMatcher(type, 'n', value)
      assert.deepEqual(
        oracle.regexInputs.map((s) => m.matches(s)),
        matches,
        `${type}${JSON.stringify(value)}`
      )
      assert.equal(m.toString(), string)
    }
  })
})

describe('Matcher.matchesLabels', () => {
  it('treats an absent label as the empty string', () => {
    const labels: LabelSet = { team: 'db' }
    const cases: [string, boolean][] = [
      // Absent label equals "".
      ['foo=""', true],
      // Absent label does not match .+.
      ['foo!~".+"', true],
      // Present label.
      ['team="db"', true],
      // Present label, other value.
      ['team!="db"', false],
      // Inherited object members are not labels.
      ['constructor=""', true],
      // Same for toString.
      ['toString=~".+"', false],
    ]
    for (const [input, want] of cases) {
      assert.equal(parseMatcher(input).matchesLabels(labels), want, input)
    }
  })

  it('selects the same alerts as the real Alertmanager 0.25 API filter', () => {
    const golden = loadGolden()
    let checked = 0
    for (const { filter, fingerprints } of golden.filters) {
      if (fingerprints === undefined) {
        continue
      }
      const m = parseMatcher(filter)
      const got = golden.alerts
        .filter((a) => m.matchesLabels(a.labels))
        .map((a) => a.fingerprint)
        .sort()
      assert.deepEqual(got, fingerprints, filter)
      checked++
    }
    assert.ok(checked >= 20, 'the fixture should hold valid filters')
  })
})

describe('Matcher.toString', () => {
  it('renders name<op>"value" escaping only backslash, newline and quote', () => {
    const cases: [MatchType, string, string, string][] = [
      // Plain.
      ['=', 'team', 'db', 'team="db"'],
      // Each operator.
      ['!~', 'sev', 'crit|page', 'sev!~"crit|page"'],
      // Backslash, newline and quote are escaped.
      ['=~', 'k', 'x"y|\\d\n', 'k=~"x\\"y|\\\\d\\n"'],
      // Tabs and non-ASCII are kept as is (unlike %q).
      ['=', 'v', '\té\u0000', 'v="\té\u0000"'],
      // Empty value.
      ['!=', 'v', '', 'v!=""'],
    ]
    for (const [type, name, value, want] of cases) {
      assert.equal(newMatcher(type, name, value).toString(), want)
      assert.equal(String(newMatcher(type, name, value)), want)
    }
  })
})

describe('newMatcher', () => {
  it("throws MatcherError with Go's regexp message for invalid regexes", () => {
    const cases: [string, string][] = [
      // Unbalanced group: Go quotes the whole anchored pattern.
      ['(', 'error parsing regexp: missing closing ): `^(?:()$`'],
      // Stray closing paren.
      ['a)', 'error parsing regexp: unexpected ): `^(?:a))$`'],
      // Nested repetition.
      ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
      // Go 1.19 has no (?<name>...) groups.
      ['(?<n>a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
      // Lookbehind is not RE2.
      ['(?<=a)b', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
      // Backreference.
      ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
      // Repeat count above 1000.
      ['x{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ]
    for (const [value, message] of cases) {
      for (const type of ['=~', '!~'] as const) {
        assert.throws(
          () => newMatcher(type, 'n', value),
          (err: unknown) =>
            err instanceof MatcherError &&
            err.code === 'AM_MATCHER_INVALID' &&
            err.message === message,
          value
        )
      }
    }
  })

  it('does not compile equality values as regexes', () => {
    assert.equal(newMatcher('=', 'n', '(').matches('('), true)
    assert.equal(newMatcher('!=', 'n', '(').matches('('), false)
  })

  it('returns an immutable Matcher', () => {
    const m = newMatcher('=~', 'n', 'a|b')
    assert.ok(m instanceof Matcher)
    assert.ok(Object.isFrozen(m))
    assert.throws(() => {
      ;(m as { value: string }).value = 'x'
    }, TypeError)
  })
})

describe('sortMatchers', () => {
  it('orders by name, then value, then operator (= < != < =~ < !~) without mutating the input', () => {
    const input = [
      newMatcher('!~', 'b', 'x'),
      newMatcher('=~', 'a', 'x'),
      newMatcher('!=', 'a', 'x'),
      newMatcher('=', 'a', 'x'),
      newMatcher('=', 'a', 'w'),
      newMatcher('=', 'B', 'z'),
    ]
    const before = input.slice()
    const want = '{B="z",a="w",a="x",a!="x",a=~"x",b!~"x"}'
    assert.equal(matchersToString(sortMatchers(input)), want)
    assert.deepEqual(input, before)
  })

  it('agrees with 0.25 labels.Matchers sorting on the oracle corpus (byte-wise values)', () => {
    for (const { matchers, string } of loadGoOracle().sorts) {
      const ms = matchers.map(([type, name, value]) => newMatcher(type, name, value))
      assert.equal(matchersToString(sortMatchers(ms)), string)
    }
  })
})

describe('matchersToString', () => {
  it('renders {m1,m2} with a comma and no space, in the given order', () => {
    const cases: [Matcher[], string][] = [
      // No matchers.
      [[], '{}'],
      // One.
      [[newMatcher('=', 'team', 'db')], '{team="db"}'],
      // Order is kept.
      [[newMatcher('=', 'z', '1'), newMatcher('=~', 'a', 'x|y')], '{z="1",a=~"x|y"}'],
    ]
    for (const [ms, want] of cases) {
      assert.equal(matchersToString(ms), want)
    }
  })
})
