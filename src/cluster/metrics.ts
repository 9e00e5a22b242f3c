import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

import { DROP_REASONS } from './errors.js'
import type { DropReason } from './errors.js'
import { FRAME_TYPES } from './frame.js'
import type { FrameType } from './frame.js'

/** ClusterMetrics are the gossip metrics, with Alertmanager 0.25's names where it has one. */
export interface ClusterMetrics {
  readonly messagesReceived: Counter<'msg_type'>
  readonly messagesReceivedSize: Counter<'msg_type'>
  readonly messagesSent: Counter<'msg_type'>
  readonly messagesSentSize: Counter<'msg_type'>
  readonly messagesDropped: Counter<'reason'>
  readonly peersJoined: Counter
  readonly peersLeft: Counter
  readonly reconnections: Counter
  readonly reconnectionsFailed: Counter
}

/** ClusterGauges are read when the registry is scraped. */
export interface ClusterGauges {
  readonly members: () => number
  readonly position: () => number
  readonly failedPeers: () => number
}

/**
 * createClusterMetrics registers the cluster metrics on a registry (Alertmanager's
 * cluster/cluster.go and cluster/delegate.go for the names and help):
 *
 * - `alertmanager_cluster_enabled` (1), `alertmanager_cluster_members`,
 *   `alertmanager_cluster_peer_info{peer}` (1, labelled with this node's name),
 *   `alertmanager_peer_position`, `alertmanager_cluster_failed_peers`;
 * - `alertmanager_cluster_messages_received_total{msg_type}` and `…_received_size_total`,
 *   `…_messages_sent_total{msg_type}` and `…_sent_size_total`, where `msg_type` is a frame type
 *   (`full_state` and `update` as in Alertmanager, plus our `hello`, `auth`, `members`,
 *   `digest`, `state_request`, `ping`) and sizes are whole frames in bytes;
 * - `alertmanager_cluster_peers_joined_total`, `…_peers_left_total`,
 *   `…_reconnections_total`, `…_reconnections_failed_total`;
 * - ours: `alertmanager_cluster_messages_dropped_total{reason}` (see {@link DropReason}).
 *
 * @param registry - where to register; each registry may hold one set.
 * @param selfName - this node's name, the `peer` label of the info metric.
 * @param gauges - the values read at scrape time.
 * @returns the counters the peer updates.
 */
export function createClusterMetrics(
  registry: Registry,
  selfName: string,
  gauges: ClusterGauges
): ClusterMetrics {
  const registers = [registry]
  new Gauge({
    name: 'alertmanager_cluster_enabled',
    help: 'Indicates whether the clustering is enabled or not.',
    registers,
  }).set(1)
  new Gauge({
    name: 'alertmanager_cluster_peer_info',
    help: "A metric with a constant '1' value labeled by peer name.",
    labelNames: ['peer'],
    registers,
  }).set({ peer: selfName }, 1)
  new Gauge({
    name: 'alertmanager_cluster_members',
    help: 'Number indicating current number of members in cluster.',
    registers,
    collect() {
      this.set(gauges.members())
    },
  })
  new Gauge({
    name: 'alertmanager_peer_position',
    help: "Position the Alertmanager instance believes it's in. The position determines a peer's behavior in the cluster.",
    registers,
    collect() {
      this.set(gauges.position())
    },
  })
  new Gauge({
    name: 'alertmanager_cluster_failed_peers',
    help: 'Number indicating the current number of failed peers in the cluster.',
    registers,
    collect() {
      this.set(gauges.failedPeers())
    },
  })
  const byType = (name: string, help: string): Counter<'msg_type'> => {
    const counter = new Counter({ name, help, labelNames: ['msg_type'], registers })
    for (const msgType of FRAME_TYPES) {
      counter.inc({ msg_type: msgType }, 0)
    }
    return counter
  }
  const dropped = new Counter({
    name: 'alertmanager_cluster_messages_dropped_total',
    help: 'Total number of cluster messages dropped or connections refused, by reason (alertmesh).',
    labelNames: ['reason'],
    registers,
  })
  for (const reason of DROP_REASONS) {
    dropped.inc({ reason }, 0)
  }
  return {
    messagesReceived: byType(
      'alertmanager_cluster_messages_received_total',
      'Total number of cluster messages received.'
    ),
    messagesReceivedSize: byType(
      'alertmanager_cluster_messages_received_size_total',
      'Total size of cluster messages received.'
    ),
    messagesSent: byType(
      'alertmanager_cluster_messages_sent_total',
      'Total number of cluster messages sent.'
    ),
    messagesSentSize: byType(
      'alertmanager_cluster_messages_sent_size_total',
      'Total size of cluster messages sent.'
    ),
    messagesDropped: dropped,
    peersJoined: new Counter({
      name: 'alertmanager_cluster_peers_joined_total',
      help: 'A counter of the number of peers that have joined.',
      registers,
    }),
    peersLeft: new Counter({
      name: 'alertmanager_cluster_peers_left_total',
      help: 'A counter of the number of peers that have left.',
      registers,
    }),
    reconnections: new Counter({
      name: 'alertmanager_cluster_reconnections_total',
      help: 'A counter of the number of cluster peer reconnections.',
      registers,
    }),
    reconnectionsFailed: new Counter({
      name: 'alertmanager_cluster_reconnections_failed_total',
      help: 'A counter of the number of failed cluster peer reconnection attempts.',
      registers,
    }),
  }
}

/** MessageCounter is how a connection reports traffic and drops. */
export interface MessageCounter {
  received(type: FrameType, bytes: number): void
  sent(type: FrameType, bytes: number): void
  dropped(reason: DropReason): void
}

/**
 * messageCounter adapts the metrics to what a connection reports.
 *
 * @param metrics - the registered metrics.
 * @returns the counter.
 */
export function messageCounter(metrics: ClusterMetrics): MessageCounter {
  return {
    received: (type, bytes) => {
      metrics.messagesReceived.inc({ msg_type: type })
      metrics.messagesReceivedSize.inc({ msg_type: type }, bytes)
    },
    sent: (type, bytes) => {
      metrics.messagesSent.inc({ msg_type: type })
      metrics.messagesSentSize.inc({ msg_type: type }, bytes)
    },
    dropped: (reason) => {
      metrics.messagesDropped.inc({ reason })
    },
  }
}
