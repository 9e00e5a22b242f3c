import { TestNode } from './node-process.js'
import { freePort } from './ports.js'
import type { Teardown } from './teardown.js'
import { waitFor } from './wait.js'
import { WebhookReceiver } from './webhook-receiver.js'

/** ClusterOptions shape a test cluster of real node processes on 127.0.0.1. */
export interface ClusterOptions {
  /** Config text for every node (file mode). */
  readonly config: string
  /** Config text for one node, by index, in place of `config`. */
  readonly configOf?: (index: number) => string
  /** Extra flags for every node. */
  readonly args?: readonly string[]
  /** Flags for one node only, by index. */
  readonly argsOf?: (index: number) => readonly string[]
  /** Consul mode instead of --cluster.peer: the nodes find each other in this Consul. */
  readonly consul?: { readonly address: string; readonly kvPrefix?: string }
  /** How the API is reached, for nodes behind --web.config.file. */
  readonly scheme?: 'http' | 'https'
  /** The readiness probe, for nodes behind --web.config.file. */
  readonly probe?: (base: string) => Promise<boolean>
}

/** ClusterMember is one node of a test cluster with its cluster port. */
export interface ClusterMember {
  readonly node: TestNode
  readonly name: string
  readonly clusterPort: number
}

/**
 * clusterArgs are the cluster flags of member `index`: its own listen address and, without
 * Consul, every member's address as --cluster.peer (itself included, as deployments do).
 *
 * @param index - which member.
 * @param ports - every member's cluster port.
 * @param consul - whether discovery goes through Consul.
 * @returns the flags.
 */
export function clusterArgs(index: number, ports: readonly number[], consul: boolean): string[] {
  return [
    `--cluster.listen-address=127.0.0.1:${ports[index] as number}`,
    ...(consul ? [] : ports.map((p) => `--cluster.peer=127.0.0.1:${p}`)),
  ]
}

/**
 * startTestCluster starts `size` nodes named n0, n1, … (so their positions are 0, 1, …) at once.
 *
 * @param size - how many nodes.
 * @param options - config and flags.
 * @returns the members, in position order.
 */
export async function startTestCluster(
  size: number,
  options: ClusterOptions
): Promise<ClusterMember[]> {
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()))
  const started = await Promise.allSettled(
    ports.map(async (clusterPort, index) => {
      const name = `n${index}`
      const node = await TestNode.start({
        config: options.configOf?.(index) ?? options.config,
        ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
        ...(options.probe === undefined ? {} : { probe: options.probe }),
        clusterArgs: clusterArgs(index, ports, options.consul !== undefined),
        args: [
          ...(options.consul === undefined ? [`--node.name=${name}`] : []),
          ...(options.args ?? []),
          ...(options.argsOf?.(index) ?? []),
        ],
        ...(options.consul === undefined
          ? {}
          : {
              consul: {
                address: options.consul.address,
                nodeName: name,
                ...(options.consul.kvPrefix === undefined
                  ? {}
                  : { kvPrefix: options.consul.kvPrefix }),
              },
            }),
      })
      return { node, name, clusterPort }
    })
  )
  const failed = started.find((r) => r.status === 'rejected')
  if (failed !== undefined) {
    // The caller gets no members to stop in after(), so the nodes that did start stop here.
    const up = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    await Promise.all(up.map((m) => m.node.stop()))
    throw failed.reason
  }
  return started.map((r) => (r as PromiseFulfilledResult<ClusterMember>).value)
}

/**
 * startTestClusterFor starts a cluster as {@link startTestCluster} does and registers its stop
 * on `teardown` at once, so after() stops it even when the rest of before() fails.
 *
 * @param teardown - the suite's teardown.
 * @param size - how many nodes.
 * @param options - config and flags.
 * @returns the members, in position order.
 */
export async function startTestClusterFor(
  teardown: Teardown,
  size: number,
  options: ClusterOptions
): Promise<ClusterMember[]> {
  return teardown.add(await startTestCluster(size, options), stopMembers)
}

/** ReceiverCluster is a webhook receiver and the cluster that notifies it. */
export interface ReceiverCluster {
  readonly receiver: WebhookReceiver
  readonly members: ClusterMember[]
}

/**
 * startReceiverCluster starts a webhook receiver, then a cluster whose config points at it,
 * registering each on `teardown` the moment it is up: how most cluster suites begin.
 *
 * @param teardown - the suite's teardown.
 * @param size - how many nodes.
 * @param options - config and flags, given the receiver (for its URL).
 * @returns the receiver and the members, in position order.
 */
export async function startReceiverCluster(
  teardown: Teardown,
  size: number,
  options: (receiver: WebhookReceiver) => ClusterOptions
): Promise<ReceiverCluster> {
  const receiver = teardown.stop(await WebhookReceiver.start())
  return { receiver, members: await startTestClusterFor(teardown, size, options(receiver)) }
}

/**
 * stopMembers stops every member side by side (a Teardown release for a whole cluster).
 *
 * @param members - the cluster.
 */
export async function stopMembers(members: readonly ClusterMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.node.stop()))
}

/**
 * waitForFullMembership waits until every member lists all members as peers and is ready
 * (settled): exactly-once delivery needs every node to know its position first.
 *
 * @param members - the cluster.
 * @param timeoutMs - how long to wait; generous, since nodes start side by side with other tests.
 */
export async function waitForFullMembership(
  members: readonly ClusterMember[],
  timeoutMs = 30_000
): Promise<void> {
  await waitForPeerCount(members, members.length, timeoutMs)
}

/**
 * waitForPeerCount waits until each of `members` lists `count` peers (itself included) and is
 * ready (settled): one side of a partition, or a cluster that lost a node.
 *
 * @param members - the nodes to ask.
 * @param count - the peers each must list.
 * @param timeoutMs - how long to wait.
 */
export async function waitForPeerCount(
  members: readonly { readonly node: TestNode }[],
  count: number,
  timeoutMs = 30_000
): Promise<void> {
  await waitFor(
    `${count} members, ready, on each of ${members.length} nodes`,
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
    { timeoutMs }
  )
}
