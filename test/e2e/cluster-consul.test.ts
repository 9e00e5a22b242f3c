// A cluster formed purely through Consul (the stand-in; no --cluster.peer): every node
// registers itself with a TTL check tied to its readiness and takes the passing instances as
// its peers. A node whose check fails leaves the others' peer lists and comes back when it
// passes again. Uses the stand-in because the failing check is injected as a fault.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { startTestClusterFor } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { startConsulStandin } from '../support/consul-standin/index.js'
import type { ConsulStandin } from '../support/consul-standin/index.js'
import { fastWebhookConfig, iso } from '../support/fixtures.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

interface Status {
  cluster: { status: string; peers: { name: string }[] }
}

async function peerNames(node: TestNode): Promise<string[]> {
  const s = await node.getJson<Status>('/api/v2/status')
  return s.cluster.peers.map((p) => p.name)
}

describe('a cluster formed through Consul', () => {
  let consul: ConsulStandin
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    consul = teardown.stop(await startConsulStandin())
    receiver = teardown.stop(await WebhookReceiver.start())
    const res = await fetch(`${consul.url}/v1/kv/cc/config`, {
      method: 'PUT',
      body: fastWebhookConfig(`${receiver.url}/consul-cluster`),
    })
    assert.equal(res.status, 200)
    members = await startTestClusterFor(teardown, 3, {
      config: '',
      consul: { address: consul.address, kvPrefix: 'cc' },
      args: ['--consul.check-ttl=1s', '--cluster.peer-timeout=3s'],
    })
  })
  after(() => teardown.run())

  it('registers every node and forms the full cluster from the passing instances', async () => {
    for (const { node } of members) {
      await waitFor('full cluster', async () => (await peerNames(node)).length === 3, {
        timeoutMs: 15_000,
      })
      assert.deepEqual(await peerNames(node), ['n0', 'n1', 'n2'])
    }
    const res = await fetch(`${consul.url}/v1/health/service/alertmesh?passing`)
    const instances = (await res.json()) as {
      Service: { ID: string; Meta: Record<string, string> }
    }[]
    assert.deepEqual(instances.map((i) => i.Service.ID).sort(), [
      'alertmesh-n0',
      'alertmesh-n1',
      'alertmesh-n2',
    ])
    assert.match(instances[0]?.Service.Meta['cluster_address'] ?? '', /^127\.0\.0\.1:\d+$/)
  })

  it('delivers an alert posted to every node once', async () => {
    for (const { node } of members) {
      const res = await node.postAlerts([
        {
          labels: { alertname: 'ViaConsul' },
          startsAt: iso(Date.now()),
          endsAt: iso(Date.now() + 3_600_000),
        },
      ])
      assert.equal(res.status, 200)
    }
    await receiver.next((d) => d.payload.groupLabels['alertname'] === 'ViaConsul')
    // Position 2 waits 2 × peer_timeout (6 s) before its dedup: wait past it for a duplicate.
    await new Promise((r) => setTimeout(r, 7000))
    assert.equal(receiver.on('/consul-cluster').length, 1)
  })

  it('drops a node whose health check fails from every peer list, and takes it back', async () => {
    const [a, b] = members.map((m) => m.node)
    assert.ok(a !== undefined && b !== undefined)
    // n2's check updates never reach Consul: its TTL expires and the check turns critical.
    consul.dropConnections({
      durationMs: 120_000,
      pathPrefix: '/v1/agent/check/update/service:alertmesh-n2',
    })
    for (const node of [a, b]) {
      await waitFor('n2 dropped', async () => (await peerNames(node)).join() === 'n0,n1', {
        timeoutMs: 10_000,
      })
    }
    consul.clearFaults()
    for (const node of [a, b]) {
      await waitFor('n2 back', async () => (await peerNames(node)).length === 3, {
        timeoutMs: 10_000,
      })
    }
  })

  it('deregisters a node on SIGTERM so the others drop it at once', async () => {
    const leaving = members[2] as ClusterMember
    await leaving.node.kill('SIGTERM')
    const res = await fetch(`${consul.url}/v1/health/service/alertmesh`)
    const ids = ((await res.json()) as { Service: { ID: string } }[]).map((i) => i.Service.ID)
    assert.ok(!ids.includes('alertmesh-n2'), `still registered: ${ids.join(', ')}`)
    await waitFor(
      'n2 gone',
      async () => (await peerNames(members[0]?.node as TestNode)).length === 2
    )
  })
})
