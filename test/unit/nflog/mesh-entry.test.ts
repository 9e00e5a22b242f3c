import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { stateKey } from '#src/nflog/index.js'
import type { NflogReceiver } from '#src/nflog/index.js'

describe('stateKey', () => {
  const cases: { name: string; groupKey: string; receiver: NflogReceiver; want: string }[] = [
    // nflog.go stateKey: <group key>:<receiver>/<integration>/<idx>.
    {
      name: 'a nested route group',
      groupKey: '{}/{team="db"}:{alertname="A"}',
      receiver: { groupName: 'team', integration: 'webhook', idx: 3 },
      want: '{}/{team="db"}:{alertname="A"}:team/webhook/3',
    },
    // Receiver names are used as they are (no quoting), as in Alertmanager.
    {
      name: 'a receiver name with separators',
      groupKey: '{}:{}',
      receiver: { groupName: 'a/b:c', integration: 'email', idx: 0 },
      want: '{}:{}:a/b:c/email/0',
    },
  ]
  for (const c of cases) {
    it(`joins group key and receiver for ${c.name}`, () => {
      assert.equal(stateKey(c.groupKey, c.receiver), c.want)
    })
  }
})
