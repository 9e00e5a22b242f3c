/**
 * The piece of Go's unicode/utf8 the CSS and JS escapers share, over UTF-16 strings.
 */

/**
 * lastCodePoint is the code point that ends s (utf8.DecodeLastRuneInString's rune): a
 * surrogate pair read as one code point, a lone surrogate as itself.
 *
 * @param s - a non-empty string.
 * @returns the last code point.
 */
export function lastCodePoint(s: string): number {
  const c = s.charCodeAt(s.length - 1)
  if (c >= 0xdc00 && c <= 0xdfff && s.length >= 2) {
    const h = s.charCodeAt(s.length - 2)
    if (h >= 0xd800 && h <= 0xdbff) {
      return (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000
    }
  }
  return c
}
