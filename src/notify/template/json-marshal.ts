/**
 * Go 1.19 encoding/json's Marshal for template values, behind the `toJson` function: struct
 * fields under their `json` tags, maps with sorted keys, nil slices and maps as `null`,
 * time.Time as RFC 3339 with nanoseconds, HTML-safe string escaping.
 */
import { AlertmeshError, goJSONString } from '../../util/index.js'

import { jsonFieldNames } from './data.js'
import { sortedMapEntries } from './go/fmt.js'
import { GoBox, GoIface, listOf, payload, typeOf } from './go/index.js'
import type { GoType, GoValue } from './go/index.js'
import { formatFloat } from './go/strconv.js'
import { TIME, fieldsOf, formatRFC3339NanoTime, timeOf } from './time.js'

/** JSONMarshalError is what json.Marshal returns as its error, with Go's message. */
export class JSONMarshalError extends AlertmeshError {
  override name = 'JSONMarshalError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_EXEC', message, options)
  }
}

function floatJSON(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) {
    throw new JSONMarshalError(`json: unsupported value: ${formatFloat(f, 'g', -1, bits)}`)
  }
  // Go's floatEncoder: like ES6, exponent form outside [1e-6, 1e21), with e-09 cleaned to e-9.
  const abs = Math.abs(f)
  const fmt = abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f'
  let s = formatFloat(f, fmt, -1, bits)
  if (fmt === 'e') {
    s = s.replace(/e([+-])0(\d)$/, 'e$1$2')
  }
  return s
}

/**
 * marshalJSON is Go's json.Marshal of a template value.
 *
 * @param v - the value.
 * @returns the JSON text.
 * @throws JSONMarshalError for values Go cannot encode (funcs, NaN, years outside 0-9999).
 */
export function marshalJSON(v: GoValue): string {
  if (v === undefined || v === null) {
    return 'null'
  }
  if (v instanceof GoIface) {
    return marshalJSON(v.v)
  }
  switch (typeof v) {
    case 'string':
      return goJSONString(v)
    case 'boolean':
      return v ? 'true' : 'false'
    case 'number':
      return Number.isInteger(v) ? String(v) : floatJSON(v, 64)
    default:
      break
  }
  if (!(v instanceof GoBox)) {
    if (Array.isArray(v)) {
      return `[${(v as readonly GoValue[]).map(marshalJSON).join(',')}]`
    }
    return marshalMap(v)
  }
  return marshalBox(v)
}

function marshalMap(v: GoValue): string {
  if (payload(v) === null) {
    return 'null'
  }
  const entries = sortedMapEntries(v)
  return `{${entries.map(([k, x]) => `${goJSONString(String(k))}:${marshalJSON(x)}`).join(',')}}`
}

function marshalBox(v: GoBox): string {
  const t: GoType = v.t
  if (t === TIME) {
    const time = timeOf(v)
    const year = fieldsOf(time).year
    if (year < 0 || year > 9999) {
      throw new JSONMarshalError(
        `json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]`
      )
    }
    return `"${formatRFC3339NanoTime(time)}"`
  }
  switch (t.kind) {
    case 'string':
      return goJSONString(v.v as string)
    case 'bool':
      return v.v === true ? 'true' : 'false'
    case 'float32':
    case 'float64':
      return floatJSON(v.v as number, t.kind === 'float32' ? 32 : 64)
    case 'slice':
      if (v.v === null) {
        return 'null'
      }
      return `[${listOf(v).map(marshalElem(t.elem)).join(',')}]`
    case 'array':
      return `[${listOf(v).map(marshalElem(t.elem)).join(',')}]`
    case 'map':
      return marshalMap(v)
    case 'struct': {
      const names = jsonFieldNames(t)
      const fields = v.v as readonly GoValue[]
      const parts: string[] = []
      t.fields.forEach((f, i) => {
        if (/^\p{Lu}/u.test(f.name)) {
          parts.push(`${goJSONString(names[i] ?? f.name)}:${marshalJSON(fields[i])}`)
        }
      })
      return `{${parts.join(',')}}`
    }
    case 'ptr':
      return v.v === null ? 'null' : marshalJSON(v.v as GoValue)
    case 'func':
      throw new JSONMarshalError(`json: unsupported type: ${t.name}`)
    case 'interface':
      return marshalJSON(v.v as GoValue)
    default:
      // Integer kinds; int64 payloads may be bigints.
      return String(v.v)
  }
}

function marshalElem(t: GoType | undefined): (x: GoValue) => string {
  return (x) => (typeOf(x) === undefined && t !== undefined ? 'null' : marshalJSON(x))
}
