// A cluster of real node processes, alertmesh or Alertmanager 0.25, one per namespace of a
// FaultNetwork: the harness of the fault tests (test/e2e/faults) and bench/faults.ts.
import type { FaultNetwork } from './netns.js'
import { MAIN_JS, TestNode } from './node-process.js'
import { waitFor } from './wait.js'

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

/** waitForPeers waits until each of `members` lists `count` peers and is ready (settled). */
export async function waitForPeers(
  members: readonly FaultMember[],
  count: number,
  timeoutMs = 60_000
): Promise<void> {
  await waitFor(
    `${count} peers, ready, on nodes ${members.map((m) => m.index).join(', ')}`,
    async () => {
      for (const { node } of members) {
        const s = await node.getJson<{ cluster: { status: string; peers: unknown[] } }>(
          '/api/v2/status'
        )
        if (s.cluster.peers.length !== count || s.cluster.status !== 'ready') {
          return false
        }
      }
      return true
    },
    { timeoutMs, intervalMs: 100 }
  )
}

/** stopFaultCluster stops every member (a Teardown release). */
export async function stopFaultCluster(members: readonly FaultMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.node.stop()))
}
