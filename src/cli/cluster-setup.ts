import { readFile } from 'node:fs/promises'

import type Logger from 'bunyan'
import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

import type { ClusterView, ConfigSourceView, MemberConfigView } from '../api/index.js'
import { ClusterPeer, MemberlistPeer, NODE_STATUS_KEY } from '../cluster/index.js'
import type { GossipPeer, GossipTls, MergeOrigin, NodeStatusState } from '../cluster/index.js'
import type { MeshEntry, Nflog } from '../nflog/index.js'
import type { MeshSilence, Silences } from '../silences/index.js'
import { errorMessage } from '../util/index.js'

import type { OnConfigReport } from './config-source.js'
import type { Flags } from './flags.js'
import { gossipState } from './gossip-bridge.js'
import type { GossipBridge } from './gossip-bridge.js'

type OnStop = (name: string, fn: () => Promise<void> | void) => void

/** ClusterDeps are the node's replicated states and their bridges. */
export interface ClusterDeps {
  readonly name: string
  readonly nflog: Nflog
  readonly nflogBridge: GossipBridge<MeshEntry>
  readonly silences: Silences
  readonly silencesBridge: GossipBridge<MeshSilence>
  /** What each member applied; this node's entry comes from {@link configReporter}. */
  readonly nodeStatus: NodeStatusState
  /** Told of the nflog entries a peer's message changed (the notification timeline). */
  readonly onNflogMerged?: (entries: readonly MeshEntry[], origin: MergeOrigin | undefined) => void
  readonly log: Logger
  readonly registry: Registry
  readonly onStop: OnStop
  /** Mutual TLS for gossip (--cluster.tls-config), read and checked by main. */
  readonly tls?: GossipTls
}

async function readKey(path: string): Promise<Buffer | undefined> {
  if (path === '') {
    return undefined
  }
  let key: Buffer
  try {
    key = await readFile(path)
  } catch (err: unknown) {
    throw new Error(`--cluster.key-file ${path}: ${errorMessage(err)}; check the path`, {
      cause: err,
    })
  }
  if (key.length < 16) {
    throw new Error(
      `--cluster.key-file ${path} holds ${key.length} bytes; use at least 16 random bytes (e.g. head -c 32 /dev/urandom > ${path})`
    )
  }
  return key
}

/**
 * startCluster starts gossip of silences, the nflog and the node status when
 * --cluster.listen-address is set: the peer binds its port, registers the states and begins to
 * connect and settle.
 *
 * @param flags - the node flags.
 * @param deps - states, bridges, logger, metrics and the teardown stack.
 * @returns the peer, or undefined when clustering is disabled.
 * @throws when the cluster port cannot be bound or the key file cannot be read.
 */
export async function startCluster(
  flags: Flags,
  deps: ClusterDeps
): Promise<GossipPeer | undefined> {
  if (flags.clusterListenAddress === '') {
    // Alertmanager exports the gauge as 0 when clustering is off; dashboards key on it.
    new Gauge({
      name: 'alertmanager_cluster_enabled',
      help: 'Indicates whether the clustering is enabled or not.',
      registers: [deps.registry],
    }).set(0)
    return undefined
  }
  const log = deps.log.child({ component: 'cluster' })
  const memberlist = flags.clusterProtocol === 'memberlist'
  if (memberlist && flags.clusterKeyFile !== '') {
    // Alertmanager 0.25 has no shared key; its clusters are secured with --cluster.tls-config.
    throw new Error(
      '--cluster.protocol=memberlist does not take --cluster.key-file (Alertmanager has no such flag); secure the cluster with --cluster.tls-config'
    )
  }
  const key = await readKey(flags.clusterKeyFile)
  // The flags both protocols take.
  const shared = {
    listenAddress: flags.clusterListenAddress,
    ...(flags.clusterAdvertiseAddress === ''
      ? {}
      : { advertiseAddress: flags.clusterAdvertiseAddress }),
    knownPeers: flags.clusterPeers,
    // In Consul mode the peers come from the catalog: do not settle alone before it answered.
    expectDiscoveredPeers: flags.consul !== undefined,
    peerTimeoutMs: flags.clusterPeerTimeoutMs,
    pushPullIntervalMs: flags.clusterPushpullIntervalMs,
    settleTimeoutMs: flags.clusterSettleTimeoutMs,
    tcpTimeoutMs: flags.clusterTcpTimeoutMs,
    reconnectIntervalMs: flags.clusterReconnectIntervalMs,
    ...(deps.tls === undefined ? {} : { tls: deps.tls }),
    log,
    registry: deps.registry,
  }
  const peer: GossipPeer = memberlist
    ? await MemberlistPeer.create({
        ...shared,
        gossipIntervalMs: flags.clusterGossipIntervalMs,
        probeIntervalMs: flags.clusterProbeIntervalMs,
        probeTimeoutMs: flags.clusterProbeTimeoutMs,
      })
    : await ClusterPeer.create({
        ...shared,
        name: deps.name,
        reconnectTimeoutMs: flags.clusterReconnectTimeoutMs,
        ...(key === undefined ? {} : { key }),
      })
  const { nflog, nflogBridge, silences, silencesBridge } = deps
  nflogBridge.attach(
    peer.addState(
      'nfl',
      gossipState(
        nflog,
        nflogBridge,
        log,
        'Dropped undecodable nflog entries from a peer',
        deps.onNflogMerged
      )
    ),
    memberlist
  )
  silencesBridge.attach(
    peer.addState(
      'sil',
      gossipState(silences, silencesBridge, log, 'Dropped undecodable silences from a peer')
    ),
    memberlist
  )
  // Alertmanager logs a warning for every state key it does not know, at every push/pull.
  if (!memberlist) {
    deps.nodeStatus.attach(peer.addState(NODE_STATUS_KEY, deps.nodeStatus))
  }
  peer.start()
  deps.onStop('cluster', () => peer.stop())
  log.info(
    {
      self: peer.self(),
      knownPeers: flags.clusterPeers,
      authenticated: key !== undefined,
      tls: deps.tls !== undefined,
      protocol: flags.clusterProtocol,
    },
    'Cluster peer started'
  )
  return peer
}

/**
 * clusterView is the cluster section of /api/v2/status.
 *
 * @param peer - the peer, or undefined when clustering is off.
 * @returns the view.
 */
export function clusterView(peer: GossipPeer | undefined): ClusterView {
  if (peer === undefined) {
    return { status: 'disabled', peers: [] }
  }
  return { name: peer.self().name, status: peer.status(), peers: peer.members() }
}

/**
 * configReporter publishes this node's entry in the node status whenever the applied config,
 * its time or the refusal changed, so each change is broadcast once however often the config
 * source reports (Consul re-reports on every watch event).
 *
 * @param state - the node status state.
 * @returns the hook the config source calls.
 */
export function configReporter(state: NodeStatusState): OnConfigReport {
  let last: string | undefined
  return (view: ConfigSourceView) => {
    const report = {
      hash: view.hash,
      appliedAt: view.appliedAt,
      ...(view.error === undefined ? {} : { error: view.error.message }),
    }
    const key = JSON.stringify(report)
    if (key !== last) {
      last = key
      state.publish(report)
    }
  }
}

/**
 * memberConfigOf reads a member's gossiped report for /api/v2/status.
 *
 * @param state - the node status state.
 * @returns the lookup by node name.
 */
export function memberConfigOf(
  state: NodeStatusState
): (name: string) => MemberConfigView | undefined {
  return (name) => {
    const entry = state.get(name)
    if (entry === undefined) {
      return undefined
    }
    return {
      hash: entry.hash,
      appliedAt: entry.appliedAt,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    }
  }
}
