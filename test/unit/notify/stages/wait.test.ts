import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import type { NotifyContext } from '#src/notify/index.js'
import { waitStage } from '#src/notify/stages/wait.js'

import { testAlert } from '../../../support/fixtures.js'

const QUIET = bunyan.createLogger({ name: 't', level: 'fatal' })

const ALERT: Alert = testAlert({ labels: { alertname: 'A' }, fingerprint: '0000000000000001' })

function context(signal: AbortSignal): NotifyContext {
  return {
    receiver: 'team',
    groupKey: '{}:{}',
    groupLabels: {},
    repeatIntervalMs: 3_600_000,
    now: 1,
    signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  }
}

describe('waitStage', () => {
  it('passes the alerts on without sleeping when the wait is zero', async () => {
    // An already-aborted signal would reject any sleep, so resolving proves none happened.
    const controller = new AbortController()
    controller.abort(new Error('flush deadline'))
    const ctx = context(controller.signal)
    const result = await waitStage(() => 0, QUIET).exec(ctx, [ALERT])
    assert.equal(result.ctx, ctx)
    assert.deepEqual(result.alerts, [ALERT])
  })

  it("waits this node's current wait before passing the alerts on", async () => {
    const started = performance.now()
    await waitStage(() => 40, QUIET).exec(context(new AbortController().signal), [ALERT])
    assert.ok(performance.now() - started >= 39)
  })

  it('reads the wait anew at every flush, as positions change', async () => {
    const waits = [0, 0]
    let reads = 0
    const stage = waitStage(() => waits[reads++] ?? 0, QUIET)
    await stage.exec(context(new AbortController().signal), [ALERT])
    await stage.exec(context(new AbortController().signal), [ALERT])
    assert.equal(reads, 2)
  })

  it('rejects when the flush is cancelled while waiting', async () => {
    const controller = new AbortController()
    const pending = waitStage(() => 60_000, QUIET).exec(context(controller.signal), [ALERT])
    controller.abort(new Error('flush deadline'))
    await assert.rejects(pending, { name: 'AbortError' })
  })
})
