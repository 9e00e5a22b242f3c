// alertmesh's alert story and last-notified list (/api/alertmesh/v1/alerts/{fp}/story and
// /groups) on a node wired in this process, without a cluster: a notified group is listed with
// its sender, one never notified is left out, and a silenced alert's story names its silence and
// the pipeline's "silenced" decision. The 3-node story is in test/e2e/alert-story.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { AlertStoryJson, GroupNotifiedJson } from '#src/api/alertmesh/story-wire.js'

import { InProcessNode } from '../../support/api-harness.js'
import { alertnameSilence, iso } from '../../support/fixtures.js'
import { getJson, postAlerts, postSilence } from '../../support/node-api.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'
import { WebhookReceiver } from '../../support/webhook-receiver.js'

const config = (receiver: WebhookReceiver) => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  routes:
  - matchers: ['alertname="Later"']
    group_wait: 1h
receivers:
- name: hook
  webhook_configs:
  - url: ${receiver.url}/hook
`

const firing = (alertname: string) => ({
  labels: { alertname },
  startsAt: iso(Date.now() - 1000),
})

describe('alertmesh API: alert story on one node', () => {
  let node: InProcessNode
  let receiver: WebhookReceiver
  let name: string
  const teardown = new Teardown()
  const fingerprints = new Map<string, string>()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    node = teardown.stop(await InProcessNode.start({ config: config(receiver) }))
    name = (await getJson<{ alertmesh: { name: string } }>(node.url, '/api/v2/status')).alertmesh
      .name
    const silence = await postSilence(
      node.url,
      alertnameSilence('Quiet', Date.now() - 1000, Date.now() + 3_600_000)
    )
    assert.equal(silence.status, 200)
    const res = await postAlerts(node.url, [firing('Now'), firing('Later'), firing('Quiet')])
    assert.equal(res.status, 200)
    for (const a of await getJson<{ fingerprint: string; labels: { alertname: string } }[]>(
      node.url,
      '/api/v2/alerts'
    )) {
      fingerprints.set(a.labels.alertname, a.fingerprint)
    }
    await receiver.next((d) => d.path === '/hook')
  })
  after(() => teardown.run())

  const story = (alertname: string) =>
    getJson<AlertStoryJson>(
      node.url,
      `/api/alertmesh/v1/alerts/${fingerprints.get(alertname) ?? ''}/story`
    )

  it('lists only the notified group, sent by this node', async () => {
    const groups = await waitFor('the notified group', async () => {
      const list = await getJson<GroupNotifiedJson[]>(node.url, '/api/alertmesh/v1/groups')
      return list.length > 0 ? list : undefined
    })
    assert.deepEqual(
      groups.map((g) => [g.labels, g.receiver, g.lastNotified.node, g.lastNotified.firing]),
      [[{ alertname: 'Now' }, 'hook', name, 1]]
    )
  })

  it('tells a group that waits its group_wait apart: no notification, no decision', async () => {
    const later = await story('Later')
    assert.equal(later.node, name)
    assert.deepEqual(later.cluster, { status: 'disabled', members: [], unanswered: [] })
    assert.deepEqual(later.receivers, ['hook'])
    assert.deepEqual(later.routes, [{ path: [0], receiver: 'hook' }])
    assert.deepEqual(
      later.groups.map((g) => [g.notifications.length, g.decisions.length]),
      [[0, 0]]
    )
  })

  it("names a silenced alert's silence and the pipeline's silenced decision", async () => {
    const quiet = await waitFor('the silenced decision', async () => {
      const s = await story('Quiet')
      return s.groups[0]?.decisions.some((d) => d.kind === 'silenced') === true ? s : undefined
    })
    assert.equal(quiet.alert.status.state, 'suppressed')
    assert.deepEqual(
      quiet.silences.map((s) => [s.createdBy, s.status.state]),
      [['e2e', 'active']]
    )
    assert.deepEqual(
      quiet.silences.map((s) => s.id),
      quiet.alert.status.silencedBy
    )
    const silenced = quiet.groups[0]!.decisions.find((d) => d.kind === 'silenced')
    assert.equal(silenced?.detail, 'all 1 alert silenced: nothing to send')
    assert.equal(silenced.node, name)
    assert.equal(silenced.integration, '')
  })
})
