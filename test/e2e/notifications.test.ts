// End-to-end notification behaviour of one node against a real webhook receiver, compared
// with what Alertmanager 0.25 does (dispatch/ and notify/; its acceptance tests TestMerge/TestRepeat/
// TestReload/TestResolved). Timing assertions use windows around the expected instant.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

/** within asserts that an instant lies in [from, to] (ms since the receiver started). */
function within(at: number, from: number, to: number, what: string): void {
  assert.ok(at >= from && at <= to, `${what} at ${at} ms, expected within [${from}, ${to}]`)
}

// Every case starts its own node and listens on its own receiver path, so the cases run side by
// side; each timing window is measured from after its own node is up.
describe('notifications', { concurrency: true }, () => {
  let receiver: WebhookReceiver
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
  })
  after(() => teardown.run())

  async function node(
    config: string,
    args: string[] = [],
    routePrefix?: string
  ): Promise<TestNode> {
    return teardown.stop(
      await TestNode.start({
        config,
        args,
        ...(routePrefix === undefined ? {} : { routePrefix }),
      })
    )
  }

  it('merges repeated alerts of a group into one notification after group_wait', async () => {
    const path = '/merge'
    const n = await node(`
route:
  receiver: r
  group_by: [alertname]
  group_wait: 1s
  group_interval: 10s
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`)
    const t0 = receiver.now()
    const a = { labels: { alertname: 'Merge', instance: 'a' } }
    const b = { labels: { alertname: 'Merge', instance: 'b' } }
    assert.equal((await n.postAlerts([a])).status, 200)
    assert.equal((await n.postAlerts([a, b])).status, 200)
    assert.equal((await n.postAlerts([{ ...a, annotations: { summary: 'updated' } }])).status, 200)
    const first = await receiver.next((d) => d.path === path)
    within(first.at - t0, 800, 2500, 'first notification')
    assert.equal(first.payload.alerts.length, 2)
    assert.deepEqual(
      first.payload.alerts.map((x) => x.labels['instance']),
      ['a', 'b']
    )
    // The latest annotation wins in the merged alert.
    assert.equal(first.payload.alerts[0]?.annotations['summary'], 'updated')
    assert.equal(first.payload.groupKey, '{}:{alertname="Merge"}')
    assert.equal(receiver.on(path).length, 1)
  })

  it('resends an unchanged group only after repeat_interval, at a group tick', async () => {
    const path = '/repeat'
    const n = await node(`
route:
  receiver: r
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 3s
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`)
    const t0 = receiver.now()
    await n.postAlerts([{ labels: { alertname: 'Repeat' }, endsAt: iso(Date.now() + 60_000) }])
    const first = await receiver.next((d) => d.path === path)
    within(first.at - t0, 300, 2000, 'first notification')
    const second = await receiver.next((d) => d.path === path && d !== first, { timeoutMs: 10_000 })
    // Sent at the first tick after first + 3 s: ticks come every second after the first flush.
    within(second.at - first.at, 2800, 4600, 'repeat')
    assert.equal(receiver.on(path).length, 2, 'nothing between first and repeat')
  })

  it('batches every alert into one notification with group_by []', async () => {
    const path = '/batch'
    const n = await node(`
route:
  receiver: r
  group_by: []
  group_wait: 1s
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`)
    await n.postAlerts([
      { labels: { alertname: 'One', job: 'b' } },
      { labels: { alertname: 'Two', job: 'a' } },
      { labels: { alertname: 'Three' } },
    ])
    const d = await receiver.next((x) => x.path === path)
    assert.equal(d.payload.alerts.length, 3)
    assert.deepEqual(d.payload.groupLabels, {})
    assert.equal(d.payload.groupKey, '{}:{}')
    // Alertmanager's order: by job (present first), then by labels.
    assert.deepEqual(
      d.payload.alerts.map((a) => a.labels['alertname']),
      ['Two', 'One', 'Three']
    )
  })

  it('resolves an alert posted without endsAt after resolve_timeout and notifies it', async () => {
    const path = '/timeout'
    const n = await node(`
global:
  resolve_timeout: 2s
route:
  receiver: r
  group_wait: 500ms
  group_interval: 1s
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`)
    const t0 = receiver.now()
    await n.postAlerts([{ labels: { alertname: 'Timeout' } }])
    const firing = await receiver.next((d) => d.path === path)
    assert.equal(firing.payload.status, 'firing')
    assert.equal(firing.payload.alerts[0]?.endsAt, '0001-01-01T00:00:00Z')
    const resolved = await receiver.next((d) => d.path === path && d.payload.status === 'resolved')
    within(resolved.at - t0, 1900, 4500, 'resolved notification')
    // The API no longer lists it once ended.
    assert.deepEqual(await n.getJson('/api/v2/alerts'), [])
  })

  it('sends resolved notifications only to the webhook with send_resolved true', async () => {
    const n = await node(`
route:
  receiver: r
  group_wait: 500ms
  group_interval: 1s
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}/resolved-yes
    send_resolved: true
  - url: ${receiver.url}/resolved-no
    send_resolved: false
`)
    const alert = { labels: { alertname: 'Resolve' }, startsAt: iso(Date.now() - 1000) }
    await n.postAlerts([alert])
    await receiver.next((d) => d.path === '/resolved-yes')
    await receiver.next((d) => d.path === '/resolved-no')
    await n.postAlerts([{ ...alert, endsAt: iso(Date.now()) }])
    const resolved = await receiver.next(
      (d) => d.path === '/resolved-yes' && d.payload.status === 'resolved'
    )
    assert.notEqual(resolved.payload.alerts[0]?.endsAt, '0001-01-01T00:00:00Z')
    // Wait two more group ticks: the other webhook must stay silent.
    await new Promise((r) => setTimeout(r, 2500))
    assert.deepEqual(
      receiver.on('/resolved-no').map((d) => d.payload.status),
      ['firing']
    )
    assert.deepEqual(
      receiver.on('/resolved-yes').map((d) => d.payload.status),
      ['firing', 'resolved']
    )
  })

  it('restarts group timers from a reload and sends nothing twice', async () => {
    const path = '/reload'
    const config = `
route:
  receiver: r
  group_wait: 500ms
  group_interval: 3s
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`
    const n = await node(config)
    await n.postAlerts([{ labels: { alertname: 'Reload', n: '1' } }])
    const first = await receiver.next((d) => d.path === path)
    await new Promise((r) => setTimeout(r, 1000))
    const reloadAt = receiver.now()
    assert.equal((await n.reload()).status, 200)
    await n.postAlerts([{ labels: { alertname: 'Reload', n: '2' } }])
    const second = await receiver.next((d) => d.path === path && d !== first)
    // Without the reload the tick would come at first + 3 s; after it, at reload + 3 s.
    within(second.at - reloadAt, 2700, 4500, 'notification after reload')
    assert.equal(second.payload.alerts.length, 2)
    assert.equal(receiver.on(path).length, 2, 'the unchanged group was not re-sent at the reload')
  })

  it('serves everything under --web.route-prefix and puts the external URL in payloads', async () => {
    const path = '/prefix'
    const n = await node(
      `
route:
  receiver: r
  group_wait: 500ms
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`,
      ['--web.external-url=http://alerts.example.test:9093/am/', '--web.route-prefix=/am'],
      '/am'
    )
    assert.equal((await n.postAlerts([{ labels: { alertname: 'Prefixed' } }])).status, 200)
    const d = await receiver.next((x) => x.path === path)
    assert.equal(d.payload.externalURL, 'http://alerts.example.test:9093/am')
    const root = n.url.replace(/\/am$/, '')
    const redirect = await fetch(`${root}/`, { redirect: 'manual' })
    assert.equal(redirect.status, 302)
    assert.equal(redirect.headers.get('location'), '/am')
    assert.equal((await fetch(`${root}/api/v2/status`)).status, 404)
    assert.equal((await fetch(`${n.url}/api/v2/status`)).status, 200)
    assert.equal((await fetch(`${n.url}/-/healthy`)).status, 200)
  })
})
