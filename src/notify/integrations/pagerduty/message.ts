import type Logger from 'bunyan'

import { goJSONString, goJSONStringMap } from '../../../util/index.js'

import { PAGERDUTY_MAX_EVENT_BYTES } from './config.js'

/** PagerdutyV1Event is an Events API v1 event (`service_key`), already rendered. */
export interface PagerdutyV1Event {
  readonly version: 1
  readonly serviceKey: string
  readonly incidentKey: string
  /** `trigger` or `resolve`. */
  readonly eventType: string
  readonly description: string
  /** Set on triggers only; '' leaves the field out. */
  readonly client: string
  readonly clientURL: string
  readonly details: Readonly<Record<string, string>>
}

/** PagerdutyV2Event is an Events API v2 event (`routing_key`), already rendered. */
export interface PagerdutyV2Event {
  readonly version: 2
  readonly routingKey: string
  readonly dedupKey: string
  /** `trigger` or `resolve`. */
  readonly eventAction: string
  readonly summary: string
  readonly source: string
  readonly severity: string
  readonly class: string
  readonly component: string
  readonly group: string
  readonly customDetails: Readonly<Record<string, string>>
  readonly client: string
  readonly clientURL: string
  /** Images whose rendered `src` is not empty. */
  readonly images: readonly { readonly src: string; readonly alt: string; readonly href: string }[]
  /** Links whose rendered `href` is not empty. */
  readonly links: readonly { readonly href: string; readonly text: string }[]
}

/** PagerdutyEvent is one event of either API version. */
export type PagerdutyEvent = PagerdutyV1Event | PagerdutyV2Event

/**
 * encodePagerdutyEvent is 0.25's encodeMessage (notify/pagerduty/pagerduty.go): the
 * pagerDutyMessage struct as Go's json.Encoder writes it (field order, `omitempty`, HTML
 * escaping, sorted map keys, trailing newline). v1 events carry v2's non-omitempty fields too
 * (`"event_action":""`, `"payload":null`), as 0.25 sends them. An event above 512000 bytes has
 * its details replaced by one `error` entry, with 0.25's warning.
 *
 * @param event - the rendered event.
 * @param log - the integration's logger, for the size warning.
 * @returns the request body.
 */
export function encodePagerdutyEvent(event: PagerdutyEvent, log: Logger): string {
  const body = encode(event)
  const size = Buffer.byteLength(body, 'utf8')
  if (size <= PAGERDUTY_MAX_EVENT_BYTES) {
    return body
  }
  const limit = metricBytes(PAGERDUTY_MAX_EVENT_BYTES)
  const details = {
    error: `Custom details have been removed because the original event exceeds the maximum size of ${limit}`,
  }
  log.warn(`Truncated Details because message of size ${metricBytes(size)} exceeds limit ${limit}`)
  return encode(event.version === 1 ? { ...event, details } : { ...event, customDetails: details })
}

function encode(event: PagerdutyEvent): string {
  const fields: string[] = []
  // omitempty: Go leaves out empty strings, and nil or empty maps and slices.
  const str = (name: string, value: string): void => {
    if (value !== '') {
      fields.push(`"${name}":${goJSONString(value)}`)
    }
  }
  const map = (name: string, value: Readonly<Record<string, string>>): void => {
    if (Object.keys(value).length > 0) {
      fields.push(`"${name}":${goJSONStringMap(value)}`)
    }
  }
  if (event.version === 2) {
    str('routing_key', event.routingKey)
    str('dedup_key', event.dedupKey)
    fields.push(`"event_action":${goJSONString(event.eventAction)}`)
    fields.push(`"payload":${encodePayload(event)}`)
    str('client', event.client)
    str('client_url', event.clientURL)
    if (event.images.length > 0) {
      const images = event.images.map(
        (i) =>
          `{"src":${goJSONString(i.src)},"alt":${goJSONString(i.alt)},"href":${goJSONString(i.href)}}`
      )
      fields.push(`"images":[${images.join(',')}]`)
    }
    if (event.links.length > 0) {
      const links = event.links.map(
        (l) => `{"href":${goJSONString(l.href)},"text":${goJSONString(l.text)}}`
      )
      fields.push(`"links":[${links.join(',')}]`)
    }
  } else {
    str('service_key', event.serviceKey)
    str('incident_key', event.incidentKey)
    str('event_type', event.eventType)
    str('description', event.description)
    fields.push('"event_action":""', '"payload":null')
    str('client', event.client)
    str('client_url', event.clientURL)
    map('details', event.details)
  }
  return `{${fields.join(',')}}\n`
}

/** encodePayload is pagerDutyPayload; `timestamp` is never set by 0.25, so always omitted. */
function encodePayload(event: PagerdutyV2Event): string {
  let out =
    `{"summary":${goJSONString(event.summary)}` +
    `,"source":${goJSONString(event.source)}` +
    `,"severity":${goJSONString(event.severity)}`
  for (const [name, value] of [
    ['class', event.class],
    ['component', event.component],
    ['group', event.group],
  ] as const) {
    if (value !== '') {
      out += `,"${name}":${goJSONString(value)}`
    }
  }
  if (Object.keys(event.customDetails).length > 0) {
    out += `,"custom_details":${goJSONStringMap(event.customDetails)}`
  }
  return `${out}}`
}

const SI_PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E']

/**
 * metricBytes is alecthomas/units' MetricBytes.String, which 0.25's size messages use: every
 * non-zero group of three digits with its prefix, largest first (512000 is `512KB`, 600123 is
 * `600KB123B`).
 *
 * @param n - a byte count.
 * @returns its text.
 */
export function metricBytes(n: number): string {
  if (n === 0) {
    return '0B'
  }
  const parts: string[] = []
  let rest = n
  for (const prefix of SI_PREFIXES) {
    const group = rest % 1000
    if (group !== 0) {
      parts.unshift(`${group}${prefix}B`)
    }
    rest = Math.trunc(rest / 1000)
    if (rest === 0) {
      break
    }
  }
  return parts.join('')
}
