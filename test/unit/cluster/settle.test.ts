import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it, mock } from 'node:test'

import { Settle } from '#src/cluster/settle.js'
import type { SettleOptions } from '#src/cluster/settle.js'
import { ClosedError } from '#src/util/index.js'

import { quietLog } from './helpers.js'

function settle(overrides: Partial<SettleOptions> = {}) {
  const { log, records } = quietLog()
  const s = new Settle({
    timeoutMs: 60_000,
    pollMs: 100,
    canSettleAlone: () => false,
    now: () => Date.now(),
    log,
    ...overrides,
  })
  const settled = () =>
    records().filter(
      (r) =>
        r['msg'] === 'gossip settled; proceeding' ||
        r['msg'] === 'gossip not settled but continuing anyway'
    )
  return { s, settled }
}

describe('Settle', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 })
  })
  afterEach(() => {
    mock.timers.reset()
  })

  it('releases waiters on a full state and logs the elapsed time once', async () => {
    const { s, settled } = settle()
    s.start()
    const waiting = s.waitReady(new AbortController().signal)
    mock.timers.tick(250)
    assert.equal(s.ready, false)
    s.settle('full_state')
    s.settle('full_state')
    await waiting
    assert.equal(s.ready, true)
    assert.deepEqual(
      settled().map((r) => [r['msg'], r['reason'], r['elapsedMs']]),
      [['gossip settled; proceeding', 'full_state', 250]]
    )
  })

  it('restart holds new waiters until the node settles again, with a timeout of its own', async () => {
    const { s, settled } = settle({ timeoutMs: 5_000 })
    s.start()
    s.settle('full_state')
    mock.timers.tick(10_000)
    s.restart()
    assert.equal(s.ready, false)
    let released = false
    const waiting = s.waitReady(new AbortController().signal).then(() => {
      released = true
    })
    mock.timers.tick(4_999)
    await Promise.resolve()
    assert.equal(released, false, 'released before settling again')
    s.settle('full_state')
    await waiting
    assert.deepEqual(
      settled().map((r) => [r['reason'], r['elapsedMs']]),
      [
        ['full_state', 0],
        ['full_state', 4_999],
      ]
    )
    s.restart()
    mock.timers.tick(5_000)
    assert.equal(s.ready, true, 'a restarted phase times out like the first')
  })

  it('becomes ready at the timeout at the latest', () => {
    const { s, settled } = settle({ timeoutMs: 5_000 })
    s.start()
    mock.timers.tick(4_999)
    assert.equal(s.ready, false)
    mock.timers.tick(1)
    assert.equal(s.ready, true)
    assert.equal(settled()[0]?.['msg'], 'gossip not settled but continuing anyway')
  })

  it('is ready at start with a timeout of 0', () => {
    const { s } = settle({ timeoutMs: 0 })
    s.start()
    assert.equal(s.ready, true)
  })

  it('polls whether it can settle alone', () => {
    let alone = false
    const { s, settled } = settle({ canSettleAlone: () => alone })
    s.start()
    mock.timers.tick(1_000)
    assert.equal(s.ready, false)
    alone = true
    mock.timers.tick(100)
    assert.equal(s.ready, true)
    assert.equal(settled()[0]?.['reason'], 'peers_unreachable')
  })

  it('rejects waiters on abort and on stop, and refuses new ones after stop', async () => {
    const { s } = settle()
    s.start()
    const controller = new AbortController()
    const aborted = s.waitReady(controller.signal)
    controller.abort(new Error('gone'))
    await assert.rejects(aborted, /gone/)
    await assert.rejects(s.waitReady(controller.signal), /gone/)
    const pending = s.waitReady(new AbortController().signal)
    s.stop()
    await assert.rejects(pending, ClosedError)
    await assert.rejects(s.waitReady(new AbortController().signal), ClosedError)
    s.settle('full_state')
    assert.equal(s.ready, false, 'a stopped settle stays as it was')
  })
})
