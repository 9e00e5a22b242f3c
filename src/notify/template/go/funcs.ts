/**
 * The builtin functions of Go 1.19 text/template/funcs.go and its escapers, with Go's
 * comparison rules and error messages.
 */
import { AlertmeshError } from '../../../util/index.js'

import { sprint, sprintf, sprintln } from './fmt.js'
import { quoteWith } from './strconv.js'
import {
  ANY,
  BOOL,
  ERROR,
  GoAddrBox,
  GoBox,
  GoIface,
  INT,
  REFLECT_VALUE,
  STRING,
  UINT8,
  addrOf,
  addressable,
  assignableTo,
  elemValue,
  intValue,
  isFloatKind,
  isIntKind,
  isUintKind,
  listOf,
  mapGet,
  mapLen,
  payload,
  sliceOf,
  typeOf,
  unboxIface,
  zeroValue,
} from './value.js'
import type { GoFunc, GoType, GoValue, MapKey } from './value.js'

/** FuncError is what a builtin throws for Go's error result. */
export class FuncError extends AlertmeshError {
  override name = 'FuncError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_EXEC', message, options)
  }
}

/**
 * indirect follows pointers and interfaces to the value they hold (Go's indirect in exec.go).
 *
 * @param v - the value.
 * @returns the final value, whether it stopped at a nil, the last pointer followed, and
 *   whether the final value is addressable (reached last through a pointer).
 */
export function indirect(v: GoValue): {
  v: GoValue
  isNil: boolean
  ptr: GoBox | undefined
  addr: boolean
} {
  let x = v
  let ptr: GoBox | undefined
  // The pointee of a pointer is addressable, an interface's dynamic value is not.
  let addr = v instanceof GoAddrBox
  for (;;) {
    if (x instanceof GoIface) {
      if (x.v === undefined || x.v === null) {
        return { v: x, isNil: true, ptr, addr }
      }
      x = x.v
      addr = false
    } else if (x instanceof GoBox && x.t.kind === 'ptr') {
      if (x.v === null || x.v === undefined) {
        return { v: x, isNil: true, ptr, addr }
      }
      ptr = x
      x = x.v as GoValue
      addr = true
    } else {
      return { v: x, isNil: false, ptr, addr }
    }
  }
}

/**
 * isTrue reports Go's truth of a value (exec.go isTrue): false for zero numbers, empty
 * strings, slices and maps, nil pointers and interfaces, and the invalid value.
 *
 * @param val - the value (interfaces are looked through first).
 * @returns the truth, and false for ok when the value has no truth (never in this model).
 */
export function isTrue(val: GoValue): { truth: boolean; ok: boolean } {
  const v = unboxIface(val)
  switch (typeof v) {
    case 'string':
      return { truth: v.length > 0, ok: true }
    case 'boolean':
      return { truth: v, ok: true }
    case 'number':
      return { truth: v !== 0, ok: true }
    case 'undefined':
      return { truth: false, ok: true }
    default:
      break
  }
  if (v === null) {
    return { truth: false, ok: true }
  }
  if (!(v instanceof GoBox)) {
    return { truth: Array.isArray(v) ? v.length > 0 : mapLen(v) > 0, ok: true }
  }
  switch (v.t.kind) {
    case 'array':
    case 'slice':
      return { truth: listOf(v).length > 0, ok: true }
    case 'map':
      return { truth: mapLen(v) > 0, ok: true }
    case 'string':
      return { truth: (v.v as string).length > 0, ok: true }
    case 'bool':
      return { truth: v.v as boolean, ok: true }
    case 'ptr':
    case 'func':
    case 'interface':
      return { truth: v.v !== null && v.v !== undefined, ok: true }
    case 'struct':
      return { truth: true, ok: true }
    default:
      return { truth: (v.v as number) !== 0, ok: true }
  }
}

function truth(v: GoValue): boolean {
  return isTrue(v).truth
}

const ASCII = /^[\x00-\x7f]*$/

/** goLen is Go's len of a string: its UTF-8 byte count. */
function goStringLen(s: string): number {
  return ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8')
}

function typeName(v: GoValue): string {
  const t = typeOf(v)
  if (t === undefined) {
    throw new FuncError('reflect: call of reflect.Value.Type on zero Value')
  }
  return t.name
}

function lengthOf(item: GoValue): number {
  const { v, isNil } = indirect(item)
  if (isNil) {
    throw new FuncError('len of nil pointer')
  }
  const t = typeOf(v)
  switch (t?.kind) {
    case 'array':
    case 'slice':
      return listOf(v).length
    case 'map':
      return mapLen(v)
    case 'string':
      return goStringLen(payload(v) as string)
    default:
      throw new FuncError(`len of type ${typeName(v)}`)
  }
}

function indexArg(index: GoValue, cap: number): number {
  const k = typeOf(index)?.kind
  let x: number
  if (isIntKind(k) || isUintKind(k)) {
    x = Number(payload(index))
  } else if (k === undefined) {
    throw new FuncError('cannot index slice/array with nil')
  } else {
    throw new FuncError(`cannot index slice/array with type ${typeName(index)}`)
  }
  if (x < 0 || x > cap) {
    throw new FuncError(`index out of range: ${String(payload(index))}`)
  }
  return x
}

function canBeNil(t: GoType): boolean {
  switch (t.kind) {
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return true
    case 'struct':
      return t === REFLECT_VALUE
    default:
      return false
  }
}

function intLike(t: GoType | undefined): boolean {
  return isIntKind(t?.kind) || isUintKind(t?.kind)
}

/**
 * prepareArg converts a value for a parameter or map key type (funcs.go prepareArg).
 *
 * @param value - the value.
 * @param argType - the wanted type.
 * @returns the value to use.
 */
function prepareArg(value: GoValue, argType: GoType): GoValue {
  if (value === undefined || value === null) {
    if (!canBeNil(argType)) {
      throw new FuncError(`value is nil; should be of type ${argType.name}`)
    }
    return zeroValue(argType)
  }
  const t = typeOf(value) as GoType
  if (assignableTo(t, argType)) {
    return value
  }
  if (intLike(t) && intLike(argType)) {
    return payload(value) as number
  }
  throw new FuncError(`value has type ${t.name}; should be ${argType.name}`)
}

function stringBytes(s: string): Buffer | undefined {
  return ASCII.test(s) ? undefined : Buffer.from(s, 'utf8')
}

function indexFn(itemIn: GoValue, ...indexes: GoValue[]): GoValue {
  let item = unboxIface(itemIn)
  if (item === undefined || item === null) {
    throw new FuncError('index of untyped nil')
  }
  for (const indexIn of indexes) {
    const index = unboxIface(indexIn)
    const ind = indirect(item)
    if (ind.isNil) {
      throw new FuncError('index of nil pointer')
    }
    item = ind.v
    const t = typeOf(item) as GoType
    switch (t.kind) {
      case 'array':
      case 'slice': {
        const items = listOf(item)
        const x = indexArg(index, items.length)
        if (x === items.length) {
          throw new FuncError(`reflect: ${t.kind} index out of range`)
        }
        item = elemValue(t.elem as GoType, items[x])
        // reflect's Index: a slice element is addressable, an array's if the array is.
        if (t.kind === 'slice' || ind.addr) {
          item = addressable(item)
        }
        break
      }
      case 'string': {
        const s = payload(item) as string
        const b = stringBytes(s)
        const n = b === undefined ? s.length : b.length
        const x = indexArg(index, n)
        if (x === n) {
          throw new FuncError('reflect: string index out of range')
        }
        item = new GoBox(UINT8_T, b === undefined ? s.charCodeAt(x) : b[x])
        break
      }
      case 'map': {
        const key = prepareArg(index, t.key as GoType)
        const got = mapGet(item, payload(unboxIface(key)) as MapKey)
        item = got.found ? elemValue(t.elem as GoType, got.value) : zeroValue(t.elem as GoType)
        break
      }
      default:
        throw new FuncError(`can't index item of type ${t.name}`)
    }
  }
  return item
}

function sliceFn(itemIn: GoValue, ...indexes: GoValue[]): GoValue {
  const item = unboxIface(itemIn)
  if (item === undefined || item === null) {
    throw new FuncError('slice of untyped nil')
  }
  if (indexes.length > 3) {
    throw new FuncError(`too many slice indexes: ${indexes.length}`)
  }
  const t = typeOf(item) as GoType
  let cap: number
  let len: number
  let bytes: Buffer | undefined
  if (t.kind === 'string') {
    if (indexes.length === 3) {
      throw new FuncError('cannot 3-index slice a string')
    }
    const s = payload(item) as string
    bytes = stringBytes(s)
    len = bytes === undefined ? s.length : bytes.length
    cap = len
  } else if (t.kind === 'array' || t.kind === 'slice') {
    len = listOf(item).length
    cap = len
  } else {
    throw new FuncError(`can't slice item of type ${t.name}`)
  }
  const idx = [0, len, 0]
  indexes.forEach((index, i) => {
    idx[i] = indexArg(unboxIface(index), cap)
  })
  const [i0, i1, i2] = idx as [number, number, number]
  if (i0 > i1) {
    throw new FuncError(`invalid slice index: ${i0} > ${i1}`)
  }
  if (indexes.length === 3 && i1 > i2) {
    throw new FuncError(`invalid slice index: ${i1} > ${i2}`)
  }
  if (t.kind === 'string') {
    const s = payload(item) as string
    const out = bytes === undefined ? s.slice(i0, i1) : bytes.subarray(i0, i1).toString('utf8')
    return t === STRING ? out : new GoBox(t, out)
  }
  const items = listOf(item).slice(i0, i1)
  if (t.kind === 'array') {
    return new GoBox(sliceOf(t.elem as GoType), items)
  }
  return Array.isArray(item) ? items : new GoBox(t, items)
}

type BasicKind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string' | 'complex'

function basicKind(v: GoValue): BasicKind {
  const k = typeOf(v)?.kind
  if (k === 'bool') {
    return 'bool'
  }
  if (isIntKind(k)) {
    return 'int'
  }
  if (isUintKind(k)) {
    return 'uint'
  }
  if (isFloatKind(k)) {
    return 'float'
  }
  if (k === 'string') {
    return 'string'
  }
  return 'invalid'
}

const ERR_BAD_COMPARISON_TYPE = 'invalid type for comparison'
const ERR_BAD_COMPARISON = 'incompatible types for comparison'
const ERR_NO_COMPARISON = 'missing argument for comparison'

function isNilArg(v: GoValue): boolean {
  if (v === undefined || v === null) {
    return true
  }
  const k = typeOf(v)?.kind
  if (k === 'func' || k === 'interface' || k === 'map' || k === 'ptr' || k === 'slice') {
    return v instanceof GoIface ? v.v === undefined || v.v === null : payload(v) === null
  }
  return false
}

function comparable(t: GoType): boolean {
  switch (t.kind) {
    case 'slice':
    case 'map':
    case 'func':
      return false
    case 'array':
      return comparable(t.elem as GoType)
    case 'struct':
      return t.fields.every((f) => comparable(f.type))
    default:
      return true
  }
}

function deepEqualComparable(a: GoValue, b: GoValue): boolean {
  const ta = typeOf(a)
  const tb = typeOf(b)
  if (ta === undefined || tb === undefined) {
    return ta === tb
  }
  if (ta.name !== tb.name) {
    return false
  }
  const pa = payload(unboxIface(a))
  const pb = payload(unboxIface(b))
  if (ta.kind === 'struct' || ta.kind === 'array') {
    const xa = pa as GoValue[]
    const xb = pb as GoValue[]
    return xa.every((x, i) => deepEqualComparable(x, xb[i]))
  }
  return pa === pb
}

function eqFn(arg1In: GoValue, ...arg2: GoValue[]): boolean {
  const arg1 = unboxIface(arg1In)
  if (arg2.length === 0) {
    throw new FuncError(ERR_NO_COMPARISON)
  }
  const k1 = basicKind(arg1)
  for (const argIn of arg2) {
    const arg = unboxIface(argIn)
    const k2 = basicKind(arg)
    let t = false
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') {
        const x = intValue(arg1)
        t = x >= 0n && x === intValue(arg)
      } else if (k1 === 'uint' && k2 === 'int') {
        const y = intValue(arg)
        t = y >= 0n && intValue(arg1) === y
      } else if (arg1 !== undefined && arg1 !== null && arg !== undefined && arg !== null) {
        throw new FuncError(ERR_BAD_COMPARISON)
      }
    } else if (k1 === 'invalid') {
      const t1 = typeOf(arg1)
      const t2 = typeOf(arg)
      if (t1 !== undefined && t2 !== undefined && t1.kind !== t2.kind) {
        throw new FuncError(
          `non-comparable types ${sprintf('%s', [arg1])}: ${t1.name}, ${t2.name}: ${sprintf('%v', [arg])}`
        )
      }
      if (isNilArg(arg1) || isNilArg(arg)) {
        t = isNilArg(arg) === isNilArg(arg1)
      } else {
        const t2n = t2 as GoType
        if (!comparable(t2n)) {
          throw new FuncError(`non-comparable type ${sprintf('%s', [arg])}: ${t2n.name}`)
        }
        t = deepEqualComparable(arg1, arg)
      }
    } else if (k1 === 'int' || k1 === 'uint') {
      // Payloads are numbers, or bigints beyond 2^53; compare them exactly.
      const a = payload(arg1)
      const b = payload(arg)
      t = typeof a === typeof b ? a === b : intValue(arg1) === intValue(arg)
    } else {
      t = payload(arg1) === payload(arg)
    }
    if (t) {
      return true
    }
  }
  return false
}

function ltFn(arg1In: GoValue, arg2In: GoValue): boolean {
  const arg1 = unboxIface(arg1In)
  const k1 = basicKind(arg1)
  if (k1 === 'invalid') {
    throw new FuncError(ERR_BAD_COMPARISON_TYPE)
  }
  const arg2 = unboxIface(arg2In)
  const k2 = basicKind(arg2)
  if (k2 === 'invalid') {
    throw new FuncError(ERR_BAD_COMPARISON_TYPE)
  }
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') {
      const x = intValue(arg1)
      return x < 0n || x < intValue(arg2)
    }
    if (k1 === 'uint' && k2 === 'int') {
      const y = intValue(arg2)
      return y >= 0n && intValue(arg1) < y
    }
    throw new FuncError(ERR_BAD_COMPARISON)
  }
  if (k1 === 'bool' || k1 === 'complex') {
    throw new FuncError(ERR_BAD_COMPARISON_TYPE)
  }
  const a = payload(arg1) as string | number | bigint
  const b = payload(arg2) as string | number | bigint
  if (k1 === 'string') {
    return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0
  }
  // JS compares a bigint with a number exactly.
  return a < b
}

function leFn(a: GoValue, b: GoValue): boolean {
  return ltFn(a, b) || eqFn(a, b)
}

/**
 * printableValue returns what Go's printValue and evalArgs hand to fmt: pointers are followed
 * unless the pointer is what has the Error or String method; invalid values print as
 * `<no value>`.
 *
 * @param v - the value.
 * @returns the value to print, or undefined with ok false for unprintable kinds (funcs).
 */
export function printableValue(v: GoValue): { value: GoValue; ok: boolean } {
  let x = v
  if (x instanceof GoBox && x.t.kind === 'ptr') {
    const ind = indirect(x)
    x = ind.v
    if (!ind.isNil && ind.ptr !== undefined) {
      const t = typeOf(x) as GoType
      const hasMethods = t.methods.has('Error') || t.methods.has('String')
      if (!hasMethods && (ind.ptr.t.methods.has('Error') || ind.ptr.t.methods.has('String'))) {
        x = ind.ptr
      }
    }
  }
  if (x === undefined || x === null) {
    return { value: '<no value>', ok: true }
  }
  if (x instanceof GoAddrBox) {
    // exec.go printableValue: an addressable value whose pointer type has the String or
    // Error method prints through it.
    const t = x.t
    const hasMethods = t.methods.has('Error') || t.methods.has('String')
    if (!hasMethods && (t.ptrMethods.has('Error') || t.ptrMethods.has('String'))) {
      x = addrOf(x)
    }
  }
  const t = typeOf(x) as GoType
  if (t.kind === 'func' && !t.methods.has('Error') && !t.methods.has('String')) {
    return { value: undefined, ok: false }
  }
  return { value: x, ok: true }
}

function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') {
    return args[0]
  }
  return sprint(
    args.map((a) => {
      const p = printableValue(a)
      return p.ok ? p.value : a
    })
  )
}

/**
 * htmlEscapeString is Go's template.HTMLEscapeString.
 *
 * @param s - the text.
 * @returns the text with `"'&<>` and NUL escaped.
 */
export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) {
    return s
  }
  return s.replace(/['"&<>\0]/g, (c) => {
    switch (c) {
      case '\0':
        return '\ufffd'
      case '"':
        return '&#34;'
      case "'":
        return '&#39;'
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      default:
        return '&gt;'
    }
  })
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u

/**
 * jsEscapeString is Go's template.JSEscapeString.
 *
 * @param s - the text.
 * @returns the text escaped for a JavaScript string.
 */
export function jsEscapeString(s: string): string {
  if (!/[\\'"<>&=\x00-\x1f\u0080-\uffff]/.test(s)) {
    return s
  }
  let out = ''
  for (const ch of s) {
    const r = ch.codePointAt(0) as number
    if (r < 0x80) {
      switch (ch) {
        case '\\':
          out += '\\\\'
          continue
        case "'":
          out += "\\'"
          continue
        case '"':
          out += '\\"'
          continue
        case '<':
          out += '\\u003C'
          continue
        case '>':
          out += '\\u003E'
          continue
        case '&':
          out += '\\u0026'
          continue
        case '=':
          out += '\\u003D'
          continue
        default:
          out += r < 0x20 ? `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}` : ch
          continue
      }
    }
    if (r >= 0xd800 && r <= 0xdfff) {
      out += ch
    } else if (PRINTABLE.test(ch)) {
      out += ch
    } else {
      out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`
    }
  }
  return out
}

/**
 * urlQueryEscape is Go's url.QueryEscape.
 *
 * @param s - the text.
 * @returns the text escaped for a URL query.
 */
export function urlQueryEscape(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x5f ||
      b === 0x2e ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b)
    } else if (b === 0x20) {
      out += '+'
    } else {
      out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
    }
  }
  return out
}

const UINT8_T = UINT8

const SLICE_RV = sliceOf(REFLECT_VALUE)
const SLICE_ANY_T = sliceOf(ANY)

function fn(
  params: GoType[],
  variadic: boolean,
  results: GoType[],
  impl: (...args: GoValue[]) => GoValue
): GoFunc {
  return { params, variadic, results, fn: impl }
}

function callFn(fnIn: GoValue, ...args: GoValue[]): GoValue {
  const f = unboxIface(fnIn)
  if (f === undefined || f === null) {
    throw new FuncError('call of nil')
  }
  const t = typeOf(f) as GoType
  if (t.kind !== 'func') {
    throw new FuncError(`non-function of type ${t.name}`)
  }
  const g = payload(f) as GoFunc | null
  if (g === null) {
    throw new FuncError('call of nil')
  }
  if (!goodFunc(g)) {
    throw new FuncError(`function called with ${g.results.length} args; should be 1 or 2`)
  }
  const numIn = g.params.length
  let ddd: GoType | undefined
  if (g.variadic) {
    if (args.length < numIn - 1) {
      throw new FuncError(`wrong number of args: got ${args.length} want at least ${numIn - 1}`)
    }
    ddd = (g.params[numIn - 1] as GoType).elem
  } else if (args.length !== numIn) {
    throw new FuncError(`wrong number of args: got ${args.length} want ${numIn}`)
  }
  const argv = args.map((a, i) => {
    const argType = !g.variadic || i < numIn - 1 ? (g.params[i] as GoType) : (ddd as GoType)
    try {
      return unboxIface(prepareArg(unboxIface(a), argType))
    } catch (e) {
      throw new FuncError(`arg ${i}: ${(e as Error).message}`)
    }
  })
  const r = g.fn(...argv)
  const rt = g.results[0] as GoType
  return rt.kind === 'interface' ? new GoIface(rt, r) : r
}

/**
 * goodFunc reports whether a function has one result, or two with an error last.
 *
 * @param f - the function.
 * @returns true when templates can call it.
 */
export function goodFunc(f: GoFunc): boolean {
  return f.results.length === 1 || (f.results.length === 2 && f.results[1] === ERROR)
}

/** BUILTINS are text/template's predefined functions (funcs.go builtins). */
export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', fn([REFLECT_VALUE, SLICE_RV], true, [REFLECT_VALUE], () => undefined)],
  ['or', fn([REFLECT_VALUE, SLICE_RV], true, [REFLECT_VALUE], () => undefined)],
  ['call', fn([REFLECT_VALUE, SLICE_RV], true, [REFLECT_VALUE, ERROR], callFn)],
  ['html', fn([SLICE_ANY_T], true, [STRING], (...a) => htmlEscapeString(evalArgs(a)))],
  ['index', fn([REFLECT_VALUE, SLICE_RV], true, [REFLECT_VALUE, ERROR], indexFn)],
  ['slice', fn([REFLECT_VALUE, SLICE_RV], true, [REFLECT_VALUE, ERROR], sliceFn)],
  ['js', fn([SLICE_ANY_T], true, [STRING], (...a) => jsEscapeString(evalArgs(a)))],
  ['len', fn([REFLECT_VALUE], false, [INT, ERROR], (a) => lengthOf(a))],
  ['not', fn([REFLECT_VALUE], false, [BOOL], (a) => !truth(a))],
  ['print', fn([SLICE_ANY_T], true, [STRING], (...a) => sprint(a))],
  ['printf', fn([STRING, SLICE_ANY_T], true, [STRING], (f, ...a) => sprintf(f as string, a))],
  ['println', fn([SLICE_ANY_T], true, [STRING], (...a) => sprintln(a))],
  ['urlquery', fn([SLICE_ANY_T], true, [STRING], (...a) => urlQueryEscape(evalArgs(a)))],
  ['eq', fn([REFLECT_VALUE, SLICE_RV], true, [BOOL, ERROR], eqFn)],
  ['ge', fn([REFLECT_VALUE, REFLECT_VALUE], false, [BOOL, ERROR], (a, b) => !ltFn(a, b))],
  ['gt', fn([REFLECT_VALUE, REFLECT_VALUE], false, [BOOL, ERROR], (a, b) => !leFn(a, b))],
  ['le', fn([REFLECT_VALUE, REFLECT_VALUE], false, [BOOL, ERROR], leFn)],
  ['lt', fn([REFLECT_VALUE, REFLECT_VALUE], false, [BOOL, ERROR], ltFn)],
  ['ne', fn([REFLECT_VALUE, REFLECT_VALUE], false, [BOOL, ERROR], (a, b) => !eqFn(a, b))],
])

/**
 * quoteGo is strconv.Quote, re-exported for messages that use `%q`.
 *
 * @param s - the string.
 * @returns the quoted string.
 */
export function quoteGo(s: string): string {
  return quoteWith(s, false)
}

export { canBeNil, truth }
