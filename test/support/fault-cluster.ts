// A cluster of real node processes, alertmesh or Alertmanager 0.25, one per namespace of a
// FaultNetwork: the harness of the fault tests (test/e2e/faults) and bench/faults.ts.
import { waitForPeerCount } from './cluster.js'
import { iso } from './fixtures.js'
import { flushCount } from './logged-process.js'
import type { LogRecord } from './logged-process.js'
import { FaultNetwork } from './netns.js'
import { MAIN_JS, TestNode } from './node-process.js'
import type { Teardown } from './teardown.js'
import { waitFor } from './wait.js'
import { WebhookReceiver } from './webhook-receiver.js'

/** CLUSTER_PORT is every node's gossip port; each node has its own address. */
export const CLUSTER_PORT = 9094

/** Product is what runs on the nodes. */
export type Product = 'alertmesh' | 'alertmanager'

/** FaultClusterOptions shape a cluster on a FaultNetwork. */
export interface FaultClusterOptions {
  readonly product?: Product
  /** Config text for every node. */
  readonly config: string
  /** Extra flags for every node. */
  readonly args?: readonly string[]
  /**
   * Consul mode (alertmesh only): config from this Consul's KV under `kvPrefix`, peers from its
   * catalog, instead of the config file and --cluster.peer.
   */
  readonly consul?: { readonly address: string; readonly kvPrefix: string }
}

/** FaultMember is one running node and its place in the network. */
export interface FaultMember {
  readonly index: number
  readonly node: TestNode
}

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager'

/**
 * startFaultMember starts (or, with `dir`, restarts) node `index` in its namespace, peered with
 * every node of the network by --cluster.peer.
 */
export function startFaultMember(
  network: FaultNetwork,
  index: number,
  options: FaultClusterOptions & { readonly dir?: string }
): Promise<TestNode> {
  const product = options.product ?? 'alertmesh'
  const own = network.nodes[index]
  if (own === undefined) {
    throw new RangeError(`no node ${index}`)
  }
  return TestNode.start({
    config: options.config,
    command: network.command(
      index,
      product === 'alertmesh' ? [process.execPath, MAIN_JS] : [ALERTMANAGER]
    ),
    host: own.address,
    clusterArgs: [
      `--cluster.listen-address=${own.address}:${CLUSTER_PORT}`,
      ...(options.consul === undefined
        ? network.nodes.map((n) => `--cluster.peer=${n.address}:${CLUSTER_PORT}`)
        : []),
    ],
    args: [
      ...(product === 'alertmesh' && options.consul === undefined ? [`--node.name=n${index}`] : []),
      ...(options.args ?? []),
    ],
    ...(options.consul === undefined
      ? {}
      : { consul: { ...options.consul, nodeName: `n${index}` } }),
    ...(options.dir === undefined ? {} : { dir: options.dir }),
  })
}

/**
 * startFaultCluster starts one node per namespace and waits until every node sees all of them
 * and is ready.
 *
 * @returns the members, by index.
 */
export async function startFaultCluster(
  network: FaultNetwork,
  options: FaultClusterOptions
): Promise<FaultMember[]> {
  const started = await Promise.allSettled(
    network.nodes.map(async ({ index }) => ({
      index,
      node: await startFaultMember(network, index, options),
    }))
  )
  const members = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = started.find((r) => r.status === 'rejected')
  if (failed !== undefined) {
    await Promise.all(members.map((m) => m.node.stop()))
    throw failed.reason
  }
  await waitForPeers(members, network.nodes.length)
  return members
}

/** waitForPeers is {@link waitForPeerCount} with the fault tests' longer default wait. */
export async function waitForPeers(
  members: readonly FaultMember[],
  count: number,
  timeoutMs = 60_000
): Promise<void> {
  await waitForPeerCount(members, count, timeoutMs)
}

/** stopFaultCluster stops every member (a Teardown release). */
export async function stopFaultCluster(members: readonly FaultMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.node.stop()))
}

/**
 * faultConfig is the fault tests' config: one webhook receiver, groups by alertname, group_wait
 * 1s, repeat_interval 1h.
 *
 * @param receiverURL - the webhook receiver's base URL; notifications go to `<url>/hook`.
 * @param groupInterval - group_interval, a duration such as `5s`.
 */
export function faultConfig(receiverURL: string, groupInterval = '5s'): string {
  return `route:
  receiver: r
  group_by: [alertname]
  group_wait: 1s
  group_interval: ${groupInterval}
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${receiverURL}/hook
`
}

/** firing is an alert that fires for the next hour, its group named by `alertname`. */
export function firing(alertname: string): object {
  return {
    labels: { alertname },
    startsAt: iso(Date.now()),
    endsAt: iso(Date.now() + 3_600_000),
  }
}

/** waitForSilences waits until every member lists every silence of `ids`. */
export async function waitForSilences(
  members: readonly FaultMember[],
  ids: readonly string[],
  timeoutMs = 10_000
): Promise<void> {
  await waitFor(
    `${ids.length} silences on every node`,
    async () => {
      for (const { node } of members) {
        const have = await node.getJson<{ id: string }[]>('/api/v2/silences')
        if (!ids.every((id) => have.some((s) => s.id === id))) {
          return false
        }
      }
      return true
    },
    { timeoutMs, intervalMs: 20 }
  )
}

/**
 * waitForFlushes waits until each of `members` has begun `count` flushes of every group of
 * `names` since its offset in `offsets` (by index; 0 when absent). Flushes of one group never
 * overlap, so all but the last have ended by then.
 */
export async function waitForFlushes(
  members: readonly FaultMember[],
  names: readonly string[],
  count: number,
  offsets: readonly number[] = [],
  timeoutMs = 60_000
): Promise<void> {
  await waitFor(
    `${count} flushes of every group on nodes ${members.map((m) => m.index).join(', ')}`,
    () =>
      members.every((m, i) =>
        names.every((name) => flushCount(m.node, name, offsets[i] ?? 0) >= count)
      ),
    { timeoutMs, intervalMs: 250 }
  )
}

/** The dedup stage's debug records of its decision (src/notify/stages/dedup.ts). */
const NEEDED = 'Notification needed'
const ALREADY_SENT = 'Notification already sent'

/**
 * dedupSettled tells whether, in `records` (one node's, since an offset), every group of
 * `names` has a dedup decision, and every decision to send has been carried out: the group's
 * next flush has begun.
 */
function dedupSettled(records: readonly LogRecord[], names: readonly string[]): boolean {
  return names.every((name) => {
    const key = `{}:{alertname="${name}"}`
    const steps = records
      .filter((r) => r.aggrGroup === key)
      .map((r) => r.msg)
      .filter((msg) => msg === 'flushing' || msg === NEEDED || msg === ALREADY_SENT)
    const lastNeeded = steps.lastIndexOf(NEEDED)
    return (
      steps.some((msg) => msg !== 'flushing') &&
      (lastNeeded === -1 || steps.includes('flushing', lastNeeded))
    )
  })
}

/**
 * waitForDedupDecisions waits until each of `members` has decided at its dedup stage, since its
 * offset in `offsets` (by index; 0 when absent), whether to send each group of `names`, and
 * until each flush that decided to send has ended. Flushes of one group never overlap and each
 * decides once, so by then every flush begun before the offsets has decided too and sent what it
 * decided to send, and every node has checked each group against its nflog as it was after the
 * offsets: what {@link waitForFlushes} with a count of 2 ensures, without waiting out one more
 * flush, which at position p lasts p × peer_timeout.
 */
export async function waitForDedupDecisions(
  members: readonly FaultMember[],
  names: readonly string[],
  offsets: readonly number[] = [],
  timeoutMs = 60_000
): Promise<void> {
  await waitFor(
    `a dedup decision on every group, carried out, on nodes ${members.map((m) => m.index).join(', ')}`,
    () => members.every((m, i) => dedupSettled(m.node.logRecords(offsets[i] ?? 0), names)),
    { timeoutMs, intervalMs: 250 }
  )
}

/** FaultSuite is what a fault test runs on; `members` is replaced when a test restarts nodes. */
export interface FaultSuite {
  readonly network: FaultNetwork
  readonly receiver: WebhookReceiver
  readonly options: FaultClusterOptions
  members: FaultMember[]
}

/**
 * The suite's group_interval. The tests await whole flushes ({@link waitForFlushes}), which a
 * node that does not wait for its peers begins one group_interval apart, so a short interval
 * shortens them; what a flush does (the cluster wait, the dedup check, the 10 s floor of its
 * deadline) does not depend on it.
 */
const SUITE_GROUP_INTERVAL = '2s'

/**
 * startFaultSuite builds a 3-node network, a webhook receiver in the root namespace and an
 * alertmesh cluster notifying it ({@link faultConfig} with group_interval 2s, debug JSON logs
 * for the flush counts), each registered with `teardown` (the cluster as whatever `members`
 * holds at the end).
 *
 * @param teardown - the suite's teardown.
 * @param args - extra node flags.
 */
export async function startFaultSuite(
  teardown: Teardown,
  args: readonly string[] = []
): Promise<FaultSuite> {
  const network = teardown.stop(FaultNetwork.create(3))
  const receiver = teardown.stop(await WebhookReceiver.start(network.hostAddress))
  const options: FaultClusterOptions = {
    config: faultConfig(receiver.url, SUITE_GROUP_INTERVAL),
    args: ['--log.level=debug', '--log.format=json', ...args],
  }
  const suite: FaultSuite = {
    network,
    receiver,
    options,
    members: await startFaultCluster(network, options),
  }
  teardown.add(suite, (s) => stopFaultCluster(s.members))
  return suite
}
