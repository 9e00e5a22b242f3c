/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { quoteMeta } from '../../../../src/notify/integrations/webhook-message.js'

describe('quoteMeta', () => {
  it('escapes the characters Go regexp.QuoteMeta escapes and nothing else', () => {
    const cases = [
      // The spec's example: a dotted receiver name.
      ['db.team', 'db\\.team'],
      // Every metacharacter.
      ['\\.+*?()|[]{}^$', '\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$'],
      // Characters Go leaves alone: - / # space and non-ASCII.
      ['a-b/c #é', 'a-b/c #é'],
      // Empty stays empty.
      ['', ''],
    ]
    for (const [input, want] of cases) {
      assert.equal(quoteMeta(input ?? ''), want)
    }
  })
})
