/**
 * CSS decoding and escaping, a port of Go 1.19 html/template/css.go.
 */
import type { GoValue } from '../go/index.js'

import { stringify } from './content.js'
import { FILTER_FAILSAFE } from './filter.js'
import { lastCodePoint } from './utf8.js'

/**
 * endsWithCSSKeyword reports whether b ends with the keyword kw, case-insensitively, not
 * preceded by a name character (Go's endsWithCSSKeyword).
 *
 * @param b - the text.
 * @param kw - a lower-case ASCII keyword.
 * @returns true when it does.
 */
export function endsWithCSSKeyword(b: string, kw: string): boolean {
  const i = b.length - kw.length
  if (i < 0) {
    // Too short.
    return false
  }
  if (i !== 0) {
    const before = b.slice(0, i)
    const r = lastCodePoint(before)
    if (isCSSNmchar(r)) {
      // Too long.
      return false
    }
  }
  // Many CSS keywords, such as "!important" can have characters encoded, but the URI
  // production does not allow that according to https://www.w3.org/TR/css3-syntax/#TOK-URI.
  // This does not attempt to recognize encoded keywords.
  return asciiLower(b.slice(i)) === kw
}

// bytes.ToLower on the keyword window: only ASCII letters can compare equal to an ASCII kw.
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/**
 * isCSSNmchar reports whether a code point may appear in a CSS name (Go's isCSSNmchar).
 *
 * @param r - the code point.
 * @returns true for name characters.
 */
export function isCSSNmchar(r: number): boolean {
  // Based on the CSS3 nmchar production but ignores multi-rune escape sequences.
  return (
    (r >= 0x61 && r <= 0x7a) ||
    (r >= 0x41 && r <= 0x5a) ||
    (r >= 0x30 && r <= 0x39) ||
    r === 0x2d ||
    r === 0x5f ||
    // Non-ASCII cases below.
    (r >= 0x80 && r <= 0xd7ff) ||
    (r >= 0xe000 && r <= 0xfffd) ||
    (r >= 0x10000 && r <= 0x10ffff)
  )
}

/**
 * isHex reports whether a character is an ASCII hex digit.
 *
 * @param c - the character.
 * @returns true for 0-9, a-f, A-F.
 */
export function isHex(c: string | undefined): boolean {
  return (
    c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
  )
}

function skipCSSSpace(c: string): string {
  if (c.length === 0) {
    return c
  }
  switch (c[0]) {
    case '\t':
    case '\n':
    case '\f':
    case ' ':
      return c.slice(1)
    case '\r':
      // This differs from CSS3's wc production because it contains a probable spec error
      // whereby wc contains all the single byte sequences in nl (newline) but not CRLF.
      return c.length >= 2 && c[1] === '\n' ? c.slice(2) : c.slice(1)
    default:
      return c
  }
}

/**
 * decodeCSS decodes CSS3 escapes such as `\3c ` (Go's decodeCSS).
 *
 * @param sIn - the text.
 * @returns the decoded text.
 */
export function decodeCSS(sIn: string): string {
  let s = sIn
  if (!s.includes('\\')) {
    return s
  }
  let b = ''
  while (s.length !== 0) {
    let i = s.indexOf('\\')
    if (i === -1) {
      i = s.length
    }
    b += s.slice(0, i)
    s = s.slice(i)
    if (s.length < 2) {
      break
    }
    // https://www.w3.org/TR/css3-syntax/#SUBTOK-escape
    // escape ::= unicode | '\' [#x20-#x7E#x80-#xD7FF#xE000-#xFFFD#x10000-#x10FFFF]
    if (isHex(s[1])) {
      // https://www.w3.org/TR/css3-syntax/#SUBTOK-unicode
      //   unicode ::= '\' [0-9a-fA-F]{1,6} wc?
      let j = 2
      while (j < s.length && j < 7 && isHex(s[j])) {
        j++
      }
      let r = parseInt(s.slice(1, j), 16)
      if (r > 0x10ffff) {
        r = Math.floor(r / 16)
        j--
      }
      // utf8.EncodeRune writes U+FFFD for surrogates.
      b += String.fromCodePoint(r >= 0xd800 && r <= 0xdfff ? 0xfffd : r)
      s = skipCSSSpace(s.slice(j))
    } else {
      // `\\` decodes to `\` and `\"` to `"`.
      const n = (s.codePointAt(1) as number) > 0xffff ? 2 : 1
      b += s.slice(1, 1 + n)
      s = s.slice(1 + n)
    }
  }
  return b
}

function isCSSSpace(b: string | undefined): boolean {
  return b === '\t' || b === '\n' || b === '\f' || b === '\r' || b === ' '
}

const CSS_REPLACEMENT_TABLE: ReadonlyMap<string, string> = new Map([
  ['\0', '\\0'],
  ['\t', '\\9'],
  ['\n', '\\a'],
  ['\f', '\\c'],
  ['\r', '\\d'],
  // Encode HTML specials as hex so the output can be embedded in HTML attributes without
  // further encoding.
  ['"', '\\22'],
  ['&', '\\26'],
  ["'", '\\27'],
  ['(', '\\28'],
  [')', '\\29'],
  ['+', '\\2b'],
  ['/', '\\2f'],
  [':', '\\3a'],
  [';', '\\3b'],
  ['<', '\\3c'],
  ['>', '\\3e'],
  ['\\', '\\\\'],
  ['{', '\\7b'],
  ['}', '\\7d'],
])

/**
 * cssEscaper escapes HTML and CSS special characters using `\<hex>+` escapes (Go's
 * cssEscaper, the `_html_template_cssescaper` function).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function cssEscaper(...args: GoValue[]): string {
  const { s } = stringify(args)
  let b = ''
  let written = 0
  for (let i = 0; i < s.length; i++) {
    const repl = CSS_REPLACEMENT_TABLE.get(s[i] as string)
    if (repl === undefined) {
      continue
    }
    b += s.slice(written, i) + repl
    written = i + 1
    if (repl !== '\\\\' && (written === s.length || isHex(s[written]) || isCSSSpace(s[written]))) {
      b += ' '
    }
  }
  if (written === 0) {
    return s
  }
  return b + s.slice(written)
}

/**
 * cssValueFilter allows innocuous CSS values in the output, including CSS quantities
 * (10px or 25%), ID or class literals (#foo, .bar), keyword values (inherit, blue), and
 * colors (#888), and replaces anything else by `ZgotmplZ` (Go's cssValueFilter).
 *
 * @param args - the values.
 * @returns the value or the failsafe.
 */
export function cssValueFilter(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeCSS') {
    return s
  }
  const b = decodeCSS(s)
  let id = ''
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as string
    switch (c) {
      case '\0':
      case '"':
      case "'":
      case '(':
      case ')':
      case '/':
      case ';':
      case '@':
      case '[':
      case '\\':
      case ']':
      case '`':
      case '{':
      case '}':
        return FILTER_FAILSAFE
      case '-':
        // Disallow <!-- or -->. -- should not appear in valid identifiers.
        if (i !== 0 && b[i - 1] === '-') {
          return FILTER_FAILSAFE
        }
        break
      default:
        if (c < '\x80' && isCSSNmchar(c.charCodeAt(0))) {
          id += c
        }
    }
  }
  id = id.toLowerCase()
  if (id.includes('expression') || id.includes('mozbinding')) {
    return FILTER_FAILSAFE
  }
  return b
}
