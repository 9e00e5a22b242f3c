import type { Alert } from '#src/alerts/index.js'
import { fingerprint } from '#src/labels/index.js'

/**
 * iso renders epoch milliseconds as the RFC3339 text the API takes.
 *
 * @param ms - epoch milliseconds.
 * @returns e.g. `2026-11-24T05:58:20.908Z`.
 */
export const iso = (ms: number): string => new Date(ms).toISOString()

/** ApiMatcher is a matcher as Alertmanager's API v2 (and amtool's JSON output) writes it. */
export interface ApiMatcher {
  name: string
  value: string
  isRegex: boolean
  isEqual: boolean
}

/** GettableSilence is a silence as Alertmanager's API v2 (and amtool's JSON output) lists it. */
export interface GettableSilence {
  id: string
  status: { state: string }
  updatedAt: string
  comment: string
  createdBy: string
  startsAt: string
  endsAt: string
  matchers: ApiMatcher[]
}

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

/**
 * NESTED_ROUTES_CONFIG is a routing tree with what routing answers depend on: nesting three
 * deep, `continue: true` at two levels, regex and negative matchers, the deprecated `match_re`,
 * group_by and timings inherited, `...`, and mute/active time intervals. For the routing-tree
 * API's tests (unit and against amtool).
 */
export const NESTED_ROUTES_CONFIG = `route:
  receiver: default
  group_by: [alertname, cluster]
  group_wait: 1h
  routes:
  - matchers: ['severity=~"critical|page"']
    receiver: pager
    continue: true
    routes:
    - matchers: ['team="db"']
      receiver: db-pager
      group_by: ['...']
    - matchers: ['env!="prod"']
      receiver: quiet
      mute_time_intervals: [nights]
  - match_re:
      service: 'api|web.*'
    group_interval: 10m
    routes:
    - matchers: ['owner="ünïcode team"']
      receiver: unicode
      continue: true
    - matchers: ['region=~"eu-.+"', 'tier!~"test|dev"']
      receiver: eu
      active_time_intervals: [office]
    - matchers: ['team="db"']
      receiver: db
  - matchers: ['team="db"']
    receiver: db
    repeat_interval: 12h
receivers:
- name: default
- name: pager
- name: db-pager
- name: quiet
- name: unicode
- name: eu
- name: db
time_intervals:
- name: nights
  time_intervals:
  - times:
    - start_time: '22:00'
      end_time: '24:00'
- name: office
  time_intervals:
  - weekdays: ['monday:friday']
`
