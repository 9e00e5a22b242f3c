import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

import { PlainSummary } from '../util/index.js'

import { SILENCE_STATES } from './silence.js'
import type { SilenceState } from './silence.js'

/** SilencesMetrics are the silence store's metrics, with Alertmanager 0.25's names and help. */
export interface SilencesMetrics {
  readonly gcDuration: PlainSummary
  readonly snapshotDuration: PlainSummary
  readonly snapshotSize: Gauge
  readonly queriesTotal: Counter
  readonly queryErrorsTotal: Counter
  readonly queryDuration: Histogram
  readonly propagatedMessagesTotal: Counter
}

/**
 * createSilencesMetrics registers the silence metrics of 0.25's `silence/silence.go` on a
 * registry. `alertmanager_silences{state}` is computed when scraped, like 0.25's GaugeFuncs.
 * Summaries carry no quantiles, as 0.25's (empty Objectives).
 *
 * @param registry - where to register; one silence store per registry.
 * @param countByState - counts stored silences by state, now.
 * @returns the metrics.
 */
export function createSilencesMetrics(
  registry: Registry,
  countByState: () => Readonly<Record<SilenceState, number>>
): SilencesMetrics {
  new Gauge({
    name: 'alertmanager_silences',
    help: 'How many silences by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = countByState()
      for (const state of SILENCE_STATES) {
        this.set({ state }, counts[state])
      }
    },
  })
  return {
    gcDuration: new PlainSummary({
      name: 'alertmanager_silences_gc_duration_seconds',
      help: 'Duration of the last silence garbage collection cycle.',
      registry,
    }),
    snapshotDuration: new PlainSummary({
      name: 'alertmanager_silences_snapshot_duration_seconds',
      help: 'Duration of the last silence snapshot.',
      registry,
    }),
    snapshotSize: new Gauge({
      name: 'alertmanager_silences_snapshot_size_bytes',
      help: 'Size of the last silence snapshot in bytes.',
      registers: [registry],
    }),
    queriesTotal: new Counter({
      name: 'alertmanager_silences_queries_total',
      help: 'How many silence queries were received.',
      registers: [registry],
    }),
    queryErrorsTotal: new Counter({
      name: 'alertmanager_silences_query_errors_total',
      help: 'How many silence received queries did not succeed.',
      registers: [registry],
    }),
    queryDuration: new Histogram({
      name: 'alertmanager_silences_query_duration_seconds',
      help: 'Duration of silence query evaluation.',
      // Go's prometheus.DefBuckets, which 0.25 uses.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    propagatedMessagesTotal: new Counter({
      name: 'alertmanager_silences_gossip_messages_propagated_total',
      help: 'Number of received gossip messages that have been further gossiped.',
      registers: [registry],
    }),
  }
}
