/**
 * Go's json.Unmarshal into a template.Data, what `amtool template render --template.data`
 * does: keys match field tags case-insensitively, unknown keys are ignored, `null` leaves the
 * zero value, times are RFC 3339 (Go's Time.UnmarshalJSON).
 */
import { AlertmeshError } from '../../util/index.js'

import { ALERT, ALERTS, DATA, KV, jsonFieldNames } from './data.js'
import { GoBox, STRING, goStruct, zeroValue } from './go/index.js'
import type { GoType, GoValue } from './go/index.js'
import { TIME, parseRFC3339Time, timeValue } from './time.js'

/** DataJSONError is a decoding error with Go's json message. */
export class DataJSONError extends AlertmeshError {
  override name = 'DataJSONError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_EXEC', message, options)
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) {
    return 'array'
  }
  if (typeof v === 'object') {
    return 'object'
  }
  return typeof v === 'boolean' ? 'bool' : typeof v
}

function typeError(v: unknown, path: string, t: GoType): DataJSONError {
  return new DataJSONError(
    `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${path} of type ${t === KV ? 'string' : t.name}`
  )
}

function decode(v: unknown, t: GoType, path: string): GoValue {
  if (v === null) {
    return zeroValue(t)
  }
  if (t === STRING) {
    if (typeof v !== 'string') {
      throw typeError(v, path, t)
    }
    return v
  }
  if (t === TIME) {
    if (typeof v !== 'string') {
      throw new DataJSONError(
        `parsing time ${JSON.stringify(JSON.stringify(v))} as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse ${JSON.stringify(JSON.stringify(v))} as "\\""`
      )
    }
    const parsed = parseRFC3339Time(v)
    if (parsed === undefined) {
      throw new DataJSONError(
        `parsing time ${JSON.stringify(JSON.stringify(v))} as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse ${JSON.stringify(v)} as RFC 3339`
      )
    }
    return timeValue(parsed)
  }
  if (t === KV) {
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new DataJSONError(
        `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${path} of type template.KV`
      )
    }
    const out = new Map<string, string>()
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== null && typeof x !== 'string') {
        throw typeError(x, `${path}.${k}`, STRING)
      }
      out.set(k, x ?? '')
    }
    return new GoBox(KV, out)
  }
  if (t === ALERTS) {
    if (!Array.isArray(v)) {
      throw new DataJSONError(
        `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${path} of type template.Alerts`
      )
    }
    return new GoBox(
      ALERTS,
      v.map((x) => decode(x, ALERT, path))
    )
  }
  // A struct: template.Data or template.Alert.
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new DataJSONError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${t.name}`)
  }
  const names = jsonFieldNames(t)
  const values: Record<string, GoValue> = {}
  const structName = t.name.replace(/^template\./, '')
  for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
    // Go prefers an exact match, then a case-insensitive one.
    let i = names.indexOf(key)
    if (i < 0) {
      i = names.findIndex((n) => n.toLowerCase() === key.toLowerCase())
    }
    const field = t.fields[i]
    if (field === undefined) {
      continue
    }
    const fieldPath = path === '' ? `${structName}.${names[i] ?? ''}` : `${path}.${names[i] ?? ''}`
    values[field.name] = decode(x, field.type, fieldPath)
  }
  return goStruct(t, values)
}

/**
 * dataFromJSON decodes a template.Data from JSON as Go's json.Unmarshal does.
 *
 * @param text - the JSON text.
 * @returns a template.Data value.
 * @throws DataJSONError (or SyntaxError for malformed JSON, whose text differs from Go's).
 */
export function dataFromJSON(text: string): GoValue {
  return decode(JSON.parse(text) as unknown, DATA, '')
}
