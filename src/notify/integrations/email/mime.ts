/**
 * The MIME pieces of Alertmanager 0.25's email message, ported from the Go 1.19 standard library
 * its Debian binary is built with, so that alertmesh writes the same bytes: `mime.QEncoding`'s
 * encoded words (mime/encodedword.go), the quoted-printable writer
 * (mime/quotedprintable/writer.go), `multipart.Writer`'s boundaries and part framing
 * (mime/multipart/writer.go) and `time.RFC1123Z`.
 */
import { randomBytes } from 'node:crypto'

const UPPER_HEX = '0123456789ABCDEF'

/** The longest encoded word (RFC 2047 section 2), and what fits in one besides `=?utf-8?q?` and `?=`. */
const MAX_ENCODED_WORD_LEN = 75
const MAX_CONTENT_LEN = MAX_ENCODED_WORD_LEN - '=?UTF-8?q?'.length - '?='.length

/** The quoted-printable line limit, soft line break included (RFC 2045 section 6.7). */
const QP_LINE_MAX_LEN = 76

/** UPPER_HEX_BYTES are UPPER_HEX's digits as bytes. */
const UPPER_HEX_BYTES = Buffer.from(UPPER_HEX, 'latin1')

function hexByte(b: number): string {
  return `=${UPPER_HEX[b >> 4] ?? ''}${UPPER_HEX[b & 0x0f] ?? ''}`
}

/**
 * qEncodeHeader is Go's `mime.QEncoding.Encode("utf-8", value)`: a value of printable ASCII
 * (tabs allowed) is kept as it is; any other is one or more `=?utf-8?q?…?=` words of at most 75
 * characters, split between runes and joined by a space, so a header value can never carry a
 * line break into the message.
 *
 * @param value - the rendered header value.
 * @returns the header value as written to the message.
 */
export function qEncodeHeader(value: string): string {
  // Go's needsEncoding: any rune outside ' '..'~' but a tab (a lone surrogate is one too).
  if (!/[^\t\x20-\x7e]/.test(value)) {
    return value
  }
  const bytes = Buffer.from(value, 'utf8')
  let out = '=?utf-8?q?'
  let currentLen = 0
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0
    let runeLen: number
    let encLen: number
    if (b >= 0x20 && b <= 0x7e && b !== 0x3d && b !== 0x3f && b !== 0x5f) {
      runeLen = 1
      encLen = 1
    } else {
      // Multi-byte characters must not be split across encoded words (RFC 2047 section 5.3);
      // the input is well-formed UTF-8 (Buffer.from replaced lone surrogates).
      runeLen = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4
      encLen = 3 * runeLen
    }
    if (currentLen + encLen > MAX_CONTENT_LEN) {
      out += '?= =?utf-8?q?'
      currentLen = 0
    }
    for (const c of bytes.subarray(i, i + runeLen)) {
      if (c === 0x20) {
        out += '_'
      } else if (c >= 0x21 && c <= 0x7e && c !== 0x3d && c !== 0x3f && c !== 0x5f) {
        out += String.fromCharCode(c)
      } else {
        out += hexByte(c)
      }
    }
    currentLen += encLen
    i += runeLen
  }
  return `${out}?=`
}

/**
 * quotedPrintable is Go's `quotedprintable.NewWriter` in text mode, written once and closed:
 * line breaks (CRLF, CR or LF) become CRLF, lines are broken softly at 76 characters, and
 * whitespace before a line break or at the end is encoded.
 *
 * @param text - the part's body.
 * @returns the encoded body.
 */
export function quotedPrintable(text: string): string {
  const input = Buffer.from(text, 'utf8')
  // The output is written byte by byte into one buffer: building it with string `+=` made a
  // rope of thousands of pieces per mail (the default HTML mail is about 10 KB) that the socket
  // write then flattened, and that was a tenth of an email notification's CPU. Each input byte
  // gives at most 3 output bytes, and a soft break (3 bytes) comes at most every 73.
  const out = Buffer.allocUnsafe(input.length * 3 + Math.ceil((input.length * 3) / 73) * 3 + 3)
  let pos = 0
  let lineLen = 0
  let cr = false
  const softBreak = (): void => {
    out[pos++] = 0x3d
    out[pos++] = 0x0d
    out[pos++] = 0x0a
    lineLen = 0
  }
  const encode = (b: number): void => {
    if (QP_LINE_MAX_LEN - 1 - lineLen < 3) {
      softBreak()
    }
    out[pos++] = 0x3d
    out[pos++] = UPPER_HEX_BYTES[b >> 4] as number
    out[pos++] = UPPER_HEX_BYTES[b & 0x0f] as number
    lineLen += 3
  }
  const checkLastByte = (): void => {
    const last = out[pos - 1]
    if (lineLen > 0 && (last === 0x20 || last === 0x09)) {
      pos--
      lineLen--
      encode(last)
    }
  }
  for (const b of input) {
    const isText =
      (b >= 0x21 && b <= 0x7e && b !== 0x3d) || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d
    if (!isText) {
      encode(b)
      continue
    }
    if (b === 0x0a || b === 0x0d) {
      // A CR already inserted the CRLF that its LF would.
      if (cr && b === 0x0a) {
        cr = false
        continue
      }
      cr = b === 0x0d
      checkLastByte()
      out[pos++] = 0x0d
      out[pos++] = 0x0a
      lineLen = 0
      continue
    }
    if (lineLen === QP_LINE_MAX_LEN - 1) {
      softBreak()
    }
    out[pos++] = b
    lineLen++
    cr = false
  }
  checkLastByte()
  return out.toString('latin1', 0, pos)
}

/**
 * randomBoundary is Go's multipart boundary: 30 random bytes in lowercase hex.
 *
 * @returns 60 hex digits.
 */
export function randomBoundary(): string {
  return randomBytes(30).toString('hex')
}

/** MimePart is one part of a multipart body: its headers, in the order to write them, and its body. */
export interface MimePart {
  readonly headers: readonly (readonly [string, string])[]
  readonly body: string
}

/**
 * multipartBody is what Go's `multipart.Writer` writes for these parts and then Close: each part
 * opens with `--boundary` (after a CRLF for all but the first), its headers in sorted order, a
 * blank line and its body; the whole ends with `\r\n--boundary--\r\n`.
 *
 * @param boundary - the boundary.
 * @param parts - the parts, in order.
 * @returns the body.
 */
export function multipartBody(boundary: string, parts: readonly MimePart[]): string {
  let out = ''
  parts.forEach((part, i) => {
    out += i === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`
    // CreatePart sorts the header keys (sort.Strings, byte order).
    const headers = [...part.headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    for (const [name, value] of headers) {
      out += `${name}: ${value}\r\n`
    }
    out += `\r\n${part.body}`
  })
  return `${out}\r\n--${boundary}--\r\n`
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * formatRFC1123Z is Go's `time.Now().Format(time.RFC1123Z)` in the process's local zone
 * (`Mon, 02 Jan 2006 15:04:05 -0700`).
 *
 * @param epochMs - the instant.
 * @returns the date header value.
 */
export function formatRFC1123Z(epochMs: number): string {
  const d = new Date(epochMs)
  const pad = (n: number): string => String(n).padStart(2, '0')
  const offset = -d.getTimezoneOffset()
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return (
    `${DAYS[d.getDay()] ?? ''}, ${pad(d.getDate())} ${MONTHS[d.getMonth()] ?? ''} ` +
    `${String(d.getFullYear()).padStart(4, '0')} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  )
}
