/**
 * Memberlist interop benchmark (issue 22): three 3-node clusters in the same run, all speaking
 * Alertmanager's memberlist gossip on 127.0.0.1, alertmesh nodes with --cluster.protocol=memberlist:
 *
 * - 3 Go: three Alertmanager 0.25 nodes, the reference;
 * - 2 Go + 1 alertmesh: a Go node at position 0, alertmesh at position 2;
 * - 1 Go + 2 alertmesh: an alertmesh node at position 0, the Go node at position 1.
 *
 * Nodes start one after the other (positions follow start order: ULID names sort by start
 * time), each joining the first. Per round, on a fresh cluster:
 *
 * - silence propagation: a silence posted on one node, the time until every other node returns
 *   it from GET /api/v2/silences (polled every few ms); --silences per node, one at a time, on
 *   every node, reported by the kind of node it was posted on (p50/p99);
 * - dedup: the same alerts for --groups groups (group_wait 1s) posted to every node at once:
 *   groups notified twice and never, once every node has made its dedup decision for each group
 *   (its nflog lookup, as the e2e tests await it), and the p50 of each group's first
 *   notification after the post.
 *
 *   node dist/bench/memberlist.js [--rounds=3] [--silences=10] [--groups=30] [--peer-timeout=2s]
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { freePorts } from '#scripts/lib/ports.mjs'
import { waitFor } from '#scripts/lib/ready.mjs'

import { afterDedupChecks, nflogQueries } from '../test/support/dedup-checks.js'
import { sampleValue } from '../test/support/prometheus.js'

import { listOf, positiveInteger } from './lib/args.js'
import type { FlagSpec } from './lib/args.js'
import {
  errorText,
  formatFigure,
  log,
  markdownTable,
  runBenchmark,
  writeResults,
} from './lib/report.js'
import { WebhookSink } from './lib/sink.js'
import { startBench } from './lib/start.js'
import { median } from './lib/stats.js'
import { startTarget, targetSpec } from './lib/target.js'
import type { RunningTarget, TargetName } from './lib/target.js'

const BENCH_NAME = 'memberlist'
const SENT = 'alertmanager_notifications_total{integration="webhook"}'
const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')

/** ClusterKind is one mix of node kinds, listed in start (so position) order. */
interface ClusterKind {
  readonly label: string
  readonly nodes: readonly TargetName[]
}

const CLUSTER_KINDS: readonly ClusterKind[] = [
  { label: '3 Go', nodes: ['alertmanager', 'alertmanager', 'alertmanager'] },
  { label: '2 Go + 1 alertmesh', nodes: ['alertmanager', 'alertmanager', 'alertmesh'] },
  { label: '1 Go + 2 alertmesh', nodes: ['alertmesh', 'alertmanager', 'alertmesh'] },
]

const FLAGS = {
  clusters: {
    default: CLUSTER_KINDS.map((k) => k.label.replace(/ /g, '')).join(','),
    help: 'cluster kinds to run, by label without spaces',
  },
  rounds: { default: '3', help: 'fresh clusters per cluster kind' },
  silences: { default: '10', help: 'silences posted on each node per round, one at a time' },
  groups: { default: '30', help: 'alert groups posted to every node per round (dedup)' },
  'peer-timeout': {
    default: '2s',
    help: "every node's --cluster.peer-timeout: position p waits p times this before its dedup",
  },
  'ready-timeout': { default: '30', help: 'seconds a node may take to answer /-/ready' },
  'settle-timeout': { default: '60', help: 'seconds a cluster may take to settle' },
  'alertmanager-bin': {
    default: '/usr/bin/prometheus-alertmanager',
    help: 'Alertmanager 0.25 binary',
  },
  'alertmesh-main': {
    default: resolve(ROOT, 'dist', 'bin', 'alertmesh.cjs'),
    help: 'the bundled alertmesh command',
  },
  'results-dir': { default: resolve(ROOT, 'bench', 'results'), help: 'where the JSON goes' },
} satisfies Record<string, FlagSpec>

interface Params {
  readonly clusters: readonly ClusterKind[]
  readonly rounds: number
  readonly silences: number
  readonly groups: number
  readonly peerTimeout: string
  readonly readyTimeoutMs: number
  readonly settleTimeoutMs: number
  readonly alertmanagerBin: string
  readonly alertmeshMain: string
  readonly resultsDir: string
}

function readParams(flags: Record<keyof typeof FLAGS, string>): Params {
  const labels = CLUSTER_KINDS.map((k) => k.label.replace(/ /g, ''))
  const chosen = listOf('clusters', flags.clusters, labels)
  return {
    clusters: CLUSTER_KINDS.filter((_, i) => chosen.includes(labels[i] ?? '')),
    rounds: positiveInteger('rounds', flags.rounds),
    silences: positiveInteger('silences', flags.silences),
    groups: positiveInteger('groups', flags.groups),
    peerTimeout: flags['peer-timeout'],
    readyTimeoutMs: positiveInteger('ready-timeout', flags['ready-timeout']) * 1000,
    settleTimeoutMs: positiveInteger('settle-timeout', flags['settle-timeout']) * 1000,
    alertmanagerBin: flags['alertmanager-bin'],
    alertmeshMain: flags['alertmesh-main'],
    resultsDir: flags['results-dir'],
  }
}

/** RoundResult is one fresh cluster's figures. */
interface RoundResult {
  /** Kind of the node at position 0 (alertmanager_peer_position 0). */
  readonly positionZero: TargetName
  /** Silence propagation to every other node, by the kind of node it was posted on. */
  readonly silenceMs: Record<TargetName, number[]>
  /** Each delivered group's first notification after the post. */
  readonly firstNotifyMs: number[]
  readonly notifiedTwice: number
  readonly neverNotified: number
  /** Notifications each node sent in the dedup measure, as `<kind>@<position>: <count>`. */
  readonly sentByPosition: string[]
}

/** Cluster is a running mix of nodes. */
interface Cluster {
  readonly nodes: readonly RunningTarget[]
  /** `url` for the test helpers that read /metrics. */
  readonly metrics: readonly { readonly url: string }[]
}

/**
 * startCluster starts the nodes in order, each joining the first (the first joins the second),
 * then waits until every node lists all of them and reports status ready.
 */
async function startCluster(
  kind: ClusterKind,
  params: Params,
  webhookUrl: string
): Promise<Cluster> {
  const gossip = await freePorts(kind.nodes.length)
  const nodes: RunningTarget[] = []
  const config = [
    'route:',
    '  receiver: sink',
    '  group_by: [alertname]',
    '  group_wait: 1s',
    '  group_interval: 5m',
    '  repeat_interval: 4h',
    'receivers:',
    '- name: sink',
    '  webhook_configs:',
    `  - url: ${webhookUrl}`,
    '',
  ].join('\n')
  try {
    for (const [i, name] of kind.nodes.entries()) {
      const spec = targetSpec(name, {
        alertmanagerBin: params.alertmanagerBin,
        alertmeshMain: params.alertmeshMain,
        logLevel: 'info',
      })
      nodes.push(
        await startTarget(spec, {
          config,
          readyTimeoutMs: params.readyTimeoutMs,
          clusterArgs: [
            ...(name === 'alertmesh' ? ['--cluster.protocol=memberlist'] : []),
            `--cluster.listen-address=127.0.0.1:${gossip[i] ?? 0}`,
            `--cluster.peer=127.0.0.1:${gossip[i === 0 ? 1 : 0] ?? 0}`,
            `--cluster.peer-timeout=${params.peerTimeout}`,
          ],
        })
      )
    }
    await waitFor(
      `${kind.label}: every node ready with ${nodes.length} members`,
      async () => {
        const all = await Promise.all(
          nodes.map(async (n) => {
            const res = await fetch(`${n.baseUrl}/api/v2/status`)
            return (await res.json()) as { cluster: { status: string; peers: unknown[] } }
          })
        )
        return all.every(
          (s) => s.cluster.status === 'ready' && s.cluster.peers.length === nodes.length
        )
      },
      { timeoutMs: params.settleTimeoutMs, intervalMs: 100 }
    )
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()))
    throw err
  }
  return { nodes, metrics: nodes.map((n) => ({ url: n.baseUrl })) }
}

function postJson(node: RunningTarget, path: string, body: unknown): Promise<Response> {
  return fetch(`${node.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function silenceIds(node: RunningTarget): Promise<Set<string>> {
  const res = await fetch(`${node.baseUrl}/api/v2/silences`)
  return new Set(((await res.json()) as { id: string }[]).map((s) => s.id))
}

/**
 * propagationMs posts one silence on `from` and polls every other node until each returns it.
 *
 * @returns the time from just before the POST until the last other node listed it.
 */
async function propagationMs(
  from: RunningTarget,
  others: readonly RunningTarget[],
  comment: string
): Promise<number> {
  const started = performance.now()
  const res = await postJson(from, '/api/v2/silences', {
    matchers: [{ name: 'bench', value: comment, isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: 'bench',
    comment,
  })
  if (!res.ok) {
    throw new Error(`${from.name}: POST /api/v2/silences answered ${res.status}`)
  }
  const { silenceID } = (await res.json()) as { silenceID: string }
  const waiting = new Set(others)
  await waitFor(
    `silence ${comment} on ${others.length} nodes`,
    async () => {
      for (const node of [...waiting]) {
        if ((await silenceIds(node)).has(silenceID)) {
          waiting.delete(node)
        }
      }
      return waiting.size === 0
    },
    { timeoutMs: 30_000, intervalMs: 5 }
  )
  return performance.now() - started
}

/**
 * dedup posts the same `groups` alerts to every node at once and, once every node has looked
 * each group up in the nflog, counts what the sink got per group.
 */
async function dedup(
  cluster: Cluster,
  groups: number,
  tag: string,
  firstAt: Map<string, number>,
  counts: Map<string, number>
): Promise<
  Pick<RoundResult, 'firstNotifyMs' | 'notifiedTwice' | 'neverNotified' | 'sentByPosition'>
> {
  const names = Array.from({ length: groups }, (_, g) => `${tag}g${g}`)
  const alerts = names.map((alertname) => ({
    labels: { alertname },
    startsAt: new Date().toISOString(),
  }))
  const sent = (): Promise<number[]> =>
    Promise.all(cluster.nodes.map((n) => sampleValue(n.baseUrl, SENT)))
  const sentBefore = await sent()
  const before = await nflogQueries(cluster.metrics)
  const postedAt = performance.now()
  await Promise.all(cluster.nodes.map((n) => postJson(n, '/api/v2/alerts', alerts)))
  await afterDedupChecks(cluster.metrics, before, groups)
  const sentAfter = await sent()
  const positions = await Promise.all(
    cluster.nodes.map((n) => sampleValue(n.baseUrl, 'alertmanager_peer_position'))
  )
  const firstNotifyMs = names.flatMap((g) => {
    const at = firstAt.get(g)
    return at === undefined ? [] : [at - postedAt]
  })
  return {
    firstNotifyMs,
    notifiedTwice: names.filter((g) => (counts.get(g) ?? 0) > 1).length,
    neverNotified: names.filter((g) => (counts.get(g) ?? 0) === 0).length,
    sentByPosition: cluster.nodes.map(
      (n, i) => `${n.name}@${positions[i] ?? -1}: ${(sentAfter[i] ?? 0) - (sentBefore[i] ?? 0)}`
    ),
  }
}

async function oneRound(kind: ClusterKind, params: Params, tag: string): Promise<RoundResult> {
  const counts = new Map<string, number>()
  const firstAt = new Map<string, number>()
  const sink = await WebhookSink.start((body, receivedMs) => {
    const group = (JSON.parse(body.toString()) as { groupLabels: Record<string, string> })
      .groupLabels['alertname']
    if (group !== undefined) {
      counts.set(group, (counts.get(group) ?? 0) + 1)
      if (!firstAt.has(group)) {
        firstAt.set(group, receivedMs)
      }
    }
  })
  try {
    const cluster = await startCluster(kind, params, sink.url)
    try {
      const positions = await Promise.all(
        cluster.nodes.map((n) => sampleValue(n.baseUrl, 'alertmanager_peer_position'))
      )
      const zero = cluster.nodes[positions.indexOf(0)]
      const silenceMs: Record<TargetName, number[]> = { alertmanager: [], alertmesh: [] }
      for (const [i, node] of cluster.nodes.entries()) {
        const others = cluster.nodes.filter((n) => n !== node)
        for (let s = 0; s < params.silences; s++) {
          silenceMs[node.name].push(await propagationMs(node, others, `${tag}-n${i}-s${s}`))
        }
      }
      const dedupFigures = await dedup(cluster, params.groups, tag, firstAt, counts)
      for (const n of cluster.nodes) {
        n.assertAlive()
      }
      return { positionZero: zero?.name ?? 'alertmanager', silenceMs, ...dedupFigures }
    } finally {
      await Promise.all(cluster.nodes.map((n) => n.stop()))
    }
  } finally {
    await sink.close()
  }
}

/** p99 is the nearest-rank 99th percentile. */
function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN
}

function percentiles(values: readonly number[]): string {
  return values.length === 0
    ? '-'
    : `${formatFigure(median(values))} / ${formatFigure(p99(values))} ms`
}

function summaryRow(kind: ClusterKind, rounds: readonly RoundResult[], groups: number): string[] {
  const total = groups * rounds.length
  const sum = (f: (r: RoundResult) => number): number => rounds.reduce((a, r) => a + f(r), 0)
  return [
    kind.label,
    [...new Set(rounds.map((r) => r.positionZero))].join(', '),
    percentiles(rounds.flatMap((r) => r.silenceMs.alertmanager)),
    percentiles(rounds.flatMap((r) => r.silenceMs.alertmesh)),
    `${sum((r) => r.notifiedTwice)}/${total}`,
    `${sum((r) => r.neverNotified)}/${total}`,
    `${formatFigure(median(rounds.flatMap((r) => r.firstNotifyMs)))} ms`,
  ]
}

async function main(): Promise<number> {
  const start = await startBench(
    'memberlist',
    FLAGS,
    readParams,
    (p) => ({ alertmanagerBin: p.alertmanagerBin }),
    ROOT
  )
  if ('exitCode' in start) {
    return start.exitCode
  }
  const { params, started, machine } = start
  const results: { kind: string; rounds: RoundResult[]; error?: string }[] = []
  let exitCode = 0
  for (const kind of params.clusters) {
    const rounds: RoundResult[] = []
    try {
      for (let r = 0; r < params.rounds; r++) {
        const round = await oneRound(kind, params, `r${r}`)
        rounds.push(round)
        log(kind.label, `round ${r + 1}/${params.rounds}: ${JSON.stringify(round)}`)
      }
      results.push({ kind: kind.label, rounds })
    } catch (err) {
      log(kind.label, `failed: ${errorText(err)}`)
      results.push({ kind: kind.label, rounds, error: errorText(err) })
      exitCode = 1
    }
  }
  const table = markdownTable(
    [
      'cluster',
      'position 0',
      'silence on all others, posted on Go (p50 / p99)',
      'posted on alertmesh (p50 / p99)',
      'groups notified twice',
      'never',
      'first notification p50 (group_wait 1s)',
    ],
    params.clusters.map((kind) =>
      summaryRow(kind, results.find((r) => r.kind === kind.label)?.rounds ?? [], params.groups)
    )
  )
  console.log(
    `\n## Memberlist clusters, 3 nodes (${params.rounds} rounds each, ${params.silences} silences per node, ${params.groups} groups, peer_timeout ${params.peerTimeout}, ${started.toISOString()})\n\n${table}\n`
  )
  const file = await writeResults(params.resultsDir, BENCH_NAME, started, {
    machine,
    params,
    results,
  })
  console.log(`results: ${file}`)
  return exitCode
}

runBenchmark(main)
