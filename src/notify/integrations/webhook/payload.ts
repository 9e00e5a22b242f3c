import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import type { LabelSet } from '../../../labels/index.js'
import { goJSONString, goJSONStringMap } from '../../../util/index.js'
import { quoteMeta } from '../../template/index.js'
import { commonPairs, encodeAlert, truncateAlerts } from '../template-data.js'

import { WEBHOOK_PAYLOAD_VERSION } from './config.js'

/** WebhookPayloadInput is everything the webhook message is built from. */
export interface WebhookPayloadInput {
  /** The receiver's name as configured; the payload carries it regex-quoted. */
  readonly receiver: string
  readonly groupKey: string
  readonly groupLabels: LabelSet
  /** `--web.external-url`, already normalised. */
  readonly externalURL: string
  /** `max_alerts`; 0 sends every alert. */
  readonly maxAlerts: number
  /** The flush's alerts in notification order (types.AlertSlice, types/types.go); firing ones have `endsAt` 0. */
  readonly alerts: readonly Alert[]
  /** The instant alert status is judged at (epoch ms): resolved when `0 < endsAt <= now`. */
  readonly now: number
}

/**
 * buildWebhookPayload renders the body Alertmanager 0.25 POSTs to a webhook, byte for byte
 * (`notify/webhook/webhook.go`, `template.Data`): Go's field order, Go's JSON escaping (see
 * `goJSONString`), map keys sorted, and the trailing newline of `json.Encoder`.
 *
 * - `receiver` is `regexp.QuoteMeta(name)`;
 * - `status` is `firing` when any sent alert is firing, else `resolved`;
 * - each alert's `endsAt` is Go's zero time (`0001-01-01T00:00:00Z`) when it is 0;
 * - `commonLabels`/`commonAnnotations` are the pairs shared by every sent alert, computed after
 *   `max_alerts` truncation; a key missing in one alert counts as `""` there, as Go's map
 *   lookup does;
 * - `truncatedAlerts` is the number of alerts cut by `max_alerts`.
 *
 * @param input - receiver, group, alerts and the judging instant.
 * @returns the JSON text, ending with `\n`.
 *
 * @example
 * ```ts
 * const body = buildWebhookPayload({ receiver: 'team', groupKey: '{}:{}', groupLabels: {},
 *   externalURL: 'http://am:9093', maxAlerts: 0, alerts, now: Date.now() })
 * ```
 */
export function buildWebhookPayload(input: WebhookPayloadInput): string {
  const { alerts, truncated } = truncateAlerts(input.maxAlerts, input.alerts)
  const firing = alerts.some((alert) => !isResolved(alert, input.now))
  return (
    `{"receiver":${goJSONString(quoteMeta(input.receiver))}` +
    `,"status":${goJSONString(firing ? 'firing' : 'resolved')}` +
    `,"alerts":[${alerts.map((alert) => encodeAlert(alert, input.now)).join(',')}]` +
    `,"groupLabels":${goJSONStringMap(input.groupLabels)}` +
    `,"commonLabels":${goJSONStringMap(commonPairs(alerts.map((a) => a.labels)))}` +
    `,"commonAnnotations":${goJSONStringMap(commonPairs(alerts.map((a) => a.annotations)))}` +
    `,"externalURL":${goJSONString(input.externalURL)}` +
    `,"version":${goJSONString(WEBHOOK_PAYLOAD_VERSION)}` +
    `,"groupKey":${goJSONString(input.groupKey)}` +
    `,"truncatedAlerts":${truncated}}\n`
  )
}
