// A peer that is alive but stalled: the position-0 node is stopped (SIGSTOP) before its flush,
// its peers find it gone and the next one delivers; then it continues (SIGCONT) with its flush
// overdue and its connections dead. It must learn what was sent meanwhile before it notifies:
// no group twice, no group missed.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import {
  firing,
  startFaultSuite,
  waitForFlushes,
  waitForPeers,
} from '../../support/fault-cluster.js'
import type { FaultMember, FaultSuite } from '../../support/fault-cluster.js'
import { faultNetworkUnavailable } from '../../support/netns.js'
import { Teardown } from '../../support/teardown.js'

const GROUPS = 5
const STALL_MS = 5_000
const unavailable = faultNetworkUnavailable()

describe('a stalled position-0 node', { skip: unavailable }, () => {
  const teardown = new Teardown()
  let suite: FaultSuite

  before(async () => {
    suite = await startFaultSuite(teardown)
  })
  after(async () => {
    // A failed test must not leave a stopped process for teardown to wait on.
    suite.members[0]?.node.process.kill('SIGCONT')
    await teardown.run()
  })

  const address = (i: number): string => suite.network.nodes[i]?.address ?? ''
  const node = (i: number) => (suite.members[i] as FaultMember).node

  it('the next node delivers while it is stopped, and it sends nothing twice when it continues', async (t) => {
    const names = Array.from({ length: GROUPS }, (_, g) => `Slow${g}`)
    for (const { node: n } of suite.members) {
      assert.equal((await n.postAlerts(names.map(firing))).status, 200)
    }
    const posted = suite.receiver.now()
    node(0).process.kill('SIGSTOP')
    const stopped = performance.now()

    await waitForPeers(
      suite.members.filter((m) => m.index !== 0),
      2
    )
    const deliveries = await Promise.all(
      names.map((name) =>
        suite.receiver.next((d) => d.payload.groupLabels['alertname'] === name, {
          timeoutMs: 60_000,
        })
      )
    )
    for (const d of deliveries) {
      assert.equal(d.from, address(1), `${d.payload.groupLabels['alertname']} sent by ${d.from}`)
    }
    t.diagnostic(
      `delivered by n1 ${Math.max(...deliveries.map((d) => d.at - posted))} ms after the alerts`
    )

    // The stall lasts 5 s at least: the fault's own length, not a wait for an event.
    await sleep(Math.max(0, STALL_MS - (performance.now() - stopped)))
    const resumedAt = node(0).output.length
    node(0).process.kill('SIGCONT')
    t.diagnostic(`n0 was stopped for ${(performance.now() - stopped).toFixed(0)} ms`)
    await waitForPeers(suite.members, 3)
    // Each group's flush that was overdue at SIGCONT, and the next one, have ended once a third
    // has begun.
    await waitForFlushes([suite.members[0] as FaultMember], names, 3, [resumedAt])
    assert.ok(
      node(0)
        .logRecords(resumedAt)
        .some((r) => r.msg.startsWith('This node did not run for longer than the ping timeout')),
      'n0 did not notice its stall'
    )
    for (const name of names) {
      const sent = suite.receiver.deliveries.filter(
        (d) => d.payload.groupLabels['alertname'] === name
      )
      assert.deepEqual(
        sent.map((d) => d.from),
        [address(1)],
        `${name} delivered by ${sent.map((d) => d.from).join(', ')}`
      )
    }
  })
})
