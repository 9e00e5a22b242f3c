/**
 * URL filters and escapers, a port of Go 1.19 html/template/url.go.
 */
import type { GoValue } from '../go/index.js'

import { stringify } from './content.js'
import { isHex } from './css.js'
import { FILTER_FAILSAFE } from './filter.js'

/**
 * urlFilter returns its input unless it contains an unsafe scheme in which case it
 * defangs the entire URL (Go's urlFilter, `_html_template_urlfilter`). Schemes that cause
 * unintended side effects that are irreversible without user interaction are considered
 * unsafe; http, https and mailto are safe.
 *
 * @param args - the values.
 * @returns the URL or `#ZgotmplZ`.
 */
export function urlFilter(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeURL') {
    return s
  }
  if (!isSafeURL(s)) {
    return `#${FILTER_FAILSAFE}`
  }
  return s
}

/**
 * isSafeURL is true if s is a relative URL or if URL has a protocol in (http, https,
 * mailto).
 *
 * @param s - the URL.
 * @returns true when safe.
 */
export function isSafeURL(s: string): boolean {
  const colon = s.indexOf(':')
  if (colon >= 0) {
    const protocol = s.slice(0, colon)
    if (!protocol.includes('/')) {
      const p = protocol.toLowerCase()
      // strings.EqualFold also folds U+017F to s and U+212A to k; neither is in these
      // schemes except 's' of https, whose long-s spelling Go would accept.
      const folded = p.replaceAll('\u017f', 's')
      if (folded !== 'http' && folded !== 'https' && folded !== 'mailto') {
        return false
      }
    }
  }
  return true
}

/**
 * urlEscaper produces an output that can be embedded in a URL query (Go's urlEscaper,
 * `_html_template_urlescaper`).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function urlEscaper(...args: GoValue[]): string {
  return urlProcessor(false, args)
}

/**
 * urlNormalizer normalizes URL content so it can be embedded in a quote-delimited string or
 * parenthesis delimited url(...) (Go's urlNormalizer, `_html_template_urlnormalizer`).
 *
 * @param args - the values.
 * @returns the normalized URL.
 */
export function urlNormalizer(...args: GoValue[]): string {
  return urlProcessor(true, args)
}

function urlProcessor(normIn: boolean, args: readonly GoValue[]): string {
  const { s, t } = stringify(args)
  const norm = normIn || t === 'contentTypeURL'
  const r = processURL(s, norm)
  return r.changed ? r.out : s
}

/**
 * processURL normalizes (when norm is set) or escapes its input to produce a valid
 * hierarchical or opaque URL part (Go's processURLOnto); it works on UTF-8 bytes and
 * percent-encodes every non-ASCII byte.
 *
 * @param s - the text.
 * @param norm - keep reserved characters and existing escapes.
 * @returns the output and whether anything was encoded.
 */
export function processURL(s: string, norm: boolean): { out: string; changed: boolean } {
  const bytes = /^[\x00-\x7f]*$/.test(s) ? undefined : Buffer.from(s, 'utf8')
  const n = bytes === undefined ? s.length : bytes.length
  const at = (i: number): number => (bytes === undefined ? s.charCodeAt(i) : (bytes[i] as number))
  let out = ''
  let written = 0
  // The byte loop below follows the URL grammar of RFC 3986; see Go's comments in url.go.
  for (let i = 0; i < n; i++) {
    const c = at(i)
    switch (c) {
      // Single quote and parens are sub-delims in RFC 3986, but we escape them so the
      // output can be embedded in single quoted attributes and unquoted CSS url(...)
      // constructs. Single quotes are reserved in URLs, but are only used in the obsolete
      // "mark" rule in an appendix in RFC 3986 so can be safely encoded.
      case 0x21: // !
      case 0x23: // #
      case 0x24: // $
      case 0x26: // &
      case 0x2a: // *
      case 0x2b: // +
      case 0x2c: // ,
      case 0x2f: // /
      case 0x3a: // :
      case 0x3b: // ;
      case 0x3d: // =
      case 0x3f: // ?
      case 0x40: // @
      case 0x5b: // [
      case 0x5d: // ]
        if (norm) {
          continue
        }
        break
      // Unreserved according to RFC 3986 sec 2.3
      case 0x2d: // -
      case 0x2e: // .
      case 0x5f: // _
      case 0x7e: // ~
        continue
      case 0x25: // %
        // When normalizing do not re-encode valid escapes.
        if (norm && i + 2 < n && isHexByte(at(i + 1)) && isHexByte(at(i + 2))) {
          continue
        }
        break
      default:
        // Unreserved according to RFC 3986 sec 2.3
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
          continue
        }
    }
    out += slice(s, bytes, written, i)
    out += `%${c.toString(16).padStart(2, '0')}`
    written = i + 1
  }
  out += slice(s, bytes, written, n)
  return { out, changed: written !== 0 }
}

function slice(s: string, bytes: Buffer | undefined, from: number, to: number): string {
  // Every byte >= 0x80 is encoded, so the slices between encoded bytes are ASCII.
  return bytes === undefined ? s.slice(from, to) : bytes.subarray(from, to).toString('latin1')
}

function isHexByte(c: number): boolean {
  return isHex(String.fromCharCode(c))
}

/**
 * srcsetFilterAndEscaper filters and normalizes srcset values which are comma separated
 * URLs followed by metadata (Go's srcsetFilterAndEscaper, `_html_template_srcsetescaper`).
 *
 * @param args - the values.
 * @returns the filtered srcset.
 */
export function srcsetFilterAndEscaper(...args: GoValue[]): string {
  const { s: sIn, t } = stringify(args)
  switch (t) {
    case 'contentTypeSrcset':
      return sIn
    case 'contentTypeURL': {
      // Normalizing gets rid of all HTML whitespace which separate the image URL from its
      // metadata.
      const r = processURL(sIn, true)
      const s = r.changed ? r.out : sIn
      // Additionally, commas separate one source from another.
      return s.replaceAll(',', '%2c')
    }
    default:
      break
  }
  const s = sIn
  let b = ''
  let written = 0
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ',') {
      b += filterSrcsetElement(s, written, i)
      b += ','
      written = i + 1
    }
  }
  b += filterSrcsetElement(s, written, s.length)
  return b
}

/** isHTMLSpace is true for the HTML space characters \t \n \f \r and space. */
function isHTMLSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r'
}

function isHTMLSpaceOrASCIIAlnum(c: string): boolean {
  return (
    isHTMLSpace(c) || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
  )
}

function filterSrcsetElement(s: string, left: number, right: number): string {
  let start = left
  while (start < right && isHTMLSpace(s[start])) {
    start++
  }
  let end = right
  for (let i = start; i < right; i++) {
    if (isHTMLSpace(s[i])) {
      end = i
      break
    }
  }
  const url = s.slice(start, end)
  if (isSafeURL(url)) {
    // If image metadata is only spaces or alnums then we don't need to URL normalize it.
    let metadataOk = true
    for (let i = end; i < right; i++) {
      if (!isHTMLSpaceOrASCIIAlnum(s[i] as string)) {
        metadataOk = false
        break
      }
    }
    if (metadataOk) {
      return s.slice(left, start) + processURL(url, true).out + s.slice(end, right)
    }
  }
  return `#${FILTER_FAILSAFE}`
}
