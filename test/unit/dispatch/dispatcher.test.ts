import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'

import bunyan from 'bunyan'
import { Registry } from 'prom-client'

import { AlertStore } from '#src/alerts/index.js'
import type { Alert } from '#src/alerts/index.js'
import type { RouteConfig } from '#src/config/index.js'
import { Dispatcher, buildRouteTree, createDispatcherMetrics } from '#src/dispatch/index.js'
import type { Route } from '#src/dispatch/index.js'
import { newMatcher } from '#src/labels/index.js'
import type { NotifyContext, Stage } from '#src/notify/index.js'
import { ClosedError } from '#src/util/index.js'

import { alert, route } from './helpers.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const log = bunyan.createLogger({ name: 't', level: 'fatal' })

/** recordingStage records every flush and succeeds, or fails when told to. */
function recordingStage(): {
  stage: Stage
  flushes: { ctx: NotifyContext; alerts: readonly Alert[] }[]
  fail: { value: boolean }
} {
  const flushes: { ctx: NotifyContext; alerts: readonly Alert[] }[] = []
  const fail = { value: false }
  return {
    flushes,
    fail,
    stage: {
      exec(ctx, alerts) {
        flushes.push({ ctx, alerts })
        return fail.value
          ? Promise.reject(new Error('integration down'))
          : Promise.resolve({ ctx, alerts })
      },
    },
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

function setup(
  t: TestContext,
  config: RouteConfig,
  options: { cleanupIntervalMs?: number; clusterWaitMs?: () => number; pipeline?: Stage } = {}
) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: T0 })
  const registry = new Registry()
  const metrics = createDispatcherMetrics(registry)
  const store = new AlertStore({ now: () => Date.now() })
  const recorder = recordingStage()
  const dispatcher = new Dispatcher({
    store,
    route: buildRouteTree(config),
    log,
    metrics,
    now: () => Date.now(),
    ...options,
    pipeline: options.pipeline ?? recorder.stage,
  })
  t.after(() => dispatcher.stop())
  const gauge = async (): Promise<number | undefined> =>
    (await registry.getSingleMetric('alertmanager_dispatcher_aggregation_groups')?.get())?.values[0]
      ?.value
  return { store, dispatcher, recorder, registry, gauge }
}

// The routing tree of Alertmanager 0.25 dispatch/dispatch_test.go TestGroups.
const GO_GROUPS_TREE = route({
  receiver: 'prod',
  group_by: ['alertname'],
  group_wait: 10,
  group_interval: 10,
  routes: [
    route({
      matchers: [newMatcher('=', 'env', 'testing')],
      receiver: 'testing',
      group_by: ['alertname', 'service'],
    }),
    route({
      matchers: [newMatcher('=', 'env', 'prod')],
      receiver: 'prod',
      group_by: ['alertname', 'service', 'cluster'],
      continue: true,
    }),
    route({
      matchers: [newMatcher('=', 'kafka', 'yes')],
      receiver: 'kafka',
      group_by: ['alertname', 'service', 'cluster'],
    }),
  ],
})

describe('Dispatcher.groups', () => {
  it('lists groups sorted by labels then receiver, with sorted receivers per alert (TestGroups)', (t) => {
    const { store, dispatcher } = setup(t, GO_GROUPS_TREE)
    const input = [
      // Matches the root route.
      alert({ alertname: 'OtherAlert', cluster: 'cc', service: 'dd' }),
      // Matches the first sub-route.
      alert({ env: 'testing', alertname: 'TestingAlert', service: 'api', instance: 'inst1' }),
      // Match the second sub-route, two of them in one group.
      alert({
        env: 'prod',
        alertname: 'HighErrorRate',
        cluster: 'aa',
        service: 'api',
        instance: 'inst1',
      }),
      alert({
        env: 'prod',
        alertname: 'HighErrorRate',
        cluster: 'aa',
        service: 'api',
        instance: 'inst2',
      }),
      alert({
        env: 'prod',
        alertname: 'HighErrorRate',
        cluster: 'bb',
        service: 'api',
        instance: 'inst1',
      }),
      // Matches the second and (through continue) the third sub-route.
      alert({
        env: 'prod',
        alertname: 'HighLatency',
        cluster: 'bb',
        service: 'db',
        kafka: 'yes',
        instance: 'inst3',
      }),
    ] as const
    store.put(input)
    dispatcher.start()
    const { groups, receivers } = dispatcher.groups(
      () => true,
      () => true
    )
    // Each group carries its key: its route's key and its labels (aggrGroup.GroupKey()).
    assert.equal(groups[0]?.groupKey, '{}:{alertname="OtherAlert"}')
    assert.deepEqual(
      groups.map(({ groupKey: _key, ...view }) => view),
      [
        { labels: { alertname: 'OtherAlert' }, receiver: 'prod', alerts: [input[0]] },
        {
          labels: { alertname: 'TestingAlert', service: 'api' },
          receiver: 'testing',
          alerts: [input[1]],
        },
        {
          labels: { alertname: 'HighErrorRate', service: 'api', cluster: 'aa' },
          receiver: 'prod',
          alerts: [input[2], input[3]],
        },
        {
          labels: { alertname: 'HighErrorRate', service: 'api', cluster: 'bb' },
          receiver: 'prod',
          alerts: [input[4]],
        },
        {
          labels: { alertname: 'HighLatency', service: 'db', cluster: 'bb' },
          receiver: 'kafka',
          alerts: [input[5]],
        },
        {
          labels: { alertname: 'HighLatency', service: 'db', cluster: 'bb' },
          receiver: 'prod',
          alerts: [input[5]],
        },
      ]
    )
    assert.deepEqual(
      receivers,
      new Map([
        [input[0].fingerprint, ['prod']],
        [input[1].fingerprint, ['testing']],
        [input[2].fingerprint, ['prod']],
        [input[3].fingerprint, ['prod']],
        [input[4].fingerprint, ['prod']],
        [input[5].fingerprint, ['kafka', 'prod']],
      ])
    )
    assert.equal(dispatcher.groupCount, 6)
  })

  it('applies the route and alert filters and omits groups left without alerts', (t) => {
    const { store, dispatcher } = setup(t, GO_GROUPS_TREE)
    const kept = alert({
      env: 'prod',
      alertname: 'HighLatency',
      cluster: 'bb',
      service: 'db',
      kafka: 'yes',
    })
    const dropped = alert({ alertname: 'OtherAlert' })
    store.put([kept, dropped])
    dispatcher.start()
    const { groups, receivers } = dispatcher.groups(
      (r: Route) => r.opts.receiver === 'kafka',
      (a) => a !== dropped
    )
    assert.deepEqual(
      groups.map((g) => g.receiver),
      ['kafka']
    )
    assert.deepEqual(receivers, new Map([[kept.fingerprint, ['kafka']]]))
    const none = dispatcher.groups(
      () => true,
      () => false
    )
    assert.deepEqual(none, { groups: [], receivers: new Map() })
  })

  it('groups by all labels for `...` and leaves out group_by labels an alert lacks', (t) => {
    const { store, dispatcher } = setup(
      t,
      route({
        receiver: 'default',
        group_by: ['alertname', 'missing'],
        routes: [
          route({ matchers: [newMatcher('=', 'all', 'yes')], receiver: 'all', group_by: ['...'] }),
        ],
      })
    )
    store.put([alert({ alertname: 'A', x: '1' }), alert({ alertname: 'B', all: 'yes', x: '2' })])
    dispatcher.start()
    const { groups } = dispatcher.groups(
      () => true,
      () => true
    )
    assert.deepEqual(
      groups.map((g) => g.labels),
      [{ alertname: 'A' }, { alertname: 'B', all: 'yes', x: '2' }]
    )
  })
})

describe('Dispatcher lifecycle', () => {
  it('groups the alerts the store replays on start and those put later', async (t) => {
    const { store, dispatcher, recorder, gauge } = setup(
      t,
      route({ receiver: 'r', group_by: ['alertname'], group_wait: 1000 })
    )
    store.put([alert({ alertname: 'A' })])
    dispatcher.start()
    store.put([alert({ alertname: 'B' })])
    assert.equal(dispatcher.groupCount, 2)
    assert.equal(await gauge(), 2)
    t.mock.timers.tick(1000)
    await settle()
    assert.deepEqual(recorder.flushes.map((f) => f.ctx.groupKey).sort(), [
      '{}:{alertname="A"}',
      '{}:{alertname="B"}',
    ])
  })

  /** untilAborted is a pipeline whose flushes end only at their deadline, each timed. */
  function untilAborted(elapsed: number[]): Stage {
    return {
      exec(ctx) {
        const started = Date.now()
        return new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            elapsed.push(Date.now() - started)
            reject(new Error('aborted'))
          })
        })
      },
    }
  }

  // Alertmanager 0.25's timeout func (cmd/alertmanager/main.go): max(group_interval, 10 s) plus
  // position × peer_timeout. Each row: group_interval, the node's cluster wait, the deadline.
  const DEADLINES: readonly [string, number, number, number][] = [
    ['a short interval is raised to the 10 s floor', 7000, 0, 10_000],
    ['a long interval is used as it is', 60_000, 0, 60_000],
    ['position 1 of 15 s peers gets the floor plus its wait', 7000, 15_000, 25_000],
    ['position 2 adds its whole wait to a long interval', 60_000, 30_000, 90_000],
  ]
  for (const [name, groupInterval, waitMs, deadline] of DEADLINES) {
    it(`aborts a flush at its deadline: ${name}`, async (t) => {
      const aborted: number[] = []
      const { store, dispatcher } = setup(
        t,
        route({ receiver: 'r', group_wait: 0, group_interval: groupInterval }),
        {
          clusterWaitMs: () => waitMs,
          pipeline: untilAborted(aborted),
        }
      )
      dispatcher.start()
      store.put([alert({ alertname: 'A' })])
      t.mock.timers.tick(0)
      await settle()
      t.mock.timers.tick(deadline - 1)
      await settle()
      assert.deepEqual(aborted, [], 'aborted before its deadline')
      t.mock.timers.tick(1)
      await settle()
      assert.deepEqual(aborted, [deadline])
    })
  }

  it('reads the cluster wait at each flush, as positions change', async (t) => {
    const deadlines: number[] = []
    let waitMs = 15_000
    const { store, dispatcher } = setup(
      t,
      route({ receiver: 'r', group_wait: 0, group_interval: 60_000 }),
      {
        clusterWaitMs: () => waitMs,
        pipeline: untilAborted(deadlines),
      }
    )
    dispatcher.start()
    store.put([alert({ alertname: 'A' })])
    t.mock.timers.tick(0)
    await settle()
    waitMs = 0
    t.mock.timers.tick(75_000)
    await settle()
    // The first flush ran past the second tick; the queued tick flushes at once, without a wait.
    t.mock.timers.tick(60_000)
    await settle()
    assert.deepEqual(deadlines, [75_000, 60_000])
  })

  it('removes groups emptied by a successful flush at the next cleanup, then starts over', async (t) => {
    const { store, dispatcher, recorder, gauge } = setup(
      t,
      route({ receiver: 'r', group_by: ['alertname'], group_wait: 1000, group_interval: 60_000 }),
      { cleanupIntervalMs: 30_000 }
    )
    dispatcher.start()
    store.put([alert({ alertname: 'A' }, { endsAt: T0 + 500 })])
    t.mock.timers.tick(1000)
    await settle()
    assert.equal(recorder.flushes.length, 1)
    assert.equal(dispatcher.groupCount, 1)
    t.mock.timers.tick(29_000)
    await settle()
    assert.equal(dispatcher.groupCount, 0)
    assert.equal(await gauge(), 0)
    // A later alert recreates the group, which waits group_wait again.
    store.put([alert({ alertname: 'A' })])
    assert.equal(dispatcher.groupCount, 1)
    t.mock.timers.tick(999)
    await settle()
    assert.equal(recorder.flushes.length, 1)
    t.mock.timers.tick(1)
    await settle()
    assert.equal(recorder.flushes.length, 2)
  })

  it('keeps resolved alerts in their group when the pipeline fails', async (t) => {
    const { store, dispatcher, recorder } = setup(t, route({ receiver: 'r', group_wait: 1000 }), {
      cleanupIntervalMs: 5000,
    })
    recorder.fail.value = true
    dispatcher.start()
    store.put([alert({ alertname: 'A' }, { endsAt: T0 + 500 })])
    t.mock.timers.tick(5000)
    await settle()
    assert.equal(recorder.flushes.length, 1)
    assert.equal(dispatcher.groupCount, 1)
    assert.equal(
      dispatcher.groups(
        () => true,
        () => true
      ).groups[0]?.alerts.length,
      1
    )
  })

  it('stops every group, ignores later alerts and cannot be restarted', async (t) => {
    const { store, dispatcher, recorder } = setup(t, route({ receiver: 'r', group_wait: 1000 }))
    dispatcher.start()
    store.put([alert({ alertname: 'A' })])
    await dispatcher.stop()
    await dispatcher.stop()
    assert.equal(dispatcher.groupCount, 0)
    store.put([alert({ alertname: 'B' })])
    t.mock.timers.tick(10_000)
    await settle()
    assert.equal(recorder.flushes.length, 0)
    assert.equal(dispatcher.groupCount, 0)
    assert.throws(() => {
      dispatcher.start()
    }, ClosedError)
  })
})
