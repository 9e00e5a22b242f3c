import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { compareGoStrings, goJSONString, goJSONStringMap } from '#src/util/go-json.js'

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
  it('orders by UTF-8 bytes (code points), not UTF-16 code units', () => {
    const cases: [string, string, number][] = [
      // Equal strings.
      ['abc', 'abc', 0],
      ['😀x', '😀x', 0],
      // A prefix sorts first.
      ['ab', 'abc', -1],
      // Byte order, upper case before lower case.
      ['B', 'a', -1],
      // '1' (0x31) sorts before '=' (0x3d): why "a1=" comes before "a=".
      ['a1="2"', 'a="1"', -1],
      // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) in Go; JS sort says the opposite.
      ['\ufffd', '😀', -1],
      // Astral sorts after U+FFFF although its UTF-16 surrogate is smaller...
      ['😀', '\uffff', 1],
      // ...and after the private use area.
      ['\ue000', '😀', -1],
      // Two astral code points compare by code point.
      ['😀', '😁', -1],
    ]
    for (const [a, b, want] of cases) {
      assert.equal(Math.sign(compareGoStrings(a, b)), want, `${a} vs ${b}`)
      assert.equal(Math.sign(compareGoStrings(b, a)), 0 - want, `${b} vs ${a}`)
    }
  })

  it('agrees with a comparison of the UTF-8 bytes on random strings', () => {
    // Code points from every UTF-8 length and from both sides of the surrogate range.
    const points = [
      0x41, 0x7a, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff,
    ]
    let seed = 7
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const random = (): string =>
      String.fromCodePoint(
        ...Array.from({ length: next(4) }, () => points[next(points.length)] ?? 0)
      )
    for (let i = 0; i < 5000; i++) {
      const [a, b] = [random(), random()]
      const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
      assert.equal(
        Math.sign(compareGoStrings(a, b)),
        bytes,
        `${JSON.stringify(a)} vs ${JSON.stringify(b)}`
      )
    }
  })
})
