// The runbook's rolling restart (docs/runbook.md §5) on a 3-node cluster: restart one node at a
// time with SIGTERM, waiting for it to be back and the cluster whole before the next. Alerts
// keep coming the whole time, sent to every running node as Prometheus does. Every group must be
// notified exactly once: none missed while a node is down, none repeated by a node coming back.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { clusterArgs, startReceiverCluster, waitForFullMembership } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { afterDedupChecks } from '../support/dedup-checks.js'
import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import type { WebhookReceiver } from '../support/webhook-receiver.js'

const PEER_TIMEOUT_S = 3
const GROUP_INTERVAL_S = 2

function config(receiver: WebhookReceiver): string {
  return `route:
  receiver: r
  group_by: [alertname]
  group_wait: 1s
  group_interval: ${GROUP_INTERVAL_S}s
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}/rolling
`
}

const alert = (alertname: string) => ({
  labels: { alertname },
  startsAt: iso(Date.now()),
  endsAt: iso(Date.now() + 3_600_000),
})

describe('rolling restart of a 3-node cluster', () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  const args = [`--cluster.peer-timeout=${PEER_TIMEOUT_S}s`]
  const teardown = new Teardown()

  before(async () => {
    ;({ receiver, members } = await startReceiverCluster(teardown, 3, (r) => ({
      config: config(r),
      args,
    })))
    await waitForFullMembership(members)
  })
  after(() => teardown.run())

  it('notifies every group once while each node restarts in turn', async () => {
    const sent: string[] = []
    const postToRunning = async (nodes: readonly TestNode[], names: readonly string[]) => {
      for (const node of nodes) {
        assert.equal((await node.postAlerts(names.map(alert))).status, 200)
      }
    }
    const delivered = (name: string) =>
      receiver.next((d) => d.payload.groupLabels['alertname'] === name, { timeoutMs: 30_000 })

    sent.push('Before')
    await postToRunning(
      members.map((m) => m.node),
      sent
    )
    await delivered('Before')

    const ports = members.map((m) => m.clusterPort)
    for (let k = 0; k < members.length; k++) {
      const member = members[k] as ClusterMember
      assert.equal(await member.node.kill('SIGTERM'), 0, `${member.name} stops cleanly`)
      // While it is down: a new alert reaches the other two and must still be notified.
      const others = members.filter((_, i) => i !== k).map((m) => m.node)
      const name = `WhileDown${k}`
      sent.push(name)
      await postToRunning(others, [name])
      await delivered(name)

      const restarted = teardown.stop(
        await TestNode.start({
          config: config(receiver),
          dir: member.node.dir,
          clusterArgs: clusterArgs(k, ports, false),
          args: [`--node.name=${member.name}`, ...args],
        })
      )
      members[k] = { ...member, node: restarted }
      // Prometheus re-sends every firing alert to every node, the restarted one included: it
      // must find in the gossiped nflog that each group was notified, and stay quiet.
      await postToRunning([restarted], sent)
      await waitForFullMembership(members)
    }

    // A duplicate would come from the last restarted node at its first flush of the groups,
    // after group_wait and its position's wait (at most 2 peer timeouts): await that flush's
    // nflog lookup of every group (a fresh process looks up nothing else). Its later flushes
    // compare with an nflog that only got newer.
    const last = members.at(-1) as ClusterMember
    await afterDedupChecks([last.node], [0], sent.length)
    const counts = new Map<string, number>()
    for (const d of receiver.on('/rolling')) {
      const name = d.payload.groupLabels['alertname'] ?? '?'
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    assert.deepEqual(
      Object.fromEntries(counts),
      Object.fromEntries(sent.map((name) => [name, 1])),
      'each group notified exactly once'
    )
  })
})
