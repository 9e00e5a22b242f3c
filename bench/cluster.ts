/**
 * HA cluster benchmark: three nodes of Alertmanager 0.25 and three of alertmesh, one cluster
 * after the other in the same run, on 127.0.0.1 with --cluster.peer, each fed the same alerts:
 *
 * - start to settled: exec of the three nodes until every /api/v2/status says "ready" with 3 peers;
 * - dedup: 50 groups (group_wait 1s) posted to every node; the first notification's delay after
 *   the post (p50), groups notified twice / never;
 * - failover: node 0 SIGKILLed right after the alert is posted to every node: delay to delivery
 *   and groups notified twice;
 * - cut off: the position-0 node stays up but its requests to the receiver are reset; 20 groups
 *   posted to every node: delay to delivery (by the next node), groups never delivered, and
 *   groups delivered twice once position 0 reaches the receiver again;
 * - silence visibility: one silence posted to node 0, time until node 1 and 2 return it (p50/p99);
 * - 100 silences posted at once to node 0: time until both other nodes list all of them;
 * - SIGTERM to all nodes at once: time until the last one exited.
 *
 * With --gossip-tls every node gossips over mutual TLS (--cluster.tls-config: one CA, one node
 * certificate, RequireAndVerifyClientCert both ways), to measure what TLS costs.
 *
 * With --first-only a round stops after the dedup groups' first notifications (no silences, no
 * cut-off, no failover); --json=FILE writes each target's first-notification p50 there.
 *
 *   node dist/bench/cluster.js [--rounds=3] [--targets=alertmanager,alertmesh] [--gossip-tls]
 *     [--first-only] [--json=FILE]
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { freePort } from '#scripts/lib/ports.mjs'

import { makeGossipCertificates } from '../test/support/web-certificates.js'

import { median } from './lib/stats.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const COMMANDS: Record<string, readonly string[]> = {
  alertmanager: ['/usr/bin/prometheus-alertmanager'],
  alertmesh: [process.execPath, join(ROOT, 'dist', 'bin', 'alertmesh.cjs')],
}
const GROUPS = 50
const CUT_GROUPS = 20
const SILENCES = 100

interface Node {
  readonly child: ChildProcess
  readonly base: string
  exited: Promise<void>
}

/** Receiver counts webhook deliveries per group label value. */
class Receiver {
  readonly counts = new Map<string, number>()
  readonly firstAt = new Map<string, number>()
  /** Request paths whose connections are reset unanswered: a node that lost its route here. */
  readonly unreachable = new Set<string>()
  readonly #server = createServer((req, res) => {
    if (this.unreachable.has(req.url ?? '')) {
      req.socket.destroy()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      res.end()
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        groupLabels: Record<string, string>
      }
      const group = body.groupLabels['alertname'] ?? ''
      this.counts.set(group, (this.counts.get(group) ?? 0) + 1)
      if (!this.firstAt.has(group)) {
        this.firstAt.set(group, Date.now())
      }
    })
  })
  port = 0
  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r))
    const address = this.#server.address()
    this.port = typeof address === 'object' && address !== null ? address.port : 0
  }
  stop(): Promise<void> {
    this.#server.closeAllConnections()
    return new Promise((r) =>
      this.#server.close(() => {
        r()
      })
    )
  }
}

// Each node posts to /hook/<its index>, so one node's route to the receiver can be cut.
function config(port: number, node: number): string {
  return `route:
  receiver: r
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5m
  repeat_interval: 4h
receivers:
- name: r
  webhook_configs:
  - url: http://127.0.0.1:${port}/hook/${node}
`
}

/**
 * gossipTlsConfig writes the mutual TLS file every node of a round reads (the runbook's setup).
 *
 * @param dir - the round's directory.
 * @returns the file's path.
 */
async function gossipTlsConfig(dir: string): Promise<string> {
  const certs = makeGossipCertificates(dir)
  const path = join(dir, 'gossip-tls.yml')
  await writeFile(
    path,
    `tls_server_config:
  cert_file: ${certs.nodeCert}
  key_file: ${certs.nodeKey}
  client_ca_file: ${certs.caCert}
  client_auth_type: RequireAndVerifyClientCert
tls_client_config:
  cert_file: ${certs.nodeCert}
  key_file: ${certs.nodeKey}
  ca_file: ${certs.caCert}
`
  )
  return path
}

async function startCluster(
  target: string,
  dir: string,
  receiverPort: number,
  tlsConfig: string | undefined
): Promise<Node[]> {
  const command = COMMANDS[target] as readonly string[]
  const web = await Promise.all([0, 1, 2].map(() => freePort()))
  const gossip = await Promise.all([0, 1, 2].map(() => freePort()))
  for (const i of [0, 1, 2]) {
    await writeFile(join(dir, `am${i}.yml`), config(receiverPort, i))
  }
  return web.map((port, i) => {
    const child = spawn(
      command[0] as string,
      [
        ...command.slice(1),
        `--config.file=${join(dir, `am${i}.yml`)}`,
        `--storage.path=${join(dir, `${target}-${i}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--cluster.listen-address=127.0.0.1:${gossip[i] as number}`,
        ...gossip.map((g) => `--cluster.peer=127.0.0.1:${g}`),
        ...(target === 'alertmesh' ? [`--node.name=n${i}`] : []),
        ...(tlsConfig === undefined ? [] : [`--cluster.tls-config=${tlsConfig}`]),
      ],
      { stdio: 'ignore' }
    )
    const exited = new Promise<void>((r) =>
      child.once('exit', () => {
        r()
      })
    )
    return { child, base: `http://127.0.0.1:${port}`, exited }
  })
}

async function settled(nodes: readonly Node[], deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    const ok = await Promise.all(
      nodes.map(async (n) => {
        try {
          const s = (await (await fetch(`${n.base}/api/v2/status`)).json()) as {
            cluster: { status: string; peers: unknown[] }
          }
          return s.cluster.status === 'ready' && s.cluster.peers.length === nodes.length
        } catch {
          return false
        }
      })
    )
    if (ok.every(Boolean)) {
      return true
    }
    await sleep(50)
  }
  return false
}

/**
 * positionZero is the index of the node every member ranks first: Alertmanager sorts members by
 * name (a random ULID per start), alertmesh by --node.name.
 */
async function positionZero(nodes: readonly Node[]): Promise<number> {
  const names = await Promise.all(
    nodes.map(async (n) => {
      const s = (await (await fetch(`${n.base}/api/v2/status`)).json()) as {
        cluster: { name: string }
      }
      return s.cluster.name
    })
  )
  const first = [...names].sort()[0]
  return names.findIndex((name) => name === first)
}

async function stopAll(nodes: readonly Node[]): Promise<number> {
  const started = Date.now()
  for (const n of nodes) {
    if (n.child.exitCode === null && n.child.signalCode === null) {
      n.child.kill('SIGTERM')
    }
  }
  await Promise.all(nodes.map((n) => n.exited))
  return Date.now() - started
}

function post(node: Node, path: string, body: unknown): Promise<Response> {
  return fetch(`${node.base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

const alert = (name: string) => ({
  labels: { alertname: name },
  startsAt: new Date().toISOString(),
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
})

const silence = (i: number) => ({
  matchers: [{ name: 'bench', value: `s${i}`, isRegex: false, isEqual: true }],
  startsAt: new Date().toISOString(),
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  createdBy: 'bench',
  comment: `silence ${i}`,
})

async function silenceCount(node: Node): Promise<number> {
  try {
    return ((await (await fetch(`${node.base}/api/v2/silences`)).json()) as unknown[]).length
  } catch {
    return -1
  }
}

interface RunResult {
  settleMs: number
  dupGroups: number
  missedGroups: number
  silenceVisibleMs: number[]
  hundredSilencesMs: number
  failoverDelayMs: number
  failoverDup: number
  /** Dedup scenario: each group's first notification after the post (group_wait 1 s). */
  firstNotifyMs: number[]
  cutDelayMs: number[]
  cutMissed: number
  cutDupAfterRecovery: number
  stopMs: number
}

/**
 * cutOff keeps the position-0 node up but resets its requests to the receiver, posts
 * CUT_GROUPS groups to every node, waits for their delivery by another node, gives position 0
 * its route back and counts the groups delivered twice afterwards (past position 2's wait and a
 * few of position 0's retries).
 */
async function cutOff(
  nodes: readonly Node[],
  receiver: Receiver,
  tag: string
): Promise<Pick<RunResult, 'cutDelayMs' | 'cutMissed' | 'cutDupAfterRecovery'>> {
  const path = `/hook/${await positionZero(nodes)}`
  receiver.unreachable.add(path)
  const names = Array.from({ length: CUT_GROUPS }, (_, g) => `${tag}cut${g}`)
  const t0 = Date.now()
  await Promise.all(nodes.map((n) => post(n, '/api/v2/alerts', names.map(alert))))
  while (names.some((g) => !receiver.firstAt.has(g)) && Date.now() - t0 < 45_000) {
    await sleep(10)
  }
  const cutDelayMs = names.flatMap((g) => {
    const at = receiver.firstAt.get(g)
    return at === undefined ? [] : [at - t0]
  })
  const cutMissed = names.length - cutDelayMs.length
  const before = new Map(names.map((g) => [g, receiver.counts.get(g) ?? 0]))
  receiver.unreachable.delete(path)
  await sleep(35_000)
  const cutDupAfterRecovery = names.filter(
    (g) => (receiver.counts.get(g) ?? 0) > (before.get(g) ?? 0)
  ).length
  return { cutDelayMs, cutMissed, cutDupAfterRecovery }
}

async function oneRun(
  target: string,
  dir: string,
  tag: string,
  gossipTls: boolean,
  firstOnly: boolean
): Promise<RunResult> {
  const receiver = new Receiver()
  await receiver.start()
  const tlsConfig = gossipTls ? await gossipTlsConfig(dir) : undefined
  const started = Date.now()
  let nodes = await startCluster(target, dir, receiver.port, tlsConfig)
  try {
    if (!(await settled(nodes, 90_000))) {
      throw new Error(`${target} cluster did not settle within 90 s`)
    }
    const settleMs = Date.now() - started
    // Dedup: every group to every node at once.
    const dedupPostedAt = Date.now()
    await Promise.all(
      nodes.map((n) =>
        post(
          n,
          '/api/v2/alerts',
          Array.from({ length: GROUPS }, (_, g) => alert(`${tag}g${g}`))
        )
      )
    )
    if (firstOnly) {
      return {
        ...NOT_MEASURED,
        settleMs,
        firstNotifyMs: await firstArrivals(receiver, tag, dedupPostedAt),
      }
    }
    // Silence visibility, one at a time.
    const silenceVisibleMs: number[] = []
    for (let i = 0; i < 10; i++) {
      const before = await silenceCount(nodes[1] as Node)
      const t0 = Date.now()
      await post(nodes[0] as Node, '/api/v2/silences', silence(i))
      while ((await silenceCount(nodes[1] as Node)) <= before && Date.now() - t0 < 30_000) {
        await sleep(1)
      }
      silenceVisibleMs.push(Date.now() - t0)
    }
    // 100 silences at once.
    const base = await silenceCount(nodes[2] as Node)
    const t100 = Date.now()
    await Promise.all(
      Array.from({ length: SILENCES }, (_, i) =>
        post(nodes[0] as Node, '/api/v2/silences', silence(1000 + i))
      )
    )
    while (Date.now() - t100 < 120_000) {
      const counts = await Promise.all([
        silenceCount(nodes[1] as Node),
        silenceCount(nodes[2] as Node),
      ])
      if (counts.every((c) => c >= base + SILENCES)) {
        break
      }
      await sleep(5)
    }
    const hundredSilencesMs = Date.now() - t100
    // Let the dedup groups finish: position 2 waits 2 × 15 s before its dedup.
    await sleep(35_000)
    let dupGroups = 0
    let missedGroups = 0
    // When each group's first notification arrived after the alerts were posted: position 0's
    // send, which should come group_wait (1 s) after the post.
    const firstNotifyMs = Array.from({ length: GROUPS }, (_, g) => {
      const at = receiver.firstAt.get(`${tag}g${g}`)
      return at === undefined ? [] : [at - dedupPostedAt]
    }).flat()
    for (let g = 0; g < GROUPS; g++) {
      const n = receiver.counts.get(`${tag}g${g}`) ?? 0
      if (n > 1) {
        dupGroups++
      }
      if (n === 0) {
        missedGroups++
      }
    }
    const cut = await cutOff(nodes, receiver, tag)
    // Failover: post to all, kill node 0 at once.
    const fo = `${tag}failover`
    const t0 = Date.now()
    await Promise.all(nodes.map((n) => post(n, '/api/v2/alerts', [alert(fo)])))
    nodes[0]?.child.kill('SIGKILL')
    while (!receiver.firstAt.has(fo) && Date.now() - t0 < 60_000) {
      await sleep(10)
    }
    const failoverDelayMs = (receiver.firstAt.get(fo) ?? Number.NaN) - t0
    await sleep(32_000)
    const failoverDup = (receiver.counts.get(fo) ?? 0) > 1 ? 1 : 0
    const stopMs = await stopAll(nodes)
    nodes = []
    return {
      settleMs,
      firstNotifyMs,
      dupGroups,
      missedGroups,
      silenceVisibleMs,
      hundredSilencesMs,
      failoverDelayMs,
      failoverDup,
      ...cut,
      stopMs,
    }
  } finally {
    await stopAll(nodes)
    await receiver.stop()
  }
}

/** NOT_MEASURED fills the figures a --first-only run skips. */
const NOT_MEASURED: RunResult = {
  settleMs: Number.NaN,
  firstNotifyMs: [],
  dupGroups: Number.NaN,
  missedGroups: Number.NaN,
  silenceVisibleMs: [],
  hundredSilencesMs: Number.NaN,
  failoverDelayMs: Number.NaN,
  failoverDup: Number.NaN,
  cutDelayMs: [],
  cutMissed: Number.NaN,
  cutDupAfterRecovery: Number.NaN,
  stopMs: Number.NaN,
}

/**
 * firstArrivals waits (up to 10 s) for every dedup group's first notification and returns each
 * one's delay after the post; a group that never came is left out.
 */
async function firstArrivals(receiver: Receiver, tag: string, postedAt: number): Promise<number[]> {
  const names = Array.from({ length: GROUPS }, (_, g) => `${tag}g${g}`)
  while (names.some((g) => !receiver.firstAt.has(g)) && Date.now() - postedAt < 10_000) {
    await sleep(10)
  }
  return names.flatMap((g) => {
    const at = receiver.firstAt.get(g)
    return at === undefined ? [] : [at - postedAt]
  })
}

function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN
}

async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string])
  )
  const rounds = Number(args.get('rounds') ?? 3)
  const targets = (args.get('targets') ?? 'alertmanager,alertmesh').split(',')
  const gossipTls = args.has('gossip-tls') && args.get('gossip-tls') !== 'false'
  // Only the first notifications of the dedup groups, without the silence traffic that runs
  // beside them in a full round (bench/performance.ts uses this).
  const firstOnly = args.has('first-only') && args.get('first-only') !== 'false'
  const jsonFile = args.get('json')
  const firstNotifyP50: Record<string, number> = {}
  const rows: string[] = []
  const cutRows: string[] = []
  for (const target of targets) {
    const results: RunResult[] = []
    for (let r = 0; r < rounds; r++) {
      const dir = await mkdtemp(join(tmpdir(), 'bench-cluster-'))
      try {
        const result = await oneRun(target, dir, `r${r}`, gossipTls, firstOnly)
        results.push(result)
        process.stdout.write(`[${target}] run ${r + 1}/${rounds}: ${JSON.stringify(result)}\n`)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }
    firstNotifyP50[target] = median(results.flatMap((r) => r.firstNotifyMs))
    const all = (f: (r: RunResult) => number) => results.map(f)
    const sum = (f: (r: RunResult) => number) => all(f).reduce((a, b) => a + b, 0)
    rows.push(
      `| ${target} | ${median(results.flatMap((r) => r.firstNotifyMs)).toFixed(0)} ms | ${((100 * sum((r) => r.dupGroups)) / (GROUPS * rounds)).toFixed(1)} % | ${sum((r) => r.missedGroups)} | ${median(all((r) => r.failoverDelayMs)).toFixed(0)} ms | ${sum((r) => r.failoverDup)}/${rounds} | ${p99(results.flatMap((r) => r.silenceVisibleMs)).toFixed(0)} ms | ${median(all((r) => r.hundredSilencesMs)).toFixed(0)} ms | ${median(all((r) => r.settleMs)).toFixed(0)} ms | ${median(all((r) => r.stopMs)).toFixed(0)} ms |`
    )
    const cutDelays = results.flatMap((r) => r.cutDelayMs)
    cutRows.push(
      `| ${target} | ${median(cutDelays).toFixed(0)} ms | ${Math.max(...cutDelays).toFixed(0)} ms | ${sum((r) => r.cutMissed)}/${CUT_GROUPS * rounds} | ${sum((r) => r.cutDupAfterRecovery)}/${CUT_GROUPS * rounds} |`
    )
  }
  process.stdout.write(
    [
      '',
      `## 3-node cluster${gossipTls ? ', gossip over mutual TLS' : ''} (${rounds} runs each, ${new Date().toISOString()})`,
      '',
      '| target | first notification p50 (group_wait 1s) | groups notified twice | never notified | node 0 killed: delay | killed: twice | silence visible p99 | 100 silences on all | start to settled | SIGTERM all, last exit |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Position 0 up but cut off from the receiver, ${CUT_GROUPS} groups (group_wait 1s, peer_timeout 15s):`,
      '',
      '| target | delivery delay p50 | max | never delivered | delivered again after position 0 recovered |',
      '|---|---|---|---|---|',
      ...cutRows,
      '',
    ].join('\n')
  )
  if (jsonFile !== undefined) {
    await writeFile(jsonFile, `${JSON.stringify({ rounds, firstOnly, firstNotifyP50 }, null, 2)}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `cluster benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`
  )
  process.exit(1)
})
