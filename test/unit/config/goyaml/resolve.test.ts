import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { TagError, resolvePlain, resolveScalar, shortValue } from '#src/config/goyaml/resolve.js'
import type { YScalar } from '#src/config/goyaml/tree.js'

describe('resolvePlain follows yaml.v2 resolve.go', () => {
  const rows: [string, string, unknown, string][] = [
    ['yes', '!!bool', true, 'YAML 1.1 yes'],
    ['Off', '!!bool', false, 'YAML 1.1 off'],
    ['y', '!!bool', true, 'even a single y'],
    ['', '!!null', null, 'empty'],
    ['~', '!!null', null, 'tilde'],
    ['010', '!!int', 8, 'leading zero is octal'],
    ['0x1F', '!!int', 31, 'hex'],
    ['0b101', '!!int', 5, 'binary'],
    ['1_000', '!!int', 1000, 'underscores are dropped'],
    ['-12', '!!int', -12, 'negative'],
    ['1.0', '!!float', 1, 'float'],
    ['1e3', '!!float', 1000, 'exponent'],
    ['.5', '!!float', 0.5, 'leading point'],
    ['.inf', '!!float', Infinity, 'infinity'],
    ['2020-01-02', '!!timestamp', '2020-01-02', 'dates are timestamps'],
    ['<<', '!!merge', '<<', 'merge key'],
    ['09', '!!float', 9, 'invalid octal falls through to float, as in Go'],
    ['abc', '!!str', 'abc', 'text'],
    ['1:5', '!!str', '1:5', 'sexagesimal is not resolved'],
  ]
  for (const [text, tag, value, why] of rows) {
    it(`resolves ${JSON.stringify(text)} to ${tag} (${why})`, () => {
      const r = resolvePlain(text)
      assert.equal(r.tag, tag)
      assert.deepEqual(r.value, value)
    })
  }
})

describe('resolveScalar', () => {
  const node = (text: string, plain: boolean, tag?: string): YScalar => ({
    kind: 'scalar',
    text,
    plain,
    tag,
    start: 0,
    end: text.length,
  })

  it('keeps quoted scalars as strings', () => {
    assert.deepEqual(resolveScalar(node('true', false)), { tag: '!!str', value: 'true' })
  })

  it('honours an explicit !!str tag', () => {
    assert.deepEqual(resolveScalar(node('5', false, '!!str')), { tag: '!!str', value: '5' })
  })

  it('refuses an explicit tag that does not fit, with yaml.v2 text', () => {
    assert.throws(
      () => resolveScalar(node('abc', false, '!!int')),
      (err: unknown) => {
        return (
          err instanceof TagError && err.message === 'yaml: cannot decode !!str `abc` as a !!int'
        )
      }
    )
  })
})

describe('shortValue', () => {
  it('truncates values longer than 10 characters as yaml.v2 does', () => {
    assert.equal(shortValue('abc'), '`abc`')
    assert.equal(shortValue('abcdefghijk'), '`abcdefg...`')
  })
})
