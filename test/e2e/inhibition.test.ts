// Inhibition and time intervals end to end (Alertmanager's inhibit/inhibit.go, timeinterval/timeinterval.go, notify/notify.go).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

interface GettableAlert {
  labels: Record<string, string>
  fingerprint: string
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] }
}

describe('inhibition', () => {
  let receiver: WebhookReceiver
  let node: TestNode
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    node = teardown.stop(
      await TestNode.start({
        config: `
route:
  receiver: r
  group_by: [alertname, cluster]
  group_wait: 300ms
  group_interval: 1s
  repeat_interval: 1h
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [cluster]
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}/inhibit
`,
      })
    )
  })
  after(() => teardown.run())

  const byName = async (): Promise<Map<string, GettableAlert>> =>
    new Map(
      (await node.getJson<GettableAlert[]>('/api/v2/alerts')).map((a) => [
        `${a.labels['alertname']}/${a.labels['cluster']}`,
        a,
      ])
    )

  it('inhibits targets with equal labels, shows inhibitedBy at once, and ends with the source', async () => {
    const start = Date.now() - 1000
    await node.postAlerts([
      { labels: { alertname: 'Down', severity: 'critical', cluster: 'a' }, startsAt: iso(start) },
      { labels: { alertname: 'Slow', severity: 'warning', cluster: 'a' }, startsAt: iso(start) },
      { labels: { alertname: 'Slow', severity: 'warning', cluster: 'b' }, startsAt: iso(start) },
    ])
    const alerts = await byName()
    const source = alerts.get('Down/a')
    assert.ok(source)
    assert.deepEqual(alerts.get('Slow/a')?.status, {
      inhibitedBy: [source.fingerprint],
      silencedBy: [],
      state: 'suppressed',
    })
    assert.deepEqual(alerts.get('Slow/b')?.status, {
      inhibitedBy: [],
      silencedBy: [],
      state: 'active',
    })
    // A source inhibits even though it matches the source matchers only.
    assert.deepEqual(source.status.inhibitedBy, [])
    await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Down')
    await receiver.next(
      (d) =>
        d.payload.groupLabels['alertname'] === 'Slow' && d.payload.groupLabels['cluster'] === 'b'
    )
    await sleep(1500)
    assert.equal(
      receiver.deliveries.filter(
        (d) =>
          d.payload.groupLabels['alertname'] === 'Slow' && d.payload.groupLabels['cluster'] === 'a'
      ).length,
      0,
      'the inhibited target was not notified'
    )
    // The source resolves: the target is notified at its next group tick.
    await node.postAlerts([
      {
        labels: { alertname: 'Down', severity: 'critical', cluster: 'a' },
        startsAt: iso(start),
        endsAt: iso(Date.now()),
      },
    ])
    const target = await receiver.next(
      (d) =>
        d.payload.groupLabels['alertname'] === 'Slow' && d.payload.groupLabels['cluster'] === 'a'
    )
    assert.equal(target.payload.status, 'firing')
    assert.equal((await byName()).get('Slow/a')?.status.state, 'active')
  })

  it('never notifies a target that resolves together with its source', async () => {
    const start = Date.now() - 1000
    await node.postAlerts([
      { labels: { alertname: 'Down2', severity: 'critical', cluster: 'c' }, startsAt: iso(start) },
      { labels: { alertname: 'Slow2', severity: 'warning', cluster: 'c' }, startsAt: iso(start) },
    ])
    await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Down2')
    const end = iso(Date.now())
    await node.postAlerts([
      {
        labels: { alertname: 'Down2', severity: 'critical', cluster: 'c' },
        startsAt: iso(start),
        endsAt: end,
      },
      {
        labels: { alertname: 'Slow2', severity: 'warning', cluster: 'c' },
        startsAt: iso(start),
        endsAt: end,
      },
    ])
    await receiver.next(
      (d) => d.payload.groupLabels['alertname'] === 'Down2' && d.payload.status === 'resolved'
    )
    await sleep(2000)
    assert.equal(
      receiver.deliveries.filter((d) => d.payload.groupLabels['alertname'] === 'Slow2').length,
      0,
      'a resolved group that was never notified stays silent'
    )
  })
})

describe('time intervals', () => {
  let receiver: WebhookReceiver
  let node: TestNode
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    // "always" covers every instant; "never" lies in the past.
    node = teardown.stop(
      await TestNode.start({
        config: `
route:
  receiver: r
  group_by: [alertname]
  group_wait: 300ms
  group_interval: 1s
  routes:
  - matchers: [case="muted"]
    mute_time_intervals: [always]
  - matchers: [case="mute-elsewhen"]
    mute_time_intervals: [never]
  - matchers: [case="inactive"]
    active_time_intervals: [never]
  - matchers: [case="active"]
    active_time_intervals: [always]
time_intervals:
- name: always
  time_intervals:
  - times: [{start_time: "00:00", end_time: "24:00"}]
- name: never
  time_intervals:
  - years: ['2001']
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}/time
`,
      })
    )
  })
  after(() => teardown.run())

  it('sends nothing inside a mute interval or outside an active interval, and sends otherwise', async () => {
    await node.postAlerts(
      ['muted', 'mute-elsewhen', 'inactive', 'active'].map((c) => ({
        labels: { alertname: `Time-${c}`, case: c },
      }))
    )
    await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Time-mute-elsewhen')
    await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Time-active')
    await sleep(2000)
    const names = new Set(receiver.deliveries.map((d) => d.payload.groupLabels['alertname']))
    assert.ok(!names.has('Time-muted'), 'muted route sent nothing')
    assert.ok(!names.has('Time-inactive'), 'inactive route sent nothing')
  })
})
