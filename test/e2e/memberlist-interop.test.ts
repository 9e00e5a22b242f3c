// --cluster.protocol=memberlist end to end: alertmesh nodes join a cluster of Debian's
// prometheus-alertmanager 0.25 processes as memberlist peers (issue 22): membership, probes,
// silences and nflog dedup in both directions, whichever kind holds position 0, and deaths.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { afterDedupChecks, nflogQueries } from '../support/dedup-checks.js'
import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { freePorts } from '../support/ports.js'
import { sampleValue } from '../support/prometheus.js'
import { ALERTMANAGER, CaptureServer } from '../support/side-by-side.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import { gossipTlsConfigText, makeGossipCertificates } from '../support/web-certificates.js'
import type { GossipCertificates } from '../support/web-certificates.js'

/**
 * config routes every alert to the capture server, one group per alertname; `groupInterval`
 * longer than a test keeps each group to one flush, so one nflog lookup per group and node.
 */
const config = (webhook: string, groupInterval = '1m'): string =>
  [
    'route:',
    '  receiver: r',
    '  group_by: [alertname]',
    '  group_wait: 1s',
    `  group_interval: ${groupInterval}`,
    '  repeat_interval: 1h',
    'receivers:',
    '- name: r',
    '  webhook_configs:',
    `  - url: ${webhook}`,
    '',
  ].join('\n')

interface Status {
  readonly cluster: {
    readonly name: string
    readonly status: string
    readonly peers: readonly { readonly name: string; readonly address: string }[]
  }
}

/** memberlistArgs are the cluster flags of a node on `port` joining the node on `seed`. */
function memberlistArgs(port: number, seed: number): string[] {
  return [
    `--cluster.listen-address=127.0.0.1:${port}`,
    `--cluster.peer=127.0.0.1:${seed}`,
    '--cluster.pushpull-interval=2s',
    // Positions 1 and 2 wait 2 s and 4 s before they look at the nflog.
    '--cluster.peer-timeout=2s',
  ]
}

/** peersOf lists a node's `cluster.peers` as `name@address`, sorted. */
async function peersOf(node: TestNode): Promise<string[]> {
  const s = await node.getJson<Status>('/api/v2/status')
  return s.cluster.peers.map((p) => `${p.name}@${p.address}`).sort()
}

/** MixedOptions are what a test adds to startMixed's nodes. */
interface MixedOptions {
  /** More cluster flags for every node. */
  readonly extraArgs?: readonly string[]
  /** Every node's group_interval (config's default otherwise). */
  readonly groupInterval?: string
}

/**
 * startMixed starts one node per kind, in order (so in position order: ULIDs sort by start
 * time), each joining the first (the first joins the second), all sending to `capture`.
 */
async function startMixed(
  kinds: readonly ('go' | 'alertmesh')[],
  capture: CaptureServer,
  teardown: Teardown,
  { extraArgs = [], groupInterval }: MixedOptions = {}
): Promise<TestNode[]> {
  const ports = await freePorts(kinds.length)
  const nodes: TestNode[] = []
  for (const [i, kind] of kinds.entries()) {
    const port = ports[i] ?? 0
    const seed = ports[i === 0 ? 1 : 0] ?? 0
    nodes.push(
      teardown.stop(
        await TestNode.start({
          // Each node its own path, so a duplicate names its senders.
          config: config(`${capture.url}/hook/${kind}${i}`, groupInterval),
          ...(kind === 'go' ? { command: [ALERTMANAGER] } : {}),
          clusterArgs: [
            ...(kind === 'go' ? [] : ['--cluster.protocol=memberlist']),
            ...memberlistArgs(port, seed),
            ...extraArgs,
          ],
        })
      )
    )
  }
  return nodes
}

/** deliveries counts the webhook requests for an alertname. */
function deliveries(capture: CaptureServer, alertname: string): number {
  return capture.requests.filter((r) => {
    const body = JSON.parse(r.body.toString()) as { groupLabels: Record<string, string> }
    return body.groupLabels['alertname'] === alertname
  }).length
}

/** alert is a firing alert for POST /api/v2/alerts. */
function alert(alertname: string): unknown[] {
  return [{ labels: { alertname }, startsAt: iso(Date.now() - 1_000) }]
}

/** sent reads how many webhook notifications each node sent. */
function sent(nodes: readonly TestNode[]): Promise<number[]> {
  return Promise.all(
    nodes.map((n) => sampleValue(n.url, 'alertmanager_notifications_total{integration="webhook"}'))
  )
}

/** positions reads each node's alertmanager_peer_position. */
function positions(nodes: readonly TestNode[]): Promise<number[]> {
  return Promise.all(nodes.map((n) => sampleValue(n.url, 'alertmanager_peer_position')))
}

/** inPositionOrder sorts nodes by their alertmanager_peer_position. */
async function inPositionOrder(nodes: readonly TestNode[]): Promise<TestNode[]> {
  const at = await positions(nodes)
  return nodes
    .map((n, i) => ({ n, p: at[i] ?? 0 }))
    .sort((a, b) => a.p - b.p)
    .map((x) => x.n)
}

/**
 * deliveredOnceByPositionZero posts the same alert to every node and checks that, once every
 * node has made its dedup decision, exactly one notification went out, sent by the node at
 * position 0 (`nodes` are given in position order).
 */
async function deliveredOnceByPositionZero(
  nodes: readonly TestNode[],
  capture: CaptureServer,
  alertname: string
): Promise<void> {
  assert.deepEqual(
    await positions(nodes),
    nodes.map((_, i) => i)
  )
  const sentBefore = await sent(nodes)
  const before = await nflogQueries(nodes)
  await Promise.all(nodes.map((n) => n.postAlerts(alert(alertname))))
  await afterDedupChecks(nodes, before, 1)
  assert.equal(deliveries(capture, alertname), 1)
  assert.deepEqual(
    (await sent(nodes)).map((n, i) => n - (sentBefore[i] ?? 0)),
    nodes.map((_, i) => (i === 0 ? 1 : 0)),
    'the node at position 0 sent it'
  )
}

/** createSilence creates a silence for an hour on a node and returns its ID. */
async function createSilence(node: TestNode, comment: string): Promise<string> {
  const res = await node.postSilence({
    matchers: [{ name: 'alertname', value: comment, isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: 'memberlist-interop',
    comment,
  })
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { silenceID: string }).silenceID
}

/** hasSilence tells whether a node lists a silence. */
async function hasSilence(node: TestNode, id: string): Promise<boolean> {
  const all = await node.getJson<readonly { readonly id: string }[]>('/api/v2/silences')
  return all.some((x) => x.id === id)
}

/** sameMembers waits until every node lists the same `count` members. */
async function sameMembers(nodes: readonly TestNode[], count: number): Promise<string[]> {
  const views = await waitFor(
    `the same ${count} members on ${nodes.length} nodes`,
    async () => {
      const all = await Promise.all(nodes.map(peersOf))
      const first = JSON.stringify(all[0])
      return all.every((v) => v.length === count && JSON.stringify(v) === first) ? all : false
    },
    { timeoutMs: 30_000, intervalMs: 200 }
  )
  return views[0] ?? []
}

/** allReady waits until every node reports cluster status ready. */
async function allReady(nodes: readonly TestNode[]): Promise<void> {
  await waitFor(
    'ready on every node',
    async () => {
      const all = await Promise.all(nodes.map((n) => n.getJson<Status>('/api/v2/status')))
      return all.every((s) => s.cluster.status === 'ready')
    },
    { timeoutMs: 60_000, intervalMs: 200 }
  )
}

describe('memberlist: 2 Alertmanager 0.25 nodes + 1 alertmesh node', () => {
  const teardown = new Teardown()
  let nodes: TestNode[] = []
  let capture: CaptureServer
  after(() => teardown.run())

  before(async () => {
    capture = teardown.stop(await CaptureServer.start())
    nodes = await startMixed(['go', 'go', 'alertmesh'], capture, teardown)
  })

  it('lists the same 3 members, by ULID and address, on every node', async () => {
    const names = (await sameMembers(nodes, 3)).map((p) => p.split('@')[0] ?? '')
    for (const n of names) {
      assert.match(n, /^[0-9A-HJKMNP-TV-Z]{26}$/)
    }
    const self = await nodes[2]?.getJson<Status>('/api/v2/status')
    assert.ok(self !== undefined && names.includes(self.cluster.name), 'alertmesh lists itself')
  })

  it('settles: every node reports cluster status ready', async () => {
    await allReady(nodes)
  })

  it('answers the Go nodes probes: each records acked pings from the alertmesh node', async () => {
    const mesh = await nodes[2]?.getJson<Status>('/api/v2/status')
    assert.ok(mesh !== undefined)
    // Alertmanager observes a ping's round trip (NotifyPingComplete) only for an acked probe.
    const series = `alertmanager_cluster_pings_seconds_count{peer="${mesh.cluster.name}"}`
    await waitFor(
      'three acked probes of the alertmesh node on each Go node',
      async () => {
        const counts = await Promise.all(nodes.slice(0, 2).map((n) => sampleValue(n.url, series)))
        return counts.every((c) => c >= 3)
      },
      { timeoutMs: 30_000, intervalMs: 200 }
    )
    for (const n of nodes.slice(0, 2)) {
      assert.equal(await sampleValue(n.url, 'alertmanager_cluster_health_score'), 0)
      assert.equal(await sampleValue(n.url, 'alertmanager_cluster_members'), 3)
    }
  })

  it('replicates silences both ways: Go to alertmesh and alertmesh to Go', async (t) => {
    const [go0, go1, mesh] = nodes as [TestNode, TestNode, TestNode]
    // Issue 22 asks for a silence on the other kind of node within 1 s.
    const timed = async (what: string, check: () => Promise<boolean>): Promise<number> => {
      const start = performance.now()
      await waitFor(what, check, { timeoutMs: 10_000, intervalMs: 20 })
      return performance.now() - start
    }
    const fromGo = await createSilence(go0, 'from-go')
    const toMesh = await timed('a Go silence on the alertmesh node', () => hasSilence(mesh, fromGo))
    const fromMesh = await createSilence(mesh, 'from-alertmesh')
    const toGo = await timed(
      'an alertmesh silence on both Go nodes',
      async () => (await hasSilence(go0, fromMesh)) && (await hasSilence(go1, fromMesh))
    )
    t.diagnostic(
      `silence Go→alertmesh ${Math.round(toMesh)} ms, alertmesh→Go ${Math.round(toGo)} ms`
    )
    assert.ok(toMesh < 1_000 && toGo < 1_000, `Go→alertmesh ${toMesh} ms, alertmesh→Go ${toGo} ms`)
    // Neither kind failed to decode or merge what the other sent.
    for (const n of nodes) {
      assert.doesNotMatch(n.output, /merge remote state|decode broadcast|merge broadcast/, n.url)
    }
  })

  it('dedups against Go nflog entries: the same alert on all 3 nodes is delivered once', async () => {
    // Started first, go0 holds position 0 (ULIDs sort by start time); the alertmesh node, at
    // position 2, must find go0's nflog entry after its wait and stay quiet.
    await deliveredOnceByPositionZero(nodes, capture, 'FromAll')
  })

  it("Go nodes dedup against the alertmesh node's nflog entry", async () => {
    const [go0, go1, mesh] = nodes as [TestNode, TestNode, TestNode]
    const updates = 'alertmanager_cluster_messages_received_total{msg_type="update"}'
    const updatesBefore = await Promise.all([go0, go1].map((n) => sampleValue(n.url, updates)))
    await mesh.postAlerts(alert('FromMesh'))
    await capture.waitForRequests(capture.requests.length + 1)
    assert.equal(deliveries(capture, 'FromMesh'), 1)
    // The alertmesh node's nflog entry reached both Go nodes as a user message.
    await waitFor(
      'the nflog update on both Go nodes',
      async () => {
        const now = await Promise.all([go0, go1].map((n) => sampleValue(n.url, updates)))
        return now.every((v, i) => v > (updatesBefore[i] ?? 0))
      },
      { timeoutMs: 10_000, intervalMs: 50 }
    )
    const before = await nflogQueries([go0, go1])
    await Promise.all([go0, go1].map((n) => n.postAlerts(alert('FromMesh'))))
    await afterDedupChecks([go0, go1], before, 1)
    assert.equal(deliveries(capture, 'FromMesh'), 1)
  })

  it('sees a killed Go node die on the alertmesh node as on the surviving Go node', async () => {
    const [go0, go1, mesh] = nodes as [TestNode, TestNode, TestNode]
    await go1.kill()
    // Probes fail, suspicion times out (4 s for 3 members), the dead message spreads.
    await waitFor(
      'the same 2 members on go0 and the alertmesh node',
      async () => {
        const [a, b] = await Promise.all([peersOf(go0), peersOf(mesh)])
        return a.length === 2 && JSON.stringify(a) === JSON.stringify(b)
      },
      { timeoutMs: 30_000, intervalMs: 200 }
    )
  })

  it('leaves on SIGTERM: the Go node drops the alertmesh node at once', async () => {
    const [go0, , mesh] = nodes as [TestNode, TestNode, TestNode]
    await mesh.stop()
    // A dead message from the node about itself: no probe timeout, no suspicion.
    await waitFor('go0 alone', async () => (await peersOf(go0)).length === 1, {
      timeoutMs: 2_000,
      intervalMs: 50,
    })
  })
})

describe('memberlist: alertmesh at position 0, then 1 Alertmanager 0.25 node and 1 alertmesh node', () => {
  const teardown = new Teardown()
  let nodes: TestNode[] = []
  let capture: CaptureServer
  after(() => teardown.run())

  before(async () => {
    capture = teardown.stop(await CaptureServer.start())
    nodes = await startMixed(['alertmesh', 'go', 'alertmesh'], capture, teardown)
    await sameMembers(nodes, 3)
    await allReady(nodes)
  })

  it('delivers the same alert on all 3 nodes once, from the alertmesh node at position 0', async () => {
    await deliveredOnceByPositionZero(nodes, capture, 'MeshFirst')
  })

  it('after the position-0 alertmesh node is killed, the survivors deliver once', async () => {
    const [mesh0, go, mesh2] = nodes as [TestNode, TestNode, TestNode]
    await mesh0.kill()
    await sameMembers([go, mesh2], 2)
    await deliveredOnceByPositionZero([go, mesh2], capture, 'AfterKill')
  })
})

/** GO_GOSSIP_DRAIN_MS is five of Alertmanager's 200 ms gossip intervals: its queued nflog entries are out by then. */
const GO_GOSSIP_DRAIN_MS = 1_000

/**
 * AlertStream posts a new group (`Roll<n>`) to every node of its current target list about
 * every POST_EVERY_MS, as Prometheus keeps sending while an operator replaces nodes, and counts
 * the groups each node was given.
 */
class AlertStream {
  static readonly POST_EVERY_MS = 200
  /** Every group posted, in order. */
  readonly groups: string[] = []
  readonly #given = new Map<TestNode, number>()
  #targets: readonly TestNode[]
  #inFlight: Promise<unknown> = Promise.resolve()
  #stopped = false
  #failure: Error | undefined
  readonly #loop: Promise<void>

  constructor(targets: readonly TestNode[]) {
    this.#targets = targets
    this.#loop = this.#run().catch((err: unknown) => {
      this.#failure = err instanceof Error ? err : new Error(String(err))
    })
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const alertname = `Roll${this.groups.length}`
      this.groups.push(alertname)
      const targets = this.#targets
      this.#inFlight = Promise.all(
        targets.map(async (n) => {
          const res = await n.postAlerts(alert(alertname))
          assert.equal(res.status, 200, `${alertname} to ${n.url}: ${await res.text()}`)
          this.#given.set(n, (this.#given.get(n) ?? 0) + 1)
        })
      )
      await this.#inFlight
      await sleep(AlertStream.POST_EVERY_MS)
    }
  }

  /** retarget sends the next groups to `targets`; once it resolves no post to a dropped node is in flight. */
  async retarget(targets: readonly TestNode[]): Promise<void> {
    this.#targets = targets
    await this.#inFlight.catch(() => undefined)
  }

  /** given is how many groups a node accepted. */
  given(node: TestNode): number {
    return this.#given.get(node) ?? 0
  }

  /** stop ends the stream after the post in flight and rethrows a post that failed. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#loop
    if (this.#failure !== undefined) {
      throw this.#failure
    }
  }
}

/** sendersByGroup lists, per alertname, the webhook path of each node that notified it. */
function sendersByGroup(capture: CaptureServer): Map<string, string[]> {
  const senders = new Map<string, string[]>()
  for (const r of capture.requests) {
    const body = JSON.parse(r.body.toString()) as { groupLabels: Record<string, string> }
    const name = body.groupLabels['alertname'] ?? ''
    senders.set(name, [...(senders.get(name) ?? []), r.path])
  }
  return senders
}

describe('memberlist: migrating 3 Alertmanager 0.25 nodes to alertmesh one at a time', () => {
  const teardown = new Teardown()
  after(() => teardown.run())

  it('keeps the silences and notifies every group, none twice with alertmesh, while alerts keep arriving', async (t) => {
    const capture = teardown.stop(await CaptureServer.start())
    // No group flushes twice within the test, so a node has decided every group it was given
    // once its nflog lookups reach that number.
    const groupInterval = '1h'
    let live = await startMixed(['go', 'go', 'go'], capture, teardown, { groupInterval })
    await sameMembers(live, 3)
    await allReady(live)
    const silence = await createSilence(live[0] as TestNode, 'migration')
    await deliveredOnceByPositionZero(await inPositionOrder(live), capture, 'Step0')
    const stream = new AlertStream(live)
    try {
      for (let step = 1; step <= 3; step++) {
        // The runbook's rolling replacement: stop a Go node, start an alertmesh node in its
        // place; the stream goes on to the nodes that are up and joined.
        const [gone, ...rest] = live as [TestNode, ...TestNode[]]
        await stream.retarget(rest)
        // The runbook's step before a stop: let the node finish what it was sending. A Go node
        // gossips its nflog entries every 200 ms and does not flush them at shutdown, so one
        // stopped right after it notified leaves its peers unaware, and they notify again
        // (Alertmanager's own race, seen here once in six runs without this wait).
        const posted = [...stream.groups]
        await waitFor(
          `every group posted before step ${step} notified`,
          () => posted.every((g) => sendersByGroup(capture).has(g)),
          { timeoutMs: 30_000 }
        )
        await sleep(GO_GOSSIP_DRAIN_MS)
        await gone.stop()
        const seed = (await (rest[0] as TestNode).getJson<Status>('/api/v2/status')).cluster
        const seedPort = Number(seed.peers.find((p) => p.name === seed.name)?.address.split(':')[1])
        const [port = 0] = await freePorts(1)
        const mesh = teardown.stop(
          await TestNode.start({
            config: config(`${capture.url}/hook/alertmesh-step${step}`, groupInterval),
            clusterArgs: ['--cluster.protocol=memberlist', ...memberlistArgs(port, seedPort)],
          })
        )
        live = [...rest, mesh]
        await sameMembers(live, 3)
        await allReady(live)
        await stream.retarget(live)
        const seen = stream.groups.length
        // Groups reach the new node too, and some are still in flight at the next replacement.
        await waitFor(
          `10 groups posted after step ${step}`,
          () => stream.groups.length >= seen + 10,
          {
            timeoutMs: 10_000,
            intervalMs: 50,
          }
        )
      }
    } finally {
      await stream.stop()
    }
    const groups = stream.groups
    await waitFor(
      `each of ${groups.length} groups notified`,
      () => {
        const senders = sendersByGroup(capture)
        return groups.every((g) => senders.has(g))
      },
      { timeoutMs: 30_000, intervalMs: 200 }
    )
    // The Go nodes are gone; each alertmesh node is a fresh process whose lookups count only
    // the groups it was given (and Step0 went to Go nodes only).
    await afterDedupChecks(
      live,
      live.map((n) => stream.given(n)),
      0
    )
    const senders = sendersByGroup(capture)
    const twiceBy = (fromAlertmesh: boolean): string[] =>
      groups.flatMap((g) => {
        const by = senders.get(g) ?? []
        const involvesAlertmesh = by.some((path) => path.includes('/alertmesh'))
        return by.length > 1 && involvesAlertmesh === fromAlertmesh
          ? [`${g} by ${by.join(', ')}`]
          : []
      })
    const twice = twiceBy(true)
    const never = groups.filter((g) => !senders.has(g))
    t.diagnostic(`${groups.length} groups posted during the migration`)
    // Two Go nodes notifying the same group is Alertmanager's own race, not alertmesh's: a group
    // posted after the stream left the node about to stop can be mid-flush when it stops, and
    // the two remaining Go nodes then may both count themselves next (one computed its wait
    // before the leave, one after). It was seen in 1 of 3 clean-clone CI runs on one day.
    // Shown, not failed; a duplicate with an alertmesh node among the senders fails.
    t.diagnostic(`notified twice by Go nodes only: ${twiceBy(false).join('; ') || 'none'}`)
    assert.deepEqual({ twice, never }, { twice: [], never: [] })
    assert.ok(groups.length >= 15, `only ${groups.length} groups posted`)
    // Only alertmesh nodes are left, and the silence made on a Go node is on each of them.
    for (const n of live) {
      assert.ok(await hasSilence(n, silence), n.url)
    }
  })
})

describe('memberlist over --cluster.tls-config: 2 Alertmanager 0.25 nodes + 1 alertmesh node', () => {
  const teardown = new Teardown()
  let nodes: TestNode[] = []
  let dir: string
  let certs: GossipCertificates
  let seedPort = 0
  after(() => teardown.run())

  before(async () => {
    dir = teardown.add(await mkdtemp(join(tmpdir(), 'memberlist-tls-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
    certs = makeGossipCertificates(dir)
    const tlsConfig = join(dir, 'tls.yml')
    writeFileSync(tlsConfig, gossipTlsConfigText(certs.nodeCert, certs.nodeKey, certs.caCert))
    const capture = teardown.stop(await CaptureServer.start())
    nodes = await startMixed(['go', 'go', 'alertmesh'], capture, teardown, {
      extraArgs: [`--cluster.tls-config=${tlsConfig}`],
    })
    const s = await (nodes[0] as TestNode).getJson<Status>('/api/v2/status')
    seedPort = Number(s.cluster.peers.find((p) => p.name === s.cluster.name)?.address.split(':')[1])
  })

  it('lists the same 3 members on every node and carries silences both ways', async () => {
    await sameMembers(nodes, 3)
    const [go0, go1, mesh] = nodes as [TestNode, TestNode, TestNode]
    const fromGo = await createSilence(go1, 'tls-from-go')
    await waitFor('a Go silence on the alertmesh node', () => hasSilence(mesh, fromGo))
    const fromMesh = await createSilence(mesh, 'tls-from-alertmesh')
    await waitFor(
      'an alertmesh silence on both Go nodes',
      async () => (await hasSilence(go0, fromMesh)) && (await hasSilence(go1, fromMesh))
    )
  })

  it('keeps out an alertmesh node whose certificate another CA signed', async () => {
    const rogueTls = join(dir, 'rogue.yml')
    writeFileSync(rogueTls, gossipTlsConfigText(certs.rogueCert, certs.rogueKey, certs.caCert))
    const [port = 0] = await freePorts(1)
    const rogue = teardown.stop(
      await TestNode.start({
        config: config('http://127.0.0.1:9/hook'),
        clusterArgs: [
          '--cluster.protocol=memberlist',
          ...memberlistArgs(port, seedPort),
          `--cluster.tls-config=${rogueTls}`,
        ],
      })
    )
    await waitFor('the rogue node refused', () => rogue.output.includes('TLS peer refused'))
    assert.equal((await peersOf(rogue)).length, 1)
    assert.equal((await peersOf(nodes[0] as TestNode)).length, 3)
  })
})
