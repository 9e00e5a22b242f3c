import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { parseJsonLossless } from '#src/consul/lossless-json.js'

describe('parseJsonLossless', () => {
  it('turns integers above 2^53 into exact decimal strings and leaves the rest alone', () => {
    const cases: { text: string; want: unknown }[] = [
      // A Consul KV item with uint64 indexes past 2^53 and small flags.
      {
        text: '[{"Key":"a","Flags":0,"CreateIndex":18446744073709551615,"ModifyIndex":9007199254740993}]',
        want: [
          {
            Key: 'a',
            Flags: 0,
            CreateIndex: '18446744073709551615',
            ModifyIndex: '9007199254740993',
          },
        ],
      },
      // 2^53 - 1 is still exact as a number.
      { text: '9007199254740991', want: 9007199254740991 },
      // 2^53 itself is where doubles stop counting every integer.
      { text: '9007199254740992', want: '9007199254740992' },
      // Long digit runs inside strings, escaped quotes included, stay strings as written.
      {
        text: '{"k":"12345678901234567890 \\" 98765432109876543210"}',
        want: { k: '12345678901234567890 " 98765432109876543210' },
      },
      // Fractions and exponents are not integers; they parse as JSON.parse would.
      {
        text: '[1.5, 12345678901234567890.5, 1e300, -3]',
        want: [1.5, Number('12345678901234567890.5'), 1e300, -3],
      },
      // Booleans and null pass through.
      { text: '{"a":true,"b":null}', want: { a: true, b: null } },
    ]
    for (const c of cases) {
      assert.deepEqual(parseJsonLossless(c.text), c.want, c.text)
    }
  })

  it('still rejects text that is not JSON', () => {
    assert.throws(() => parseJsonLossless('{"unterminated'), SyntaxError)
    assert.throws(() => parseJsonLossless('[1,]'), SyntaxError)
  })
})
