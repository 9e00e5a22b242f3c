import { GO_PRINT_RANGES } from './go-print-ranges.js'

// Go strings are UTF-8 bytes and JS strings are UTF-16 code units. Everything here mirrors what
// Go does to the UTF-8 form of a JS string. A lone surrogate cannot occur in a Go string that came
// from JSON or YAML (decoders turn it into U+FFFD), so lone surrogates are read as U+FFFD.

const HEX = '0123456789abcdef'

/**
 * isGoPrint reports whether Go's strconv.IsPrint accepts code point `cp` (Go 1.19, Unicode 13):
 * letters, marks, numbers, punctuation, symbols and the ASCII space.
 *
 * @param cp - a Unicode code point.
 * @returns true when Go keeps `cp` as is inside a quoted string.
 */
export function isGoPrint(cp: number): boolean {
  if (cp < 0x80) {
    return cp >= 0x20 && cp < 0x7f
  }
  // Binary search over the [first, last] pairs.
  let lo = 0
  let hi = GO_PRINT_RANGES.length / 2
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((GO_PRINT_RANGES[2 * mid + 1] ?? 0) < cp) {
      lo = mid + 1
    } else {
      hi = mid
    }
  }
  return lo < GO_PRINT_RANGES.length / 2 && (GO_PRINT_RANGES[2 * lo] ?? Infinity) <= cp
}

/** needsQuoting reports whether `s` has a character that goQuote must escape. */
function needsQuoting(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) {
      return true
    }
  }
  return false
}

/** hex renders `v` as exactly `digits` lowercase hex digits. */
function hex(v: number, digits: number): string {
  let out = ''
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += HEX[(v >>> shift) & 0xf] ?? ''
  }
  return out
}

/**
 * goQuote quotes a string exactly like Go's `strconv.Quote` (and so `fmt`'s `%q`): `"` and `\`
 * are backslash-escaped, `\a \b \f \n \r \t \v` use their short forms, other control characters
 * become `\xHH`, other non-printable code points `\uHHHH` or `\UHHHHHHHH`, and printable Unicode is
 * kept as is.
 *
 * @param s - the string to quote.
 * @returns the quoted string, including the surrounding double quotes.
 * @example
 * goQuote('a"b\n') // '"a\\"b\\n"'
 */
export function goQuote(s: string): string {
  if (!needsQuoting(s)) {
    return `"${s}"`
  }
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i)
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = s.charCodeAt(i + 1)
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00)
        i++
      } else {
        cp = 0xfffd
      }
    }
    if (cp === 0x22 || cp === 0x5c) {
      out += cp === 0x22 ? '\\"' : '\\\\'
      continue
    }
    if (isGoPrint(cp)) {
      out += String.fromCodePoint(cp)
      continue
    }
    switch (cp) {
      case 0x07:
        out += '\\a'
        break
      case 0x08:
        out += '\\b'
        break
      case 0x0c:
        out += '\\f'
        break
      case 0x0a:
        out += '\\n'
        break
      case 0x0d:
        out += '\\r'
        break
      case 0x09:
        out += '\\t'
        break
      case 0x0b:
        out += '\\v'
        break
      default:
        if (cp < 0x20 || cp === 0x7f) {
          out += `\\x${hex(cp, 2)}`
        } else if (cp < 0x10000) {
          out += `\\u${hex(cp, 4)}`
        } else {
          out += `\\U${hex(cp, 8)}`
        }
    }
  }
  return `${out}"`
}

/** isGoSpace reports whether Go's unicode.IsSpace accepts UTF-16 code unit `c`. */
function isGoSpace(c: number): boolean {
  if (c <= 0xff) {
    return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0
  }
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  )
}

/**
 * goTrimSpace trims like Go's `strings.TrimSpace`, which uses `unicode.IsSpace`. JS's `trim()`
 * differs: it also strips U+FEFF and keeps U+0085.
 *
 * @param s - the string to trim.
 * @returns `s` without leading and trailing Unicode white space.
 */
export function goTrimSpace(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && isGoSpace(s.charCodeAt(start))) {
    start++
  }
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) {
    end--
  }
  return s.slice(start, end)
}

/**
 * hasLoneSurrogate reports whether `s` holds a UTF-16 surrogate without its pair, the JS
 * counterpart of a Go string that is not valid UTF-8.
 *
 * @param s - the string to check.
 * @returns true when `s` cannot be encoded as UTF-8 without loss.
 */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1)
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return true
      }
      i++
    }
  }
  return false
}

/**
 * toWellFormed replaces each lone surrogate with U+FFFD, as Go's `for range` over a string does
 * with invalid UTF-8 (`String.prototype.toWellFormed` is not in our ES2023 lib).
 *
 * @param s - the string to repair.
 * @returns `s`, or a copy with lone surrogates replaced.
 */
export function toWellFormed(s: string): string {
  if (!hasLoneSurrogate(s)) {
    return s
  }
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1)
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] ?? ''
        out += s[i + 1] ?? ''
        i++
      } else {
        out += '\ufffd'
      }
    } else {
      out += s[i] ?? ''
    }
  }
  return out
}
