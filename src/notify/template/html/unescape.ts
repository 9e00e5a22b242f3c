/**
 * HTML character reference decoding, a port of Go 1.19 html/escape.go UnescapeString, which
 * the escaper applies to attribute values before following them through the state machine.
 */
import { entityCodePoints } from './entity.js'

// All entities that do not end with ';' are 6 or fewer bytes long.
const LONGEST_ENTITY_WITHOUT_SEMICOLON = 6

// Windows-1252 code points that numeric references in 0x80-0x9F stand for (html/escape.go).
const REPLACEMENT_TABLE = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}

function isAlnum(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
}

/** unescapeEntity decodes the reference at s[0] === '&'; it returns the text and its length. */
function unescapeEntity(s: string): { out: string; n: number } {
  let i = 1
  if (s.length <= 1) {
    return { out: '&', n: 1 }
  }
  if (s[i] === '#') {
    if (s.length <= 3) {
      // We need to have at least "&#.".
      return { out: '&', n: 1 }
    }
    i++
    let c = s[i] as string
    let hex = false
    if (c === 'x' || c === 'X') {
      hex = true
      i++
    }
    // Go accumulates in a rune (int32) and wraps on overflow; `| 0` does the same.
    let x = 0
    while (i < s.length) {
      c = s[i] as string
      i++
      if (hex) {
        if (isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
          x = (16 * x + parseInt(c, 16)) | 0
          continue
        }
      } else if (isDigit(c)) {
        x = (10 * x + Number(c)) | 0
        continue
      }
      if (c !== ';') {
        i--
      }
      break
    }
    if (i <= 3) {
      // No characters matched.
      return { out: '&', n: 1 }
    }
    if (x >= 0x80 && x <= 0x9f) {
      x = REPLACEMENT_TABLE[x - 0x80] as number
    } else if (x <= 0 || (x >= 0xd800 && x <= 0xdfff) || x > 0x10ffff) {
      // Go maps 0, surrogates and out-of-range values to U+FFFD; utf8.EncodeRune does the
      // same for the negative values a wrapped rune can hold.
      x = 0xfffd
    }
    return { out: String.fromCodePoint(x), n: i }
  }
  while (i < s.length) {
    const c = s[i] as string
    i++
    if (isAlnum(c)) {
      continue
    }
    if (c !== ';') {
      i--
    }
    break
  }
  const entityName = s.slice(1, i)
  if (entityName.length > 0) {
    const x = entityCodePoints(entityName)
    if (x !== undefined) {
      return { out: String.fromCodePoint(...x), n: i }
    }
    const maxLen = Math.min(entityName.length - 1, LONGEST_ENTITY_WITHOUT_SEMICOLON)
    for (let j = maxLen; j > 1; j--) {
      const y = entityCodePoints(entityName.slice(0, j))
      if (y?.length === 1) {
        return { out: String.fromCodePoint(...y), n: j + 1 }
      }
    }
  }
  return { out: s.slice(0, i), n: i }
}

/**
 * unescapeString decodes HTML character references such as `&lt;`, `&#225;` and `&#xE1;`
 * (Go's html.UnescapeString).
 *
 * @param s - the text.
 * @returns the decoded text.
 */
export function unescapeString(s: string): string {
  let i = s.indexOf('&')
  if (i < 0) {
    return s
  }
  let out = s.slice(0, i)
  while (i < s.length) {
    if (s[i] === '&') {
      const r = unescapeEntity(s.slice(i))
      out += r.out
      i += r.n
      continue
    }
    const j = s.indexOf('&', i)
    const end = j < 0 ? s.length : j
    out += s.slice(i, end)
    i = end
  }
  return out
}
