import type { PostableAlert } from '../../alerts/index.js'
import { parseRFC3339 } from '../../util/time.js'
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

function decodeError(reason: string): OpenApiError {
  return new OpenApiError(400, 400, `parsing alerts body from "" failed, because ${reason}`)
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) {
    return {}
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw decodeError(`json: cannot unmarshal ${goJsonType(value)} into Go struct field Alert.${field} of type models.LabelSet`)
  }
  const map = value as Record<string, unknown>
  let wellFormed = true
  for (const key in map) {
    const v = map[key]
    if (typeof v !== 'string') {
      throw decodeError(`json: cannot unmarshal ${goJsonType(v)} into Go struct field Alert.${field} of type string`)
    }
    wellFormed &&= v.isWellFormed() && key.isWellFormed()
  }
  if (wellFormed) {
    return map as Record<string, string>
  }
  // Go's decoder turns lone surrogates into U+FFFD; do the same rather than refuse.
  return Object.fromEntries(Object.entries(map as Record<string, string>).map(([k, v]) => [k.toWellFormed(), v.toWellFormed()]))
}

function dateTime(value: unknown, field: string): number {
  if (value === undefined || value === null) {
    return 0
  }
  if (typeof value !== 'string') {
    throw decodeError(`json: cannot unmarshal ${goJsonType(value)} into Go struct field .${field} of type string`)
  }
  const ms = parseRFC3339(value)
  if (ms === undefined) {
    throw decodeError(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": not an RFC3339 date-time`)
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
    throw decodeError(`json: cannot unmarshal ${goJsonType(body)} into Go value of type models.PostableAlerts`)
  }
  const alerts: PostableAlert[] = []
  for (let i = 0; i < body.length; i++) {
    const raw: unknown = body[i]
    if (raw === null) {
      throw new OpenApiError(422, 602, `${i} in body is required`)
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw decodeError(`json: cannot unmarshal ${goJsonType(raw)} into Go value of type models.PostableAlert`)
    }
    const item = raw as Record<string, unknown>
    const labels = item['labels']
    const annotations = stringMap(item['annotations'], 'annotations')
    const startsAt = dateTime(item['startsAt'], 'startsAt')
    const endsAt = dateTime(item['endsAt'], 'endsAt')
    const generator = item['generatorURL']
    if (generator !== undefined && generator !== null && typeof generator !== 'string') {
      throw decodeError(`json: cannot unmarshal ${goJsonType(generator)} into Go struct field Alert.generatorURL of type strfmt.URI`)
    }
    if (labels === undefined || labels === null) {
      throw new OpenApiError(422, 602, `${i}.labels in body is required`)
    }
    const generatorURL = typeof generator === 'string' ? generator : ''
    if (generatorURL !== '' && !isUri(generatorURL)) {
      throw new OpenApiError(422, 601, `${i}.generatorURL in body must be of type uri: ${JSON.stringify(generatorURL)}`)
    }
    alerts.push({ labels: stringMap(labels, 'labels'), annotations, startsAt, endsAt, generatorURL })
  }
  return alerts
}
