import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

/** ApiMetrics are the HTTP and ingestion metrics, with Alertmanager's names. */
export interface ApiMetrics {
  readonly alertsInvalid: Counter<'version'>
  readonly requestsInFlight: Gauge<'method'>
  readonly concurrencyLimitExceeded: Counter<'method'>
  readonly requestDuration: Histogram<'handler' | 'method'>
  /** Adds to alertmanager_alerts_received_total{version="v2"}. */
  countReceived(firing: number, resolved: number): void
}

/**
 * createApiMetrics registers the API metrics on a registry.
 *
 * @param registry - where to register.
 * @returns the metrics.
 */
export function createApiMetrics(registry: Registry): ApiMetrics {
  const registers = [registry]
  const received = new Counter({
    name: 'alertmanager_alerts_received_total',
    help: 'The total number of received alerts.',
    labelNames: ['status', 'version'],
    registers,
  })
  const alertsInvalid = new Counter({
    name: 'alertmanager_alerts_invalid_total',
    help: 'The total number of received alerts that were invalid.',
    labelNames: ['version'],
    registers,
  })
  for (const version of ['v1', 'v2']) {
    received.inc({ status: 'firing', version }, 0)
    received.inc({ status: 'resolved', version }, 0)
    alertsInvalid.inc({ version }, 0)
  }
  const requestsInFlight = new Gauge({
    name: 'alertmanager_http_requests_in_flight',
    help: 'Current number of HTTP requests being processed.',
    labelNames: ['method'],
    registers,
  })
  requestsInFlight.set({ method: 'get' }, 0)
  const concurrencyLimitExceeded = new Counter({
    name: 'alertmanager_http_concurrency_limit_exceeded_total',
    help: 'Total number of times an HTTP request failed because the concurrency limit was reached.',
    labelNames: ['method'],
    registers,
  })
  concurrencyLimitExceeded.inc({ method: 'get' }, 0)
  const requestDuration = new Histogram({
    name: 'alertmanager_http_request_duration_seconds',
    help: 'Histogram of latencies for HTTP requests.',
    labelNames: ['handler', 'method'],
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 4, 8, 16, 32, 64],
    registers,
  })
  return {
    alertsInvalid,
    requestsInFlight,
    concurrencyLimitExceeded,
    requestDuration,
    countReceived(firing, resolved) {
      if (firing > 0) {
        received.inc({ status: 'firing', version: 'v2' }, firing)
      }
      if (resolved > 0) {
        received.inc({ status: 'resolved', version: 'v2' }, resolved)
      }
    },
  }
}
