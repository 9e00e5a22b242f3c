import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MIN_FLUSH_TIMEOUT_MS, flushTimeoutMs } from '#src/dispatch/index.js'

describe('flushTimeoutMs', () => {
  it("is Alertmanager's notify.MinTimeout floor of 10 s", () => {
    assert.equal(MIN_FLUSH_TIMEOUT_MS, 10_000)
  })

  // Alertmanager 0.25, cmd/alertmanager/main.go: timeout = max(group_interval, MinTimeout) +
  // position × peer_timeout. Each row: group_interval, position, peer_timeout, deadline.
  const ROWS: readonly [string, number, number, number, number][] = [
    ['position 0, short interval: the floor', 1_000, 0, 15_000, 10_000],
    ['position 0, interval at the floor', 10_000, 0, 15_000, 10_000],
    ['position 0, long interval: the interval', 300_000, 0, 15_000, 300_000],
    ['position 1, default peer_timeout: floor + 15 s', 5_000, 1, 15_000, 25_000],
    ['position 2, default peer_timeout: floor + 30 s', 5_000, 2, 15_000, 40_000],
    ['position 1, long interval: interval + wait', 60_000, 1, 15_000, 75_000],
    ['position 3, short peer_timeout', 1_000, 3, 2_000, 16_000],
  ]
  for (const [name, groupInterval, position, peerTimeout, deadline] of ROWS) {
    it(name, () => {
      assert.equal(flushTimeoutMs(groupInterval, position * peerTimeout), deadline)
    })
  }

  it('always leaves a node at position p ≥ 1 its whole wait plus the floor to send', () => {
    for (let position = 1; position <= 5; position++) {
      for (const groupInterval of [0, 1_000, 9_999, 10_000, 60_000]) {
        const wait = position * 15_000
        assert.ok(flushTimeoutMs(groupInterval, wait) - wait >= MIN_FLUSH_TIMEOUT_MS)
      }
    }
  })
})
