// Every node gossips which config it applied, so /api/v2/status on any node lists every
// member's config hash (`alertmesh.nodes`) and drift between replicas is visible: with
// --cluster.peer and with a cluster formed through Consul.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { startTestClusterFor } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { startConsulStandin } from '../support/consul-standin/index.js'
import type { ConsulStandin } from '../support/consul-standin/index.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

interface NodeConfig {
  name: string
  hash: string
  appliedAt: string
  error?: string
}

interface Status {
  alertmesh: { name: string; config: { hash: string }; nodes: NodeConfig[] }
}

/** config is a minimal valid config; `receiver` changes its hash. */
function config(receiver: string): string {
  return `route:
  receiver: ${receiver}
receivers:
- name: ${receiver}
`
}

async function status(node: TestNode): Promise<Status['alertmesh']> {
  return (await node.getJson<Status>('/api/v2/status')).alertmesh
}

/** nodesOf waits until `check` holds for the `alertmesh.nodes` of `node`, by name. */
async function nodesOf(
  node: TestNode,
  what: string,
  check: (nodes: Map<string, NodeConfig>) => boolean
): Promise<Map<string, NodeConfig>> {
  return waitFor(
    what,
    async () => {
      const { nodes } = await status(node)
      const byName = new Map(nodes.map((n) => [n.name, n]))
      return check(byName) ? byName : undefined
    },
    { timeoutMs: 20_000, intervalMs: 50 }
  )
}

const HEX12 = /^[0-9a-f]{12}$/

describe('config drift with --cluster.peer', () => {
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    members = await startTestClusterFor(teardown, 3, { config: config('same') })
  })
  after(() => teardown.run())

  const node = (i: number): TestNode => (members[i] as ClusterMember).node

  it('lists every member with the same hash on every node', async () => {
    for (const { node: n, name } of members) {
      const nodes = await nodesOf(
        n,
        `${name} listing n0, n1, n2 with one hash`,
        (m) =>
          [...m.keys()].join() === 'n0,n1,n2' &&
          new Set([...m.values()].map((e) => e.hash)).size === 1 &&
          HEX12.test(m.get('n0')?.hash ?? '')
      )
      const own = await status(n)
      assert.equal(own.name, name)
      assert.equal(nodes.get(name)?.hash, own.config.hash)
      // Sorted by name, key order name, hash, appliedAt; no error on an applied config.
      const text = await (await fetch(`${n.url}/api/v2/status`)).text()
      const first = /"nodes":\[(\{[^}]*\})/.exec(text)?.[1] ?? ''
      assert.match(first, /^\{"name":"n0","hash":"[0-9a-f]{12}","appliedAt":"[^"]+Z"\}$/)
      for (const entry of nodes.values()) {
        assert.ok(!Number.isNaN(Date.parse(entry.appliedAt)), entry.appliedAt)
        assert.equal(entry.error, undefined)
      }
    }
  })

  it('shows a node with another config as drift on its peers, with the hash it reports', async () => {
    const before = await status(node(0))
    await node(2).writeConfig(config('other'))
    const res = await node(2).reload()
    assert.equal(res.status, 200, await res.text())
    const n2 = (await status(node(2))).config.hash
    assert.notEqual(n2, before.config.hash)
    const seen = await nodesOf(
      node(0),
      'n0 seeing n2 drift',
      (m) => m.get('n2')?.hash === n2 && m.get('n1')?.hash === before.config.hash
    )
    assert.equal(seen.get('n0')?.hash, before.config.hash)
    // n1 sees the same picture.
    await nodesOf(node(1), 'n1 seeing n2 drift', (m) => m.get('n2')?.hash === n2)
  })

  it("shows a member's refused config as its error, with the hash it still runs", async () => {
    const running = (await status(node(1))).config.hash
    await node(1).writeConfig('route: [unclosed\n')
    const res = await node(1).reload()
    assert.equal(res.status, 500)
    const seen = await nodesOf(
      node(0),
      "n0 seeing n1's refusal",
      (m) => (m.get('n1')?.error ?? '') !== ''
    )
    assert.equal(seen.get('n1')?.hash, running)
    assert.equal(seen.get('n0')?.error, undefined)
    // The refusal clears once n1 applies a good config again.
    await node(1).writeConfig(config('same'))
    assert.equal((await node(1).reload()).status, 200)
    await nodesOf(
      node(0),
      "n0 seeing n1's refusal cleared",
      (m) => m.has('n1') && m.get('n1')?.error === undefined
    )
  })
})

describe('config drift through Consul', () => {
  let consul: ConsulStandin
  let members: ClusterMember[]
  const teardown = new Teardown()

  const put = async (key: string, body: string): Promise<void> => {
    const res = await fetch(`${consul.url}/v1/kv/${key}`, { method: 'PUT', body })
    assert.equal(res.status, 200)
  }

  before(async () => {
    consul = teardown.stop(await startConsulStandin())
    await put('drift/config', config('consul'))
    members = await startTestClusterFor(teardown, 3, {
      config: '',
      consul: { address: consul.address, kvPrefix: 'drift' },
      args: ['--consul.check-ttl=1s'],
    })
  })
  after(() => teardown.run())

  it("lists every Consul member's hash, and every member's refusal, on every node", async () => {
    const first = members[0] as ClusterMember
    const seen = await nodesOf(
      first.node,
      'n0 listing n0, n1, n2 with one hash',
      (m) =>
        [...m.keys()].join() === 'n0,n1,n2' &&
        [...m.values()].every((e) => HEX12.test(e.hash) && e.hash === m.get('n0')?.hash)
    )
    const hash = seen.get('n0')?.hash
    await put('drift/config', 'route: [unclosed\n')
    for (const { node: n, name } of members) {
      await nodesOf(
        n,
        `${name} seeing every member refuse`,
        (m) =>
          [...m.keys()].join() === 'n0,n1,n2' &&
          [...m.values()].every((e) => (e.error ?? '') !== '' && e.hash === hash)
      )
    }
  })
})
