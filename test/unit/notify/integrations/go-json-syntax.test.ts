import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  decodeFirstJSONValue,
  goJSONSyntaxError,
  goUnmarshalSyntaxError,
} from '#src/notify/integrations/go-json-syntax.js'

describe('decodeFirstJSONValue reads the first value as json.Decoder.Decode does', () => {
  // Each row was checked against Go 1.19's json.NewDecoder(strings.NewReader(in)).Decode.
  const cases: [string, ReturnType<typeof decodeFirstJSONValue>][] = [
    // Nothing but white space: io.EOF.
    ['', { kind: 'error', error: 'EOF' }],
    ['  ', { kind: 'error', error: 'EOF' }],
    // A number ends at the first byte that cannot continue it; the rest is never read.
    ['123abc', { kind: 'value', value: 123 }],
    ['{"a":1} junk', { kind: 'value', value: { a: 1 } }],
    ['null', { kind: 'value', value: null }],
    // Values the body cuts short: io.ErrUnexpectedEOF, not the scanner's complaint.
    ['tru', { kind: 'error', error: 'unexpected EOF' }],
    ['[1,2', { kind: 'error', error: 'unexpected EOF' }],
    ['-', { kind: 'error', error: 'unexpected EOF' }],
    ['"ab', { kind: 'error', error: 'unexpected EOF' }],
    // A bad byte inside the value: the scanner's syntax error.
    ['{"a":x}', { kind: 'error', error: "invalid character 'x' looking for beginning of value" }],
  ]
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(decodeFirstJSONValue(input), expected)
    })
  }
})

describe('goUnmarshalSyntaxError', () => {
  it("is the scanner's message for the whole body, as json.Unmarshal checks it", () => {
    assert.equal(
      goUnmarshalSyntaxError('{"ok":true} x'),
      "invalid character 'x' after top-level value"
    )
    assert.equal(goUnmarshalSyntaxError(''), 'unexpected end of JSON input')
    assert.equal(goJSONSyntaxError(Buffer.from('{}')), undefined)
  })
})
