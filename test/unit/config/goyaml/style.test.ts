import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { chooseStyle, escapeCode, isPrintable } from '#src/config/goyaml/style.js'
import type { Style } from '#src/config/goyaml/style.js'

describe('chooseStyle', () => {
  // [text, flow context, mapping key, style]; go-yaml-emit.test.ts checks the same choices
  // against yaml.v2's complete output.
  const rows: [string, boolean, boolean, Style, string][] = [
    ['plain', false, false, 'plain', 'ordinary text'],
    ['true', false, false, 'double', 'text that would read back as a bool'],
    ['17:00', false, false, 'double', 'YAML 1.1 sexagesimal'],
    ['#hash', false, false, 'single', 'a comment indicator first'],
    ['-3:-1', false, false, 'plain', 'a colon not followed by space is fine in block context'],
    ['-3:-1', true, false, 'single', 'but not in flow context'],
    ['a\nb', false, false, 'literal', 'multi-line text'],
    ['a\nb', false, true, 'double', 'multi-line keys are double-quoted'],
    ['', true, false, 'double', 'empty text would read back as null'],
    ['tab\there', false, false, 'double', 'a tab is not printable for yaml.v2'],
  ]
  for (const [text, flow, key, style, why] of rows) {
    it(`writes ${JSON.stringify(text)} ${style} (${why})`, () => {
      assert.equal(chooseStyle(text, flow, key), style)
    })
  }
})

describe('isPrintable and escapeCode', () => {
  it('treat characters outside the BMP as non-printable and escape them with \\U', () => {
    assert.equal(isPrintable(0x1f525), false)
    assert.equal(escapeCode(0x1f525), 'U0001F525')
    assert.equal(escapeCode(0x07), 'a')
    assert.equal(escapeCode(0x01), 'x01')
    assert.equal(isPrintable(0xfc), true)
  })
})
