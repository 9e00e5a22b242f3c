// SmtpCapture: a client that resets its connection in the middle of a transaction (as a
// sender may after a refused RCPT TO) is recorded, not thrown as an uncaught error that the
// test runner would pin on whichever test is running.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { describe, it } from 'node:test'

import { SmtpCapture } from '../../support/smtp-capture.js'
import { waitFor } from '../../support/wait.js'

describe('SmtpCapture', () => {
  it('records a connection reset in the middle of a transaction', async () => {
    const smtp = await SmtpCapture.start({ rejectRcpt: { code: 550, message: 'no' } })
    try {
      const socket = connect(smtp.port, '127.0.0.1')
      socket.setEncoding('utf8')
      const lines = socket[Symbol.asyncIterator]()
      const next = async (): Promise<string> => {
        let text = ''
        for (;;) {
          const { value, done } = (await lines.next()) as { value: string; done: boolean }
          assert.ok(!done, `connection ended after ${JSON.stringify(text)}`)
          text += value
          if (/^\d{3} /m.test(text)) {
            return text
          }
        }
      }
      assert.match(await next(), /^220 /)
      for (const [command, code] of [
        ['EHLO client.test', '250'],
        ['MAIL FROM:<a@example.com>', '250'],
        ['RCPT TO:<b@example.com>', '550'],
      ] as const) {
        socket.write(`${command}\r\n`)
        assert.match(await next(), new RegExp(`^${code}[ -]`, 'm'), command)
      }
      socket.resetAndDestroy()
      const errors = await waitFor('the reset recorded', () =>
        smtp.connectionErrors.length > 0 ? smtp.connectionErrors : undefined
      )
      assert.equal((errors[0] as NodeJS.ErrnoException).code, 'ECONNRESET')
      assert.equal(smtp.messages.length, 0)
    } finally {
      await smtp.stop()
    }
  })

  it('refuses to start on a port in use, naming it', async () => {
    const first = await SmtpCapture.start()
    try {
      await assert.rejects(SmtpCapture.start({ port: first.port }), /EADDRINUSE/)
    } finally {
      await first.stop()
    }
  })
})
