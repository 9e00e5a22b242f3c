import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { commonPairs } from '#src/notify/integrations/template-data.js'

describe('commonPairs', () => {
  it('keeps the pairs every set shares, a missing key reading as ""', () => {
    const cases = [
      // OpsGenie's common labels: instance differs, the rest is shared.
      {
        sets: [
          { alertname: 'A', instance: 'x', team: 'db' },
          { alertname: 'A', instance: 'y', team: 'db' },
        ],
        want: { alertname: 'A', team: 'db' },
      },
      // No alerts, no pairs.
      { sets: [], want: {} },
      // An empty value survives a set that lacks the key, as Go's map lookup reads "".
      { sets: [{ a: '', b: '1' }, { b: '1' }], want: { a: '', b: '1' } },
      // A label named __proto__ stays an own key of the object.
      {
        sets: [JSON.parse('{"__proto__":"x"}') as Record<string, string>],
        want: JSON.parse('{"__proto__":"x"}') as Record<string, string>,
      },
    ]
    for (const c of cases) {
      assert.deepEqual(commonPairs(c.sets), c.want)
    }
  })
})
