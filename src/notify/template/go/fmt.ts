/**
 * Go 1.19 fmt's printing (fmt/print.go, fmt/format.go) for the values of this model:
 * Sprint, Sprintln and Sprintf with Go's verbs, flags, width, precision, argument indexes and
 * its `%!verb(type=value)` error forms.
 */
import { compareGoStrings } from '../../../util/index.js'

import { formatFloat, isPrint, quoteRune, quoteWith } from './strconv.js'
import {
  GoBox,
  GoIface,
  isFloatKind,
  isIntKind,
  isNilValue,
  isUintKind,
  listOf,
  mapEntries,
  payload,
  typeOf,
  unboxIface,
} from './value.js'
import type { GoType, GoValue, MapKey } from './value.js'

const LDIGITS = '0123456789abcdefx'
const UDIGITS = '0123456789ABCDEFX'

/**
 * sortedMapEntries returns a map's entries in Go's internal/fmtsort order (numbers
 * numerically, strings by bytes, false before true), the order of range and of printing.
 *
 * @param v - a map value.
 * @returns its entries, sorted.
 */
export function sortedMapEntries(v: GoValue): [MapKey, GoValue][] {
  const entries = mapEntries(v)
  if (entries.length > 1) {
    entries.sort(([a], [b]) => {
      if (typeof a === 'string' && typeof b === 'string') {
        return compareGoStrings(a, b)
      }
      if (typeof a === 'number' && typeof b === 'number') {
        return a < b ? -1 : a > b ? 1 : 0
      }
      return Number(a) - Number(b)
    })
  }
  return entries
}

/** Flags are one verb's fmt flags and width/precision (Go's fmtFlags plus wid/prec). */
interface Flags {
  widPresent: boolean
  precPresent: boolean
  minus: boolean
  plus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  plusV: boolean
  sharpV: boolean
  wid: number
  prec: number
}

function runeCount(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff) {
      n++
    }
  }
  return n
}

/** Printer is Go's pp: one formatting in progress. */
class Printer {
  buf = ''
  f: Flags = {
    widPresent: false,
    precPresent: false,
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    prec: 0,
  }
  /** arg is the current argument as an `any` (dynamic value), or the invalid marker. */
  arg: GoValue = undefined
  hasArg = false
  /** value is the reflect.Value being printed when printValue took over. */
  value: GoValue = undefined
  hasValue = false
  erroring = false
  panicking = false
  reordered = false
  goodArgNum = true

  clearflags(): void {
    const f = this.f
    f.widPresent = false
    f.precPresent = false
    f.minus = false
    f.plus = false
    f.sharp = false
    f.space = false
    f.zero = false
    f.plusV = false
    f.sharpV = false
  }

  writePadding(n: number): void {
    if (n > 0) {
      this.buf += (this.f.zero ? '0' : ' ').repeat(n)
    }
  }

  pad(s: string): void {
    const f = this.f
    if (!f.widPresent || f.wid === 0) {
      this.buf += s
      return
    }
    const width = f.wid - runeCount(s)
    if (!f.minus) {
      this.writePadding(width)
      this.buf += s
    } else {
      this.buf += s
      this.writePadding(width)
    }
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false')
  }

  fmtUnicode(u: bigint): void {
    const f = this.f
    let prec = 4
    if (f.precPresent && f.prec > 4) {
      prec = f.prec
    }
    let hex = u.toString(16).toUpperCase()
    if (hex.length < prec) {
      hex = hex.padStart(prec, '0')
    }
    let s = `U+${hex}`
    if (f.sharp && u <= 0x10ffffn && isPrint(Number(u))) {
      s += ` '${String.fromCodePoint(Number(u))}'`
    }
    const oldZero = f.zero
    f.zero = false
    this.pad(s)
    f.zero = oldZero
  }

  fmtInteger(value: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const f = this.f
    const negative = isSigned && value < 0n
    const u = negative ? -value : value
    let prec = 0
    if (f.precPresent) {
      prec = f.prec
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero
        f.zero = false
        this.writePadding(f.wid)
        f.zero = oldZero
        return
      }
    } else if (f.zero && f.widPresent) {
      prec = f.wid
      if (negative || f.plus || f.space) {
        prec-- // leave room for sign
      }
    }
    let s = u.toString(base)
    if (digits === UDIGITS) {
      s = s.toUpperCase()
    }
    if (s.length < prec) {
      s = s.padStart(prec, '0')
    }
    if (f.sharp) {
      if (base === 2) {
        s = `0b${s}`
      } else if (base === 8) {
        if (!s.startsWith('0')) {
          s = `0${s}`
        }
      } else if (base === 16) {
        s = `0${digits[16] as string}${s}`
      }
    }
    if (verb === 'O') {
      s = `0o${s}`
    }
    if (negative) {
      s = `-${s}`
    } else if (f.plus) {
      s = `+${s}`
    } else if (f.space) {
      s = ` ${s}`
    }
    const oldZero = f.zero
    f.zero = false
    this.pad(s)
    f.zero = oldZero
  }

  truncateString(s: string): string {
    const f = this.f
    if (f.precPresent) {
      let n = f.prec
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
          continue
        }
        n--
        if (n < 0) {
          return s.slice(0, i)
        }
      }
    }
    return s
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s))
  }

  fmtSx(s: string | Uint8Array, digits: string): void {
    const f = this.f
    // A byte slice is formatted byte for byte (fmt/format.go fmtSbx), not through UTF-8.
    const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s
    let length = bytes.length
    if (f.precPresent && f.prec < length) {
      length = f.prec
    }
    let width = 2 * length
    if (width > 0) {
      if (f.space) {
        if (f.sharp) {
          width *= 2
        }
        width += length - 1
      } else if (f.sharp) {
        width += 2
      }
    } else {
      if (f.widPresent) {
        this.writePadding(f.wid)
      }
      return
    }
    if (f.widPresent && f.wid > width && !f.minus) {
      this.writePadding(f.wid - width)
    }
    let out = ''
    if (f.sharp) {
      out += `0${digits[16] as string}`
    }
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) {
        out += ' '
        if (f.sharp) {
          out += `0${digits[16] as string}`
        }
      }
      const c = bytes[i] as number
      out += (digits[c >> 4] as string) + (digits[c & 15] as string)
    }
    this.buf += out
    if (f.widPresent && f.wid > width && f.minus) {
      this.writePadding(f.wid - width)
    }
  }

  fmtQ(str: string): void {
    const s = this.truncateString(str)
    if (this.f.sharp && canBackquote(s)) {
      this.pad(`\`${s}\``)
      return
    }
    this.pad(quoteWith(s, this.f.plus))
  }

  fmtC(c: bigint): void {
    const r = c > 0x10ffffn ? 0xfffd : Number(c)
    this.pad(r >= 0xd800 && r <= 0xdfff ? '\ufffd' : String.fromCodePoint(r))
  }

  fmtQc(c: bigint): void {
    const r = c > 0x10ffffn ? 0xfffd : Number(c)
    this.pad(quoteRune(r, this.f.plus))
  }

  fmtFloatF(v: number, size: 32 | 64, verb: string, precIn: number): void {
    const f = this.f
    const prec = f.precPresent ? f.prec : precIn
    let num = formatFloat(v, verb, prec, size)
    if (num.startsWith('-') || num.startsWith('+')) {
      // already signed
    } else {
      num = `+${num}`
    }
    if (f.space && num.startsWith('+') && !f.plus) {
      num = ` ${num.slice(1)}`
    }
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero
      f.zero = false
      if (num[1] === 'N' && !f.space && !f.plus) {
        num = num.slice(1)
      }
      this.pad(num)
      f.zero = oldZero
      return
    }
    if (f.sharp && verb !== 'b') {
      let digits = 0
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec
        if (digits === -1) {
          digits = 6
        }
      }
      let tail = ''
      let hasDecimalPoint = false
      let sawNonzeroDigit = false
      let body = num
      for (let i = 1; i < body.length; i++) {
        const c = body[i] as string
        if (c === '.') {
          hasDecimalPoint = true
        } else if (
          c === 'p' ||
          c === 'P' ||
          ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')
        ) {
          tail = body.slice(i)
          body = body.slice(0, i)
          break
        } else {
          if (c !== '0') {
            sawNonzeroDigit = true
          }
          if (sawNonzeroDigit) {
            digits--
          }
        }
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') {
          digits--
        }
        body += '.'
      }
      while (digits > 0) {
        body += '0'
        digits--
      }
      num = body + tail
    }
    if (f.plus || !num.startsWith('+')) {
      if (f.zero && f.widPresent && f.wid > num.length) {
        this.buf += num[0] as string
        this.writePadding(f.wid - num.length)
        this.buf += num.slice(1)
        return
      }
      this.pad(num)
      return
    }
    this.pad(num.slice(1))
  }

  fmtFloat(v: number, size: 32 | 64, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloatF(v, size, 'g', -1)
        return
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloatF(v, size, verb, -1)
        return
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloatF(v, size, verb, 6)
        return
      case 'F':
        this.fmtFloatF(v, size, 'f', 6)
        return
      default:
        this.badVerb(verb)
    }
  }

  fmtIntegerVerb(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !isSigned) {
          const sharp = this.f.sharp
          this.f.sharp = true
          this.fmtInteger(v, 16, false, 'v', LDIGITS)
          this.f.sharp = sharp
        } else {
          this.fmtInteger(v, 10, isSigned, verb, LDIGITS)
        }
        return
      case 'd':
        this.fmtInteger(v, 10, isSigned, verb, LDIGITS)
        return
      case 'b':
        this.fmtInteger(v, 2, isSigned, verb, LDIGITS)
        return
      case 'o':
      case 'O':
        this.fmtInteger(v, 8, isSigned, verb, LDIGITS)
        return
      case 'x':
        this.fmtInteger(v, 16, isSigned, verb, LDIGITS)
        return
      case 'X':
        this.fmtInteger(v, 16, isSigned, verb, UDIGITS)
        return
      // fmt/print.go fmtInteger passes these the value as a uint64, so a negative one is huge.
      case 'c':
        this.fmtC(BigInt.asUintN(64, v))
        return
      case 'q':
        this.fmtQc(BigInt.asUintN(64, v))
        return
      case 'U':
        this.fmtUnicode(BigInt.asUintN(64, v))
        return
      default:
        this.badVerb(verb)
    }
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.fmtQ(v)
        } else {
          this.fmtS(v)
        }
        return
      case 's':
        this.fmtS(v)
        return
      case 'x':
        this.fmtSx(v, LDIGITS)
        return
      case 'X':
        this.fmtSx(v, UDIGITS)
        return
      case 'q':
        this.fmtQ(v)
        return
      default:
        this.badVerb(verb)
    }
  }

  badVerb(verb: string): void {
    this.erroring = true
    this.buf += `%!${verb}(`
    if (this.hasArg && this.arg !== undefined && this.arg !== null) {
      this.buf += `${(typeOf(this.arg) as GoType).name}=`
      this.printArg(this.arg, 'v')
    } else if (this.hasValue) {
      this.buf += `${(typeOf(this.value) as GoType).name}=`
      this.printValue(this.value, 'v', 0)
    } else {
      this.buf += '<nil>'
    }
    this.buf += ')'
    this.erroring = false
  }

  handleMethods(verb: string): boolean {
    if (this.erroring || this.f.sharpV) {
      return false
    }
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') {
      return false
    }
    const arg = this.arg
    const t = typeOf(arg)
    if (t === undefined) {
      return false
    }
    const m = t.methods.get('Error') ?? t.methods.get('String')
    if (m?.params.length !== 0) {
      return false
    }
    const method = t.methods.has('Error') ? 'Error' : 'String'
    let s: GoValue
    try {
      s = m.fn(arg)
    } catch (e) {
      if (t.kind === 'ptr' && isNilValue(arg)) {
        this.buf += '<nil>'
        return true
      }
      const saved = { ...this.f }
      this.clearflags()
      this.buf += `%!${verb}(PANIC=${method} method: ${e instanceof Error ? e.message : String(e)})`
      this.f = saved
      return true
    }
    this.fmtString(typeof s === 'string' ? s : String(payload(s)), verb)
    return true
  }

  printArg(argIn: GoValue, verb: string): void {
    const arg = argIn instanceof GoIface ? unboxIface(argIn) : argIn
    this.arg = arg
    this.hasArg = true
    this.value = undefined
    this.hasValue = false
    if (arg === undefined || arg === null) {
      if (verb === 'T' || verb === 'v') {
        this.pad('<nil>')
      } else {
        this.badVerb(verb)
      }
      return
    }
    if (verb === 'T') {
      this.fmtS((typeOf(arg) as GoType).name)
      return
    }
    // Go's type switch on the basic types sees only the unnamed ones; named types go through
    // handleMethods first.
    switch (typeof arg) {
      case 'string':
        this.fmtString(arg, verb)
        return
      case 'boolean':
        if (verb === 't' || verb === 'v') {
          this.fmtBoolean(arg)
        } else {
          this.badVerb(verb)
        }
        return
      case 'number':
        if (Number.isInteger(arg)) {
          if (verb === 'v' || verb === 'd') {
            if (!this.f.widPresent && !this.f.precPresent && !this.f.plus && !this.f.space) {
              this.buf += String(arg)
              return
            }
          }
          this.fmtIntegerVerb(BigInt(arg), true, verb)
        } else {
          this.fmtFloat(arg, 64, verb)
        }
        return
      default:
        break
    }
    if (arg instanceof GoBox && !arg.t.named) {
      const k = arg.t.kind
      if (k === 'float64' || k === 'float32') {
        this.fmtFloat(arg.v as number, k === 'float32' ? 32 : 64, verb)
        return
      }
    }
    if (!this.handleMethods(verb)) {
      this.printValue(arg, verb, 0)
    }
  }

  printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined && value !== null) {
      this.arg = value instanceof GoIface ? unboxIface(value) : value
      this.hasArg = true
      if (this.arg !== undefined && this.arg !== null && this.handleMethods(verb)) {
        return
      }
    }
    this.arg = undefined
    this.hasArg = false
    this.value = value
    this.hasValue = value !== undefined && value !== null
    const t = typeOf(value)
    if (t === undefined) {
      if (depth === 0) {
        this.buf += '<invalid reflect.Value>'
      } else if (verb === 'v') {
        this.buf += '<nil>'
      } else {
        this.badVerb(verb)
      }
      return
    }
    const k = t.kind
    const p = payload(value)
    if (k === 'bool') {
      if (verb === 't' || verb === 'v') {
        this.fmtBoolean(p as boolean)
      } else {
        this.badVerb(verb)
      }
    } else if (isIntKind(k)) {
      this.fmtIntegerVerb(BigInt(p as number), true, verb)
    } else if (isUintKind(k)) {
      this.fmtIntegerVerb(BigInt(p as number), false, verb)
    } else if (isFloatKind(k)) {
      this.fmtFloat(p as number, k === 'float32' ? 32 : 64, verb)
    } else if (k === 'string') {
      this.fmtString(p as string, verb)
    } else if (k === 'map') {
      if (this.f.sharpV) {
        this.buf += t.name
        if (p === null) {
          this.buf += '(nil)'
          return
        }
        this.buf += '{'
      } else {
        this.buf += 'map['
      }
      const elem = t.elem as GoType
      let i = 0
      for (const [key, v] of sortedMapEntries(value)) {
        if (i > 0) {
          this.buf += this.f.sharpV ? ', ' : ' '
        }
        i++
        this.printValue(keyValue(t.key as GoType, key), verb, depth + 1)
        this.buf += ':'
        this.printElem(elem, v, verb, depth + 1)
      }
      this.buf += this.f.sharpV ? '}' : ']'
    } else if (k === 'struct') {
      if (this.f.sharpV) {
        this.buf += t.name
      }
      this.buf += '{'
      const vals = p as GoValue[]
      t.fields.forEach((field, i) => {
        if (i > 0) {
          this.buf += this.f.sharpV ? ', ' : ' '
        }
        if (this.f.plusV || this.f.sharpV) {
          this.buf += `${field.name}:`
        }
        this.printElem(field.type, vals[i], verb, depth + 1)
      })
      this.buf += '}'
    } else if (k === 'interface') {
      const inner = (value as GoIface).v
      if (inner === undefined || inner === null) {
        this.buf += this.f.sharpV ? `${t.name}(nil)` : '<nil>'
      } else {
        this.printValue(inner, verb, depth + 1)
      }
    } else if (k === 'slice' || k === 'array') {
      const elem = t.elem as GoType
      if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && elem.kind === 'uint8') {
        const bytes = listOf(value).map((b) => Number(payload(b)))
        if (verb === 's') {
          this.fmtS(Buffer.from(bytes).toString('utf8'))
        } else if (verb === 'q') {
          this.fmtQ(Buffer.from(bytes).toString('utf8'))
        } else {
          this.fmtSx(Uint8Array.from(bytes), verb === 'x' ? LDIGITS : UDIGITS)
        }
        return
      }
      const items = listOf(value)
      if (this.f.sharpV) {
        // fmt/print.go printArg's `case []byte` names an unnamed top-level []uint8 "[]byte";
        // nested ones print reflect's "[]uint8".
        this.buf += depth === 0 && t.name === '[]uint8' ? '[]byte' : t.name
        if (k === 'slice' && p === null) {
          this.buf += '(nil)'
          return
        }
        this.buf += '{'
        items.forEach((v, i) => {
          if (i > 0) {
            this.buf += ', '
          }
          this.printElem(elem, v, verb, depth + 1)
        })
        this.buf += '}'
      } else {
        this.buf += '['
        items.forEach((v, i) => {
          if (i > 0) {
            this.buf += ' '
          }
          this.printElem(elem, v, verb, depth + 1)
        })
        this.buf += ']'
      }
    } else if (k === 'ptr') {
      if (depth === 0 && p !== null) {
        const ek = (t.elem as GoType).kind
        if (ek === 'array' || ek === 'slice' || ek === 'struct' || ek === 'map') {
          this.buf += '&'
          this.printValue(p as GoValue, verb, depth + 1)
          return
        }
      }
      this.fmtPointer(value, verb)
    } else {
      this.fmtPointer(value, verb)
    }
  }

  /** printElem prints a value stored in a place of type t, boxing it as reflect would. */
  printElem(t: GoType, v: GoValue, verb: string, depth: number): void {
    if (t.kind === 'interface') {
      const inner = v instanceof GoIface ? v.v : v
      if (inner === undefined || inner === null) {
        // Go prints a nil interface element as <nil> whatever the verb.
        if (this.f.sharpV) {
          this.buf += `${t.name}(nil)`
        } else {
          this.buf += '<nil>'
        }
        return
      }
      this.printValue(inner, verb, depth)
      return
    }
    this.printValue(v ?? nilOf(t), verb, depth)
  }

  fmtPointer(value: GoValue, verb: string): void {
    const t = typeOf(value) as GoType
    const k = t.kind
    if (k !== 'ptr' && k !== 'map' && k !== 'slice' && k !== 'func') {
      this.badVerb(verb)
      return
    }
    // Addresses are not stable in Go either; a non-nil one prints as a fixed fake address.
    const isNil = payload(value) === null
    const u = isNil ? 0n : 0xc000010000n
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.buf += `(${t.name})(${isNil ? 'nil' : `0x${u.toString(16)}`})`
        } else if (isNil) {
          this.pad('<nil>')
        } else {
          const sharp = this.f.sharp
          this.f.sharp = !sharp
          this.fmtInteger(u, 16, false, 'v', LDIGITS)
          this.f.sharp = sharp
        }
        return
      case 'p': {
        const sharp = this.f.sharp
        this.f.sharp = !sharp
        this.fmtInteger(u, 16, false, 'v', LDIGITS)
        this.f.sharp = sharp
        return
      }
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        this.fmtIntegerVerb(u, false, verb)
        return
      default:
        this.badVerb(verb)
    }
  }

  doPrint(a: readonly GoValue[]): void {
    let prevString = false
    a.forEach((argIn, argNum) => {
      const arg = unboxIface(argIn)
      const isString = arg !== undefined && arg !== null && typeOf(arg)?.kind === 'string'
      if (argNum > 0 && !isString && !prevString) {
        this.buf += ' '
      }
      this.printArg(arg, 'v')
      prevString = isString
    })
  }

  doPrintln(a: readonly GoValue[]): void {
    a.forEach((arg, argNum) => {
      if (argNum > 0) {
        this.buf += ' '
      }
      this.printArg(arg, 'v')
    })
    this.buf += '\n'
  }

  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') {
      return [argNum, i, false]
    }
    this.reordered = true
    const { index, wid, ok } = parseArgNumber(format.slice(i))
    if (ok && index >= 0 && index < numArgs) {
      return [index, i + wid, true]
    }
    this.goodArgNum = false
    return [argNum, i + wid, ok]
  }

  doPrintf(format: string, a: readonly GoValue[]): void {
    const end = format.length
    let argNum = 0
    let afterIndex: boolean
    this.reordered = false
    const f = this.f
    formatLoop: for (let i = 0; i < end;) {
      this.goodArgNum = true
      const lasti = i
      while (i < end && format[i] !== '%') {
        i++
      }
      if (i > lasti) {
        this.buf += format.slice(lasti, i)
      }
      if (i >= end) {
        break
      }
      i++
      this.clearflags()
      simpleFormat: for (; i < end; i++) {
        const c = format[i] as string
        switch (c) {
          case '#':
            f.sharp = true
            break
          case '0':
            f.zero = !f.minus
            break
          case '+':
            f.plus = true
            break
          case '-':
            f.minus = true
            f.zero = false
            break
          case ' ':
            f.space = true
            break
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                f.sharpV = f.sharp
                f.sharp = false
                f.plusV = f.plus
                f.plus = false
              }
              this.printArg(a[argNum], c)
              argNum++
              i++
              continue formatLoop
            }
            break simpleFormat
        }
      }
      ;[argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length)
      if (i < end && format[i] === '*') {
        i++
        ;[f.wid, f.widPresent, argNum] = intFromArg(a, argNum)
        if (!f.widPresent) {
          this.buf += '%!(BADWIDTH)'
        }
        if (f.wid < 0) {
          f.wid = -f.wid
          f.minus = true
          f.zero = false
        }
        afterIndex = false
      } else {
        ;[f.wid, f.widPresent, i] = parsenum(format, i, end)
        if (afterIndex && f.widPresent) {
          this.goodArgNum = false
        }
      }
      if (i + 1 < end && format[i] === '.') {
        i++
        if (afterIndex) {
          this.goodArgNum = false
        }
        ;[argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length)
        if (i < end && format[i] === '*') {
          i++
          ;[f.prec, f.precPresent, argNum] = intFromArg(a, argNum)
          if (f.prec < 0) {
            f.prec = 0
            f.precPresent = false
          }
          if (!f.precPresent) {
            this.buf += '%!(BADPREC)'
          }
          afterIndex = false
        } else {
          ;[f.prec, f.precPresent, i] = parsenum(format, i, end)
          if (!f.precPresent) {
            f.prec = 0
            f.precPresent = true
          }
        }
      }
      if (!afterIndex) {
        ;[argNum, i] = this.argNumber(argNum, format, i, a.length)
      }
      if (i >= end) {
        this.buf += '%!(NOVERB)'
        break
      }
      const verbCode = format.codePointAt(i) as number
      const verb = String.fromCodePoint(verbCode)
      i += verb.length
      if (verb === '%') {
        this.buf += '%'
      } else if (!this.goodArgNum) {
        this.buf += `%!${verb}(BADINDEX)`
      } else if (argNum >= a.length) {
        this.buf += `%!${verb}(MISSING)`
      } else {
        if (verb === 'v') {
          f.sharpV = f.sharp
          f.sharp = false
          f.plusV = f.plus
          f.plus = false
        }
        this.printArg(a[argNum], verb)
        argNum++
      }
    }
    // argNumber sets reordered during the loop, which flow analysis cannot see.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (!this.reordered && argNum < a.length) {
      this.clearflags()
      this.buf += '%!(EXTRA '
      a.slice(argNum).forEach((argIn, i) => {
        const arg = unboxIface(argIn)
        if (i > 0) {
          this.buf += ', '
        }
        if (arg === undefined || arg === null) {
          this.buf += '<nil>'
        } else {
          this.buf += `${(typeOf(arg) as GoType).name}=`
          this.printArg(arg, 'v')
        }
      })
      this.buf += ')'
    }
  }
}

function nilOf(t: GoType): GoValue {
  // A missing payload in a typed place is that type's nil or zero.
  switch (t.kind) {
    case 'ptr':
    case 'map':
    case 'slice':
    case 'func':
      return new GoBox(t, null)
    case 'string':
      return new GoBox(t, '')
    case 'bool':
      return new GoBox(t, false)
    default:
      return new GoBox(t, 0)
  }
}

function keyValue(t: GoType, k: MapKey): GoValue {
  if (t.kind === 'interface') {
    return k
  }
  if (
    (t.name === 'string' && typeof k === 'string') ||
    (t.name === 'int' && typeof k === 'number')
  ) {
    return k
  }
  return new GoBox(t, k)
}

function canBackquote(s: string): boolean {
  // strconv/quote.go CanBackquote: multi-byte runes pass except the BOM (a U+FFFD here is a
  // real one; JS strings hold no invalid UTF-8).
  for (const ch of s) {
    const r = ch.codePointAt(0) as number
    if (r >= 0x80) {
      if (r === 0xfeff) {
        return false
      }
      continue
    }
    if (r === 0x60 || r === 0x7f || (r < 0x20 && r !== 0x09)) {
      return false
    }
  }
  return true
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) {
    return [0, false, end]
  }
  let num = 0
  let isnum = false
  let newi = start
  for (; newi < end && (s[newi] as string) >= '0' && (s[newi] as string) <= '9'; newi++) {
    if (tooLarge(num)) {
      return [0, false, end]
    }
    num = num * 10 + s.charCodeAt(newi) - 0x30
    isnum = true
  }
  return [num, isnum, newi]
}

function parseArgNumber(format: string): { index: number; wid: number; ok: boolean } {
  if (format.length < 3) {
    return { index: 0, wid: 1, ok: false }
  }
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, newi] = parsenum(format, 1, i)
      if (!ok || newi !== i) {
        return { index: 0, wid: i + 1, ok: false }
      }
      return { index: width - 1, wid: i + 1, ok: true }
    }
  }
  return { index: 0, wid: 1, ok: false }
}

function intFromArg(a: readonly GoValue[], argNum: number): [number, boolean, number] {
  let num = 0
  let isInt = false
  let newArgNum = argNum
  if (argNum < a.length) {
    const v = unboxIface(a[argNum])
    const k = typeOf(v)?.kind
    if (isIntKind(k) || isUintKind(k)) {
      num = Number(payload(v))
      isInt = true
    }
    newArgNum = argNum + 1
    if (tooLarge(num)) {
      num = 0
      isInt = false
    }
  }
  return [num, isInt, newArgNum]
}

/**
 * sprintf is Go's fmt.Sprintf.
 *
 * @param format - the format.
 * @param args - the arguments, as Go `any` values.
 * @returns the formatted text.
 */
export function sprintf(format: string, args: readonly GoValue[]): string {
  const p = new Printer()
  p.doPrintf(format, args)
  return p.buf
}

/**
 * sprint is Go's fmt.Sprint: operands joined, with spaces between operands when neither side
 * is a string.
 *
 * @param args - the operands.
 * @returns the text.
 */
export function sprint(args: readonly GoValue[]): string {
  if (args.length === 1) {
    const a = args[0]
    if (typeof a === 'string') {
      return a
    }
    if (typeof a === 'number' && Number.isInteger(a)) {
      return String(a)
    }
  }
  const p = new Printer()
  p.doPrint(args)
  return p.buf
}

/**
 * sprintln is Go's fmt.Sprintln: operands separated by spaces, then a newline.
 *
 * @param args - the operands.
 * @returns the text.
 */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer()
  p.doPrintln(args)
  return p.buf
}
