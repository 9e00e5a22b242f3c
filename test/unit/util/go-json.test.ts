/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { compareGoStrings, goJSONString, goJSONStringMap } from '../../../src/util/go-json.js'

describe('goJSONString', () => {
  it('escapes exactly what Go 1.19 encoding/json escapes', () => {
    const cases = [
      // Plain ASCII is untouched.
      ['abc', '"abc"'],
      // Quote and backslash.
      ['"\\', '"\\"\\\\"'],
      // HTML-sensitive characters (Go's default HTML escaping).
      ['<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
      // \n \r \t have short forms.
      ['\n\r\t', '"\\n\\r\\t"'],
      // \b and \f do not in Go 1.19 (Go 1.22 added them), nor does NUL.
      ['\b\f\u0000\u0001\u001f', '"\\u0008\\u000c\\u0000\\u0001\\u001f"'],
      // DEL is written raw.
      ['\u007f', '"\u007f"'],
      // Line and paragraph separators are escaped for JavaScript safety.
      ['\u2028\u2029', '"\\u2028\\u2029"'],
      // Other non-ASCII text is raw UTF-8, including astral characters.
      ['é☃日本😀', '"é☃日本😀"'],
      // Lone surrogates (invalid UTF-8 in Go) become \ufffd.
      ['a\ud800b\udc00', '"a\\ufffdb\\ufffd"'],
      // A literal U+FFFD stays raw.
      ['\ufffd', '"\ufffd"'],
    ]
    for (const [input, want] of cases) {
      assert.equal(goJSONString(input ?? ''), want, JSON.stringify(input))
    }
  })

  it('produces JSON that parses back to the same string', () => {
    const sample = 'x<y>&z "q" \\ \n\t\b\f\u0000\u2028\u2029 é 😀'
    assert.equal(JSON.parse(goJSONString(sample)), sample)
  })
})

describe('goJSONStringMap', () => {
  it('sorts keys by bytes and renders {} when empty', () => {
    const cases = [
      // Empty map.
      [{}, '{}'],
      // Upper case sorts before lower case, digits before letters, _ between.
      [{ b: '1', a: '2', B: '3', _x: '4', '1': '5' }, '{"1":"5","B":"3","_x":"4","a":"2","b":"1"}'],
      // Keys are escaped too.
      [{ '<k>': '&' }, '{"\\u003ck\\u003e":"\\u0026"}'],
    ] as const
    for (const [map, want] of cases) {
      assert.equal(goJSONStringMap(map), want)
    }
  })
})

describe('compareGoStrings', () => {
  it('orders by code point (UTF-8 bytes), not UTF-16 units', () => {
    const cases = [
      // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) in Go; JS sort says the opposite.
      ['\ufffd', '😀', -1],
      // A prefix sorts first.
      ['ab', 'abc', -1],
      // Equal strings.
      ['😀x', '😀x', 0],
      // ASCII order.
      ['b', 'a', 1],
    ] as const
    for (const [a, b, sign] of cases) {
      assert.equal(Math.sign(compareGoStrings(a, b)), sign, `${a} vs ${b}`)
    }
  })
})
