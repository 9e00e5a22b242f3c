// Silent loss of the position-0 host: its link goes down at the router and its process dies, so
// no FIN or RST reaches anyone, as in a power loss. The next node must deliver each group within
// group_wait + 5 s at the default peer_timeout of 15 s (Alertmanager waits the whole
// peer_timeout, and memberlist's suspicion time on top), and the lost node, once its host is
// back, must settle before it notifies and so send no group a second time.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import {
  firing,
  startFaultMember,
  startFaultSuite,
  waitForFlushes,
  waitForPeers,
} from '../../support/fault-cluster.js'
import type { FaultMember, FaultSuite } from '../../support/fault-cluster.js'
import { faultNetworkUnavailable } from '../../support/netns.js'
import { Teardown } from '../../support/teardown.js'

const GROUP_WAIT_MS = 1_000
const GROUPS = 10
const unavailable = faultNetworkUnavailable()

describe('silent loss of the position-0 node', { skip: unavailable }, () => {
  const teardown = new Teardown()
  let suite: FaultSuite

  before(async () => {
    suite = await startFaultSuite(teardown)
  })
  after(() => teardown.run())

  const address = (i: number): string => suite.network.nodes[i]?.address ?? ''
  const node = (i: number) => (suite.members[i] as FaultMember).node

  it('the next node delivers every group within group_wait + 5 s, and the lost node repeats none when it is back', async () => {
    const names = Array.from({ length: GROUPS }, (_, g) => `Lost${g}`)
    for (const { node: n } of suite.members) {
      assert.equal((await n.postAlerts(names.map(firing))).status, 200)
    }
    const posted = suite.receiver.now()
    // Power loss: the link goes first, so the dying process's RSTs reach nobody.
    suite.network.cut(0)
    await node(0).kill('SIGKILL')

    const deliveries = await Promise.all(
      names.map((name) =>
        suite.receiver.next((d) => d.payload.groupLabels['alertname'] === name, {
          timeoutMs: 60_000,
        })
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
    suite.network.restore(0)
    const restarted = await startFaultMember(suite.network, 0, {
      ...suite.options,
      dir: node(0).dir,
    })
    suite.members[0] = { index: 0, node: restarted }
    await waitForPeers(suite.members, 3)
    for (const { node: n } of suite.members) {
      assert.equal((await n.postAlerts(names.map(firing))).status, 200)
    }
    // Its first flush of each group has ended once a second one began.
    await waitForFlushes([suite.members[0]], names, 2)
    for (const name of names) {
      const sent = suite.receiver.deliveries.filter(
        (d) => d.payload.groupLabels['alertname'] === name
      )
      assert.deepEqual(
        sent.map((d) => d.from),
        [address(1)],
        `${name} delivered by ${sent.map((d) => `${d.from} at ${d.at - posted} ms`).join(', ')}`
      )
    }
  })
})
