/**
 * The parts of Go 1.19 strconv that templates and fmt need: quoting (strconv/quote.go), number
 * parsing with Go's literal syntax (strconv/atoi.go, atof.go) and float formatting
 * (strconv/ftoa.go), with the same digits and rounding as Go.
 */
import { AlertmeshError } from '../../../util/index.js'

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u
const HEX = '0123456789abcdef'

/**
 * isPrint is Go's unicode.IsPrint (strconv.IsPrint): letters, marks, numbers, punctuation,
 * symbols and the ASCII space.
 *
 * @param r - a code point.
 * @returns true when printable.
 */
export function isPrint(r: number): boolean {
  if (r < 0x80) {
    return r >= 0x20 && r < 0x7f
  }
  if (r >= 0xd800 && r <= 0xdfff) {
    return false
  }
  return PRINTABLE.test(String.fromCodePoint(r))
}

function appendEscapedRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) {
    return `\\${String.fromCodePoint(r)}`
  }
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) {
    return String.fromCodePoint(r)
  }
  switch (r) {
    case 0x07:
      return '\\a'
    case 0x08:
      return '\\b'
    case 0x0c:
      return '\\f'
    case 0x0a:
      return '\\n'
    case 0x0d:
      return '\\r'
    case 0x09:
      return '\\t'
    case 0x0b:
      return '\\v'
  }
  if (r < 0x20 || r === 0x7f) {
    return `\\x${HEX[r >> 4] as string}${HEX[r & 15] as string}`
  }
  if (r < 0x10000) {
    return `\\u${r.toString(16).padStart(4, '0')}`
  }
  return `\\U${r.toString(16).padStart(8, '0')}`
}

/**
 * quoteWith is strconv.Quote (or QuoteToASCII with asciiOnly): a double-quoted Go string
 * literal. A lone surrogate, which Go would hold as invalid UTF-8, is written as `\ufffd`.
 *
 * @param s - the string.
 * @param asciiOnly - escape every non-ASCII rune, as `%+q` does.
 * @returns the literal.
 */
export function quoteWith(s: string, asciiOnly: boolean): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    let r = s.codePointAt(i) as number
    if (r > 0xffff) {
      i++
    } else if (r >= 0xd800 && r <= 0xdfff) {
      r = 0xfffd
    }
    out += appendEscapedRune(r, 0x22, asciiOnly)
  }
  return `${out}"`
}

/**
 * quoteRune is strconv.QuoteRune (or QuoteRuneToASCII): a single-quoted Go character literal.
 *
 * @param r - the code point; invalid ones print as U+FFFD.
 * @param asciiOnly - escape non-ASCII.
 * @returns the literal.
 */
export function quoteRune(r: number, asciiOnly: boolean): string {
  const c = r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) ? 0xfffd : r
  return `'${appendEscapedRune(c, 0x27, asciiOnly)}'`
}

/** SyntaxError mirrors strconv's ErrSyntax wrapped in a NumError or returned by Unquote. */
export class StrconvError extends AlertmeshError {
  override name = 'StrconvError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_INVALID', message, options)
  }
}

function unhex(c: string): number {
  const n = parseInt(c, 16)
  return Number.isNaN(n) ? -1 : n
}

/**
 * unquoteChar decodes the first character or escape of `s` (strconv.UnquoteChar).
 *
 * @param s - the text after an opening quote.
 * @param quote - the quote character, `"` or `'`.
 * @returns the code point and the rest of the text.
 * @throws StrconvError `invalid syntax` on a bad escape.
 */
export function unquoteChar(s: string, quote: string): { r: number; tail: string } {
  const c = s.codePointAt(0)
  if (c === undefined) {
    throw new StrconvError('invalid syntax')
  }
  const ch = String.fromCodePoint(c)
  if (ch === quote && (quote === "'" || quote === '"')) {
    throw new StrconvError('invalid syntax')
  }
  if (c !== 0x5c) {
    return { r: c, tail: s.slice(ch.length) }
  }
  if (s.length <= 1) {
    throw new StrconvError('invalid syntax')
  }
  const e = s[1] as string
  let tail = s.slice(2)
  switch (e) {
    case 'a':
      return { r: 7, tail }
    case 'b':
      return { r: 8, tail }
    case 'f':
      return { r: 12, tail }
    case 'n':
      return { r: 10, tail }
    case 'r':
      return { r: 13, tail }
    case 't':
      return { r: 9, tail }
    case 'v':
      return { r: 11, tail }
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8
      if (tail.length < n) {
        throw new StrconvError('invalid syntax')
      }
      let v = 0
      for (let j = 0; j < n; j++) {
        const x = unhex(tail[j] as string)
        if (x < 0) {
          throw new StrconvError('invalid syntax')
        }
        v = v * 16 + x
      }
      tail = tail.slice(n)
      if (e === 'x') {
        // A byte: Go would keep it raw; as a JS string it is the Latin-1 character.
        return { r: v, tail }
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        throw new StrconvError('invalid syntax')
      }
      return { r: v, tail }
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      let v = e.charCodeAt(0) - 0x30
      if (tail.length < 2) {
        throw new StrconvError('invalid syntax')
      }
      for (let j = 0; j < 2; j++) {
        const x = (tail.charCodeAt(j) - 0x30) | 0
        if (x < 0 || x > 7) {
          throw new StrconvError('invalid syntax')
        }
        v = (v << 3) | x
      }
      tail = tail.slice(2)
      if (v > 255) {
        throw new StrconvError('invalid syntax')
      }
      return { r: v, tail }
    }
    case '\\':
      return { r: 0x5c, tail }
    case "'":
    case '"':
      if (e !== quote) {
        throw new StrconvError('invalid syntax')
      }
      return { r: e.charCodeAt(0), tail }
    default:
      throw new StrconvError('invalid syntax')
  }
}

/**
 * unquote is strconv.Unquote for Go string, raw string and character literals.
 *
 * @param s - the literal with its quotes.
 * @returns the value.
 * @throws StrconvError `invalid syntax`.
 */
export function unquote(s: string): string {
  const n = s.length
  if (n < 2) {
    throw new StrconvError('invalid syntax')
  }
  const quote = s[0] as string
  if (quote !== s[n - 1]) {
    throw new StrconvError('invalid syntax')
  }
  let body = s.slice(1, n - 1)
  if (quote === '`') {
    if (body.includes('`')) {
      throw new StrconvError('invalid syntax')
    }
    return body.includes('\r') ? body.replaceAll('\r', '') : body
  }
  if (quote !== '"' && quote !== "'") {
    throw new StrconvError('invalid syntax')
  }
  if (body.includes('\n')) {
    throw new StrconvError('invalid syntax')
  }
  if (!body.includes('\\') && !body.includes(quote)) {
    if (quote === '"') {
      return body
    }
    if (Array.from(body).length === 1) {
      return body
    }
  }
  let out = ''
  while (body.length > 0) {
    const { r, tail } = unquoteChar(body, quote)
    out += String.fromCodePoint(r)
    body = tail
    if (quote === "'" && body.length !== 0) {
      throw new StrconvError('invalid syntax')
    }
  }
  return out
}

/** ParsedInt is the outcome of parsing an integer literal: its value or why it failed. */
export type ParsedInt = { ok: true; value: bigint } | { ok: false; range: boolean }

function underscoreOK(s: string): boolean {
  // Go's strconv underscoreOK: underscores only between digits or after a base prefix.
  let saw = '^'
  let i = 0
  if (s.startsWith('-') || s.startsWith('+')) {
    s = s.slice(1)
  }
  let hex = false
  if (s.length >= 2 && s.startsWith('0') && 'bBoOxX'.includes(s[1] as string)) {
    i = 2
    saw = '0'
    hex = s[1] === 'x' || s[1] === 'X'
  }
  for (; i < s.length; i++) {
    const c = s[i] as string
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0'
      continue
    }
    if (c === '_') {
      if (saw !== '0') {
        return false
      }
      saw = '_'
      continue
    }
    if (saw === '_') {
      return false
    }
    saw = '!'
  }
  return saw !== '_'
}

/**
 * parseGoInt is strconv.ParseInt/ParseUint with base 0: Go's integer literal syntax with
 * prefixes, a leading 0 for octal and underscores.
 *
 * @param text - the literal, maybe signed.
 * @param unsigned - ParseUint (no sign allowed, range 0..2^64-1) instead of ParseInt.
 * @returns the value, or the failure.
 */
export function parseGoInt(text: string, unsigned: boolean): ParsedInt {
  let s = text
  let neg = false
  if (!unsigned && (s.startsWith('+') || s.startsWith('-'))) {
    neg = s.startsWith('-')
    s = s.slice(1)
  }
  if (s === '') {
    return { ok: false, range: false }
  }
  let base = 10
  let digits = s
  if (s.startsWith('0')) {
    if (s.length >= 3 && (s[1] === 'x' || s[1] === 'X')) {
      base = 16
      digits = s.slice(2)
    } else if (s.length >= 3 && (s[1] === 'o' || s[1] === 'O')) {
      base = 8
      digits = s.slice(2)
    } else if (s.length >= 3 && (s[1] === 'b' || s[1] === 'B')) {
      base = 2
      digits = s.slice(2)
    } else {
      base = 8
      digits = s.slice(1)
    }
  }
  if (digits.includes('_')) {
    if (!underscoreOK(s)) {
      return { ok: false, range: false }
    }
    digits = digits.replaceAll('_', '')
  }
  if (digits === '' && base !== 8) {
    return { ok: false, range: false }
  }
  let v = 0n
  const b = BigInt(base)
  for (const c of digits) {
    const d = parseInt(c, 36)
    if (Number.isNaN(d) || d >= base) {
      return { ok: false, range: false }
    }
    v = v * b + BigInt(d)
  }
  if (neg) {
    v = -v
  }
  const ok = unsigned
    ? v <= 0xffffffffffffffffn
    : v >= -0x8000000000000000n && v <= 0x7fffffffffffffffn
  return ok ? { ok: true, value: v } : { ok: false, range: true }
}

/**
 * parseGoFloat is strconv.ParseFloat(s, 64): decimal and hexadecimal floats, underscores,
 * inf/infinity/nan. Out-of-range values give ±Inf with `range` set, as Go's ErrRange does.
 *
 * @param text - the literal.
 * @returns the value and whether it overflowed; undefined on a syntax error.
 */
export function parseGoFloat(text: string): { value: number; range: boolean } | undefined {
  let s = text
  let sign = 1
  if (s.startsWith('+') || s.startsWith('-')) {
    sign = s.startsWith('-') ? -1 : 1
    s = s.slice(1)
  }
  const lower = s.toLowerCase()
  if (lower === 'inf' || lower === 'infinity') {
    return { value: sign * Infinity, range: false }
  }
  if (lower === 'nan') {
    return { value: NaN, range: false }
  }
  if (s.includes('_')) {
    if (!underscoreOK(s)) {
      return undefined
    }
    s = s.replaceAll('_', '')
  }
  let value: number
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s)
  if (hex !== null) {
    const intPart = hex[1] ?? ''
    const frac = hex[2] ?? ''
    if (intPart === '' && frac === '') {
      return undefined
    }
    const mant = BigInt(`0x${intPart}${frac}` === '0x' ? '0' : `0x${intPart}${frac}`)
    const exp = Number(hex[3]) - 4 * frac.length
    value = Number(mant) * 2 ** exp
  } else {
    if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) {
      return undefined
    }
    value = Number(s)
  }
  return { value: sign * value, range: !Number.isFinite(value) }
}

/** Decimal is a decimal digit string d with the decimal point at dp: 0.d × 10^dp. */
interface Decimal {
  d: string
  dp: number
}

const f64 = new Float64Array(1)
const u64 = new BigUint64Array(f64.buffer)

/** exactDecimal returns the exact decimal expansion of a finite non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) {
    return { d: '', dp: 0 }
  }
  f64[0] = x
  const bits = u64[0] as bigint
  const expBits = Number((bits >> 52n) & 0x7ffn)
  let mant = bits & 0xfffffffffffffn
  let exp: number
  if (expBits === 0) {
    exp = -1074
  } else {
    mant |= 1n << 52n
    exp = expBits - 1075
  }
  let digits: string
  let dp: number
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString()
    dp = digits.length
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString()
    dp = digits.length + exp
  }
  digits = digits.replace(/0+$/, '')
  return { d: digits, dp }
}

/** roundDecimal rounds to nd digits as Go's decimal.Round: half to even on exact ties. */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) {
    return nd < 0 ? { d: '', dp: a.dp } : a
  }
  const c = a.d.charCodeAt(nd)
  let up: boolean
  if (c === 0x35 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 === 1
  } else {
    up = c >= 0x35
  }
  if (!up) {
    return { d: a.d.slice(0, nd).replace(/0+$/, ''), dp: a.dp }
  }
  let i = nd - 1
  while (i >= 0 && a.d[i] === '9') {
    i--
  }
  if (i < 0) {
    return { d: '1', dp: a.dp + 1 }
  }
  return {
    d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1),
    dp: a.dp,
  }
}

function shortestDecimal(x: number, bitSize: 32 | 64): Decimal {
  if (x === 0) {
    return { d: '', dp: 0 }
  }
  const y = bitSize === 32 ? shortestFloat32(x) : x.toExponential()
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(y) as RegExpExecArray
  const digits = `${m[1] as string}${m[2] ?? ''}`.replace(/0+$/, '')
  return { d: digits, dp: Number(m[3]) + 1 }
}

/** shortestFloat32 finds the fewest digits that read back as the same float32. */
function shortestFloat32(x: number): string {
  const target = Math.fround(x)
  for (let p = 1; p <= 9; p++) {
    const s = target.toExponential(p - 1)
    if (Math.fround(Number(s)) === target) {
      return s
    }
  }
  return target.toExponential(8)
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let out = neg ? '-' : ''
  out += d.d.length !== 0 ? (d.d[0] as string) : '0'
  if (prec > 0) {
    out += '.'
    const frac = d.d.slice(1, Math.min(d.d.length, prec + 1))
    out += frac.padEnd(prec, '0')
  }
  out += fmt
  let exp = d.d.length === 0 ? 0 : d.dp - 1
  out += exp < 0 ? '-' : '+'
  exp = Math.abs(exp)
  return out + (exp < 10 ? `0${exp}` : String(exp))
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : ''
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp)
    out += d.d.slice(0, m) + '0'.repeat(d.dp - m)
  } else {
    out += '0'
  }
  if (prec > 0) {
    out += '.'
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i
      out += j >= 0 && j < d.d.length ? (d.d[j] as string) : '0'
    }
  }
  return out
}

const MASK64 = (1n << 64n) - 1n

/**
 * floatBits splits a float into Go's (mant, exp) of strconv/ftoa.go genericFtoa: the mantissa
 * with its implicit bit and the unbiased binary exponent.
 */
function floatBits(x: number, bitSize: 32 | 64): { mant: bigint; exp: number; mantbits: number } {
  const mantbits = bitSize === 32 ? 23 : 52
  const expbits = bitSize === 32 ? 8 : 11
  const bias = bitSize === 32 ? -127 : -1023
  let bits: bigint
  if (bitSize === 32) {
    const b = new DataView(new ArrayBuffer(4))
    b.setFloat32(0, x)
    bits = BigInt(b.getUint32(0))
  } else {
    const b = new DataView(new ArrayBuffer(8))
    b.setFloat64(0, x)
    bits = b.getBigUint64(0)
  }
  let exp = Number((bits >> BigInt(mantbits)) & ((1n << BigInt(expbits)) - 1n))
  let mant = bits & ((1n << BigInt(mantbits)) - 1n)
  if (exp === 0) {
    exp++ // denormal
  } else {
    mant |= 1n << BigInt(mantbits)
  }
  exp += bias
  return { mant, exp, mantbits }
}

/** fmtB is strconv/ftoa.go's %b: -ddddddddp±ddd. */
function fmtB(neg: boolean, x: number, bitSize: 32 | 64): string {
  const { mant, exp, mantbits } = floatBits(x, bitSize)
  const e = exp - mantbits
  return `${neg ? '-' : ''}${mant.toString()}p${e >= 0 ? '+' : ''}${e}`
}

/** fmtX is strconv/ftoa.go's %x: -0x1.yyyyyyyyp±ddd or -0x0p+00. */
function fmtX(neg: boolean, x: number, prec: number, fmt: string, bitSize: 32 | 64): string {
  let { mant, exp } = floatBits(x, bitSize)
  const { mantbits } = floatBits(x, bitSize)
  if (mant === 0n) {
    exp = 0
  }
  // Shift digits so the leading 1 (if any) is at bit 1<<60; Go's uint64 arithmetic wraps.
  mant = (mant << BigInt(60 - mantbits)) & MASK64
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant = (mant << 1n) & MASK64
    exp--
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4)
    const extra = (mant << shift) & ((1n << 60n) - 1n)
    mant >>= 60n - shift
    if ((extra | (mant & 1n)) > 1n << 59n) {
      mant++
    }
    mant = (mant << (60n - shift)) & MASK64
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n
      exp++
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef'
  let out = `${neg ? '-' : ''}0${fmt}${(mant >> 60n) & 1n}`
  mant = (mant << 4n) & MASK64
  if (prec < 0 && mant !== 0n) {
    out += '.'
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)] as string
      mant = (mant << 4n) & MASK64
    }
  } else if (prec > 0) {
    out += '.'
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)] as string
      mant = (mant << 4n) & MASK64
    }
  }
  out += fmt === 'X' ? 'P' : 'p'
  out += exp < 0 ? '-' : '+'
  const e = Math.abs(exp)
  return out + (e < 10 ? `0${e}` : String(e))
}

/**
 * formatFloat is strconv.FormatFloat for formats b, e, E, f, g, G, x, X (prec -1 for the
 * shortest representation that reads back exactly).
 *
 * @param x - the number.
 * @param fmt - the format byte.
 * @param precIn - digits (e, f) or significant digits (g); -1 for shortest.
 * @param bitSize - 64, or 32 to format as a float32.
 * @returns the text.
 */
export function formatFloat(x: number, fmt: string, precIn: number, bitSize: 32 | 64): string {
  if (Number.isNaN(x)) {
    return 'NaN'
  }
  if (!Number.isFinite(x)) {
    return x > 0 ? '+Inf' : '-Inf'
  }
  const neg = x < 0 || Object.is(x, -0)
  if (fmt === 'b') {
    return fmtB(neg, Math.abs(x), bitSize)
  }
  if (fmt === 'x' || fmt === 'X') {
    return fmtX(neg, Math.abs(x), precIn, fmt, bitSize)
  }
  const abs = Math.abs(x)
  let prec = precIn
  const shortest = prec < 0
  let digs: Decimal
  if (shortest) {
    digs = shortestDecimal(abs, bitSize)
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(digs.d.length - 1, 0)
        break
      case 'f':
        prec = Math.max(digs.d.length - digs.dp, 0)
        break
      default:
        prec = digs.d.length
    }
  } else {
    const exact = exactDecimal(bitSize === 32 ? Math.fround(abs) : abs)
    if (fmt === 'f') {
      digs = roundDecimal(exact, exact.dp + prec)
    } else {
      let digits = prec
      if (fmt === 'e' || fmt === 'E') {
        digits++
      } else {
        if (prec === 0) {
          prec = 1
        }
        digits = prec
      }
      digs = roundDecimal(exact, digits)
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt)
    case 'f':
      return fmtF(neg, digs, prec)
    default: {
      let eprec = prec
      if (eprec > digs.d.length && digs.d.length >= digs.dp) {
        eprec = digs.d.length
      }
      if (shortest) {
        eprec = 6
      }
      const exp = digs.dp - 1
      if (exp < -4 || exp >= eprec) {
        if (prec > digs.d.length) {
          prec = digs.d.length
        }
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E')
      }
      if (prec > digs.dp) {
        prec = digs.d.length
      }
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0))
    }
  }
}
