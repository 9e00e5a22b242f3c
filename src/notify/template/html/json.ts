/**
 * encoding/json's Marshal over the Go value model, as Go 1.19 html/template/js.go uses it
 * for values in JavaScript (Go 1.19 encoding/json/encode.go): HTML-safe string escaping,
 * sorted map keys, exported struct fields, Go's float formatting and error messages.
 */
import { AlertmeshError } from '../../../util/index.js'
import {
  GoIface,
  formatFloat,
  isFloatKind,
  isIntKind,
  isUintKind,
  listOf,
  mapEntries,
  payload,
  typeOf,
} from '../go/index.js'
import type { GoType, GoValue } from '../go/index.js'

/** JsonError is an error of json.Marshal; its message is Go's. */
export class JsonError extends AlertmeshError {
  override name = 'JsonError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_EXEC', message, options)
  }
}

const HEX = '0123456789abcdef'

/**
 * jsonString encodes a string as encoding/json does with HTML escaping on: `<`, `>`, `&`,
 * control characters, U+2028 and U+2029 as `\uXXXX`.
 *
 * @param s - the string.
 * @returns the JSON string literal.
 */
export function jsonString(s: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let repl: string | undefined
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26) {
        continue
      }
      switch (c) {
        case 0x22:
          repl = '\\"'
          break
        case 0x5c:
          repl = '\\\\'
          break
        case 0x0a:
          repl = '\\n'
          break
        case 0x0d:
          repl = '\\r'
          break
        case 0x09:
          repl = '\\t'
          break
        default:
          // This encodes bytes < 0x20 except for \t, \n and \r, and <, > and &.
          repl = `\\u00${HEX[c >> 4] as string}${HEX[c & 0xf] as string}`
      }
    } else if (c === 0x2028) {
      repl = '\\u2028'
    } else if (c === 0x2029) {
      repl = '\\u2029'
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00
      if (pair) {
        i++
        continue
      }
      // A lone surrogate is invalid UTF-8 in Go's string: it becomes U+FFFD.
      repl = '\\ufffd'
    } else {
      continue
    }
    out += s.slice(start, i) + repl
    start = i + 1
  }
  return `${out}${s.slice(start)}"`
}

function jsonFloat(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) {
    throw new JsonError(`json: unsupported value: ${formatFloat(f, 'g', -1, bits)}`)
  }
  const abs = Math.abs(f)
  let fmt = 'f'
  if (abs !== 0) {
    const a = bits === 32 ? Math.fround(abs) : abs
    if (a < 1e-6 || a >= 1e21) {
      fmt = 'e'
    }
  }
  let b = formatFloat(f, fmt, -1, bits)
  if (fmt === 'e') {
    // clean up e-09 to e-9
    const n = b.length
    if (n >= 4 && b[n - 4] === 'e' && b[n - 3] === '-' && b[n - 2] === '0') {
      b = b.slice(0, n - 2) + b.slice(n - 1)
    }
  }
  return b
}

function base64(bytes: readonly GoValue[]): string {
  return Buffer.from(bytes.map((b) => Number(payload(b)))).toString('base64')
}

/**
 * compactHTML is json.Compact with HTML escaping, applied to what a MarshalJSON method
 * returns: whitespace outside strings is dropped and `<`, `>`, `&`, U+2028, U+2029 escaped.
 */
function compactHTML(src: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string
    if (inString) {
      if (ch === '\\') {
        out += ch + (src[i + 1] ?? '')
        i++
        continue
      }
      if (ch === '"') {
        inString = false
      }
    } else if (ch === '"') {
      inString = true
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      continue
    }
    switch (ch) {
      case '<':
        out += '\\u003c'
        break
      case '>':
        out += '\\u003e'
        break
      case '&':
        out += '\\u0026'
        break
      case '\u2028':
        out += '\\u2028'
        break
      case '\u2029':
        out += '\\u2029'
        break
      default:
        out += ch
    }
  }
  return out
}

function unsupported(t: GoType): never {
  throw new JsonError(`json: unsupported type: ${t.name}`)
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/**
 * jsonMarshal is json.Marshal of a Go value.
 *
 * @param vIn - the value.
 * @returns the JSON text.
 * @throws JsonError with Go's message for unsupported types and values.
 */
export function jsonMarshal(vIn: GoValue): string {
  let v = vIn
  while (v instanceof GoIface) {
    v = v.v
  }
  if (v === undefined || v === null) {
    return 'null'
  }
  const t = typeOf(v) as GoType
  const marshal = t.methods.get('MarshalJSON')
  if (marshal !== undefined) {
    if (t.kind === 'ptr' && payload(v) === null) {
      return 'null'
    }
    const r = marshal.fn(v)
    return compactHTML(typeof r === 'string' ? r : String(payload(r)))
  }
  const p = payload(v)
  const k = t.kind
  if (k === 'bool') {
    return p === true ? 'true' : 'false'
  }
  if (isIntKind(k) || isUintKind(k)) {
    return typeof p === 'bigint' ? p.toString() : String(p)
  }
  if (isFloatKind(k)) {
    return jsonFloat(p as number, k === 'float32' ? 32 : 64)
  }
  switch (k) {
    case 'string':
      return jsonString(p as string)
    case 'ptr':
      return p === null ? 'null' : jsonMarshal(p as GoValue)
    case 'interface':
      return 'null'
    case 'slice':
    case 'array': {
      if (k === 'slice' && p === null) {
        return 'null'
      }
      const elem = t.elem as GoType
      const items = listOf(v)
      if (k === 'slice' && elem.kind === 'uint8' && !elem.methods.has('MarshalJSON')) {
        return `"${base64(items)}"`
      }
      return `[${items.map((x) => jsonMarshal(x)).join(',')}]`
    }
    case 'map': {
      const key = t.key as GoType
      if (key.kind !== 'string' && !isIntKind(key.kind) && !isUintKind(key.kind)) {
        unsupported(t)
      }
      if (p === null) {
        return 'null'
      }
      const entries = mapEntries(v).map(([mk, mv]) => [String(mk), mv] as const)
      entries.sort((a, b) => compareBytes(a[0], b[0]))
      return `{${entries.map(([mk, mv]) => `${jsonString(mk)}:${jsonMarshal(mv)}`).join(',')}}`
    }
    case 'struct': {
      const fields = p as readonly GoValue[]
      const parts: string[] = []
      t.fields.forEach((f, i) => {
        if (/^\p{Lu}/u.test(f.name)) {
          parts.push(`${jsonString(f.name)}:${jsonMarshal(fields[i])}`)
        }
      })
      return `{${parts.join(',')}}`
    }
    default:
      return unsupported(t)
  }
}
