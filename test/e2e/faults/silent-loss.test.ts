// Silent loss of the position-0 host: its link goes down at the router and its process dies, so
// no FIN or RST reaches anyone, as in a power loss. The next node must deliver each group within
// group_wait + 5 s at the default peer_timeout of 15 s (Alertmanager waits the whole
// peer_timeout, and memberlist's suspicion time on top), and the lost node, once its host is
// back, must settle before it notifies and so send no group a second time.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import {
  startFaultCluster,
  startFaultMember,
  stopFaultCluster,
  waitForPeers,
} from '../../support/fault-cluster.js'
import type { FaultClusterOptions, FaultMember } from '../../support/fault-cluster.js'
import { iso } from '../../support/fixtures.js'
import { FaultNetwork, faultNetworkUnavailable } from '../../support/netns.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'
import { WebhookReceiver } from '../../support/webhook-receiver.js'

const GROUP_WAIT_MS = 1_000
const GROUPS = 10
const unavailable = faultNetworkUnavailable()

const alert = (alertname: string) => ({
  labels: { alertname },
  startsAt: iso(Date.now()),
  endsAt: iso(Date.now() + 3_600_000),
})

describe('silent loss of the position-0 node', { skip: unavailable }, () => {
  const teardown = new Teardown()
  let network: FaultNetwork
  let receiver: WebhookReceiver
  let members: FaultMember[]
  let OPTIONS: FaultClusterOptions

  before(async () => {
    network = teardown.stop(FaultNetwork.create(3))
    receiver = teardown.stop(await WebhookReceiver.start(network.hostAddress))
    OPTIONS = {
      config: `route:
  receiver: r
  group_by: [alertname]
  group_wait: ${GROUP_WAIT_MS / 1000}s
  group_interval: 5s
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}/hook
`,
      args: ['--log.level=debug', '--log.format=json'],
    }
    members = await startFaultCluster(network, OPTIONS)
    // The restart replaces a member; release whichever are current.
    teardown.add(undefined, () => stopFaultCluster(members))
  })
  after(() => teardown.run())

  const address = (i: number): string => network.nodes[i]?.address ?? ''
  const node = (i: number) => (members[i] as FaultMember).node

  it('the next node delivers every group within group_wait + 5 s, and the lost node repeats none when it is back', async () => {
    const names = Array.from({ length: GROUPS }, (_, g) => `Lost${g}`)
    for (const { node: n } of members) {
      assert.equal((await n.postAlerts(names.map(alert))).status, 200)
    }
    const posted = receiver.now()
    // Power loss: the link goes first, so the dying process's RSTs reach nobody.
    network.cut(0)
    await node(0).kill('SIGKILL')

    const deliveries = await Promise.all(
      names.map((name) =>
        receiver.next((d) => d.payload.groupLabels['alertname'] === name, { timeoutMs: 60_000 })
      )
    )
    for (const d of deliveries) {
      const delay = d.at - posted
      assert.equal(d.from, address(1), `${d.payload.groupLabels['alertname']} sent by ${d.from}`)
      assert.ok(
        delay <= GROUP_WAIT_MS + 5_000,
        `delivered ${delay} ms after the alerts, more than group_wait + 5 s`
      )
    }

    // The host comes back: the link first, then the node starts again on its data directory.
    // Prometheus sends its firing alerts again at its next evaluation; the node must have
    // settled (pulled the nflog from its peers) before its flush, so it sends nothing.
    network.restore(0)
    const restarted = await startFaultMember(network, 0, { ...OPTIONS, dir: node(0).dir })
    members[0] = { index: 0, node: restarted }
    await waitForPeers(members, 3)
    for (const { node: n } of members) {
      assert.equal((await n.postAlerts(names.map(alert))).status, 200)
    }
    // Its first flush of each group has ended once a second one began.
    await waitFor(
      'two flushes of every group on the restarted node',
      () =>
        names.every(
          (name) =>
            restarted
              .logRecords()
              .filter((r) => r.msg === 'flushing' && r.aggrGroup === `{}:{alertname="${name}"}`)
              .length >= 2
        ),
      { timeoutMs: 30_000 }
    )
    for (const name of names) {
      const sent = receiver.deliveries.filter((d) => d.payload.groupLabels['alertname'] === name)
      assert.deepEqual(
        sent.map((d) => d.from),
        [address(1)],
        `${name} delivered by ${sent.map((d) => `${d.from} at ${d.at - posted} ms`).join(', ')}`
      )
    }
  })
})
