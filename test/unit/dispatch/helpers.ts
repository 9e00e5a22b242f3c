// Shared helpers for the dispatch unit tests: alert and route builders.
import type { Alert } from '#src/alerts/index.js'
import type { RouteConfig } from '#src/config/index.js'
import { fingerprint } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'

/** route builds a RouteConfig as src/config hands it over (matchers already sorted). */
export function route(overrides: Partial<RouteConfig> = {}): RouteConfig {
  return {
    continue: false,
    matchers: [],
    mute_time_intervals: [],
    active_time_intervals: [],
    routes: [],
    ...overrides,
  }
}

/** alert builds an alert with the given labels, started now and ending in an hour. */
export function alert(labels: LabelSet, overrides: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: {},
    startsAt: Date.now(),
    endsAt: Date.now() + 3_600_000,
    generatorURL: '',
    updatedAt: Date.now(),
    timeout: false,
    fingerprint: fingerprint(labels),
    ...overrides,
  }
}
