import { Counter, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

import type { IntegrationDefinition } from './integrations/definition.js'

/**
 * preinitialisedNames are the integration label values every metric starts with at 0, in the
 * order notify/notify.go NewMetrics lists them (0.25 leaves out discord and webex).
 *
 * @param integrations - the integration list.
 * @returns the names with a metricsOrder, in that order.
 */
export function preinitialisedNames(integrations: readonly IntegrationDefinition[]): string[] {
  return integrations
    .filter((i) => i.metricsOrder !== undefined)
    .sort((a, b) => (a.metricsOrder ?? 0) - (b.metricsOrder ?? 0))
    .map((i) => i.name)
}

/** NotifyMetrics are the notification metrics with Alertmanager 0.25's names and labels. */
export interface NotifyMetrics {
  readonly notifications: Counter<'integration'>
  readonly notificationsFailed: Counter<'integration'>
  readonly requests: Counter<'integration'>
  readonly requestsFailed: Counter<'integration'>
  readonly latencySeconds: Histogram<'integration'>
}

/**
 * createNotifyMetrics registers the notification metrics once per registry.
 *
 * @param registry - where to register.
 * @param integrations - the integration list; see {@link preinitialisedNames}.
 * @returns the metrics.
 */
export function createNotifyMetrics(
  registry: Registry,
  integrations: readonly IntegrationDefinition[]
): NotifyMetrics {
  const registers = [registry]
  const metrics: NotifyMetrics = {
    notifications: new Counter({
      name: 'alertmanager_notifications_total',
      help: 'The total number of attempted notifications.',
      labelNames: ['integration'],
      registers,
    }),
    notificationsFailed: new Counter({
      name: 'alertmanager_notifications_failed_total',
      help: 'The total number of failed notifications.',
      labelNames: ['integration'],
      registers,
    }),
    requests: new Counter({
      name: 'alertmanager_notification_requests_total',
      help: 'The total number of attempted notification requests.',
      labelNames: ['integration'],
      registers,
    }),
    requestsFailed: new Counter({
      name: 'alertmanager_notification_requests_failed_total',
      help: 'The total number of failed notification requests.',
      labelNames: ['integration'],
      registers,
    }),
    latencySeconds: new Histogram({
      name: 'alertmanager_notification_latency_seconds',
      help: 'The latency of notifications in seconds.',
      labelNames: ['integration'],
      buckets: [1, 5, 10, 15, 20],
      registers,
    }),
  }
  for (const integration of preinitialisedNames(integrations)) {
    metrics.notifications.inc({ integration }, 0)
    metrics.notificationsFailed.inc({ integration }, 0)
    metrics.requests.inc({ integration }, 0)
    metrics.requestsFailed.inc({ integration }, 0)
    metrics.latencySeconds.zero({ integration })
  }
  return metrics
}
