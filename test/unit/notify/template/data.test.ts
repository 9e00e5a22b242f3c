import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { commonEntries, quoteMeta } from '#src/notify/template/index.js'

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

describe('commonEntries', () => {
  it('keeps the pairs of the first set that every set shares, a missing key reading as ""', () => {
    const cases = [
      // instance differs, the rest is shared, in the first set's order.
      {
        sets: [
          { alertname: 'A', instance: 'x', team: 'db' },
          { alertname: 'A', instance: 'y', team: 'db' },
        ],
        want: [
          ['alertname', 'A'],
          ['team', 'db'],
        ],
      },
      // No alerts, no pairs.
      { sets: [], want: [] },
      // An empty value survives a set that lacks the key, as Go's map lookup reads "".
      {
        sets: [{ a: '', b: '1' }, { b: '1' }],
        want: [
          ['a', ''],
          ['b', '1'],
        ],
      },
    ]
    for (const c of cases) {
      assert.deepEqual(commonEntries(c.sets), c.want)
    }
  })
})
