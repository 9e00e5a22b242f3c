// One alert's whole story through alertmesh's own API on a 3-node cluster: the node asked (n2)
// shows the one notification n0 sent, the "deduplicated" decisions of n1 and n2 that name n0,
// and, after n0 is killed, n1's notification once it took over.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { AlertStoryJson } from '#src/api/alertmesh/story-wire.js'

import { waitForPeerCount } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { STORY_PEER_TIMEOUT_MS, diskFull, startStoryCluster } from '../support/story-cluster.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import type { WebhookReceiver } from '../support/webhook-receiver.js'

async function storyOf(member: ClusterMember, fingerprint: string): Promise<AlertStoryJson> {
  return member.node.getJson<AlertStoryJson>(`/api/alertmesh/v1/alerts/${fingerprint}/story`)
}

describe('an alert story on a 3-node cluster', () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  let fingerprint: string
  const teardown = new Teardown()

  before(async () => {
    ;({ receiver, members, fingerprint } = await startStoryCluster(teardown))
  })
  after(() => teardown.run())

  it('shows one notification by n0 and the deduplicated decisions of n1 and n2', async () => {
    await receiver.next((d) => d.path === '/hook')
    // n1 waits one peer_timeout, n2 two, before they look at the nflog.
    const story = await waitFor(
      'the deduplicated decisions of n1 and n2 in the story on n2',
      async () => {
        const s = await storyOf(members[2]!, fingerprint)
        const nodes = new Set(
          s.groups[0]?.decisions.filter((d) => d.kind === 'deduplicated').map((d) => d.node)
        )
        return nodes.has('n1') && nodes.has('n2') ? s : undefined
      },
      { timeoutMs: 4 * STORY_PEER_TIMEOUT_MS + 20_000 }
    )
    assert.equal(story.node, 'n2')
    assert.deepEqual(story.receivers, ['team-pager'])
    assert.deepEqual(story.cluster.members, ['n0', 'n1', 'n2'])
    assert.deepEqual(story.cluster.unanswered, [])
    assert.equal(story.groups.length, 1)
    const group = story.groups[0]!
    assert.equal(group.receiver, 'team-pager')
    assert.deepEqual(group.labels, { alertname: 'DiskFull' })
    assert.deepEqual(
      group.notifications.map((n) => [n.node, n.integration, n.firing, n.resolved]),
      [['n0', 'webhook[0]', 1, 0]]
    )
    const sent = group.decisions.filter((d) => d.kind === 'sent')
    assert.deepEqual(
      sent.map((d) => d.node),
      ['n0']
    )
    assert.equal(sent[0]!.notifiedAt, group.notifications[0]!.at)
    for (const node of ['n1', 'n2']) {
      const waited = group.decisions.find((d) => d.node === node && d.kind === 'waited')
      assert.match(waited?.detail ?? '', new RegExp(`as position ${node.slice(1)}`), node)
      const deduped = group.decisions.find((d) => d.node === node && d.kind === 'deduplicated')
      assert.equal(deduped?.notifiedBy, 'n0', `${node} names the sender`)
      assert.equal(deduped.notifiedAt, sent[0]!.notifiedAt)
      assert.match(deduped.detail, /already notified|notified after this flush began/)
    }
    assert.equal(receiver.deliveries.length, 1, 'one notification reached the receiver')
  })

  it('lists the group with its last notification for the alert list', async () => {
    const groups = await members[2]!.node.getJson<
      { receiver: string; lastNotified: { node: string } }[]
    >('/api/alertmesh/v1/groups')
    assert.deepEqual(
      groups.map((g) => [g.receiver, g.lastNotified.node]),
      [['team-pager', 'n0']]
    )
  })

  it('answers 404 for an unknown alert and 400 for a malformed fingerprint', async () => {
    const base = members[2]!.node.url
    const unknown = await fetch(`${base}/api/alertmesh/v1/alerts/0123456789abcdef/story`)
    assert.equal(unknown.status, 404)
    assert.match(((await unknown.json()) as { message: string }).message, /not found/)
    const bad = await fetch(`${base}/api/alertmesh/v1/alerts/<b>x<%2Fb>/story`)
    assert.equal(bad.status, 400)
  })

  it('shows n1 notifying after n0 is killed', async () => {
    await members[0]!.node.kill()
    await waitForPeerCount(members.slice(1), 2, 30_000)
    for (const m of members.slice(1)) {
      assert.equal((await m.node.postAlerts([diskFull('db1'), diskFull('db2')])).status, 200)
    }
    await receiver.next((d) => d.path === '/hook' && d.payload.alerts.length === 2, {
      timeoutMs: 30_000,
    })
    const story = await waitFor(
      "n1's notification in the story on n2",
      async () => {
        const s = await storyOf(members[2]!, fingerprint)
        return s.groups[0]?.notifications.some((n) => n.node === 'n1') === true ? s : undefined
      },
      { timeoutMs: 20_000 }
    )
    const group = story.groups[0]!
    assert.deepEqual(
      group.notifications.map((n) => [n.node, n.firing]),
      [
        ['n0', 1],
        ['n1', 2],
      ]
    )
    assert.deepEqual(story.cluster.members, ['n1', 'n2'])
    assert.ok(
      group.decisions.some((d) => d.node === 'n1' && d.kind === 'sent'),
      'n1 says it sent'
    )
    assert.ok(!story.cluster.unanswered.some((u) => u.peer === 'n1'), 'n1 answered the question')
  })

  it("records a receiver's failure and the retry that got through", async () => {
    receiver.status = 500
    for (const m of members.slice(1)) {
      const alerts = [diskFull('db1'), diskFull('db2'), diskFull('db3')]
      assert.equal((await m.node.postAlerts(alerts)).status, 200)
    }
    const failed = await waitFor(
      "n1's failed attempt in the story on n2",
      async () => {
        const s = await storyOf(members[2]!, fingerprint)
        return s.groups[0]?.decisions.find((d) => d.node === 'n1' && d.kind === 'failed')
      },
      { timeoutMs: 20_000 }
    )
    assert.match(failed.detail, /^attempt 1 failed: .*500.*; retrying$/)
    receiver.status = 200
    await receiver.next((d) => d.path === '/hook' && d.payload.alerts.length === 3, {
      timeoutMs: 30_000,
    })
    // n2 waited its turn, found no entry for three alerts and is retrying too: whichever node
    // gets through first sends, and the other stops at its entry.
    const story = await waitFor(
      'the notification of three alerts in the story on n2',
      async () => {
        const s = await storyOf(members[2]!, fingerprint)
        return s.groups[0]?.notifications.some((n) => n.firing === 3) === true ? s : undefined
      },
      { timeoutMs: 20_000 }
    )
    const three = story.groups[0]!.notifications.filter((n) => n.firing === 3)
    assert.equal(three.length, 1, JSON.stringify(three))
    assert.ok(three[0]!.node === 'n1' || three[0]!.node === 'n2', JSON.stringify(three))
  })
})
