import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  goQuote,
  goTrimSpace,
  hasLoneSurrogate,
  isGoPrint,
  toWellFormed,
} from '#src/labels/go-string.js'

import { loadGoOracle } from './golden.js'

describe('goQuote', () => {
  it('quotes like Go strconv.Quote', () => {
    const cases: [string, string][] = [
      // Empty string.
      ['', '""'],
      // Plain ASCII is kept.
      ['abc xyz', '"abc xyz"'],
      // Quote and backslash are escaped.
      ['a"b\\c', '"a\\"b\\\\c"'],
      // Short escapes for the C control characters.
      ['\u0007\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
      // Other C0 controls and DEL use \x.
      ['\u0000\u001b\u007f', '"\\x00\\x1b\\x7f"'],
      // Printable Latin-1 and CJK are kept.
      ['é中文', '"é中文"'],
      // NBSP, soft hyphen, NEL, zero-width space and BOM are not printable in Go.
      ['\u00a0\u00ad\u0085\u200b\ufeff', '"\\u00a0\\u00ad\\u0085\\u200b\\ufeff"'],
      // Line separator is not printable.
      ['\u2028', '"\\u2028"'],
      // Astral printable (Unicode 6 emoji) is kept.
      ['😀', '"😀"'],
      // U+1FAE0 came in Unicode 14, after Go 1.19's Unicode 13: escaped like 0.25 does.
      ['🫠', '"\\U0001fae0"'],
      // Astral non-printable (language tag) uses \U.
      ['\u{e0001}', '"\\U000e0001"'],
      // Private use is not printable.
      ['\ue000', '"\\ue000"'],
      // Combining marks are printable.
      ['e\u0301', '"e\u0301"'],
      // A lone surrogate is what Go's JSON decoder makes U+FFFD, which is printable.
      ['x\ud800y', '"x\ufffdy"'],
    ]
    for (const [input, want] of cases) {
      assert.equal(goQuote(input), want, JSON.stringify(input))
    }
  })

  it('agrees with Go 1.19 on the oracle corpus (all BMP code points below U+3000 and random strings)', () => {
    for (const { input, quoted } of loadGoOracle().quote) {
      assert.equal(goQuote(input), quoted, JSON.stringify(input))
    }
  })
})

describe('isGoPrint', () => {
  it('classifies code points like Go strconv.IsPrint', () => {
    const cases: [number, boolean][] = [
      // ASCII space is printable.
      [0x20, true],
      // Tilde is the last printable ASCII.
      [0x7e, true],
      // DEL is not.
      [0x7f, false],
      // NBSP is not.
      [0xa0, false],
      // Inverted exclamation mark is.
      [0xa1, true],
      // Soft hyphen is not.
      [0xad, false],
      // Last code point is not assigned.
      [0x10ffff, false],
      // CJK ideograph.
      [0x4e2d, true],
    ]
    for (const [cp, want] of cases) {
      assert.equal(isGoPrint(cp), want, cp.toString(16))
    }
  })
})

describe('goTrimSpace', () => {
  it('trims Unicode white space like Go strings.TrimSpace', () => {
    const cases: [string, string][] = [
      // ASCII white space including vertical tab.
      [' \t\n\v\f\rx \t\n\v\f\r', 'x'],
      // NEL and NBSP are Go white space.
      ['\u0085\u00a0x\u00a0', 'x'],
      // BOM is not (JS trim() would strip it).
      ['\ufeffx\ufeff', '\ufeffx\ufeff'],
      // Ideographic space and line separator are.
      ['\u3000x\u2028', 'x'],
      // Inner white space stays.
      [' a b ', 'a b'],
      // All white space.
      ['  ', ''],
    ]
    for (const [input, want] of cases) {
      assert.equal(goTrimSpace(input), want, JSON.stringify(input))
    }
  })
})

describe('hasLoneSurrogate and toWellFormed', () => {
  it('detect and replace unpaired surrogates with U+FFFD', () => {
    const cases: [string, boolean, string][] = [
      // Plain string.
      ['abc', false, 'abc'],
      // A valid pair.
      ['😀', false, '😀'],
      // A lone high surrogate.
      ['a\ud800b', true, 'a\ufffdb'],
      // A lone low surrogate.
      ['\udc00', true, '\ufffd'],
      // A high surrogate at the end.
      ['x\ud83d', true, 'x\ufffd'],
      // Reversed pair: two lone surrogates.
      ['\ude00\ud83d', true, '\ufffd\ufffd'],
    ]
    for (const [input, lone, fixed] of cases) {
      assert.equal(hasLoneSurrogate(input), lone, JSON.stringify(input))
      assert.equal(toWellFormed(input), fixed, JSON.stringify(input))
    }
  })
})
