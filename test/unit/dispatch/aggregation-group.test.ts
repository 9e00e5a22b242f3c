import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import type { RouteConfig } from '#src/config/index.js'
import { AggregationGroup, buildRouteTree } from '#src/dispatch/index.js'
import type { FlushFn } from '#src/dispatch/index.js'
import type { NotifyContext } from '#src/notify/index.js'

import { alert } from './helpers.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const GROUP_WAIT = 1_000
const GROUP_INTERVAL = 5_000
const REPEAT = 3_600_000

const log = bunyan.createLogger({ name: 't', level: 'fatal' })

interface Call {
  readonly ctx: NotifyContext
  readonly alerts: readonly Alert[]
  /** Completes the flush: true for success. */
  readonly finish: (ok: boolean) => void
  readonly fail: (err: Error) => void
}

/** recorder is a flush function whose calls the test completes by hand. */
function recorder(): { calls: Call[]; flush: FlushFn } {
  const calls: Call[] = []
  const flush: FlushFn = (ctx, alerts) =>
    new Promise((resolve, reject) => {
      calls.push({ ctx, alerts, finish: resolve, fail: reject })
    })
  return { calls, flush }
}

/** settle lets pending promise callbacks run (setImmediate is not mocked). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

/** advance moves the mocked clock and lets the flush callbacks run. */
async function advance(t: TestContext, ms: number): Promise<void> {
  t.mock.timers.tick(ms)
  await settle()
}

function newGroup(
  t: TestContext,
  flush: FlushFn,
  config: Partial<RouteConfig> = {}
): { group: AggregationGroup; timeouts: number[] } {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 })
  const route = buildRouteTree({
    receiver: 'team',
    group_by: ['alertname'],
    group_wait: GROUP_WAIT,
    group_interval: GROUP_INTERVAL,
    repeat_interval: REPEAT,
    continue: false,
    matchers: [],
    mute_time_intervals: ['nights'],
    active_time_intervals: ['office'],
    routes: [],
    ...config,
  })
  const timeouts: number[] = []
  const group = new AggregationGroup({
    route,
    labels: { alertname: 'A' },
    flush,
    flushTimeoutMs: (ms) => {
      timeouts.push(ms)
      return 60_000
    },
    log,
    now: () => Date.now(),
  })
  t.after(() => {
    group.stop()
  })
  return { group, timeouts }
}

describe('AggregationGroup timing', () => {
  it('flushes once group_wait has passed, with the flush context filled in', async (t) => {
    const { calls, flush } = recorder()
    const { group, timeouts } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A', i: '1' }))
    await advance(t, GROUP_WAIT - 1)
    assert.equal(calls.length, 0)
    await advance(t, 1)
    assert.equal(calls.length, 1)
    const { ctx } = calls[0] as Call
    assert.equal(ctx.now, T0 + GROUP_WAIT)
    assert.equal(ctx.receiver, 'team')
    assert.equal(ctx.groupKey, '{}:{alertname="A"}')
    assert.equal(group.groupKey, '{}:{alertname="A"}')
    assert.deepEqual(ctx.groupLabels, { alertname: 'A' })
    assert.equal(ctx.repeatIntervalMs, REPEAT)
    assert.deepEqual(ctx.muteTimeIntervals, ['nights'])
    assert.deepEqual(ctx.activeTimeIntervals, ['office'])
    assert.equal(ctx.signal.aborted, false)
    assert.deepEqual(timeouts, [GROUP_INTERVAL])
  })

  it('flushes at once when an alert older than group_wait arrives before the first flush', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }, { startsAt: T0 - GROUP_WAIT - 1 }))
    await advance(t, 0)
    assert.equal(calls.length, 1)
    assert.equal(calls[0]?.ctx.now, T0)
  })

  it('still waits when the alert started exactly group_wait ago', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    // startsAt + group_wait == now is not "before now".
    group.insert(alert({ alertname: 'A' }, { startsAt: T0 - GROUP_WAIT }))
    await advance(t, GROUP_WAIT - 1)
    assert.equal(calls.length, 0)
    await advance(t, 1)
    assert.equal(calls.length, 1)
  })

  it('does not flush early for old alerts after the first flush', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A', i: '1' }))
    await advance(t, GROUP_WAIT)
    calls[0]?.finish(true)
    await settle()
    group.insert(alert({ alertname: 'A', i: '2' }, { startsAt: T0 - 3_600_000 }))
    await advance(t, GROUP_INTERVAL - 1)
    assert.equal(calls.length, 1)
    await advance(t, 1)
    assert.equal(calls.length, 2)
    assert.equal(calls[1]?.alerts.length, 2)
  })

  it('measures group_interval from the tick, not from the end of the flush', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }))
    await advance(t, GROUP_WAIT)
    // The first flush takes 300 ms.
    await advance(t, 300)
    calls[0]?.finish(true)
    await settle()
    await advance(t, GROUP_INTERVAL - 301)
    assert.equal(calls.length, 1)
    await advance(t, 1)
    assert.equal(calls.length, 2)
    assert.equal(calls[1]?.ctx.now, T0 + GROUP_WAIT + GROUP_INTERVAL)
  })

  it('never overlaps flushes: a tick due during a flush runs right after it', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }))
    await advance(t, GROUP_WAIT)
    // The flush outlives group_interval: the tick at +interval must wait for it.
    await advance(t, GROUP_INTERVAL)
    assert.equal(calls.length, 1)
    await advance(t, 500)
    calls[0]?.finish(true)
    await settle()
    assert.equal(calls.length, 2)
    // The deferred flush carries the instant its tick came due.
    assert.equal(calls[1]?.ctx.now, T0 + GROUP_WAIT + GROUP_INTERVAL)
    calls[1].finish(true)
    await settle()
    // The next tick is one interval after the deferred tick ran.
    await advance(t, GROUP_INTERVAL - 1)
    assert.equal(calls.length, 2)
    await advance(t, 1)
    assert.equal(calls.length, 3)
  })

  it('keeps ticking every group_interval', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }))
    await advance(t, GROUP_WAIT)
    for (let i = 1; i <= 3; i++) {
      calls[i - 1]?.finish(true)
      await advance(t, GROUP_INTERVAL)
      assert.equal(calls.length, i + 1)
      assert.equal(calls[i]?.ctx.now, T0 + GROUP_WAIT + i * GROUP_INTERVAL)
    }
  })

  it('does not call the pipeline for an empty group', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    assert.equal(group.empty, true)
    await advance(t, GROUP_WAIT + 2 * GROUP_INTERVAL)
    assert.equal(calls.length, 0)
  })

  it('stops ticking and aborts the flush in progress when stopped', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }))
    await advance(t, GROUP_WAIT)
    const { ctx } = calls[0] as Call
    group.stop()
    assert.equal(ctx.signal.aborted, true)
    calls[0]?.finish(false)
    await advance(t, 3 * GROUP_INTERVAL)
    assert.equal(calls.length, 1)
    // Inserting into a stopped group does not re-arm it either.
    group.insert(alert({ alertname: 'A', late: 'x' }, { startsAt: T0 - 3_600_000 }))
    await advance(t, GROUP_INTERVAL)
    assert.equal(calls.length, 1)
  })
})

describe('AggregationGroup flush contents', () => {
  it('hands over firing alerts with a zero end, resolved ones as they are, in notification order', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    const resolved = alert({ alertname: 'A', instance: 'b' }, { endsAt: T0 + GROUP_WAIT })
    const firing = alert({ alertname: 'A', instance: 'a' })
    const noInstance = alert({ alertname: 'A' })
    group.insert(noInstance)
    group.insert(resolved)
    group.insert(firing)
    await advance(t, GROUP_WAIT)
    assert.deepEqual(calls[0]?.alerts, [
      { ...firing, endsAt: 0 },
      resolved,
      { ...noInstance, endsAt: 0 },
    ])
    // The group's own copies keep their end.
    assert.equal(
      [...group.alerts()].find((a) => a === firing),
      firing
    )
  })

  it('replaces an alert by fingerprint with its latest version', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }, { annotations: { v: '1' } }))
    group.insert(alert({ alertname: 'A' }, { annotations: { v: '2' } }))
    await advance(t, GROUP_WAIT)
    assert.equal(calls[0]?.alerts.length, 1)
    assert.deepEqual(calls[0].alerts[0]?.annotations, { v: '2' })
  })
})

describe('AggregationGroup resolved alerts', () => {
  const cases: {
    name: string
    outcome: 'success' | 'failure' | 'error'
    updated: boolean
    removed: boolean
  }[] = [
    // Notified successfully and unchanged since: removed.
    {
      name: 'removes a resolved alert after a successful flush',
      outcome: 'success',
      updated: false,
      removed: true,
    },
    // Pipeline reported failure: kept for the next flush.
    {
      name: 'keeps a resolved alert when the flush fails',
      outcome: 'failure',
      updated: false,
      removed: false,
    },
    // Pipeline threw: logged and kept.
    {
      name: 'keeps a resolved alert when the flush throws',
      outcome: 'error',
      updated: false,
      removed: false,
    },
    // A newer version arrived during the flush: kept, the newer version was not notified.
    {
      name: 'keeps a resolved alert updated during the flush',
      outcome: 'success',
      updated: true,
      removed: false,
    },
  ]
  for (const c of cases) {
    it(c.name, async (t) => {
      const { calls, flush } = recorder()
      const { group } = newGroup(t, flush)
      const firing = alert({ alertname: 'A', i: 'firing' })
      const resolved = alert({ alertname: 'A', i: 'resolved' }, { endsAt: T0 + 1 })
      group.insert(firing)
      group.insert(resolved)
      await advance(t, GROUP_WAIT)
      const newer = { ...resolved, updatedAt: Date.now(), endsAt: Date.now() + 3_600_000 }
      if (c.updated) {
        group.insert(newer)
      }
      const call = calls[0] as Call
      if (c.outcome === 'error') {
        call.fail(new Error('boom'))
      } else {
        call.finish(c.outcome === 'success')
      }
      await settle()
      const left = [...group.alerts()]
      assert.equal(left.includes(firing), true, 'firing alerts always stay')
      const kept = left.find((a) => a.fingerprint === resolved.fingerprint)
      assert.equal(kept === undefined, c.removed)
      if (c.updated) {
        assert.equal(kept, newer)
      }
    })
  }

  it('becomes empty once its only, resolved alert was notified', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A' }, { endsAt: T0 + 1 }))
    await advance(t, GROUP_WAIT)
    calls[0]?.finish(true)
    await settle()
    assert.equal(group.empty, true)
  })
})

describe('AggregationGroup.sortedAlerts', () => {
  const instances = (alerts: readonly Alert[]): (string | undefined)[] =>
    alerts.map((a) => a.labels['instance'])

  it('keeps notification order as alerts join, change and leave', async (t) => {
    const { calls, flush } = recorder()
    const { group } = newGroup(t, flush)
    group.insert(alert({ alertname: 'A', instance: 'c' }))
    group.insert(alert({ alertname: 'A', instance: 'a' }))
    assert.deepEqual(instances(group.sortedAlerts()), ['a', 'c'])
    // A newcomer takes its place in the remembered order.
    group.insert(alert({ alertname: 'A', instance: 'b' }))
    assert.deepEqual(instances(group.sortedAlerts()), ['a', 'b', 'c'])
    // A new version of a member is listed, not the old one.
    const newer = alert({ alertname: 'A', instance: 'c' }, { endsAt: T0 + 1 })
    group.insert(newer)
    assert.equal(group.sortedAlerts()[2], newer)
    // Once notified, the resolved member leaves the order.
    await advance(t, GROUP_WAIT)
    calls[0]?.finish(true)
    await settle()
    assert.deepEqual(instances(group.sortedAlerts()), ['a', 'b'])
    group.insert(alert({ alertname: 'A', instance: 'c' }))
    assert.deepEqual(instances(group.sortedAlerts()), ['a', 'b', 'c'])
  })
})
