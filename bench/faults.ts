/**
 * Fault benchmark: a 3-node alertmesh cluster and a 3-node Alertmanager 0.25 cluster, each node
 * in its own network namespace (test/support/netns.ts, the harness of test/e2e/faults), put
 * through the same faults with the webhook receiver reachable from every node:
 *
 * - silent-loss: the position-0 host dies silently right after the alerts arrive (before its
 *   flush): its link is cut, then its process killed; once every group was delivered the host
 *   comes back (link, then the node on its data directory) and the alerts are sent again, as
 *   Prometheus does at its next evaluation;
 * - cut-off: the position-0 node's link is cut (the process lives on, retrying), and restored
 *   once every group was delivered: a request stuck connecting gets through on the kernel's next
 *   SYN, racing the gossip that would have told the node it is no longer needed;
 * - partition: {position 0, position 1} | {position 2} with alerts sent to all, a silence made
 *   on each side, then the heal;
 * - slow-peer: the position-0 node is stopped (SIGSTOP) for 5 s right after the alerts arrive;
 * - flapping: the position-0 node's link goes down 2 s, up 2 s, for 60 s while a new group
 *   arrives every 1.5 s.
 *
 * Positions are read from each node's `alertmanager_peer_position` (Alertmanager names its
 * nodes with random ULIDs). Per fault it reports the slowest delivery after the alerts, groups
 * delivered more than once, groups never delivered, and for the partition how long after the
 * heal both silences were on every node. Needs root (network namespaces) and nftables.
 *
 *   node dist/bench/faults.js [--targets=alertmanager,alertmesh] [--faults=silent-loss,partition,slow-peer,flapping]
 */
import { setTimeout as sleep } from 'node:timers/promises'

import {
  faultConfig,
  firing,
  startFaultCluster,
  startFaultMember,
  stopFaultCluster,
  waitForPeers,
  waitForSilences,
} from '../test/support/fault-cluster.js'
import type { FaultMember, Product } from '../test/support/fault-cluster.js'
import { alertnameSilence } from '../test/support/fixtures.js'
import { FaultNetwork, faultNetworkUnavailable } from '../test/support/netns.js'
import { sampleValue } from '../test/support/prometheus.js'
import { WebhookReceiver } from '../test/support/webhook-receiver.js'

import { formatFigure, log, markdownTable, runBenchmark, writeResults } from './lib/report.js'

const FAULTS = ['silent-loss', 'cut-off', 'partition', 'slow-peer', 'flapping'] as const
type Fault = (typeof FAULTS)[number]
const PRODUCTS: readonly Product[] = ['alertmanager', 'alertmesh']
const GROUPS = 10
/** How long to watch for repeats once a fault is over: 2 × peer_timeout + 2 × group_interval. */
const REPEAT_WINDOW_MS = 40_000
const DELIVERY_TIMEOUT_MS = 120_000

interface Outcome {
  /** The slowest first delivery of a group after its alerts were posted, ms. */
  readonly slowestDeliveryMs: number | undefined
  readonly duplicates: number
  readonly misses: number
  /** Partition only: the heal until both silences were on every node, ms. */
  readonly silenceConvergenceMs?: number | undefined
  readonly notes: string[]
}

/** byPosition orders the members by their `alertmanager_peer_position`. */
async function byPosition(members: readonly FaultMember[]): Promise<FaultMember[]> {
  const positions = await Promise.all(
    members.map(async (m) => ({
      m,
      position: await sampleValue(m.node.url, 'alertmanager_peer_position'),
    }))
  )
  return positions.sort((a, b) => a.position - b.position).map((p) => p.m)
}

/** post sends alerts to every node that answers within half a second, as Prometheus would. */
async function post(members: readonly FaultMember[], names: readonly string[]): Promise<void> {
  await Promise.all(
    members.map(async ({ node }) => {
      try {
        await fetch(`${node.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(names.map(firing)),
          signal: AbortSignal.timeout(500),
        })
      } catch {
        // Behind the fault: the other nodes have it.
      }
    })
  )
}

/** tally counts deliveries per group of `names` and the slowest first delivery. */
function tally(receiver: WebhookReceiver, names: readonly string[], postedAt: Map<string, number>) {
  const counts = new Map<string, number>()
  const first = new Map<string, number>()
  for (const d of receiver.deliveries) {
    const name = d.payload.groupLabels['alertname'] ?? ''
    if (!names.includes(name)) {
      continue
    }
    counts.set(name, (counts.get(name) ?? 0) + 1)
    if (!first.has(name)) {
      first.set(name, d.at - (postedAt.get(name) ?? d.at))
    }
  }
  return {
    duplicates: [...counts.values()].filter((n) => n > 1).length,
    misses: names.filter((n) => !counts.has(n)).length,
    slowestDeliveryMs: first.size === 0 ? undefined : Math.max(...first.values()),
  }
}

async function allDelivered(receiver: WebhookReceiver, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map((name) =>
      receiver
        .next((d) => d.payload.groupLabels['alertname'] === name, {
          timeoutMs: DELIVERY_TIMEOUT_MS,
        })
        .catch(() => undefined)
    )
  )
}

async function runFault(product: Product, fault: Fault): Promise<Outcome> {
  const network = FaultNetwork.create(3)
  const receiver = await WebhookReceiver.start(network.hostAddress)
  let members: FaultMember[] = []
  try {
    members = await startFaultCluster(network, { product, config: faultConfig(receiver.url) })
    const ordered = await byPosition(members)
    const [p0, , p2] = ordered as [FaultMember, FaultMember, FaultMember]
    const names = Array.from({ length: GROUPS }, (_, g) => `${fault}${g}`)
    const postedAt = new Map<string, number>()
    const notes: string[] = []
    switch (fault) {
      case 'silent-loss': {
        await post(members, names)
        names.forEach((n) => postedAt.set(n, receiver.now()))
        network.cut(p0.index)
        await p0.node.kill('SIGKILL')
        await allDelivered(receiver, names)
        network.restore(p0.index)
        const restarted = await startFaultMember(network, p0.index, {
          product,
          config: faultConfig(receiver.url),
          dir: p0.node.dir,
        })
        members = members.map((m) => (m === p0 ? { index: m.index, node: restarted } : m))
        await waitForPeers(members, 3, DELIVERY_TIMEOUT_MS)
        await post(members, names)
        await sleep(REPEAT_WINDOW_MS)
        return { ...tally(receiver, names, postedAt), notes }
      }
      case 'cut-off': {
        await post(members, names)
        names.forEach((n) => postedAt.set(n, receiver.now()))
        network.cut(p0.index)
        await allDelivered(receiver, names)
        network.restore(p0.index)
        await sleep(REPEAT_WINDOW_MS)
        return { ...tally(receiver, names, postedAt), notes }
      }
      case 'partition': {
        network.partition([[p0.index, ordered[1]?.index ?? 0], [p2.index]])
        await waitForPeers([p2], 1, DELIVERY_TIMEOUT_MS)
        await post(members, names)
        names.forEach((n) => postedAt.set(n, receiver.now()))
        await allDelivered(receiver, names)
        const now = Date.now()
        const silences = await Promise.all(
          [p0, p2].map(async (m, i) => {
            const res = await m.node.postSilence(
              alertnameSilence(`Side${i}`, now - 1_000, now + 3_600_000)
            )
            return ((await res.json()) as { silenceID: string }).silenceID
          })
        )
        // Both sides notify: the partition's duplicates are expected, count them apart.
        const during = tally(receiver, names, postedAt)
        notes.push(`${during.duplicates} of ${GROUPS} groups sent by both sides`)
        const seen = receiver.deliveries.length
        network.heal()
        const healed = performance.now()
        let silenceConvergenceMs: number | undefined
        try {
          await waitForSilences(members, silences, DELIVERY_TIMEOUT_MS)
          silenceConvergenceMs = performance.now() - healed
        } catch {
          notes.push('silences did not converge within 120 s')
        }
        await sleep(REPEAT_WINDOW_MS)
        const repeats = receiver.deliveries.length - seen
        return {
          slowestDeliveryMs: during.slowestDeliveryMs,
          duplicates: repeats,
          misses: during.misses,
          ...(silenceConvergenceMs === undefined ? {} : { silenceConvergenceMs }),
          notes: [...notes, 'duplicates = notifications repeated after the heal'],
        }
      }
      case 'slow-peer': {
        await post(members, names)
        names.forEach((n) => postedAt.set(n, receiver.now()))
        p0.node.process.kill('SIGSTOP')
        await sleep(5_000)
        p0.node.process.kill('SIGCONT')
        await allDelivered(receiver, names)
        await sleep(REPEAT_WINDOW_MS)
        return { ...tally(receiver, names, postedAt), notes }
      }
      case 'flapping': {
        const flapNames: string[] = []
        const started = performance.now()
        let k = 0
        const posting = (async () => {
          while (performance.now() - started < 60_000) {
            const name = `flapping${k++}`
            flapNames.push(name)
            await post(members, [name])
            postedAt.set(name, receiver.now())
            await sleep(1_500)
          }
        })()
        while (performance.now() - started < 60_000) {
          network.cut(p0.index)
          await sleep(2_000)
          network.restore(p0.index)
          await sleep(2_000)
        }
        await posting
        await allDelivered(receiver, flapNames)
        await sleep(REPEAT_WINDOW_MS)
        notes.push(`${flapNames.length} groups`)
        return { ...tally(receiver, flapNames, postedAt), notes }
      }
    }
  } finally {
    p0Continue(members)
    await stopFaultCluster(members)
    await receiver.stop()
    await network.stop()
  }
}

/** A stopped node must be continued before it can be stopped for good. */
function p0Continue(members: readonly FaultMember[]): void {
  for (const m of members) {
    m.node.process.kill('SIGCONT')
  }
}

async function main(): Promise<number> {
  const unavailable = faultNetworkUnavailable()
  if (unavailable !== undefined) {
    console.error(`fault benchmark skipped: ${unavailable}`)
    return 1
  }
  const args = new Map(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=')
      return [k ?? '', v ?? '']
    })
  )
  const targets = (args.get('targets') ?? PRODUCTS.join(',')).split(',') as Product[]
  const faults = (args.get('faults') ?? FAULTS.join(',')).split(',') as Fault[]
  const started = new Date()
  const results: { fault: Fault; product: Product; outcome: Outcome }[] = []
  for (const fault of faults) {
    for (const product of targets) {
      log(product, `${fault}: running`)
      const outcome = await runFault(product, fault)
      log(product, `${fault}: ${JSON.stringify(outcome)}`)
      results.push({ fault, product, outcome })
    }
  }
  const cell = (fault: Fault, product: Product, pick: (o: Outcome) => number | undefined) => {
    const r = results.find((x) => x.fault === fault && x.product === product)
    return r === undefined ? '-' : formatFigure(pick(r.outcome))
  }
  const rows = faults.flatMap((fault) =>
    (
      [
        ['slowest delivery (ms)', (o: Outcome) => o.slowestDeliveryMs],
        ['groups sent twice', (o: Outcome) => o.duplicates],
        ['groups missed', (o: Outcome) => o.misses],
        ...(fault === 'partition'
          ? ([
              ['silences on every node after heal (ms)', (o: Outcome) => o.silenceConvergenceMs],
            ] as const)
          : []),
      ] as const
    ).map(([measure, pick]) => [fault, measure, ...targets.map((p) => cell(fault, p, pick))])
  )
  console.log(
    `\n## fault benchmark (${started.toISOString()}), 3 nodes each, group_wait 1s, peer_timeout 15s\n`
  )
  console.log(markdownTable(['fault', 'measure', ...targets], rows))
  for (const r of results) {
    if (r.outcome.notes.length > 0) {
      console.log(`  ${r.product} ${r.fault}: ${r.outcome.notes.join('; ')}`)
    }
  }
  const file = await writeResults(
    new URL('../../bench/results', import.meta.url).pathname,
    'faults',
    started,
    { benchmark: 'faults', startedAt: started.toISOString(), results }
  )
  console.log(`results written to ${file}`)
  return 0
}

runBenchmark(main)
