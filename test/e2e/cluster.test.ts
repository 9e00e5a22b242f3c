// HA clusters of real node processes on 127.0.0.1 with --cluster.peer: membership, silences
// replicated and muting everywhere, each notification sent once, failover, restart.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import {
  startReceiverCluster,
  startTestClusterFor,
  waitForFullMembership,
} from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

interface Status {
  cluster: { name?: string; status: string; peers: { name: string; address: string }[] }
}

function config(receiver: WebhookReceiver, path: string, groupWait = '1s'): string {
  return `route:
  receiver: r
  group_by: [alertname]
  group_wait: ${groupWait}
  group_interval: 1m
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}${path}
`
}

const alert = (alertname: string, extra: Record<string, string> = {}) => ({
  labels: { alertname, ...extra },
  startsAt: iso(Date.now()),
  endsAt: iso(Date.now() + 3_600_000),
})

describe('a 3-node cluster with --cluster.peer', () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  let startedAt: number
  const teardown = new Teardown()

  before(async () => {
    ;({ receiver, members } = await startReceiverCluster(teardown, 3, (r) => ({
      config: config(r, '/once'),
      args: ['--cluster.peer-timeout=3s'],
    })))
    // Measured from when every process serves its API: process start itself varies by seconds
    // on a loaded CI machine and is not what this test is about.
    startedAt = Date.now()
  })
  after(() => teardown.run())

  it('lists every member, self included, on every node within 2 s, and settles', async () => {
    for (const { node } of members) {
      const status = await waitFor('full membership', async () => {
        const s = await node.getJson<Status>('/api/v2/status')
        return s.cluster.peers.length === 3 && s.cluster.status === 'ready' ? s : undefined
      })
      assert.deepEqual(
        status.cluster.peers.map((p) => p.name),
        ['n0', 'n1', 'n2']
      )
    }
    const elapsed = Date.now() - startedAt
    assert.ok(elapsed < 5000, `membership and settle took ${elapsed} ms after every node was up`)
  })

  it('replicates a silence to every node at once, and it mutes the alert everywhere', async () => {
    const [a, b, c] = members.map((m) => m.node)
    assert.ok(a !== undefined && b !== undefined && c !== undefined)
    const res = await a.postSilence({
      matchers: [{ name: 'alertname', value: 'Muted', isRegex: false, isEqual: true }],
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: 'e2e',
      comment: 'replication',
    })
    assert.equal(res.status, 200)
    const { silenceID } = (await res.json()) as { silenceID: string }
    const posted = Date.now()
    for (const node of [b, c]) {
      await waitFor(
        'silence replicated',
        async () => (await fetch(`${node.url}/api/v2/silence/${silenceID}`)).ok,
        { intervalMs: 2 }
      )
    }
    const delay = Date.now() - posted
    assert.ok(delay < 500, `silence visible on every node after ${delay} ms`)
    for (const node of [a, b, c]) {
      assert.equal((await node.postAlerts([alert('Muted')])).status, 200)
    }
    for (const node of [a, b, c]) {
      const alerts = await waitFor('alert suppressed', async () => {
        const list = await node.getJson<{ status: { state: string; silencedBy: string[] } }[]>(
          '/api/v2/alerts?filter=alertname%3D%22Muted%22'
        )
        return list.length === 1 && list[0]?.status.state === 'suppressed' ? list : undefined
      })
      assert.deepEqual(alerts[0]?.status.silencedBy, [silenceID])
    }
  })

  it('delivers an alert posted to every node exactly once', async () => {
    for (const { node } of members) {
      assert.equal((await node.postAlerts([alert('Once')])).status, 200)
    }
    const first = await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Once')
    // Position 2 waits 2 × peer_timeout (6 s) before its dedup; wait past that for any duplicate.
    await new Promise((r) => setTimeout(r, 7000))
    const all = receiver.deliveries.filter((d) => d.payload.groupLabels['alertname'] === 'Once')
    assert.equal(all.length, 1, `delivered ${all.length} times`)
    assert.equal(first.payload.alerts.length, 1)
    // A muted alert was never delivered by any node.
    assert.equal(
      receiver.deliveries.filter((d) => d.payload.groupLabels['alertname'] === 'Muted').length,
      0
    )
  })
})

describe('failover and restart', () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    ;({ receiver, members } = await startReceiverCluster(teardown, 3, (r) => ({
      config: config(r, '/failover', '2s'),
      args: ['--cluster.peer-timeout=5s'],
    })))
    await waitForFullMembership(members)
  })
  after(() => teardown.run())

  it('delivers through the next node when position 0 dies before group_wait ends, once', async () => {
    const posted = Date.now()
    for (const { node } of members) {
      assert.equal((await node.postAlerts([alert('Failover')])).status, 200)
    }
    await members[0]?.node.kill('SIGKILL')
    const delivery = await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Failover')
    const delay = Date.now() - posted
    // group_wait is 2 s; waiting out peer_timeout for the dead node would make it 7 s.
    assert.ok(delay < 3500, `delivered ${delay} ms after posting`)
    assert.equal(delivery.payload.alerts.length, 1)
    // n2 (now position 1) waits one peer_timeout, then finds n1's nflog entry.
    await new Promise((r) => setTimeout(r, 6000))
    assert.equal(receiver.on('/failover').length, 1, 'the group was sent twice')
  })

  it('restarts a node that pulls silences and the nflog from its peers and sends no duplicate', async () => {
    const survivor = members[1]?.node
    assert.ok(survivor !== undefined)
    const res = await survivor.postSilence({
      matchers: [{ name: 'alertname', value: 'WhileDown', isRegex: false, isEqual: true }],
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: 'e2e',
      comment: 'made while n0 was down',
    })
    assert.equal(res.status, 200)
    const { silenceID } = (await res.json()) as { silenceID: string }
    const dead = members[0] as ClusterMember
    const ports = members.map((m) => m.clusterPort)
    const restarted = teardown.stop(
      await TestNode.start({
        config: config(receiver, '/failover', '2s'),
        dir: dead.node.dir,
        clusterArgs: [
          `--cluster.listen-address=127.0.0.1:${dead.clusterPort}`,
          ...ports.map((p) => `--cluster.peer=127.0.0.1:${p}`),
        ],
        args: ['--node.name=n0', '--cluster.peer-timeout=5s'],
      })
    )
    members[0] = { ...dead, node: restarted }
    await waitFor('restarted node settled with the silence', async () => {
      const s = await restarted.getJson<Status>('/api/v2/status')
      return (
        s.cluster.status === 'ready' &&
        (await fetch(`${restarted.url}/api/v2/silence/${silenceID}`)).ok
      )
    })
    // The alert is re-sent by Prometheus to every node, the restarted one included: it must
    // find the nflog entry its peers gossiped and stay quiet.
    assert.equal((await restarted.postAlerts([alert('Failover')])).status, 200)
    await new Promise((r) => setTimeout(r, 3000))
    assert.equal(receiver.on('/failover').length, 1, 'the restarted node sent the group again')
  })
})

describe('cluster authentication and garbage', () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    const dir = teardown.add(await mkdtemp(join(tmpdir(), 'cluster-key-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
    await writeFile(join(dir, 'good'), 'a shared secret of the cluster\n')
    await writeFile(join(dir, 'bad'), 'some other secret, not the key\n')
    members = await startTestClusterFor(teardown, 3, {
      config: config(receiver, '/auth'),
      // n2 has the wrong key: it must stay out.
      argsOf: (i) => [`--cluster.key-file=${join(dir, i === 2 ? 'bad' : 'good')}`],
    })
  })
  after(() => teardown.run())

  it('refuses a peer without the shared key: it neither joins nor gets or gives state', async () => {
    const [a, b, intruder] = members.map((m) => m.node)
    assert.ok(a !== undefined && b !== undefined && intruder !== undefined)
    await waitFor('n0 and n1 joined', async () => {
      const s = await a.getJson<Status>('/api/v2/status')
      return s.cluster.peers.length === 2
    })
    const res = await intruder.postSilence({
      matchers: [{ name: 'alertname', value: 'Injected', isRegex: false, isEqual: true }],
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: 'intruder',
      comment: 'should not spread',
    })
    assert.equal(res.status, 200)
    const own = await a.postSilence({
      matchers: [{ name: 'alertname', value: 'Legit', isRegex: false, isEqual: true }],
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: 'e2e',
      comment: 'spreads to n1 only',
    })
    assert.equal(own.status, 200)
    await waitFor(
      'legit silence on n1',
      async () => (await b.getJson<unknown[]>('/api/v2/silences')).length === 1
    )
    assert.equal((await a.getJson<unknown[]>('/api/v2/silences')).length, 1)
    assert.equal((await intruder.getJson<unknown[]>('/api/v2/silences')).length, 1)
    const s = await a.getJson<Status>('/api/v2/status')
    assert.deepEqual(
      s.cluster.peers.map((p) => p.name),
      ['n0', 'n1']
    )
  })

  it('survives random bytes on the cluster port and changes nothing', async () => {
    const target = members[0] as ClusterMember
    // Settled first (the keyless peer's address counts as down after 1 s), so the garbage
    // cannot be what made it ready or not.
    await waitFor('n0 ready', async () => {
      const s = await target.node.getJson<Status>('/api/v2/status')
      return s.cluster.status === 'ready'
    })
    for (let i = 0; i < 20; i++) {
      const garbage = Buffer.from(
        Array.from({ length: 64 + i * 97 }, () => Math.floor(Math.random() * 256))
      )
      await new Promise<void>((resolve) => {
        const socket = connect(target.clusterPort, '127.0.0.1', () => {
          // The node may wait for the rest of a "frame" until its handshake timeout; the test
          // only needs the bytes delivered.
          socket.end(garbage, () => {
            socket.destroy()
            resolve()
          })
        })
        socket.on('error', () => {
          resolve()
        })
      })
    }
    const s = await target.node.getJson<Status>('/api/v2/status')
    assert.equal(s.cluster.status, 'ready')
    assert.equal(s.cluster.peers.length, 2)
    assert.equal((await target.node.getJson<unknown[]>('/api/v2/silences')).length, 1)
    const metrics = await (await fetch(`${target.node.url}/metrics`)).text()
    assert.match(metrics, /alertmanager_cluster_enabled 1/)
    const dropped = [
      ...metrics.matchAll(/^alertmanager_cluster_messages_dropped_total\{[^}]*\} (\d+)/gm),
    ]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0)
    assert.ok(dropped >= 1, `garbage not counted as dropped (${dropped})`)
  })
})

describe('a 1-node and a 3-node cluster fed the same alerts', () => {
  let receiver: WebhookReceiver
  let single: TestNode
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    const fast = (path: string) =>
      config(receiver, path, '500ms').replace('group_interval: 1m', 'group_interval: 2s')
    single = teardown.stop(await TestNode.start({ config: fast('/single') }))
    // peer_timeout must cover a send plus the nflog broadcast even on a loaded CI machine
    // (1 s was not always enough there; Alertmanager's default is 15 s).
    members = await startTestClusterFor(teardown, 3, {
      config: fast('/triple'),
      args: ['--cluster.peer-timeout=3s'],
    })
  })
  after(() => teardown.run())

  it('deliver the same notifications', async () => {
    const targets = [single, ...members.map((m) => m.node)]
    // As in production, alerts arrive at a formed cluster (a cold start is covered above).
    for (const { node } of members) {
      await waitFor('cluster formed', async () => {
        const s = await node.getJson<Status>('/api/v2/status')
        return s.cluster.status === 'ready' && s.cluster.peers.length === 3
      })
    }
    const now = Date.now()
    const batch = (endsAt: number) =>
      ['A', 'B', 'C'].flatMap((group) =>
        ['1', '2'].map((instance) => ({
          labels: { alertname: `Same${group}`, instance },
          startsAt: iso(now),
          endsAt: iso(endsAt),
        }))
      )
    await Promise.all(targets.map((n) => n.postAlerts(batch(now + 3_600_000))))
    await waitFor(
      'firing notifications',
      () => receiver.on('/triple').length >= 3 && receiver.on('/single').length >= 3
    )
    // Resolve group A everywhere, as Prometheus does when the rule stops firing, while the
    // other nodes still wait their turn for the firing flush: a peer's newer "resolved" entry
    // must keep them from re-sending "firing" from their older flush (Alertmanager would).
    const resolved = batch(Date.now()).filter((a) => a.labels.alertname === 'SameA')
    await Promise.all(targets.map((n) => n.postAlerts(resolved)))
    await waitFor('resolved notifications', () =>
      [receiver.on('/single'), receiver.on('/triple')].every((list) =>
        list.some((d) => d.payload.status === 'resolved')
      )
    )
    // Past the last wait of position 2 (2 × peer_timeout) for the resolved flush.
    await new Promise((r) => setTimeout(r, 7000))
    const summary = (path: string) =>
      receiver
        .on(path)
        .map(
          (d) =>
            `${d.payload.groupLabels['alertname'] ?? ''} ${d.payload.status} ${d.payload.alerts
              .map((a) => `${a.labels['instance'] ?? ''}:${a.status}`)
              .join(',')}`
        )
        .sort()
    assert.deepEqual(summary('/triple'), summary('/single'))
    assert.equal(summary('/single').length, 4)
    const metrics = await (await fetch(`${single.url}/metrics`)).text()
    assert.match(metrics, /^alertmanager_cluster_enabled 0$/m)
  })
})
