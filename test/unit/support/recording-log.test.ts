// recordingLog: a logger that keeps what it is told, from its level up.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { recordingLog } from '../../support/recording-log.js'

describe('recordingLog', () => {
  it('keeps each record from its level up, with its fields, as logged', () => {
    const { log, records } = recordingLog('info')
    log.debug({ n: 1 }, 'dropped')
    log.info({ n: 2 }, 'kept')
    log.child({ component: 'c' }).warn('child')
    assert.deepEqual(
      records.map((r) => [r.msg, r.level, r['n'], r.component]),
      [
        ['kept', 30, 2, undefined],
        ['child', 40, undefined, 'c'],
      ]
    )
  })

  it('keeps everything by default', () => {
    const { log, records } = recordingLog()
    log.trace('t')
    assert.deepEqual(
      records.map((r) => r.msg),
      ['t']
    )
  })
})
