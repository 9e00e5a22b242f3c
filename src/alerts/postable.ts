import { fingerprint, goQuote, isValidLabelName } from '../labels/index.js'
import type { LabelSet } from '../labels/index.js'

import type { Alert } from './alert.js'

/**
 * PostableAlert is one element of a `POST /api/v2/alerts` body after its JSON shape was checked:
 * times are epoch ms and 0 means "not given" (absent, or Go's zero time as amtool sends it).
 */
export interface PostableAlert {
  readonly labels: Record<string, string>
  readonly annotations: Record<string, string>
  readonly startsAt: number
  readonly endsAt: number
  readonly generatorURL: string
}

/** PreparedAlert is the outcome of preparing one posted alert: the alert, or why it is invalid. */
export type PreparedAlert =
  | { readonly alert: Alert; readonly error?: never }
  | { readonly error: string; readonly alert?: never }

/**
 * prepareAlert applies Alertmanager 0.25's ingestion rules to one posted alert (api/v2
 * postAlertsHandler): `updatedAt = now`; a missing start becomes the end (if given) or now; a
 * missing end becomes `now + resolve_timeout` and marks the alert as timing out; labels with
 * empty values are dropped; then the alert is validated with Alertmanager's messages.
 *
 * @param posted - the posted alert (its label objects are not modified).
 * @param now - the request's instant, epoch ms.
 * @param resolveTimeoutMs - global.resolve_timeout.
 * @returns the stored form, or the validation error.
 */
export function prepareAlert(
  posted: PostableAlert,
  now: number,
  resolveTimeoutMs: number
): PreparedAlert {
  let { startsAt, endsAt } = posted
  if (startsAt === 0) {
    startsAt = endsAt === 0 ? now : endsAt
  }
  const timeout = endsAt === 0
  if (timeout) {
    endsAt = now + resolveTimeoutMs
  }
  const labels = inNameOrder(withoutEmptyValues(posted.labels))
  const annotations = inNameOrder(posted.annotations)
  const error = validate(startsAt, endsAt, labels, annotations)
  if (error !== undefined) {
    return { error }
  }
  return {
    alert: {
      labels,
      annotations,
      startsAt,
      endsAt,
      generatorURL: posted.generatorURL,
      updatedAt: now,
      timeout,
      fingerprint: fingerprint(labels),
    },
  }
}

// Stored label sets keep their names in sorted order, so rendering them as Go does (sorted map
// keys) is a native JSON.stringify. Clients such as Prometheus already send them sorted.
function inNameOrder(set: Readonly<Record<string, string>>): LabelSet {
  const names = Object.keys(set)
  for (let i = 1; i < names.length; i++) {
    if ((names[i - 1] as string) >= (names[i] as string)) {
      const sorted: Record<string, string> = {}
      for (const name of names.sort()) {
        sorted[name] = set[name] as string
      }
      return sorted
    }
  }
  return set
}

function withoutEmptyValues(labels: Record<string, string>): LabelSet {
  for (const name in labels) {
    if (labels[name] === '') {
      // Copy only in the rare case there is something to drop.
      const copy: Record<string, string> = {}
      for (const [n, v] of Object.entries(labels)) {
        if (v !== '') {
          copy[n] = v
        }
      }
      return copy
    }
  }
  return labels
}

// Mirrors prometheus/common model.Alert.Validate, in its order.
function validate(
  startsAt: number,
  endsAt: number,
  labels: LabelSet,
  annotations: LabelSet
): string | undefined {
  if (endsAt < startsAt) {
    return 'start time must be before end time'
  }
  const labelError = labelSetError(labels)
  if (labelError !== undefined) {
    return `invalid label set: ${labelError}`
  }
  let empty = true
  for (const _ in labels) {
    empty = false
    break
  }
  if (empty) {
    return 'at least one label pair required'
  }
  const annotationError = labelSetError(annotations)
  if (annotationError !== undefined) {
    return `invalid annotations: ${annotationError}`
  }
  return undefined
}

function labelSetError(set: LabelSet): string | undefined {
  for (const name in set) {
    if (!isValidLabelName(name)) {
      return `invalid name ${goQuote(name)}`
    }
    const value = set[name] as string
    if (!value.isWellFormed()) {
      return `invalid value ${goQuote(value)}`
    }
  }
  return undefined
}
