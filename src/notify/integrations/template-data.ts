/**
 * The parts of Alertmanager's `template.Data` (template/template.go) that kinds build outside
 * the template engine: the webhook (notify/webhook/webhook.go) and incidentio
 * (notify/incidentio/incidentio.go) messages embed it as json.Encoder writes it, after
 * `max_alerts`, and OpsGenie sends its common labels. The template engine's own pieces
 * (quoteMeta, commonEntries) live in src/notify/template.
 */
import type { Alert } from '../../alerts/index.js'
import { isResolved } from '../../alerts/index.js'
import type { LabelSet } from '../../labels/index.js'
import { formatRFC3339Nano, goJSONString, goJSONStringMap } from '../../util/index.js'
import { commonEntries } from '../template/index.js'

/**
 * truncateAlerts is the webhook's and incidentio's `truncateAlerts`: with a non-zero
 * `maxAlerts`, keep the first `maxAlerts` alerts and count the rest.
 *
 * @param maxAlerts - `max_alerts`; 0 means unlimited.
 * @param alerts - the alerts in notification order.
 * @returns the alerts to send and how many were dropped.
 */
export function truncateAlerts<T>(
  maxAlerts: number,
  alerts: readonly T[]
): { alerts: readonly T[]; truncated: number } {
  if (maxAlerts !== 0 && alerts.length > maxAlerts) {
    return { alerts: alerts.slice(0, maxAlerts), truncated: alerts.length - maxAlerts }
  }
  return { alerts, truncated: 0 }
}

/**
 * encodeAlert is one `template.Alert` as json.Encoder writes it: Go's field order and
 * escaping, `endsAt` Go's zero time (`0001-01-01T00:00:00Z`) when it is 0.
 *
 * @param alert - the alert.
 * @param now - the instant its status is judged at (epoch ms).
 * @returns the JSON object's text.
 */
export function encodeAlert(alert: Alert, now: number): string {
  return (
    `{"status":${goJSONString(isResolved(alert, now) ? 'resolved' : 'firing')}` +
    `,"labels":${goJSONStringMap(alert.labels)}` +
    `,"annotations":${goJSONStringMap(alert.annotations)}` +
    `,"startsAt":${goJSONString(formatRFC3339Nano(alert.startsAt))}` +
    `,"endsAt":${goJSONString(formatRFC3339Nano(alert.endsAt))}` +
    `,"generatorURL":${goJSONString(alert.generatorURL)}` +
    `,"fingerprint":${goJSONString(alert.fingerprint)}}`
  )
}

/**
 * commonPairs is template.Data's `commonLabels` or `commonAnnotations` as a plain object
 * (see commonEntries in src/notify/template).
 *
 * @param sets - the alerts' labels, or their annotations.
 * @returns the common pairs.
 */
export function commonPairs(sets: readonly LabelSet[]): Record<string, string> {
  // A plain object from entries: `__proto__` stays an own key (Object.fromEntries defines it).
  return Object.fromEntries(commonEntries(sets))
}
