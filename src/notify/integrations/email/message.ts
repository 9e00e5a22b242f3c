import { randomBytes } from 'node:crypto'

import { formatRFC1123Z, multipartBody, qEncodeHeader, quotedPrintable } from './mime.js'

/** EmailMessageInput is one rendered notification. */
export interface EmailMessageInput {
  /** The rendered headers, canonical names, in the order to write them. */
  readonly headers: readonly (readonly [string, string])[]
  /** The rendered `text` part; '' when `text` is not configured. */
  readonly text: string
  /** The rendered `html` part; '' when `html` is configured empty. */
  readonly html: string
  /** Whether `text` is configured (non-empty), as 0.25 tests `len(n.conf.Text) > 0`. */
  readonly hasText: boolean
  /** Whether `html` is configured (non-empty). */
  readonly hasHTML: boolean
  /** The instant of the Date header and the Message-Id (epoch ms). */
  readonly now: number
  /** The host name of the Message-Id (`os.Hostname()`). */
  readonly hostname: string
  /** The multipart boundary (default: Go's 30 random bytes in hex). */
  readonly boundary: string
}

/**
 * messageId is 0.25's Message-Id: `<unix-nanos.random-uint64@hostname>`. Node's clock has
 * millisecond resolution, so the nanoseconds below the millisecond come from the
 * high-resolution timer; the value is unique, which is all a Message-Id must be.
 *
 * @param now - the instant (epoch ms).
 * @param hostname - the host name.
 * @returns the header value.
 */
export function messageId(now: number, hostname: string): string {
  const nanos = BigInt(Math.trunc(now)) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)
  return `<${nanos}.${randomBytes(8).readBigUInt64BE()}@${hostname}>`
}

/**
 * buildEmailMessage writes the message 0.25's email notifier sends after DATA
 * (notify/email/email.go): each configured header as `Name: value` with the value Q-encoded when
 * it is not plain ASCII, a Message-Id unless one is configured, Date, the multipart/alternative
 * Content-Type (with its two spaces before `boundary=`) and MIME-Version, a blank line, then
 * the text part and the HTML part (preferred, so last; RFC 2046 section 5.1.4), each
 * quoted-printable. SMTP dot-stuffing is the transport's job.
 *
 * @param input - the rendered fields and the message's instant, host name and boundary.
 * @returns the message, CRLF line breaks throughout.
 */
export function buildEmailMessage(input: EmailMessageInput): string {
  let head = ''
  for (const [name, value] of input.headers) {
    head += `${name}: ${qEncodeHeader(value)}\r\n`
  }
  if (!input.headers.some(([name]) => name === 'Message-Id')) {
    head += `Message-Id: ${messageId(input.now, input.hostname)}\r\n`
  }
  head += `Date: ${formatRFC1123Z(input.now)}\r\n`
  head += `Content-Type: multipart/alternative;  boundary=${input.boundary}\r\n`
  head += 'MIME-Version: 1.0\r\n\r\n'
  const parts = []
  if (input.hasText) {
    parts.push({
      headers: [
        ['Content-Transfer-Encoding', 'quoted-printable'],
        ['Content-Type', 'text/plain; charset=UTF-8'],
      ] as const,
      body: quotedPrintable(input.text),
    })
  }
  if (input.hasHTML) {
    parts.push({
      headers: [
        ['Content-Transfer-Encoding', 'quoted-printable'],
        ['Content-Type', 'text/html; charset=UTF-8'],
      ] as const,
      body: quotedPrintable(input.html),
    })
  }
  return head + multipartBody(input.boundary, parts)
}
