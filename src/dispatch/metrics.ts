import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

import { PlainSummary } from '../util/index.js'

/** DispatcherMetrics are the dispatcher's metrics, with Alertmanager's names. */
export interface DispatcherMetrics {
  readonly aggregationGroups: Gauge
  readonly processingSeconds: PlainSummary
}

/**
 * createDispatcherMetrics registers the dispatcher metrics once per registry; dispatchers built
 * on reload share them.
 *
 * @param registry - where to register.
 * @returns the metrics.
 */
export function createDispatcherMetrics(registry: Registry): DispatcherMetrics {
  return {
    aggregationGroups: new Gauge({
      name: 'alertmanager_dispatcher_aggregation_groups',
      help: 'Number of active aggregation groups',
      registers: [registry],
    }),
    processingSeconds: new PlainSummary({
      name: 'alertmanager_dispatcher_alert_processing_duration_seconds',
      help: 'Summary of latencies for the processing of alerts.',
      registry,
    }),
  }
}
