import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MatcherError } from '#src/labels/errors.js'
import { compileGoRegex } from '#src/labels/go-regex.js'

import { loadGoOracle, loadGolden } from './golden.js'

describe('compileGoRegex', () => {
  it('matches unanchored with Go RE2 syntax', () => {
    const cases: [string, string, boolean][] = [
      // Unanchored search.
      ['crit', 'xcritx', true],
      // Explicit anchors.
      ['^crit$', 'xcrit', false],
      // Case-insensitive flag.
      ['(?i)^API', 'api-gw', true],
      // Unicode letter class.
      ['^\\pL+$', 'héllo', true],
      // POSIX class.
      ['[[:digit:]]', 'a1', true],
      // \z is end of text.
      ['a\\z', 'a\n', false],
      // Without (?m), $ is end of text too.
      ['a$', 'a\n', false],
      // With (?m), $ matches before a newline.
      ['(?m)a$', 'a\n', true],
      // \s is ASCII white space only.
      ['\\s', '\u00a0', false],
      // Go-style named group.
      ['(?P<x>a)', 'a', true],
      // \Q...\E quotes metacharacters.
      ['\\Q(?<\\E', '(?<', true],
    ]
    for (const [pattern, input, want] of cases) {
      assert.equal(
        compileGoRegex(pattern).test(input),
        want,
        `${pattern} on ${JSON.stringify(input)}`
      )
    }
  })

  it('replaceAll expands $n, ${n}, $name and $$ like Go ReplaceAllString', () => {
    const cases: [string, string, string, string][] = [
      // Numbered groups, braces needed before letters.
      ['(\\w+)@(\\w+)', 'me@host', '${2}:$1', 'host:me'],
      // $1x is the group named "1x": empty.
      ['(a)', 'a', '$1x', ''],
      // $$ is a literal dollar.
      ['a', 'a', '$$', '$'],
      // A malformed reference keeps the dollar.
      ['a', 'a', '$', '$'],
      // Unclosed brace keeps the text.
      ['a', 'a', '${1', '${1'],
      // Named group.
      ['(?P<user>\\w+)@', 'me@host', '<$user>', '<me>host'],
      // Duplicate names: the first group wins (Go 1.19 allows duplicates).
      ['(?P<n>a)(?P<n>b)', 'ab', '$n', 'a'],
      // Missing group expands to nothing.
      ['(a)|(b)', 'b', '[$1]', '[]'],
      // Empty matches between characters, not right after a match.
      ['x*', 'abc', '-', '-a-b-c-'],
      // Empty match after a non-empty one is skipped.
      ['a*', 'baaac', '-', '-b-c-'],
      // Astral characters advance as one.
      ['', '😀', '-', '-😀-'],
      // Leading zero is a name, not a number.
      ['(a)', 'a', '$01', ''],
    ]
    for (const [pattern, input, replacement, want] of cases) {
      assert.equal(
        compileGoRegex(pattern).replaceAll(input, replacement),
        want,
        `${pattern} ${replacement}`
      )
    }
  })

  it("throws MatcherError with Go 1.19's message", () => {
    const cases: [string, string][] = [
      // Missing paren quotes the whole pattern.
      ['(', 'error parsing regexp: missing closing ): `(`'],
      // Unexpected paren quotes the whole pattern.
      ['a)b', 'error parsing regexp: unexpected ): `a)b`'],
      // Trailing backslash has an empty quote in Go.
      ['a\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
      // (?<name> is rejected by Go 1.19.
      ['(?<x>r)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'],
      // An earlier error wins over (?<.
      ['a**(?<x>r)', 'error parsing regexp: invalid nested repetition operator: `**`'],
      // Unexpected ) before (?< quotes the whole pattern.
      [')(?<x>', 'error parsing regexp: unexpected ): `)(?<x>`'],
      // Unknown POSIX class.
      ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
      // Too deep nesting (Go 1.19.8 limit is 1000).
      [
        `${'('.repeat(1000)}a${')'.repeat(1000)}`,
        `error parsing regexp: expression nests too deeply: \`${'('.repeat(1000)}a${')'.repeat(1000)}\``,
      ],
    ]
    for (const [pattern, message] of cases) {
      assert.throws(
        () => compileGoRegex(pattern),
        (err: unknown) => err instanceof MatcherError && err.message === message,
        pattern.slice(0, 40)
      )
    }
  })

  it('gives the receiver-filter errors of the real Alertmanager 0.25 (^(?:...)$ anchored)', () => {
    for (const { receiver, error } of loadGolden().receiverFilters) {
      const compile = (): unknown => compileGoRegex(`^(?:${receiver})$`)
      if (error === undefined) {
        assert.doesNotThrow(compile, receiver)
      } else {
        assert.throws(
          compile,
          (err: unknown) =>
            err instanceof MatcherError &&
            `failed to parse receiver param: ${err.message}` === error,
          receiver
        )
      }
    }
  })

  it('agrees with Go 1.19 regexp (compile errors, MatchString, ReplaceAllString) on the oracle corpus', () => {
    const oracle = loadGoOracle()
    for (const { pattern, replacement, error, test, replaced } of oracle.regex) {
      if (error !== undefined) {
        assert.throws(
          () => compileGoRegex(pattern),
          (err: unknown) => err instanceof MatcherError && err.message === error,
          JSON.stringify(pattern)
        )
        continue
      }
      const re = compileGoRegex(pattern)
      assert.deepEqual(
        oracle.regexInputs.map((s) => re.test(s)),
        test,
        JSON.stringify(pattern)
      )
      assert.deepEqual(
        oracle.regexInputs.map((s) => re.replaceAll(s, replacement)),
        replaced,
        `${JSON.stringify(pattern)} ${replacement}`
      )
    }
  })

  it('returns the same compiled pattern for repeated text (cache)', () => {
    const a = compileGoRegex('cache-(me)')
    const b = compileGoRegex('cache-(me)')
    assert.equal(a.replaceAll('cache-me', '$1'), b.replaceAll('cache-me', '$1'))
  })
})
