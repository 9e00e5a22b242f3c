// The email notifier against real SMTP servers on 127.0.0.1 (smtp-server, and raw sockets for
// what smtp-server will not do): TLS, each AUTH mechanism in the server's order, and the
// classification of every failure as Alertmanager 0.25's notify/email/email.go returns it.
// The message bytes themselves are compared with Alertmanager's in
// test/e2e/receivers/email-diff.test.ts.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import { EmailNotifier } from '#src/notify/integrations/email/index.js'
import type { EmailConfig } from '#src/notify/integrations/email/index.js'
import type { NotifyContext } from '#src/notify/notifier.js'
import { NotifyError } from '#src/notify/notify-error.js'
import { AlertTemplate } from '#src/notify/template/index.js'

import { parseMail, SmtpCapture } from '../../../../support/smtp-capture.js'
import type { SmtpCaptureOptions } from '../../../../support/smtp-capture.js'
import { closedPort, makeCerts } from '../../http/servers.js'
import type { Certs } from '../../http/servers.js'

const FIRING: Alert = {
  labels: { alertname: 'DiskFull', instance: 'db-1' },
  annotations: { summary: 'disk <full> & "quoted" é' },
  startsAt: Date.UTC(2024, 0, 1),
  endsAt: 0,
  generatorURL: 'http://prom/graph',
  updatedAt: Date.UTC(2024, 0, 1),
  timeout: false,
  fingerprint: '0123456789abcdef',
}

function context(signal: AbortSignal = new AbortController().signal): NotifyContext {
  return {
    receiver: 'ops',
    groupKey: '{}:{alertname="DiskFull"}',
    groupLabels: { alertname: 'DiskFull' },
    repeatIntervalMs: 4 * 3600_000,
    now: Date.UTC(2024, 0, 1, 0, 5),
    signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  }
}

const template = AlertTemplate.fromGlobs([], { externalURL: 'http://am.example.com' })
const log = bunyan.createLogger({ name: 'email-test', level: 'fatal' })

function emailConfig(smarthost: string, overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    send_resolved: false,
    to: 'oncall@example.com, Second <second@example.com>',
    from: 'Alertmanager <am@example.com>',
    hello: 'alertmesh.test',
    smarthost,
    headers: {},
    html: '{{ template "email.default.html" . }}',
    text: 'Summary: {{ .CommonAnnotations.summary }}',
    require_tls: false,
    tls_config: { insecure_skip_verify: false },
    ...overrides,
  }
}

const notifiers: EmailNotifier[] = []
function notifier(config: EmailConfig): EmailNotifier {
  const n = new EmailNotifier({ config, template: () => template, log, hostname: 'mesh-host' })
  notifiers.push(n)
  return n
}

const captures: SmtpCapture[] = []
async function capture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const c = await SmtpCapture.start(options)
  captures.push(c)
  return c
}

async function rejection(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof NotifyError, String(err))
    return err
  }
  assert.fail('expected a rejection')
}

/**
 * scripted runs a raw SMTP server that answers each command from a script, for what
 * smtp-server cannot be made to do (drop the connection mid-DATA, never greet).
 */
async function scripted(
  onLine: (line: string, socket: Socket, state: { data: boolean }) => void,
  greet = true
): Promise<{ server: Server; address: string }> {
  const server = createServer((socket) => {
    const state = { data: false }
    let buffered = ''
    socket.on('error', () => undefined)
    if (greet) {
      socket.write('220 scripted ESMTP\r\n')
    }
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      let i: number
      while ((i = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, i)
        buffered = buffered.slice(i + 2)
        onLine(line, socket, state)
        if (socket.destroyed) {
          return
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  servers.push(server)
  return { server, address: `127.0.0.1:${port}` }
}
const servers: Server[] = []

/** A server that accepts the envelope, then drops the connection once the message starts. */
function dropMidData(line: string, socket: Socket, state: { data: boolean }): void {
  if (state.data) {
    socket.destroy()
  } else if (line.startsWith('EHLO')) {
    socket.write('250-scripted\r\n250 8BITMIME\r\n')
  } else if (line === 'DATA') {
    state.data = true
    socket.write('354 go ahead\r\n')
  } else {
    socket.write('250 ok\r\n')
  }
}

describe('EmailNotifier', () => {
  let certs: Certs
  before(() => {
    certs = makeCerts()
  })
  after(async () => {
    await Promise.all(notifiers.map((n) => n.close()))
    await Promise.all(captures.map((c) => c.stop()))
    for (const s of servers) {
      s.close()
    }
    certs.cleanup()
  })

  it('delivers a multipart/alternative message with the default headers', async () => {
    const server = await capture()
    await notifier(emailConfig(server.address)).notify(context(), [FIRING])
    const [mail] = await server.waitForMessages(1)
    assert.ok(mail !== undefined)
    assert.equal(mail.from, 'am@example.com')
    assert.deepEqual(mail.to, ['oncall@example.com', 'second@example.com'])
    assert.equal(mail.hello, 'alertmesh.test')
    assert.equal(mail.secure, false)
    const raw = mail.raw.toString('utf8')
    // 0.25 writes two spaces before boundary=, and the parts in text-then-html order.
    assert.match(raw, /\r\nContent-Type: multipart\/alternative; {2}boundary=[0-9a-f]{60}\r\n/)
    assert.match(raw, /\r\nMessage-Id: <\d{19}\.\d+@mesh-host>\r\n/)
    assert.match(raw, /\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n/)
    assert.ok(raw.indexOf('text/plain') < raw.indexOf('text/html'))
    const parsed = await parseMail(mail)
    assert.equal(parsed.subject, '[FIRING:1] DiskFull (db-1)')
    assert.equal(parsed.headers.get('to') === undefined, false)
    assert.equal(parsed.text, 'Summary: disk <full> & "quoted" é')
    assert.match(String(parsed.html), /DiskFull/)
  })

  it('renders configured headers, canonical, Q-encoded when not ASCII', async () => {
    const server = await capture()
    const config = emailConfig(server.address, {
      headers: { Subject: 'Ünïcode {{ .Status }}', 'X-Team': 'db', 'Message-Id': '<fixed@x>' },
    })
    await notifier(config).notify(context(), [FIRING])
    const [mail] = await server.waitForMessages(1)
    assert.ok(mail !== undefined)
    const raw = mail.raw.toString('utf8')
    assert.match(raw, /^Subject: =\?utf-8\?q\?=C3=9Cn=C3=AFcode_firing\?=\r\n/m)
    assert.match(raw, /^X-Team: db\r\n/m)
    // A configured Message-Id replaces the generated one.
    assert.equal(raw.match(/^Message-Id:/gm)?.length, 1)
    assert.match(raw, /^Message-Id: <fixed@x>\r\n/m)
  })

  it('upgrades with STARTTLS when require_tls, verifying the smarthost against ca_file', async () => {
    const server = await capture({
      tls: { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) },
    })
    const config = emailConfig(server.address, {
      require_tls: true,
      tls_config: { insecure_skip_verify: false, ca_file: certs.caFile },
    })
    await notifier(config).notify(context(), [FIRING])
    const [mail] = await server.waitForMessages(1)
    assert.equal(mail?.secure, true)
  })

  it('speaks TLS from the first byte on port 465, whatever require_tls says', async (t) => {
    // 0.25 keys implicit TLS on the port being "465"; binding it needs privileges (and the port).
    let server: SmtpCapture
    try {
      server = await SmtpCapture.start({
        secure: true,
        port: 465,
        tls: { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) },
      })
    } catch (err) {
      t.skip(`cannot listen on 127.0.0.1:465: ${String(err)}`)
      return
    }
    captures.push(server)
    const config = emailConfig('127.0.0.1:465', {
      require_tls: false,
      tls_config: { insecure_skip_verify: false, ca_file: certs.caFile },
    })
    await notifier(config).notify(context(), [FIRING])
    assert.equal((await server.waitForMessages(1))[0]?.secure, true)
  })

  it('refuses, retryably, a server that does not advertise STARTTLS when require_tls', async () => {
    const server = await capture()
    const err = await rejection(
      notifier(emailConfig(server.address, { require_tls: true })).notify(context(), [FIRING])
    )
    assert.equal(err.retryable, true)
    assert.equal(
      err.message,
      `'require_tls' is true (default) but "${server.address}" does not advertise the STARTTLS extension`
    )
    assert.equal(server.messages.length, 0)
  })

  it('fails STARTTLS retryably when the certificate does not verify', async () => {
    const server = await capture({
      tls: { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) },
    })
    const config = emailConfig(server.address, {
      require_tls: true,
      tls_config: { insecure_skip_verify: false, ca_file: certs.otherCaFile },
    })
    const err = await rejection(notifier(config).notify(context(), [FIRING]))
    assert.equal(err.retryable, true)
    assert.match(err.message, /^send STARTTLS command: /)
  })

  it('does not retry an unreadable tls_config, once STARTTLS is advertised', async () => {
    const server = await capture({
      tls: { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) },
    })
    const config = emailConfig(server.address, {
      require_tls: true,
      tls_config: { insecure_skip_verify: false, ca_file: '/nonexistent/ca.crt' },
    })
    const err = await rejection(notifier(config).notify(context(), [FIRING]))
    assert.equal(err.retryable, false)
    assert.match(err.message, /^parse TLS configuration: /)
  })

  // 0.25's auth(): the first mechanism of the server's list that the credentials allow.
  const authCases: {
    name: string
    methods: string[]
    overrides: Partial<EmailConfig>
    want: { method: string; identity?: string }
  }[] = [
    {
      // PLAIN carries auth_identity as the authorisation identity.
      name: 'PLAIN with auth_identity',
      methods: ['PLAIN'],
      overrides: { auth_password: 'pw', auth_identity: 'boss' },
      want: { method: 'PLAIN', identity: 'boss' },
    },
    {
      // LOGIN answers the Username:/Password: prompts.
      name: 'LOGIN',
      methods: ['LOGIN'],
      overrides: { auth_password: 'pw' },
      want: { method: 'LOGIN' },
    },
    {
      // CRAM-MD5 uses auth_secret.
      name: 'CRAM-MD5',
      methods: ['CRAM-MD5'],
      overrides: { auth_secret: 'pw' },
      want: { method: 'CRAM-MD5' },
    },
    {
      // The server's order wins over any preference of the client.
      name: 'LOGIN when the server lists it before PLAIN',
      methods: ['LOGIN', 'PLAIN'],
      overrides: { auth_password: 'pw' },
      want: { method: 'LOGIN' },
    },
    {
      // CRAM-MD5 listed first but no secret: the next mechanism is used.
      name: 'PLAIN when CRAM-MD5 has no secret',
      methods: ['CRAM-MD5', 'PLAIN'],
      overrides: { auth_password: 'pw' },
      want: { method: 'PLAIN', identity: '' },
    },
  ]
  for (const c of authCases) {
    it(`authenticates with ${c.name}`, async () => {
      const server = await capture({ authMethods: c.methods, users: { alice: 'pw' } })
      const config = emailConfig(server.address, { auth_username: 'alice', ...c.overrides })
      await notifier(config).notify(context(), [FIRING])
      const [mail] = await server.waitForMessages(1)
      assert.equal(mail?.auth?.method, c.want.method)
      assert.equal(mail.auth.username, 'alice')
      if (c.want.identity !== undefined) {
        assert.equal(mail.auth.identity, c.want.identity)
      }
    })
  }

  it('reads auth_password_file at send time, its bytes as they are', async () => {
    const server = await capture({ authMethods: ['PLAIN'], users: { alice: 'pw\n' } })
    const file = join(certs.dir, 'smtp-password')
    writeFileSync(file, 'pw\n')
    const config = emailConfig(server.address, { auth_username: 'alice', auth_password_file: file })
    await notifier(config).notify(context(), [FIRING])
    assert.equal((await server.waitForMessages(1))[0]?.auth?.method, 'PLAIN')
  })

  it('sends without AUTH when auth_username is empty', async () => {
    const server = await capture({ authMethods: ['PLAIN'], users: { alice: 'pw' } })
    await notifier(emailConfig(server.address, { auth_password: 'pw' })).notify(context(), [FIRING])
    assert.equal((await server.waitForMessages(1))[0]?.auth, undefined)
    assert.equal(server.authAttempts.length, 0)
  })

  // Each failure and 0.25's answer to it (notify/email/email.go): retry all but template,
  // address and TLS configuration errors.
  const failures: {
    name: string
    server: SmtpCaptureOptions
    overrides?: Partial<EmailConfig>
    retryable: boolean
    message: RegExp
  }[] = [
    {
      // A wrong password: `*smtp.plainAuth auth: 535 …`, retried.
      name: 'an authentication failure',
      server: { authMethods: ['PLAIN'], users: { alice: 'right' } },
      overrides: { auth_username: 'alice', auth_password: 'wrong' },
      retryable: true,
      message: /^\*smtp\.plainAuth auth: 535 /,
    },
    {
      // No mechanism the credentials allow: the collected reasons, retried.
      name: 'no usable auth mechanism',
      server: { authMethods: ['CRAM-MD5', 'PLAIN'], users: { alice: 'pw' } },
      overrides: { auth_username: 'alice' },
      retryable: true,
      message:
        /^find auth mechanism: missing secret for CRAM-MD5 auth mechanism; missing password for PLAIN auth mechanism$/,
    },
    {
      // MAIL FROM refused with 5xx: retried all the same.
      name: 'a 550 to MAIL FROM',
      server: { rejectMail: { code: 550, message: 'sender rejected' } },
      retryable: true,
      message: /^send MAIL command: 550 sender rejected$/,
    },
    {
      // RCPT TO refused.
      name: 'a 550 to RCPT TO',
      server: { rejectRcpt: { code: 550, message: 'no such user' } },
      retryable: true,
      message: /^send RCPT command: 550 no such user$/,
    },
    {
      // The message refused after its final dot. 0.25 ignores this reply (its deferred
      // message.Close) and counts the notification as sent: a deliberate difference.
      name: 'a 554 after DATA (0.25 reports success here)',
      server: { rejectData: { code: 554, message: 'spam' } },
      retryable: true,
      message: /^delivery failure: 554 spam$/,
    },
    {
      // A broken `from` template: not retried.
      name: 'a broken from template',
      server: {},
      overrides: { from: '{{ .Nope.Deeper }}' },
      retryable: false,
      message: /^execute 'from' template: template: :1:/,
    },
    {
      // Two from addresses.
      name: 'two from addresses',
      server: {},
      overrides: { from: 'a@example.com, b@example.com' },
      retryable: false,
      message: /^must be exactly one 'from' address \(got: 2\)$/,
    },
    {
      // A broken header template: not retried. 0.25 has sent DATA by then and delivers the
      // message without a body; alertmesh fails before MAIL (a deliberate difference).
      name: 'a broken header template',
      server: {},
      overrides: { headers: { 'X-Broken': '{{ template "nope" . }}' } },
      retryable: false,
      message: /^execute "X-Broken" header template: /,
    },
    {
      // A broken html template.
      name: 'a broken html template',
      server: {},
      overrides: { html: '{{ .Nope.Deeper }}' },
      retryable: false,
      message: /^execute html template: /,
    },
  ]
  for (const c of failures) {
    it(`${c.retryable ? 'retries' : 'gives up on'} ${c.name}`, async () => {
      const server = await capture(c.server)
      const err = await rejection(
        notifier(emailConfig(server.address, c.overrides)).notify(context(), [FIRING])
      )
      assert.equal(err.retryable, c.retryable, err.message)
      assert.match(err.message, c.message)
      assert.equal(server.messages.length, 0)
    })
  }

  it('retries one refused recipient of two, delivering to neither', async () => {
    // 0.25 stops at the refused RCPT and sends nothing. SMTPConnection would go on to DATA for
    // the accepted recipient; SmtpSession drops the connection before the message instead.
    const server = await capture({
      rejectRcpt: { code: 550, message: 'no such user', recipients: ['second@example.com'] },
    })
    const err = await rejection(notifier(emailConfig(server.address)).notify(context(), [FIRING]))
    assert.equal(err.retryable, true)
    assert.match(err.message, /^send RCPT command: 550 no such user$/)
    // Let the server notice the dropped connection before looking.
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.deepEqual(server.messages, [])
  })

  it('keeps the password and the secret out of a failed AUTH, whatever the mechanism', async () => {
    for (const method of ['PLAIN', 'LOGIN', 'CRAM-MD5']) {
      const server = await capture({ authMethods: [method], users: { alice: 'right' } })
      const config = emailConfig(server.address, {
        auth_username: 'alice',
        auth_password: 's3cr3t-pw',
        auth_secret: 's3cr3t-cram',
      })
      const err = await rejection(notifier(config).notify(context(), [FIRING]))
      assert.equal(err.retryable, true)
      const shown = JSON.stringify({ message: err.message, cause: String(err.cause) })
      assert.ok(!shown.includes('s3cr3t'), `${method}: ${shown}`)
      assert.ok(!shown.includes(Buffer.from('s3cr3t-pw').toString('base64')), shown)
    }
  })

  it('retries a refused connection', async () => {
    const port = await closedPort()
    const err = await rejection(
      notifier(emailConfig(`127.0.0.1:${port}`)).notify(context(), [FIRING])
    )
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'connectionError')
    assert.match(err.message, /^establish connection to server: .*ECONNREFUSED/)
  })

  it('retries a connection dropped in the middle of DATA', async () => {
    const { address } = await scripted(dropMidData)
    const err = await rejection(notifier(emailConfig(address)).notify(context(), [FIRING]))
    assert.equal(err.retryable, true)
    assert.match(err.message, /^delivery failure: /)
  })

  it('stops promptly at the flush deadline, as a retryable timeout', async () => {
    // A server that accepts the connection and never greets.
    const { address } = await scripted(() => undefined, false)
    const flush = new AbortController()
    const started = performance.now()
    const pending = notifier(emailConfig(address)).notify(context(flush.signal), [FIRING])
    setTimeout(() => {
      flush.abort(new DOMException('flush deadline', 'TimeoutError'))
    }, 50)
    const err = await rejection(pending)
    assert.ok(performance.now() - started < 2_000, 'the abort was not prompt')
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'timeout')
    assert.equal(err.message, 'context deadline exceeded')
  })

  it('closes idempotently, and a send after close fails clearly and finally', async () => {
    const server = await capture()
    const n = notifier(emailConfig(server.address))
    await n.notify(context(), [FIRING])
    await n.close()
    await n.close()
    const err = await rejection(n.notify(context(), [FIRING]))
    assert.equal(err.retryable, false)
    assert.match(err.message, /closed/)
  })
})
