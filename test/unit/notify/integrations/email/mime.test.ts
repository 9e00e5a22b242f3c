// The email message's encodings against Go 1.19's own mime packages (the Go program in
// test/support/go-oracle/mime), on inputs chosen for their edges: word splits between runes,
// soft line breaks at 76 characters, whitespace before line breaks, every kind of line break.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  formatRFC1123Z,
  multipartBody,
  qEncodeHeader,
  quotedPrintable,
} from '#src/notify/integrations/email/index.js'

import { runGoProgram } from '../../../../support/go-program.js'

const INPUTS = [
  // Plain ASCII: kept as is by the Q encoder.
  'Alert: [FIRING:1] DiskFull (a b)',
  // Empty.
  '',
  // Tabs do not need encoding.
  'a\tb',
  // One accented rune.
  'Résumé',
  // Characters Q-encoding escapes: = ? _ and a space inside a word.
  'a=b?c_d e',
  // Long non-ASCII text: the encoded word splits between runes, never inside one.
  'é'.repeat(40) + '😀'.repeat(10),
  // Control characters and a line break in a header value.
  'line1\r\nline2\u0001',
  // Quotes and HTML.
  `"q" 'a' <b>&amp;</b>`,
  // Line breaks of each kind, and whitespace before them.
  'a \r\nb\t\nc \rd  ',
  // A 75-, 76- and 77-character line, and a very long one.
  'x'.repeat(75) + '\n' + 'y'.repeat(76) + '\n' + 'z'.repeat(77) + '\n' + 'w'.repeat(300),
  // Escapes that land at the soft break.
  'a'.repeat(73) + '===' + 'b'.repeat(80),
  // Spaces at the soft break.
  'a'.repeat(74) + '   ' + 'b',
  // Unicode across the soft break.
  'a'.repeat(70) + '日本語のテキスト' + '\n',
  // A trailing space at the very end.
  'end ',
]

interface Oracle {
  readonly q: readonly string[]
  readonly qp: readonly string[]
  readonly multipart: readonly string[]
}

const ORACLE = {
  name: 'mime-oracle',
  source: 'test/support/go-oracle/mime',
  importPath: 'mimeoracle',
}

describe('email MIME encodings, against Go 1.19', () => {
  const go = runGoProgram(ORACLE, [], JSON.stringify(INPUTS)) as Oracle

  it('Q-encodes header values as mime.QEncoding.Encode("utf-8", v)', () => {
    INPUTS.forEach((input, i) => {
      assert.equal(qEncodeHeader(input), go.q[i], JSON.stringify(input))
    })
  })

  it('writes bodies as quotedprintable.Writer', () => {
    INPUTS.forEach((input, i) => {
      assert.equal(quotedPrintable(input), go.qp[i], JSON.stringify(input))
    })
  })

  it('frames the text and html parts as multipart.Writer', () => {
    INPUTS.forEach((input, i) => {
      const parts = [
        { kind: 'text/plain', body: input },
        { kind: 'text/html', body: `<p>${input}</p>` },
      ]
        .filter((p) => p.body !== '')
        .map((p) => ({
          headers: [
            ['Content-Type', `${p.kind}; charset=UTF-8`],
            ['Content-Transfer-Encoding', 'quoted-printable'],
          ] as const,
          body: quotedPrintable(p.body),
        }))
      assert.equal(multipartBody('b0undary', parts), go.multipart[i], JSON.stringify(input))
    })
  })

  it('writes the Date header as time.RFC1123Z in the local zone', () => {
    const previous = process.env['TZ']
    try {
      // Node reads TZ on each Date call.
      process.env['TZ'] = 'UTC'
      assert.equal(
        formatRFC1123Z(Date.UTC(2024, 1, 29, 7, 5, 9)),
        'Thu, 29 Feb 2024 07:05:09 +0000'
      )
      process.env['TZ'] = 'Asia/Kolkata'
      assert.equal(formatRFC1123Z(Date.UTC(2024, 0, 1, 0, 0, 0)), 'Mon, 01 Jan 2024 05:30:00 +0530')
      process.env['TZ'] = 'America/New_York'
      assert.equal(formatRFC1123Z(Date.UTC(2024, 6, 4, 3, 0, 0)), 'Wed, 03 Jul 2024 23:00:00 -0400')
    } finally {
      if (previous === undefined) {
        delete process.env['TZ']
      } else {
        process.env['TZ'] = previous
      }
    }
  })
})
