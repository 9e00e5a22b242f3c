import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'
import { Registry } from 'prom-client'
import type { Counter, Histogram } from 'prom-client'

import type { Alert } from '#src/alerts/index.js'
import { NotifyError, createNotifyMetrics } from '#src/notify/index.js'
import type { Integration, NotifyMetrics } from '#src/notify/index.js'
import type { DedupedContext } from '#src/notify/stages/dedup.js'
import { retryStage } from '#src/notify/stages/retry.js'

import { testAlert } from '../../../support/fixtures.js'
import { TEST_INTEGRATIONS } from '../../../support/integrations.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const log = bunyan.createLogger({ name: 't', level: 'fatal' })

function alert(name: string, endsAt: number): Alert {
  return testAlert({
    labels: { alertname: name },
    startsAt: NOW - 60_000,
    endsAt,
    updatedAt: NOW,
    fingerprint: name.padStart(16, '0'),
  })
}

const FIRING = alert('firing', 0)
const RESOLVED = alert('resolved', NOW - 1)

function context(
  signal: AbortSignal,
  firing: bigint[] = [1n],
  resolved: bigint[] = [2n]
): DedupedContext {
  return {
    receiver: 'team',
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    repeatIntervalMs: 3_600_000,
    now: NOW,
    signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    firing,
    resolved,
  }
}

type Attempt = (alerts: readonly Alert[], attempt: number, signal: AbortSignal) => Promise<void>

/** setup builds the stage around a scripted notifier and a fresh registry. */
function setup(script: Attempt, sendResolved = true, stillNeeded: () => boolean = () => true) {
  const sent: (readonly Alert[])[] = []
  const asked: number[] = []
  const integration: Integration = {
    name: 'webhook',
    index: 0,
    sendResolved,
    notifier: {
      notify(ctx, alerts) {
        sent.push(alerts)
        return script(alerts, sent.length, ctx.signal)
      },
    },
  }
  const metrics = createNotifyMetrics(new Registry(), TEST_INTEGRATIONS)
  const stage = retryStage({
    integration,
    receiverName: 'team',
    metrics,
    log,
    stillNeeded: () => {
      asked.push(sent.length)
      return stillNeeded()
    },
  })
  return { stage, sent, metrics, asked }
}

async function count(metric: Counter<'integration'>): Promise<number> {
  const { values } = await metric.get()
  return values.find((v) => v.labels.integration === 'webhook')?.value ?? Number.NaN
}

async function observations(metric: Histogram<'integration'>): Promise<number> {
  const { name, values } = await metric.get()
  const sample = values.find(
    (v) => v.metricName === `${name}_count` && v.labels.integration === 'webhook'
  )
  return sample?.value ?? Number.NaN
}

async function counts(metrics: NotifyMetrics): Promise<Record<string, number>> {
  return {
    notifications: await count(metrics.notifications),
    notificationsFailed: await count(metrics.notificationsFailed),
    requests: await count(metrics.requests),
    requestsFailed: await count(metrics.requestsFailed),
    latencyObservations: await observations(metrics.latencySeconds),
  }
}

const retryable = (message: string) =>
  new NotifyError(message, { retryable: true, reason: 'serverError' })

async function rejection(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise
  } catch (err: unknown) {
    assert.ok(err instanceof NotifyError, String(err))
    return err
  }
  assert.fail('expected a rejection')
}

describe('retryStage', () => {
  it('sends once and reports it sent when the first attempt succeeds', async () => {
    const { stage, sent, metrics, asked } = setup(() => Promise.resolve())
    const out = await stage(context(new AbortController().signal), [FIRING, RESOLVED])
    assert.equal(out, 'sent')
    assert.deepEqual(sent, [[FIRING, RESOLVED]])
    assert.deepEqual(asked, [], 'the dedup stage had just cleared the first attempt')
    assert.deepEqual(await counts(metrics), {
      notifications: 1,
      notificationsFailed: 0,
      requests: 1,
      requestsFailed: 0,
      latencyObservations: 1,
    })
  })

  it('retries a retryable NotifyError after a backoff until it succeeds', async (t) => {
    // Backoff randomisation at its minimum: the first retry comes after 250 ms.
    t.mock.method(Math, 'random', () => 0)
    const { stage, sent, metrics } = setup((_alerts, n) =>
      n === 1 ? Promise.reject(retryable('HTTP 503')) : Promise.resolve()
    )
    const started = performance.now()
    await stage(context(new AbortController().signal), [FIRING])
    assert.equal(sent.length, 2)
    assert.ok(performance.now() - started >= 240, 'waited for the backoff')
    assert.deepEqual(await counts(metrics), {
      notifications: 1,
      notificationsFailed: 0,
      requests: 2,
      requestsFailed: 1,
      latencyObservations: 2,
    })
  })

  it('stops retrying, without a failure, once a peer notified meanwhile', async (t) => {
    t.mock.method(Math, 'random', () => 0)
    let peerSent = false
    const { stage, sent, metrics, asked } = setup(
      () => {
        // The peer's nflog entry arrives while this node's first attempt fails.
        peerSent = true
        return Promise.reject(retryable('connection refused'))
      },
      true,
      () => !peerSent
    )
    const out = await stage(context(new AbortController().signal), [FIRING])
    assert.equal(out, 'notified-by-peer')
    assert.equal(sent.length, 1, 'retried after the peer had sent')
    assert.deepEqual(asked, [1], 'asked once, before the second attempt')
    assert.deepEqual(await counts(metrics), {
      notifications: 1,
      notificationsFailed: 0,
      requests: 1,
      requestsFailed: 1,
      latencyObservations: 1,
    })
  })

  it('abandons an attempt that hangs once a peer notified meanwhile', async () => {
    let peerSent = false
    const { stage, sent, metrics } = setup(
      (_alerts, _n, signal) => {
        // A request stuck connecting: it only ends when its signal does.
        setTimeout(() => {
          peerSent = true
        }, 50)
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(retryable('context canceled'))
          })
        })
      },
      true,
      () => !peerSent
    )
    const started = performance.now()
    const flush = new AbortController()
    const out = await stage(context(flush.signal), [FIRING])
    assert.equal(out, 'notified-by-peer')
    assert.equal(flush.signal.aborted, false, "the flush's own signal stays untouched")
    assert.ok(performance.now() - started < 2_000, 'the attempt was not abandoned promptly')
    assert.equal(sent.length, 1)
    assert.deepEqual(await counts(metrics), {
      notifications: 1,
      notificationsFailed: 0,
      requests: 1,
      requestsFailed: 0,
      latencyObservations: 1,
    })
  })

  it('keeps retrying while no peer has sent', async (t) => {
    t.mock.method(Math, 'random', () => 0)
    const { stage, sent, asked } = setup((_alerts, n) =>
      n < 3 ? Promise.reject(retryable('HTTP 503')) : Promise.resolve()
    )
    assert.equal(await stage(context(new AbortController().signal), [FIRING]), 'sent')
    assert.equal(sent.length, 3)
    assert.deepEqual(asked, [1, 2])
  })

  const unrecoverable: {
    name: string
    error: Error
    message: string
    reason: NotifyError['reason']
  }[] = [
    // A non-retryable NotifyError keeps its reason.
    {
      name: 'a non-retryable NotifyError',
      error: new NotifyError('HTTP 400', { retryable: false, reason: 'clientError' }),
      message:
        'team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: HTTP 400',
      reason: 'clientError',
    },
    // Anything that is not a NotifyError is not retried either.
    {
      name: 'an unexpected error',
      error: new TypeError('bug'),
      message:
        'team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: bug',
      reason: 'other',
    },
  ]
  for (const c of unrecoverable) {
    it(`stops at once on ${c.name}`, async () => {
      const { stage, sent, metrics } = setup(() => Promise.reject(c.error))
      const err = await rejection(stage(context(new AbortController().signal), [FIRING]))
      assert.equal(err.message, c.message)
      assert.equal(err.retryable, false)
      assert.equal(err.reason, c.reason)
      assert.equal(err.cause, c.error)
      assert.equal(sent.length, 1)
      assert.deepEqual(await counts(metrics), {
        notifications: 1,
        notificationsFailed: 1,
        requests: 1,
        requestsFailed: 1,
        latencyObservations: 1,
      })
    })
  }

  it('gives up with the last error when the flush is cancelled during the backoff', async () => {
    const controller = new AbortController()
    const { stage, sent, metrics } = setup(() => {
      controller.abort(new Error('context deadline exceeded'))
      return Promise.reject(retryable('HTTP 502'))
    })
    const err = await rejection(stage(context(controller.signal), [FIRING]))
    assert.equal(err.message, 'team/webhook[0]: notify retry canceled after 2 attempts: HTTP 502')
    assert.equal(err.reason, 'timeout')
    assert.equal(err.retryable, false)
    assert.equal(sent.length, 1)
    assert.equal(await count(metrics.notificationsFailed), 1)
  })

  it('does not send at all when the flush is already cancelled', async () => {
    const controller = new AbortController()
    controller.abort(new Error('context deadline exceeded'))
    const { stage, sent } = setup(() => Promise.resolve())
    const err = await rejection(stage(context(controller.signal), [FIRING]))
    assert.equal(
      err.message,
      'team/webhook[0]: notify retry canceled after 1 attempts: context deadline exceeded'
    )
    assert.equal(sent.length, 0)
  })
})

describe('retryStage without send_resolved', () => {
  it('sends only the firing alerts', async () => {
    const { stage, sent } = setup(() => Promise.resolve(), false)
    const out = await stage(context(new AbortController().signal), [FIRING, RESOLVED])
    assert.deepEqual(sent, [[FIRING]])
    assert.equal(out, 'sent')
  })

  it('reports success without sending when nothing fires', async () => {
    const { stage, sent, metrics } = setup(
      () => Promise.reject(retryable('must not be called')),
      false
    )
    const out = await stage(context(new AbortController().signal, [], [2n]), [RESOLVED])
    assert.equal(out, 'sent')
    assert.equal(sent.length, 0)
    assert.deepEqual(await counts(metrics), {
      notifications: 1,
      notificationsFailed: 0,
      requests: 0,
      requestsFailed: 0,
      latencyObservations: 0,
    })
  })

  it('sends resolved alerts too when send_resolved is on', async () => {
    const { stage, sent } = setup(() => Promise.resolve(), true)
    await stage(context(new AbortController().signal, [], [2n]), [RESOLVED])
    assert.deepEqual(sent, [[RESOLVED]])
  })
})
