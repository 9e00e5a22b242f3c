// Follows one alert through a 2-node cluster at --log.level=debug, as an operator asking "why
// was this sent once, and why did the other node stay quiet?" would: every step is in the log,
// in order, each line carrying the same group key.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { startReceiverCluster, waitForFullMembership } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { iso } from '../support/fixtures.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import type { WebhookReceiver } from '../support/webhook-receiver.js'

const GROUP_KEY = '{}:{alertname="Traced"}'

/** trace is the node's log lines about the group, as (component, message) pairs in order. */
function trace(node: TestNode): string[] {
  return node
    .logRecords()
    .filter((r) => r.aggrGroup === GROUP_KEY)
    .map((r) => `${r.component ?? '-'}: ${r.msg}`)
}

/** assertInOrder checks that `wanted` occur in `lines` in this order (other lines may interleave). */
function assertInOrder(lines: readonly string[], wanted: readonly string[], node: string): void {
  let from = 0
  for (const line of wanted) {
    const at = lines.indexOf(line, from)
    assert.ok(at >= 0, `${node}: "${line}" missing after line ${from} of:\n${lines.join('\n')}`)
    from = at + 1
  }
}

describe('one alert followed through a 2-node cluster in the debug log', () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    ;({ receiver, members } = await startReceiverCluster(teardown, 2, (r) => ({
      config: `route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
receivers:
- name: team
  webhook_configs:
  - url: ${r.url}/hook
`,
      args: ['--cluster.peer-timeout=2s', '--log.level=debug', '--log.format=json'],
    })))
    await waitForFullMembership(members)
  })
  after(() => teardown.run())

  it('shows received, flushed, sent by position 0, skipped by position 1 after the nflog entry arrived', async () => {
    const [n0, n1] = members.map((m) => m.node) as [TestNode, TestNode]
    const alert = {
      labels: { alertname: 'Traced', instance: 'db-1' },
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
    }
    for (const node of [n0, n1]) {
      assert.equal((await node.postAlerts([alert])).status, 200)
    }
    const delivery = await receiver.next((d) => d.payload.groupKey === GROUP_KEY)
    assert.equal(delivery.payload.alerts.length, 1)
    await waitFor('position 1 decided', () =>
      trace(n1).includes('notify: Notification already sent')
    )

    assertInOrder(
      trace(n0),
      [
        'dispatcher: Received alert',
        'dispatcher: flushing',
        'notify: Notification needed',
        'notify: Notify attempt',
        'notify: Notify success',
        'nflog: gossiping new entry',
      ],
      'n0'
    )
    assertInOrder(
      trace(n1),
      [
        'dispatcher: Received alert',
        'dispatcher: flushing',
        'notify: Waiting for peers at lower positions',
        'notify: Notification already sent',
      ],
      'n1'
    )
    // Position 0's entry arrives before the decision, but it may arrive before n1's own flush
    // too: the alert reaches n1 a POST later than n0, which on a busy machine can be longer than
    // n0's send and gossip take.
    assertInOrder(
      trace(n1),
      ['nflog: Merged entry from a peer', 'notify: Notification already sent'],
      'n1'
    )
    // Position 1 never tried to send it.
    assert.ok(!trace(n1).includes('notify: Notify attempt'), 'n1 attempted a notification')
    assert.equal(receiver.deliveries.filter((d) => d.payload.groupKey === GROUP_KEY).length, 1)

    // The lines carry what an operator needs to read them: the alert, the receiver, the wait.
    const received = n0.logRecords().find((r) => r.msg === 'Received alert')
    assert.match(String(received?.['alert']), /^Traced\[[0-9a-f]{7}\]\[active\]$/)
    const skipped = n1.logRecords().find((r) => r.msg === 'Notification already sent')
    assert.ok(skipped !== undefined)
    assert.equal(skipped['receiver'], 'team')
    assert.equal(skipped['integration'], 'webhook[0]')
    assert.equal(typeof skipped['lastNotified'], 'string')
    const waited = n1.logRecords().find((r) => r.msg === 'Waiting for peers at lower positions')
    assert.equal(waited?.['waitMs'], 2000)
    // Every such line is at debug level (20): none of this is printed at the default info.
    for (const r of n1.logRecords().filter((r) => r.aggrGroup === GROUP_KEY)) {
      assert.equal(r.level, 20, `${r.msg} is not a debug line`)
    }
  })
})
