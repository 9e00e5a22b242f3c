import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { NflogReceiver, NotificationLog } from '#src/notify/index.js'
import type { DedupedContext } from '#src/notify/stages/dedup.js'
import { setNotifies } from '#src/notify/stages/set-notifies.js'

describe('setNotifies', () => {
  it("logs the flush's firing and resolved hashes with twice the repeat interval as expiry", () => {
    const logged: unknown[][] = []
    const nflog: NotificationLog = {
      query: () => undefined,
      log(...args) {
        logged.push(args)
        return undefined
      },
    }
    const receiver: NflogReceiver = { groupName: 'team', integration: 'webhook', idx: 2 }
    const ctx: DedupedContext = {
      receiver: 'team',
      groupKey: '{}/{team="db"}:{alertname="A"}',
      groupLabels: { alertname: 'A' },
      repeatIntervalMs: 4 * 3_600_000,
      now: 1,
      signal: new AbortController().signal,
      muteTimeIntervals: [],
      activeTimeIntervals: [],
      firing: [1n, 2n],
      resolved: [3n],
    }
    setNotifies(nflog, receiver, ctx)
    assert.deepEqual(logged, [
      [receiver, '{}/{team="db"}:{alertname="A"}', [1n, 2n], [3n], 8 * 3_600_000],
    ])
  })
})
