import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MatcherError } from '#src/labels/errors.js'
import type { MatchType } from '#src/labels/index.js'
import { parseMatcher, parseMatchers } from '#src/labels/matcher-parser.js'
import { matchersToString } from '#src/labels/matcher.js'

import { loadGoOracle, loadGolden } from './golden.js'

/** isMatcherError checks the error class, code and exact message. */
function isMatcherError(message: string): (err: unknown) => boolean {
  return (err: unknown) =>
    err instanceof MatcherError && err.code === 'AM_MATCHER_INVALID' && err.message === message
}

describe('parseMatcher', () => {
  it('parses name, operator and value like 0.25 labels.ParseMatcher', () => {
    const cases: [string, MatchType, string, string][] = [
      // Quoted value.
      ['foo="bar"', '=', 'foo', 'bar'],
      // Unquoted value.
      ['foo=bar', '=', 'foo', 'bar'],
      // White space around every token is dropped.
      ['  foo \t!=\n "bar"  ', '!=', 'foo', 'bar'],
      // =~ wins over = followed by ~.
      ['foo=~"a.*"', '=~', 'foo', 'a.*'],
      // A second = is part of the value.
      ['foo==bar', '=', 'foo', '=bar'],
      // Not-regex.
      ['foo!~bar', '!~', 'foo', 'bar'],
      // The parser accepts colons in names.
      ['job:rate=x', '=', 'job:rate', 'x'],
      // Escapes: \" and \\ and \n.
      ['q="a\\"b\\\\c\\nd"', '=', 'q', 'a"b\\c\nd'],
      // Any other escape keeps its backslash.
      ['q="\\d\\q"', '=', 'q', '\\d\\q'],
      // A trailing lone backslash in an unquoted value is literal.
      ['q=a\\', '=', 'q', 'a\\'],
      // Empty quoted value.
      ['q=""', '=', 'q', ''],
      // Empty unquoted value.
      ['q=', '=', 'q', ''],
      // Inner white space is kept; outer is trimmed even inside quotes' surroundings.
      ['q= " a b " ', '=', 'q', ' a b '],
      // The value may span lines.
      ['q="a\nb"', '=', 'q', 'a\nb'],
      // Non-ASCII white space is not trimmed (Go's \s is ASCII).
      ['q=\u00a0x\u00a0', '=', 'q', '\u00a0x\u00a0'],
      // Commas are ordinary characters for a single matcher.
      ['q="a,b"', '=', 'q', 'a,b'],
    ]
    for (const [input, type, name, value] of cases) {
      const m = parseMatcher(input)
      assert.deepEqual([m.type, m.name, m.value], [type, name, value], JSON.stringify(input))
    }
  })

  it("throws MatcherError with 0.25's exact messages", () => {
    const cases: [string, string][] = [
      // No operator.
      ['sev', 'bad matcher format: sev'],
      // Name may not start with a digit.
      ['1foo=bar', 'bad matcher format: 1foo=bar'],
      // Empty input.
      ['', 'bad matcher format: '],
      // Non-ASCII white space before the name.
      ['\u00a0a=b', 'bad matcher format: \u00a0a=b'],
      // Missing closing quote.
      ['foo="bar', 'matcher value contains unescaped double quote: "bar'],
      // Closing quote without an opening one.
      ['foo=bar"', 'matcher value contains unescaped double quote: bar"'],
      // Unescaped quote inside.
      ['foo="a"b"', 'matcher value contains unescaped double quote: "a"b"'],
      // Escaped closing quote leaves the value unterminated.
      ['foo="a\\"', 'matcher value contains unescaped double quote: "a\\"'],
      // A lone quote.
      ['foo="', 'matcher value contains unescaped double quote: "'],
      // A lone surrogate is our counterpart of invalid UTF-8.
      ['foo="\ud800"', 'matcher value not valid UTF-8: "\ud800"'],
      // Regex errors come from NewMatcher.
      ['foo=~"("', 'error parsing regexp: missing closing ): `^(?:()$`'],
    ]
    for (const [input, message] of cases) {
      assert.throws(() => parseMatcher(input), isMatcherError(message), JSON.stringify(input))
    }
  })

  it('gives the same results and errors as the real Alertmanager 0.25 API filter parser', () => {
    for (const { filter, error, fingerprints } of loadGolden().filters) {
      if (error !== undefined) {
        assert.throws(() => parseMatcher(filter), isMatcherError(error), filter)
      } else {
        assert.ok(fingerprints)
        assert.doesNotThrow(() => parseMatcher(filter), filter)
      }
    }
  })

  it('agrees with 0.25 labels.ParseMatcher on the oracle corpus', () => {
    for (const { input, error, matcher } of loadGoOracle().parse) {
      if (error !== undefined) {
        assert.throws(() => parseMatcher(input), isMatcherError(error), JSON.stringify(input))
        continue
      }
      const m = parseMatcher(input)
      assert.deepEqual(
        { type: m.type, name: m.name, value: m.value, string: m.toString() },
        matcher,
        JSON.stringify(input)
      )
    }
  })
})

describe('parseMatchers', () => {
  it('parses the list form like 0.25 labels.ParseMatchers', () => {
    const cases: [string, string][] = [
      // Empty string: no matchers.
      ['', '{}'],
      // Braces only.
      ['{}', '{}'],
      // Braces and white space.
      ['{ }', '{}'],
      // Spec example with a trailing comma.
      ['{foo="bar", baz!~"x.*",}', '{foo="bar",baz!~"x.*"}'],
      // Without braces, input order kept.
      ['z=1,a=2', '{z="1",a="2"}'],
      // Commas inside quotes do not split.
      ['a="x,y",b="z"', '{a="x,y",b="z"}'],
      // An escaped quote does not close the quoted part.
      ['a="x\\",y",b=1', '{a="x\\",y",b="1"}'],
      // Trailing comma and white space.
      ['a=1 , ', '{a="1"}'],
      // The unescaped value keeps a spurious backslash.
      ['{a="\\d+"}', '{a="\\\\d+"}'],
    ]
    for (const [input, want] of cases) {
      assert.equal(matchersToString(parseMatchers(input)), want, JSON.stringify(input))
    }
  })

  it("throws the first item's error with 0.25's message", () => {
    const cases: [string, string][] = [
      // Empty item in the middle.
      ['a=1,,b=2', 'bad matcher format: '],
      // Only one leading brace is removed.
      ['{{a=1}', 'bad matcher format: {a=1'],
      // A brace after white space is not removed (only the last item is trimmed).
      [' {a=1}', 'bad matcher format: {a=1'],
      // Items other than the last are not trimmed of Unicode white space.
      ['a=1,\u00a0b=2,c=3', 'bad matcher format: \u00a0b=2'],
      // Unterminated quote swallows the rest of the list.
      ['a="x,b=2', 'matcher value contains unescaped double quote: "x,b=2'],
    ]
    for (const [input, message] of cases) {
      assert.throws(() => parseMatchers(input), isMatcherError(message), JSON.stringify(input))
    }
  })

  it('trims the last item with Go unicode white space and reads lone surrogates as U+FFFD', () => {
    assert.equal(matchersToString(parseMatchers('a=1,\u00a0b=2\u0085')), '{a="1",b="2"}')
    assert.equal(parseMatchers('a="\ud800"')[0]?.value, '\ufffd')
  })

  it('agrees with 0.25 labels.ParseMatchers on the oracle corpus', () => {
    for (const { input, error, matchers, string } of loadGoOracle().parseList) {
      if (error !== undefined) {
        assert.throws(() => parseMatchers(input), isMatcherError(error), JSON.stringify(input))
        continue
      }
      const ms = parseMatchers(input)
      const got = ms.map((m) => ({
        type: m.type,
        name: m.name,
        value: m.value,
        string: m.toString(),
      }))
      assert.deepEqual(got, matchers ?? [], JSON.stringify(input))
      assert.equal(matchersToString(ms), string)
    }
  })
})
