// The whole cluster dies at once (SIGKILL, as in a power cut) while partitioned, each side
// holding silences the other has never seen, and comes back with the network healed: every
// silence made on either side must be on every node again.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import {
  startFaultCluster,
  startFaultMember,
  stopFaultCluster,
  waitForPeers,
  waitForSilences,
} from '../../support/fault-cluster.js'
import type { FaultClusterOptions, FaultMember } from '../../support/fault-cluster.js'
import { alertnameSilence } from '../../support/fixtures.js'
import { FaultNetwork, faultNetworkUnavailable } from '../../support/netns.js'
import { Teardown } from '../../support/teardown.js'

const unavailable = faultNetworkUnavailable()
const OPTIONS: FaultClusterOptions = {
  config: `route:
  receiver: r
receivers:
- name: r
`,
}

describe('all nodes restarted at once after a partition', { skip: unavailable }, () => {
  const teardown = new Teardown()
  let network: FaultNetwork
  let members: FaultMember[]

  before(async () => {
    network = teardown.stop(FaultNetwork.create(3))
    members = await startFaultCluster(network, OPTIONS)
    // The members are replaced by the restart; release whichever are current.
    teardown.add(undefined, () => stopFaultCluster(members))
  })
  after(() => teardown.run())

  it('keeps every silence made on either side', async () => {
    network.partition([[0, 1], [2]])
    await Promise.all([
      waitForPeers(
        members.filter((m) => m.index !== 2),
        2
      ),
      waitForPeers(
        members.filter((m) => m.index === 2),
        1
      ),
    ])
    const now = Date.now()
    const made: string[] = []
    for (const [i, k] of [0, 1, 2, 2, 0, 2].entries()) {
      const res = await (members[k] as FaultMember).node.postSilence(
        alertnameSilence(`Diverged${i}`, now - 1_000, now + 3_600_000)
      )
      assert.equal(res.status, 200, await res.clone().text())
      made.push(((await res.json()) as { silenceID: string }).silenceID)
    }
    // Each side must hold its own silences before the power cut (they are acknowledged, so
    // they are on disk), and must not yet have the other side's.
    const side2 = await (members[2] as FaultMember).node.getJson<{ id: string }[]>(
      '/api/v2/silences'
    )
    assert.equal(side2.length, 3)

    await Promise.all(members.map((m) => m.node.kill('SIGKILL')))
    network.heal()
    members = await Promise.all(
      members.map(async (m) => ({
        index: m.index,
        node: await startFaultMember(network, m.index, { ...OPTIONS, dir: m.node.dir }),
      }))
    )
    await waitForPeers(members, 3)
    await waitForSilences(members, made)
  })
})
