import type { PostableAlert } from '../../alerts/index.js'
import { parseRFC3339 } from '../../util/index.js'
import { OpenApiError } from '../errors.js'

// Shape checks of a POST /api/v2/alerts body, with the status codes and message forms that
// go-openapi and Go's JSON decoder give Alertmanager 0.25: decoding problems are 400 "parsing
// alerts body from "" failed, because …", schema problems are 422 with codes 602/601.

function goJsonType(value: unknown): string {
  if (Array.isArray(value)) {
    return 'array'
  }
  switch (typeof value) {
    case 'boolean':
      return 'bool'
    case 'object':
      return 'object'
    default:
      return typeof value
  }
}

// How Go names the anonymous struct models.PostableAlert.UnmarshalJSON decodes into first.
const POSTABLE_ALERT_STRUCT =
  'struct { Annotations models.LabelSet "json:\\"annotations,omitempty\\""; ' +
  'EndsAt strfmt.DateTime "json:\\"endsAt,omitempty\\""; StartsAt strfmt.DateTime "json:\\"startsAt,omitempty\\"" }'

function decodeError(reason: string): OpenApiError {
  return new OpenApiError(400, 400, `parsing alerts body from "" failed, because ${reason}`)
}

// `field` is the Go field path: `Alert.labels` for the embedded Alert's fields, `.annotations`
// for those of the anonymous struct models.PostableAlert decodes first.
function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) {
    return {}
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw decodeError(
      `json: cannot unmarshal ${goJsonType(value)} into Go struct field ${field} of type models.LabelSet`
    )
  }
  let map = value as Record<string, unknown>
  let wellFormed = true
  for (const key in map) {
    const v = map[key]
    if (v === null) {
      // Go decodes null into a map[string]string as the zero value "".
      map = { ...map, [key]: '' }
      continue
    }
    if (typeof v !== 'string') {
      throw decodeError(
        `json: cannot unmarshal ${goJsonType(v)} into Go struct field ${field} of type string`
      )
    }
    wellFormed &&= v.isWellFormed() && key.isWellFormed()
  }
  if (wellFormed) {
    return map as Record<string, string>
  }
  // Go's decoder turns lone surrogates into U+FFFD; do the same rather than refuse.
  return Object.fromEntries(
    Object.entries(map as Record<string, string>).map(([k, v]) => [
      k.toWellFormed(),
      v.toWellFormed(),
    ])
  )
}

function dateTime(value: unknown, field: string): number {
  if (value === undefined || value === null) {
    return 0
  }
  if (typeof value !== 'string') {
    throw decodeError(
      `json: cannot unmarshal ${goJsonType(value)} into Go struct field .${field} of type string`
    )
  }
  const ms = parseRFC3339(value)
  if (ms === undefined) {
    throw decodeError(
      `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": not an RFC3339 date-time`
    )
  }
  return ms
}

// go-openapi's "uri" format accepts whatever Go's url.Parse accepts: nearly anything but a
// missing scheme before a colon, control characters and broken %-escapes.
function isUri(value: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(value) || /%(?![0-9a-fA-F]{2})/.test(value)) {
    return false
  }
  return !value.startsWith(':')
}

/**
 * parsePostableAlerts decodes and shape-checks the body of `POST /api/v2/alerts`.
 *
 * @param text - the request body.
 * @returns the alerts with times as epoch ms (0 = not given).
 * @throws OpenApiError with Alertmanager's status and message for malformed input.
 */
export function parsePostableAlerts(text: string): PostableAlert[] {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err: unknown) {
    throw decodeError(err instanceof Error ? err.message : 'invalid JSON')
  }
  if (body === null) {
    return []
  }
  if (!Array.isArray(body)) {
    throw decodeError(
      `json: cannot unmarshal ${goJsonType(body)} into Go value of type models.PostableAlerts`
    )
  }
  // Go decodes the whole body before go-swagger validates it, so decode errors (400) win over
  // schema errors (422) wherever they are in the list.
  const decoded: (PostableAlert | null)[] = []
  const missingLabels: boolean[] = []
  for (const raw of body as unknown[]) {
    if (raw === null) {
      decoded.push(null)
      missingLabels.push(false)
      continue
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw decodeError(
        `json: cannot unmarshal ${goJsonType(raw)} into Go value of type ${POSTABLE_ALERT_STRUCT}`
      )
    }
    const item = raw as Record<string, unknown>
    const labels = item['labels']
    const annotations = stringMap(item['annotations'], '.annotations')
    const startsAt = dateTime(item['startsAt'], 'startsAt')
    const endsAt = dateTime(item['endsAt'], 'endsAt')
    const generator = item['generatorURL']
    if (generator !== undefined && generator !== null && typeof generator !== 'string') {
      throw decodeError(
        `json: cannot unmarshal ${goJsonType(generator)} into Go struct field Alert.generatorURL of type string`
      )
    }
    missingLabels.push(labels === undefined || labels === null)
    const generatorURL = typeof generator === 'string' ? generator : ''
    decoded.push({
      labels: stringMap(labels, 'Alert.labels'),
      annotations,
      startsAt,
      endsAt,
      generatorURL,
    })
  }
  const alerts: PostableAlert[] = []
  for (let i = 0; i < decoded.length; i++) {
    const alert = decoded[i]
    if (alert === undefined || alert === null) {
      throw new OpenApiError(422, 602, `${i} in body is required`)
    }
    // go-swagger validates the Alert's fields alphabetically: generatorURL before labels.
    if (alert.generatorURL !== '' && !isUri(alert.generatorURL)) {
      throw new OpenApiError(
        422,
        601,
        `${i}.generatorURL in body must be of type uri: ${JSON.stringify(alert.generatorURL)}`
      )
    }
    if (missingLabels[i] === true) {
      throw new OpenApiError(422, 602, `${i}.labels in body is required`)
    }
    alerts.push(alert)
  }
  return alerts
}
