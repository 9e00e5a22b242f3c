import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

import { PlainSummary } from '../util/index.js'

/** NflogMetrics are the notification log metrics with Alertmanager 0.25's names and help. */
export interface NflogMetrics {
  readonly gcDuration: PlainSummary
  readonly snapshotDuration: PlainSummary
  readonly snapshotSize: Gauge
  readonly queries: Counter
  readonly queryErrors: Counter
  readonly queryDuration: Histogram
  readonly propagatedMessages: Counter
}

/**
 * createNflogMetrics registers the nflog metrics on a registry (nflog.go newMetrics). The two
 * summaries have no quantiles, as in Alertmanager, so they export only `_sum` and `_count`.
 *
 * @param registry - where to register; each registry may hold one set.
 * @returns the metrics.
 */
export function createNflogMetrics(registry: Registry): NflogMetrics {
  const registers = [registry]
  return {
    gcDuration: new PlainSummary({
      name: 'alertmanager_nflog_gc_duration_seconds',
      help: 'Duration of the last notification log garbage collection cycle.',
      registry,
    }),
    snapshotDuration: new PlainSummary({
      name: 'alertmanager_nflog_snapshot_duration_seconds',
      help: 'Duration of the last notification log snapshot.',
      registry,
    }),
    snapshotSize: new Gauge({
      name: 'alertmanager_nflog_snapshot_size_bytes',
      help: 'Size of the last notification log snapshot in bytes.',
      registers,
    }),
    queries: new Counter({
      name: 'alertmanager_nflog_queries_total',
      help: 'Number of notification log queries were received.',
      registers,
    }),
    queryErrors: new Counter({
      name: 'alertmanager_nflog_query_errors_total',
      help: 'Number notification log received queries that failed.',
      registers,
    }),
    // prom-client's default buckets are Go's prometheus.DefBuckets.
    queryDuration: new Histogram({
      name: 'alertmanager_nflog_query_duration_seconds',
      help: 'Duration of notification log query evaluation.',
      registers,
    }),
    propagatedMessages: new Counter({
      name: 'alertmanager_nflog_gossip_messages_propagated_total',
      help: 'Number of received gossip messages that have been further gossiped.',
      registers,
    }),
  }
}
