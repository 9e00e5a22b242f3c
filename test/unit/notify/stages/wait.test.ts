import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

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
  it('ends the wait early when a member change lowers it, counting from the start', async () => {
    let wait = 60_000
    const listeners = new Set<() => void>()
    const changes = (listener: () => void): (() => void) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    }
    const started = performance.now()
    const waiting = waitStage(() => wait, QUIET, changes).exec(
      context(new AbortController().signal),
      [ALERT]
    )
    await sleep(20)
    assert.equal(listeners.size, 1, 'the stage listens while it waits')
    // The lower-position peer is found gone: this node is position 0 now.
    wait = 0
    for (const listener of listeners) {
      listener()
    }
    await waiting
    assert.ok(performance.now() - started < 1_000, 'still waited for the peer that left')
    assert.equal(listeners.size, 0, 'the stage stopped listening')
  })

  it('lengthens the wait when a peer joins below this node, and still ends on abort', async () => {
    let wait = 30
    const listeners = new Set<() => void>()
    const controller = new AbortController()
    const waiting = waitStage(
      () => wait,
      QUIET,
      (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      }
    ).exec(context(controller.signal), [ALERT])
    wait = 60_000
    for (const listener of listeners) {
      listener()
    }
    const outcome = await Promise.race([
      waiting.then(() => 'passed'),
      sleep(100).then(() => 'still waiting'),
    ])
    assert.equal(outcome, 'still waiting')
    controller.abort(new Error('flush deadline'))
    await assert.rejects(waiting, { name: 'AbortError' })
    assert.equal(listeners.size, 0)
  })
})
