// A partition {n0, n1} | {n2} with the receiver reachable from both sides: both sides notify
// (fail open, as Alertmanager: a side cannot tell a partition from dead peers), nothing is
// missed, and once the partition heals the silences and nflog entries made on either side are
// on every node within a second, so no notification repeats after the heal.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import {
  firing,
  startFaultSuite,
  waitForFlushes,
  waitForPeers,
  waitForSilences,
} from '../../support/fault-cluster.js'
import type { FaultMember, FaultSuite } from '../../support/fault-cluster.js'
import { alertnameSilence } from '../../support/fixtures.js'
import { faultNetworkUnavailable } from '../../support/netns.js'
import { sampleValue } from '../../support/prometheus.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'

const GROUPS = 5
const CONVERGENCE_MS = 1_000
const unavailable = faultNetworkUnavailable()

describe('a partition {n0, n1} | {n2}', { skip: unavailable }, () => {
  const teardown = new Teardown()
  let suite: FaultSuite

  before(async () => {
    // A short peer_timeout keeps the flushes of positions 1 and 2 short; the heal is what
    // this test is about, not the wait.
    suite = await startFaultSuite(teardown, ['--cluster.peer-timeout=2s'])
  })
  after(() => teardown.run())

  const address = (i: number): string => suite.network.nodes[i]?.address ?? ''
  const node = (i: number) => (suite.members[i] as FaultMember).node
  const side = (indexes: readonly number[]) =>
    suite.members.filter((m) => indexes.includes(m.index))

  it('both sides notify during the partition, and silences and nflog entries converge within 1 s of the heal', async (t) => {
    suite.network.partition([[0, 1], [2]])
    await Promise.all([waitForPeers(side([0, 1]), 2), waitForPeers(side([2]), 1)])

    const names = Array.from({ length: GROUPS }, (_, g) => `Split${g}`)
    for (const { node: n } of suite.members) {
      assert.equal((await n.postAlerts(names.map(firing))).status, 200)
    }
    for (const name of names) {
      const byName = (d: { payload: { groupLabels: Record<string, string> } }): boolean =>
        d.payload.groupLabels['alertname'] === name
      await suite.receiver.next((d) => byName(d) && d.from === address(0), { timeoutMs: 30_000 })
      await suite.receiver.next((d) => byName(d) && d.from === address(2), { timeoutMs: 30_000 })
    }
    assert.ok(
      suite.receiver.deliveries.every((d) => d.from !== address(1)),
      'n1 sent although n0, at a lower position on its side, did'
    )

    // A silence on each side while they cannot talk.
    const now = Date.now()
    const made = await Promise.all(
      [0, 2].map(async (i) => {
        const res = await node(i).postSilence(
          alertnameSilence(`Silenced${i}`, now - 1_000, now + 3_600_000)
        )
        assert.equal(res.status, 200, await res.clone().text())
        return ((await res.json()) as { silenceID: string }).silenceID
      })
    )
    // Hold the partition until n2 has failed to reconnect 8 times: doubling from 100 ms, its
    // next try would be 10 s away (reconnect-interval), so a heal now shows how soon it comes
    // back however long the partition lasted.
    await waitFor(
      'n2 failed to reconnect 8 times',
      async () =>
        (await sampleValue(node(2).url, 'alertmanager_cluster_reconnections_failed_total')) >= 8,
      { timeoutMs: 60_000, intervalMs: 100 }
    )
    const beforeHeal = suite.receiver.deliveries.length
    const offsets = suite.members.map((m) => m.node.output.length)

    suite.network.heal()
    const healed = performance.now()
    const joined = suite.members.map(() => -1)
    const watchJoins = waitFor(
      'joins',
      () =>
        suite.members.every((m, i) => {
          if (
            joined[i] === -1 &&
            m.node.logRecords(offsets[i]).some((r) => r.msg === 'Peer joined')
          ) {
            joined[i] = performance.now() - healed
          }
          return joined[i] !== -1
        }),
      { timeoutMs: 30_000, intervalMs: 5 }
    )
    await waitForSilences(suite.members, made, 30_000)
    const silencesAfter = performance.now() - healed
    // A node keeps the newer of two entries for the same group (Alertmanager's merge rule), so
    // the side that notified first takes the other side's entries, not the other way round.
    await waitFor(
      'each group: the newer nflog entry merged across the healed partition',
      () =>
        names.every((name) =>
          [0, 2].some((i) =>
            node(i)
              .logRecords(offsets[i])
              .some(
                (r) =>
                  r.msg === 'Merged entry from a peer' && r.aggrGroup === `{}:{alertname="${name}"}`
              )
          )
        ),
      { timeoutMs: 30_000, intervalMs: 20 }
    )
    const nflogAfter = performance.now() - healed
    await watchJoins
    t.diagnostic(
      `first peer joined after the heal, per node: ${joined.map((j) => j.toFixed(0)).join(', ')} ms`
    )
    t.diagnostic(
      `after the heal: silences on every node in ${silencesAfter.toFixed(0)} ms, nflog in ${nflogAfter.toFixed(0)} ms`
    )
    assert.ok(
      silencesAfter <= CONVERGENCE_MS,
      `silences reached every node ${silencesAfter.toFixed(0)} ms after the heal`
    )
    assert.ok(
      nflogAfter <= CONVERGENCE_MS,
      `nflog entries reached the other side ${nflogAfter.toFixed(0)} ms after the heal`
    )
    await waitForPeers(suite.members, 3)

    // Every node flushes each group again after group_interval; none may send it again.
    await waitForFlushes(suite.members, names, 2, offsets)
    assert.deepEqual(
      suite.receiver.deliveries
        .slice(beforeHeal)
        .map((d) => `${d.payload.groupLabels['alertname']} from ${d.from}`),
      [],
      'notifications repeated after the heal'
    )
  })
})
