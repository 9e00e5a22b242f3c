import type { Alert } from '#src/alerts/index.js'
import { fingerprint } from '#src/labels/index.js'

/**
 * iso renders epoch milliseconds as the RFC3339 text the API takes.
 *
 * @param ms - epoch milliseconds.
 * @returns e.g. `2026-11-24T05:58:20.908Z`.
 */
export const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * alertnameSilence is a POST /api/v2/silences body that silences one alertname.
 *
 * @param alertname - the `alertname` the silence matches.
 * @param startsAt - epoch ms.
 * @param endsAt - epoch ms.
 * @returns the body, commented `silence <alertname>`.
 */
export function alertnameSilence(alertname: string, startsAt: number, endsAt: number): object {
  return {
    matchers: [{ name: 'alertname', value: alertname, isRegex: false, isEqual: true }],
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
    createdBy: 'e2e',
    comment: `silence ${alertname}`,
  }
}

/**
 * fastWebhookConfig is a one-receiver config with short timers, grouped by alertname, for
 * tests that watch notifications arrive: group_wait 300ms, group_interval 1s, repeat 1h.
 *
 * @param url - the webhook URL.
 * @returns the YAML text.
 */
export function fastWebhookConfig(url: string): string {
  return `
route:
  receiver: r
  group_by: [alertname]
  group_wait: 300ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${url}
`
}

/**
 * testAlert is an Alert for unit tests: the given fields, and for the rest no annotations,
 * started and updated at 1, not ended, no generator URL, not timed out, and the labels'
 * fingerprint.
 *
 * @param fields - the labels and whatever else the test cares about.
 * @returns the alert.
 */
export function testAlert(fields: Partial<Alert> & Pick<Alert, 'labels'>): Alert {
  return {
    annotations: {},
    startsAt: 1,
    endsAt: 0,
    generatorURL: '',
    updatedAt: 1,
    timeout: false,
    fingerprint: fingerprint(fields.labels),
    ...fields,
  }
}
