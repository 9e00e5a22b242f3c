import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { WarnLimiter } from '#src/util/index.js'

import { quietLog } from '../cluster/helpers.js'

describe('WarnLimiter', () => {
  it('logs once per interval and key, then reports how many it held back', () => {
    const { log, records } = quietLog()
    let now = 0
    const limiter = new WarnLimiter(log, 1_000, () => now)
    for (let i = 0; i < 5; i++) {
      limiter.warn('auth', { i }, 'Dropped cluster connection')
    }
    limiter.warn('oversize', { i: 9 }, 'Dropped cluster connection')
    now = 1_000
    limiter.warn('auth', { i: 5 }, 'Dropped cluster connection')
    assert.deepEqual(
      records().map((r) => [r['i'], r['suppressed'], r['level']]),
      [
        [0, undefined, 40],
        [9, undefined, 40],
        [5, 4, 40],
      ]
    )
  })
})

describe('WarnLimiter.reset', () => {
  it('lets the next warning of a key out at once after a recovery', () => {
    const { log, records } = quietLog()
    const limiter = new WarnLimiter(log, 60_000, () => 0)
    limiter.warn('consul', { n: 1 }, 'Consul down')
    limiter.warn('consul', { n: 2 }, 'Consul down')
    limiter.reset('consul')
    limiter.warn('consul', { n: 3 }, 'Consul down')
    assert.deepEqual(
      records().map((r) => r['n']),
      [1, 3]
    )
  })
})
