import { AlertmeshError } from '../../util/index.js'

import type { YScalar } from './tree.js'

/**
 * gopkg.in/yaml.v2's implicit scalar resolution (`resolve.go`), which is YAML 1.1-flavoured:
 * `yes`/`on`/`y` are booleans, `010` is octal, `1_000` is an int, `.5` and `1e3` are floats.
 */

/** Resolved is a scalar's yaml.v2 tag and value. */
export interface Resolved {
  /** `!!str`, `!!bool`, `!!int`, `!!float`, `!!null`, `!!timestamp`, `!!merge` or a custom tag. */
  readonly tag: string
  readonly value: string | number | boolean | null
}

const RESOLVE_MAP: ReadonlyMap<string, Resolved> = new Map<string, Resolved>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (s): [string, Resolved] => [s, { tag: '!!bool', value: true }]
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (s): [string, Resolved] => [s, { tag: '!!bool', value: false }]
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, Resolved] => [
    s,
    { tag: '!!null', value: null },
  ]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Resolved] => [s, { tag: '!!float', value: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, Resolved] => [
    s,
    { tag: '!!float', value: Infinity },
  ]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Resolved] => [
    s,
    { tag: '!!float', value: -Infinity },
  ]),
  ['<<', { tag: '!!merge', value: '<<' }],
])

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$/
const MIN_INT64 = -(2n ** 63n)
const MAX_UINT64 = 2n ** 64n - 1n

/**
 * resolvePlain resolves an untagged plain scalar as yaml.v2 does.
 *
 * @param text - the scalar text.
 * @returns its tag and value.
 */
export function resolvePlain(text: string): Resolved {
  const known = RESOLVE_MAP.get(text)
  if (known !== undefined) {
    return known
  }
  const c = text[0] ?? ''
  if (c === '.') {
    const f = Number(text)
    if (!Number.isNaN(f) && /^\.[0-9]/.test(text)) {
      return { tag: '!!float', value: f }
    }
  } else if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (TIMESTAMP.test(text)) {
      return { tag: '!!timestamp', value: text }
    }
    const plain = text.replaceAll('_', '')
    const int = parseGoInt(plain)
    if (int !== undefined) {
      return { tag: '!!int', value: int }
    }
    if (YAML_STYLE_FLOAT.test(plain)) {
      return { tag: '!!float', value: Number(plain) }
    }
  }
  return { tag: '!!str', value: text }
}

/** parseGoInt is strconv.ParseInt(s, 0, 64) falling back to ParseUint, or undefined. */
function parseGoInt(s: string): number | undefined {
  if (!GO_INT.test(s)) {
    return undefined
  }
  const neg = s.startsWith('-')
  let body = s.replace(/^[-+]/, '')
  let radix = 10
  if (/^0[xX]/.test(body)) {
    radix = 16
    body = body.slice(2)
  } else if (/^0[bB]/.test(body)) {
    radix = 2
    body = body.slice(2)
  } else if (/^0[oO]/.test(body)) {
    radix = 8
    body = body.slice(2)
  } else if (body.length > 1 && body.startsWith('0')) {
    radix = 8
    body = body.slice(1)
  }
  if (body === '') {
    return undefined
  }
  let v = 0n
  for (const ch of body) {
    v = v * BigInt(radix) + BigInt(parseInt(ch, radix))
  }
  if (neg) {
    v = -v
  }
  if (v < MIN_INT64 || v > MAX_UINT64 || (neg && v > 0n)) {
    return undefined
  }
  return Number(v)
}

/**
 * resolveScalar resolves a scalar node: quoted and block scalars are strings, explicit standard
 * tags are honoured, plain scalars go through {@link resolvePlain}.
 *
 * @param node - the scalar node.
 * @returns its tag and value.
 */
export function resolveScalar(node: YScalar): Resolved {
  if (node.plain) {
    return resolvePlain(node.text)
  }
  switch (node.tag) {
    case undefined:
    case '!!str':
      return { tag: '!!str', value: node.text }
    case '!!bool':
    case '!!int':
    case '!!float':
    case '!!null': {
      const r = resolvePlain(node.text)
      if (r.tag === node.tag || (node.tag === '!!float' && r.tag === '!!int')) {
        return { tag: node.tag, value: r.value }
      }
      throw new TagError(`yaml: cannot decode ${r.tag} \`${node.text}\` as a ${node.tag}`)
    }
    default:
      return { tag: node.tag, value: node.text }
  }
}

/** TagError is yaml.v2's fatal error for an explicit tag that does not fit its scalar. */
export class TagError extends AlertmeshError {
  constructor(message: string) {
    super('AM_CONFIG_INVALID', message)
    this.name = 'TagError'
  }
}

/**
 * shortValue renders a scalar for yaml.v2's `cannot unmarshal` messages: in backquotes,
 * truncated to 7 characters and `...` past 10.
 *
 * @param text - the scalar text.
 * @returns e.g. `` `abc` `` or `` `abcdefg...` ``.
 */
export function shortValue(text: string): string {
  return text.length > 10 ? `\`${text.slice(0, 7)}...\`` : `\`${text}\``
}
