// The message's frame as notify/email/email.go writes it; the encodings inside are checked
// against Go in mime.test.ts and the whole message against Alertmanager in email-diff.test.ts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  buildEmailMessage,
  messageId,
  splitSmarthost,
} from '#src/notify/integrations/email/index.js'
import type { EmailMessageInput } from '#src/notify/integrations/email/index.js'

const BASE: EmailMessageInput = {
  headers: [
    ['Subject', 'Ünï'],
    ['To', 'a@example.com'],
  ],
  text: 'hello',
  html: '<p>hello</p>',
  hasText: true,
  hasHTML: true,
  now: Date.UTC(2024, 0, 2, 3, 4, 5),
  hostname: 'host.example',
  boundary: 'B',
}

describe('buildEmailMessage', () => {
  it('writes the headers, Message-Id, Date, Content-Type and MIME-Version, then the parts', () => {
    const message = buildEmailMessage(BASE)
    const [head, ...rest] = message.split('\r\n\r\n')
    const lines = (head ?? '').split('\r\n')
    assert.deepEqual(
      lines.map((l) => l.slice(0, l.indexOf(':'))),
      ['Subject', 'To', 'Message-Id', 'Date', 'Content-Type', 'MIME-Version']
    )
    assert.equal(lines[0], 'Subject: =?utf-8?q?=C3=9Cn=C3=AF?=')
    assert.match(lines[2] ?? '', /^Message-Id: <\d+\.\d+@host\.example>$/)
    assert.equal(lines[4], 'Content-Type: multipart/alternative;  boundary=B')
    assert.equal(lines[5], 'MIME-Version: 1.0')
    assert.equal(
      rest.join('\r\n\r\n'),
      '--B\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8' +
        '\r\n\r\nhello\r\n--B\r\nContent-Transfer-Encoding: quoted-printable\r\n' +
        'Content-Type: text/html; charset=UTF-8\r\n\r\n<p>hello</p>\r\n--B--\r\n'
    )
  })

  it('keeps a configured Message-Id instead of making one', () => {
    const message = buildEmailMessage({
      ...BASE,
      headers: [...BASE.headers, ['Message-Id', '<mine@x>']],
    })
    assert.deepEqual(message.match(/^Message-Id: .*$/gm), ['Message-Id: <mine@x>'])
  })

  it('closes an empty multipart body when neither text nor html is configured', () => {
    const message = buildEmailMessage({ ...BASE, hasText: false, hasHTML: false })
    assert.ok(message.endsWith('MIME-Version: 1.0\r\n\r\n\r\n--B--\r\n'), message)
  })

  it('makes unique Message-Ids at the same instant', () => {
    assert.notEqual(messageId(BASE.now, 'h'), messageId(BASE.now, 'h'))
  })
})

describe('splitSmarthost', () => {
  const cases = [
    // A name and a port.
    { in: 'smtp.example.com:587', want: { host: 'smtp.example.com', port: '587' } },
    // An IPv6 address loses its brackets, as net.SplitHostPort's host does.
    { in: '[::1]:25', want: { host: '::1', port: '25' } },
  ]
  for (const c of cases) {
    it(`splits ${c.in}`, () => {
      assert.deepEqual(splitSmarthost(c.in), c.want)
    })
  }
})
