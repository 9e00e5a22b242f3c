// The notification metrics of one integration as both nodes of a side-by-side run expose them,
// so the differential tests check the counters next to the requests.
import assert from 'node:assert/strict'

import type { SideBySide } from './side-by-side.js'
import { waitFor } from './wait.js'

/**
 * The per-integration series of 0.25's RetryStage (notify/notify.go): notifications and failed
 * notifications per flush, requests and failed requests per attempt, latency per attempt.
 */
const SERIES = [
  'alertmanager_notifications_total',
  'alertmanager_notifications_failed_total',
  'alertmanager_notification_requests_total',
  'alertmanager_notification_requests_failed_total',
  'alertmanager_notification_latency_seconds_count',
]

/**
 * notificationMetrics reads a node's /metrics and sums each series of {@link SERIES} over the
 * label sets naming the integration (alertmesh may add labels 0.25 lacks, such as `reason`).
 *
 * @param baseURL - the node's URL.
 * @param integration - e.g. `opsgenie`.
 * @returns series name to value.
 */
export async function notificationMetrics(
  baseURL: string,
  integration: string
): Promise<Record<string, number>> {
  const text = await (await fetch(`${baseURL}/metrics`)).text()
  const sums: Record<string, number> = Object.fromEntries(SERIES.map((s) => [s, 0]))
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line)
    if (match === null) {
      continue
    }
    const [, name = '', labels = '', value = ''] = match
    if (name in sums && labels.split(',').includes(`integration="${integration}"`)) {
      sums[name] = (sums[name] ?? 0) + Number(value)
    }
  }
  return sums
}

/**
 * assertSameNotificationMetrics waits until both nodes count the same notifications, failures,
 * attempts and latency observations for the integration (the counters move just after the last
 * request is answered), and checks Alertmanager's notification and failure counts.
 *
 * @param run - the side-by-side run.
 * @param integration - the integration's name.
 * @param expected - notifications and failed notifications Alertmanager must have counted.
 */
export async function assertSameNotificationMetrics(
  run: SideBySide,
  integration: string,
  expected: { notifications: number; failed: number }
): Promise<void> {
  let last: { am: Record<string, number>; mesh: Record<string, number> } | undefined
  try {
    await waitFor(`the same ${integration} metrics`, async () => {
      const [am, mesh] = await Promise.all([
        notificationMetrics(run.am.node.url, integration),
        notificationMetrics(run.mesh.node.url, integration),
      ])
      last = { am, mesh }
      return am['alertmanager_notifications_total'] === expected.notifications &&
        am['alertmanager_notifications_failed_total'] === expected.failed &&
        JSON.stringify(am) === JSON.stringify(mesh)
        ? true
        : undefined
    })
  } catch {
    assert.fail(
      `${integration} metrics: want ${JSON.stringify(expected)} on both, have ${JSON.stringify(last)}`
    )
  }
}
