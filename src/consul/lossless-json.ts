const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
/** Integers with fewer digits than this are always safe, so they are never looked at twice. */
const MIN_UNSAFE_DIGITS = 16

/**
 * parseJsonLossless is `JSON.parse` that keeps integers above `Number.MAX_SAFE_INTEGER` exact by
 * turning them into decimal strings. Consul's indexes and KV flags are uint64, so a JSON number
 * can exceed 2^53, where `JSON.parse` would silently round it. Node 20's `JSON.parse` has no
 * access to the source text of a number, hence the pre-pass. Readers of such fields take
 * `number | string` and convert with `BigInt`.
 *
 * @param text - a JSON document.
 * @returns the parsed value.
 * @throws SyntaxError when the text is not JSON.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text))
}

/**
 * quoteUnsafeIntegers wraps every integer token too large for a double in quotes. It scans the
 * text once, skipping string literals, so digits inside a key or a base64 value are left alone;
 * a regex would need backtracking over strings that may be 512 KB long.
 */
function quoteUnsafeIntegers(text: string): string {
  let out = ''
  let copiedUpTo = 0
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i = skipString(text, i + 1)
      continue
    }
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      const start = i
      i = skipNumber(text, i + 1)
      const token = text.slice(start, i)
      if (isUnsafeInteger(token)) {
        out += `${text.slice(copiedUpTo, start)}"${token}"`
        copiedUpTo = i
      }
      continue
    }
    i++
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

/** skipString returns the index just past the string literal whose body starts at `i`. */
function skipString(text: string, i: number): number {
  let j = i
  while (j < text.length) {
    const c = text.charCodeAt(j)
    if (c === BACKSLASH) {
      j += 2
      continue
    }
    j++
    if (c === QUOTE) {
      break
    }
  }
  return j
}

/** skipNumber returns the index just past the number token that continues at `i`. */
function skipNumber(text: string, i: number): number {
  let j = i
  while (j < text.length && /[0-9.eE+-]/.test(text.charAt(j))) {
    j++
  }
  return j
}

function isUnsafeInteger(token: string): boolean {
  const digits = token.startsWith('-') ? token.length - 1 : token.length
  return (
    digits >= MIN_UNSAFE_DIGITS && /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))
  )
}
