import type { LabelSet } from '../labels/index.js'

/**
 * Alert is one alert as stored and routed, Alertmanager's `types.Alert`. Times are epoch
 * milliseconds; after ingestion `startsAt` and `endsAt` are always set (never 0), except in the
 * copies a flush hands to the pipeline, where firing alerts have `endsAt` 0 (Go's zero time).
 */
export interface Alert {
  readonly labels: LabelSet
  readonly annotations: LabelSet
  readonly startsAt: number
  readonly endsAt: number
  readonly generatorURL: string
  readonly updatedAt: number
  /** True when `endsAt` was synthesised from `resolve_timeout` rather than sent by the client. */
  readonly timeout: boolean
  /** FNV-1a fingerprint of the labels, 16 lowercase hex digits. */
  readonly fingerprint: string
}

/**
 * isResolved tells whether the alert has ended at `now`: `endsAt` set and not after `now`.
 *
 * @param alert - the alert.
 * @param now - epoch milliseconds.
 * @returns true for a resolved alert.
 */
export function isResolved(alert: Alert, now: number): boolean {
  return alert.endsAt !== 0 && alert.endsAt <= now
}

/**
 * alertString is Alertmanager's `Alert.String()`, how its debug logs name an alert:
 * `<alertname>[<first 7 fingerprint digits>][active|resolved]`.
 *
 * @param alert - the alert.
 * @param now - epoch milliseconds, for resolved or active.
 * @returns e.g. `HighLatency[5a3c1d2][active]`.
 */
export function alertString(alert: Alert, now: number): string {
  const state = isResolved(alert, now) ? 'resolved' : 'active'
  return `${alert.labels['alertname'] ?? ''}[${alert.fingerprint.slice(0, 7)}][${state}]`
}

/**
 * alertsString is Go's `%v` of an alert slice in Alertmanager's debug logs: `[a b c]`.
 *
 * @param alerts - the alerts, in the order to print.
 * @param now - epoch milliseconds.
 * @returns e.g. `[A[5a3c1d2][active] B[0be1f00][resolved]]`.
 */
export function alertsString(alerts: readonly Alert[], now: number): string {
  return `[${alerts.map((alert) => alertString(alert, now)).join(' ')}]`
}
