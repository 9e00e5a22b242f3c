import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { HandlerError } from '#src/api/errors.js'
import { filterMatchers, queryBool, queryList, receiverRegex } from '#src/api/v2/query.js'

// Expected values below were checked against Alertmanager 0.25 (go-swagger's generated binders:
// the last value of a repeated parameter counts, an empty value means "absent", and
// swag.ConvertBool lower-cases but does not trim).
describe('queryBool', () => {
  const cases: {
    name: string
    value: string | string[] | undefined
    fallback: boolean
    want: boolean
  }[] = [
    // Absent: the default, whichever it is.
    { name: 'absent, default true', value: undefined, fallback: true, want: true },
    { name: 'absent, default false', value: undefined, fallback: false, want: false },
    // Empty value: treated as absent, so the default.
    { name: 'empty value', value: '', fallback: true, want: true },
    // Every word swag.ConvertBool knows as true.
    ...['true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled'].map((word) => ({
      name: `"${word}"`,
      value: word,
      fallback: false,
      want: true,
    })),
    // Case does not matter.
    { name: 'upper case TRUE', value: 'TRUE', fallback: false, want: true },
    // The explicit false words.
    { name: '"false"', value: 'false', fallback: true, want: false },
    { name: '"0"', value: '0', fallback: true, want: false },
    // Unknown words are false, never an error.
    { name: 'an unknown word', value: 'nonsense', fallback: true, want: false },
    // Surrounding spaces make a word unknown (no trimming).
    { name: 'a padded true', value: ' true', fallback: true, want: false },
    // Repeated: the last value counts.
    { name: 'repeated, last true', value: ['false', 'true'], fallback: false, want: true },
    { name: 'repeated, last false', value: ['true', 'false'], fallback: true, want: false },
  ]
  for (const c of cases) {
    it(`reads ${c.name} as ${c.want}`, () => {
      assert.equal(queryBool(c.value, c.fallback), c.want)
    })
  }
})

describe('queryList', () => {
  const cases: { name: string; value: string | string[] | undefined; want: string[] }[] = [
    // Absent: no values.
    { name: 'absent', value: undefined, want: [] },
    // One value.
    { name: 'one value', value: 'a="b"', want: ['a="b"'] },
    // Repeated: all values, in order.
    { name: 'repeated', value: ['x', 'y'], want: ['x', 'y'] },
  ]
  for (const c of cases) {
    it(`lists ${c.name}`, () => {
      assert.deepEqual(queryList(c.value), c.want)
    })
  }
})

describe('filterMatchers', () => {
  it('parses every filter into a matcher', () => {
    const matchers = filterMatchers(['alertname="A"', 'sev=~"crit|page"'])
    assert.deepEqual(
      matchers.map((m) => m.toString()),
      ['alertname="A"', 'sev=~"crit|page"']
    )
  })

  const errors: { name: string; value: string | string[]; message: string }[] = [
    // No operator.
    { name: 'a bare word', value: 'sev', message: 'bad matcher format: sev' },
    // An empty filter is not skipped (checked against Alertmanager 0.25).
    { name: 'an empty filter', value: ['a="b"', ''], message: 'bad matcher format: ' },
  ]
  for (const c of errors) {
    it(`answers 400 with the parser's message for ${c.name}`, () => {
      assert.throws(
        () => filterMatchers(c.value),
        (err: unknown) =>
          err instanceof HandlerError && err.status === 400 && err.message === c.message
      )
    })
  }
})

describe('receiverRegex', () => {
  const cases: {
    name: string
    value: string | string[] | undefined
    matches: string[]
    misses: string[]
  }[] = [
    // Anchored: the whole name must match.
    { name: 'a plain name', value: 'pager', matches: ['pager'], misses: ['pager2', 'xpager'] },
    // Alternation stays inside the anchors.
    {
      name: 'an alternation',
      value: 'db|default',
      matches: ['db', 'default'],
      misses: ['dbx', 'xdefault'],
    },
    // Repeated: the last value counts.
    { name: 'a repeated parameter', value: ['db', 'pager'], matches: ['pager'], misses: ['db'] },
  ]
  for (const c of cases) {
    it(`compiles ${c.name} anchored as ^(?:…)$`, () => {
      const re = receiverRegex(c.value)
      assert.ok(re)
      for (const name of c.matches) {
        assert.equal(re.test(name), true, name)
      }
      for (const name of c.misses) {
        assert.equal(re.test(name), false, name)
      }
    })
  }

  it('means no receiver filter when absent or empty', () => {
    assert.equal(receiverRegex(undefined), undefined)
    assert.equal(receiverRegex(''), undefined)
  })

  it('answers 400 with the regexp error for a bad pattern', () => {
    assert.throws(
      () => receiverRegex('('),
      (err: unknown) =>
        err instanceof HandlerError &&
        err.status === 400 &&
        err.message ===
          'failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`'
    )
  })
})
