// A Consul-mode cluster in which one node loses both its peers and Consul: it must keep running
// on its last config and its last peer list, say in /api/v2/status that Consul is unreachable,
// find its peers again from that list once the partition heals (Consul still out of reach), and
// take the config pushed meanwhile once Consul is back.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { hashHex } from '#src/cli/config-controller.js'
import { configHash } from '#src/config/index.js'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin } from '../../support/consul-standin/index.js'
import { startFaultCluster, stopFaultCluster, waitForPeers } from '../../support/fault-cluster.js'
import type { FaultMember } from '../../support/fault-cluster.js'
import { FaultNetwork, faultNetworkUnavailable } from '../../support/netns.js'
import type { TestNode } from '../../support/node-process.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'

const PREFIX = 'faults'
const unavailable = faultNetworkUnavailable()

interface ConfigView {
  readonly source: string
  readonly hash: string
  readonly consul?: { readonly reachable: boolean }
}

const config = (receiverName: string): string => `route:
  receiver: ${receiverName}
receivers:
- name: ${receiverName}
`

async function configView(node: TestNode): Promise<ConfigView> {
  return (await node.getJson<{ alertmesh: { config: ConfigView } }>('/api/v2/status')).alertmesh
    .config
}

describe('a Consul-mode node cut off from its peers and from Consul', { skip: unavailable }, () => {
  const teardown = new Teardown()
  let network: FaultNetwork
  let consul: ConsulStandin
  let members: FaultMember[]

  const put = async (key: string, value: string): Promise<void> => {
    const res = await fetch(`${consul.url}/v1/kv/${key}`, { method: 'PUT', body: value })
    assert.equal(res.status, 200, await res.text())
  }
  const node = (i: number): TestNode => (members[i] as FaultMember).node

  before(async () => {
    network = teardown.stop(FaultNetwork.create(3))
    consul = teardown.stop(await startConsulStandin({ host: network.hostAddress }))
    await put(`${PREFIX}/config`, config('first'))
    members = teardown.add(
      await startFaultCluster(network, {
        config: '',
        consul: { address: consul.address, kvPrefix: PREFIX },
      }),
      stopFaultCluster
    )
  })
  after(() => teardown.run())

  it('keeps its config and peers, says Consul is unreachable, and catches up after', async () => {
    const first = hashHex(configHash(config('first')))
    const second = hashHex(configHash(config('second')))
    network.partition([[0, 1], [2]])
    network.isolateFromHost(2, Number(new URL(consul.url).port))
    await waitFor(
      'n2 reports Consul unreachable',
      async () => (await configView(node(2))).consul?.reachable === false,
      { timeoutMs: 60_000, intervalMs: 200 }
    )
    await put(`${PREFIX}/config`, config('second'))
    await waitFor(
      'n0 and n1 apply the new config',
      async () =>
        (await Promise.all([0, 1].map(async (i) => (await configView(node(i))).hash))).every(
          (h) => h === second
        ),
      { timeoutMs: 30_000, intervalMs: 200 }
    )
    const isolated = await configView(node(2))
    assert.equal(isolated.hash, first, 'n2 lost its last good config')
    assert.equal((await fetch(`${node(2).url}/-/ready`)).status, 200, 'n2 stopped being ready')

    // The partition heals, Consul stays out of reach: the last peer list must be enough.
    network.heal()
    network.isolateFromHost(2, Number(new URL(consul.url).port))
    await waitForPeers(members, 3)
    assert.equal((await configView(node(2))).consul?.reachable, false)

    network.heal()
    await waitFor(
      'n2 reaches Consul again and applies the config pushed meanwhile',
      async () => {
        const view = await configView(node(2))
        return view.consul?.reachable === true && view.hash === second
      },
      { timeoutMs: 60_000, intervalMs: 200 }
    )
  })
})
