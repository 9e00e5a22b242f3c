// Silent loss of the position-0 node: its link goes down at the router, so no FIN or RST reaches
// anyone, as when a host loses power. The next node must deliver each group within group_wait
// + 5 s at the default peer_timeout of 15 s (Alertmanager waits the whole peer_timeout, and
// memberlist's suspicion time on top), and the lost node, once it is reachable again, must not
// send a group a second time.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { startFaultCluster, stopFaultCluster, waitForPeers } from '../../support/fault-cluster.js'
import type { FaultMember } from '../../support/fault-cluster.js'
import { iso } from '../../support/fixtures.js'
import { FaultNetwork, faultNetworkUnavailable } from '../../support/netns.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'
import { WebhookReceiver } from '../../support/webhook-receiver.js'

const GROUP_WAIT_MS = 1_000
const GROUPS = 5
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

  before(async () => {
    network = teardown.stop(FaultNetwork.create(3))
    receiver = teardown.stop(await WebhookReceiver.start(network.hostAddress))
    members = teardown.add(
      await startFaultCluster(network, {
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
      }),
      stopFaultCluster
    )
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
    network.cut(0)

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

    // The lost node comes back: it must learn of the deliveries before anything of its own
    // gets through, however its retries are timed.
    const back = node(0).output.length
    network.restore(0)
    await waitForPeers(members, 3)
    await waitFor(
      'the lost node flushed every group again',
      () =>
        names.every(
          (name) =>
            node(0)
              .logRecords(back)
              .filter((r) => r.msg === 'flushing' && r.aggrGroup === `{}:{alertname="${name}"}`)
              .length >= 1
        ),
      { timeoutMs: 30_000 }
    )
    // Its first flush after the link came back has ended once a second one began.
    await waitFor(
      'a second flush of every group on the lost node',
      () =>
        names.every(
          (name) =>
            node(0)
              .logRecords(back)
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
        `${name} delivered by ${sent.map((d) => d.from).join(', ')}`
      )
    }
  })
})
