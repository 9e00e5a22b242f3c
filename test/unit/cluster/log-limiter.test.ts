/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { WarnLimiter } from '../../../src/cluster/log-limiter.js'

import { quietLog } from './helpers.js'

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
