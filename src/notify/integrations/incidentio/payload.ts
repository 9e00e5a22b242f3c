import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import type { LabelSet } from '../../../labels/index.js'
import { goJSONString, goJSONStringMap } from '../../../util/index.js'
import { quoteMeta } from '../../template/index.js'
import { commonPairs, encodeAlert, truncateAlerts } from '../template-data.js'

import { INCIDENTIO_MAX_PAYLOAD_BYTES, INCIDENTIO_PAYLOAD_VERSION } from './config.js'

/** IncidentioMessageInput is everything the incident.io message is built from. */
export interface IncidentioMessageInput {
  /** The receiver's name as configured; the message carries it regex-quoted. */
  readonly receiver: string
  readonly groupKey: string
  readonly groupLabels: LabelSet
  /** `--web.external-url`, already normalised. */
  readonly externalURL: string
  /** NotifyReason.String() of the flush (`first notification`, …; `unknown` when missing). */
  readonly notificationReason: string
  /** `max_alerts`; 0 sends every alert. */
  readonly maxAlerts: number
  /** The flush's alerts in notification order; firing ones have `endsAt` 0. */
  readonly alerts: readonly Alert[]
  /** The instant alert status is judged at (epoch ms): resolved when `0 < endsAt <= now`. */
  readonly now: number
}

/**
 * IncidentioMessage is the body to send and, when it was over 512 KiB, what cutting it to its
 * first alert achieved (for the log encodeMessage writes).
 */
export interface IncidentioMessage {
  readonly body: string
  readonly cut?: {
    readonly originalSize: number
    readonly finalSize: number
    /** Whether the body still exceeds the limit after the cut (logged as an error, sent anyway). */
    readonly stillTooLarge: boolean
  }
}

/**
 * buildIncidentioMessage renders the body newer Alertmanager's incidentio notifier POSTs
 * (notify/incidentio/incidentio.go at 68fb2d5): its `Message`, an embedded `*template.Data` of
 * that release followed by `version` "1", `groupKey` and `truncatedAlerts`, encoded by
 * json.Encoder (Go's field order, HTML-safe escaping, map keys sorted, a trailing newline).
 * Unlike 0.25's webhook message, the data carries `notification_reason` after `alerts` and
 * `routeLabels` after `commonAnnotations`; alertmesh's routes have no labels, so that is `{}`.
 *
 * - `max_alerts` cuts the alerts first; `status`, `commonLabels` and `commonAnnotations` are
 *   computed from what remains, and `truncatedAlerts` counts what it cut;
 * - a body over 512 KiB (counted in UTF-8 bytes, newline included) keeps only its first alert,
 *   everything else unchanged (encodeMessage); it is sent even if still too large.
 *
 * @param input - receiver, group, reason, alerts and the judging instant.
 * @returns the JSON text, ending with `\n`, and what the size cut did.
 *
 * @example
 * ```ts
 * const { body } = buildIncidentioMessage({ receiver: 'team', groupKey: '{}:{}',
 *   groupLabels: {}, externalURL: 'http://am:9093', notificationReason: 'first notification',
 *   maxAlerts: 0, alerts, now: Date.now() })
 * ```
 */
export function buildIncidentioMessage(input: IncidentioMessageInput): IncidentioMessage {
  const { alerts, truncated } = truncateAlerts(input.maxAlerts, input.alerts)
  const rendered = alerts.map((alert) => encodeAlert(alert, input.now))
  const firing = alerts.some((alert) => !isResolved(alert, input.now))
  const encode = (list: readonly string[]): string =>
    `{"receiver":${goJSONString(quoteMeta(input.receiver))}` +
    `,"status":${goJSONString(firing ? 'firing' : 'resolved')}` +
    `,"alerts":[${list.join(',')}]` +
    `,"notification_reason":${goJSONString(input.notificationReason)}` +
    `,"groupLabels":${goJSONStringMap(input.groupLabels)}` +
    `,"commonLabels":${goJSONStringMap(commonPairs(alerts.map((a) => a.labels)))}` +
    `,"commonAnnotations":${goJSONStringMap(commonPairs(alerts.map((a) => a.annotations)))}` +
    `,"routeLabels":{}` +
    `,"externalURL":${goJSONString(input.externalURL)}` +
    `,"version":${goJSONString(INCIDENTIO_PAYLOAD_VERSION)}` +
    `,"groupKey":${goJSONString(input.groupKey)}` +
    `,"truncatedAlerts":${truncated}}\n`
  const body = encode(rendered)
  const originalSize = Buffer.byteLength(body, 'utf8')
  if (originalSize <= INCIDENTIO_MAX_PAYLOAD_BYTES) {
    return { body }
  }
  // Go's msg.Alerts[:1]: only the first alert is kept, the rest of the data stays as it was.
  const cutBody = encode(rendered.slice(0, 1))
  const finalSize = Buffer.byteLength(cutBody, 'utf8')
  return {
    body: cutBody,
    cut: { originalSize, finalSize, stillTooLarge: finalSize > INCIDENTIO_MAX_PAYLOAD_BYTES },
  }
}
