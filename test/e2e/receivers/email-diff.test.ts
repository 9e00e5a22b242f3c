// Alertmanager 0.25 and alertmesh send email for the same config and alerts, each to its own
// SMTP server (STARTTLS with a test certificate, AUTH PLAIN with an identity); the messages
// must be the same: the envelope, every header, and the text and HTML parts byte for byte, both
// as sent (quoted-printable, Q-encoded) and as mailparser decodes them. What differs by design:
// - Date: each node's clock when it wrote the message;
// - Message-Id: its nanoseconds and random number (the host part is compared);
// - the multipart boundary: 30 random bytes (replaced by a placeholder before comparing);
// - the order of the header lines, random in 0.25 (a Go map), so compared as a sorted list.
// The metrics under integration="email" must agree too. The failure cases compare what each
// side retries and counts as failed, and show the two differences that must exist: 0.25 counts
// a message the server refuses after DATA as sent, and when a header template fails it has
// already sent DATA and delivers the message without a body; alertmesh fails both, sending
// nothing in the second case.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { SideBySide } from '../../support/side-by-side.js'
import type { Side } from '../../support/side-by-side.js'
import { parseMail, SmtpCapture } from '../../support/smtp-capture.js'
import type { CapturedMail, SmtpCaptureOptions } from '../../support/smtp-capture.js'
import { waitFor } from '../../support/wait.js'
import { makeCerts } from '../../unit/notify/http/servers.js'
import type { Certs } from '../../unit/notify/http/servers.js'

const CUSTOM_TEMPLATE = `
{{ define "custom.text" }}{{ range .Alerts }}{{ .Status }} {{ .Labels.instance }}: {{ .Annotations.summary }}
{{ end }}{{ end }}
{{ define "custom.html" }}<h1>{{ .CommonLabels.alertname }}</h1>{{ range .Alerts -}}
<p title="{{ .Labels.note }}"><a href="{{ .GeneratorURL }}">{{ .Labels.note }}</a></p>
{{ end }}{{ end }}
{{ define "custom.subject" }}{{ .Status | toUpper }} {{ .GroupLabels.alertname }} — {{ len .Alerts }} ✓{{ end }}
`

function config(smarthost: string, caFile: string): string {
  return `
global:
  smtp_smarthost: '${smarthost}'
  smtp_from: 'Alertmanager <am@example.com>'
  smtp_hello: mail.alertmesh.test
  smtp_auth_username: alice
  smtp_auth_password: pw
  smtp_auth_identity: boss
templates: ['custom.tmpl']
route:
  receiver: default-mail
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['alertname="Custom"']
      receiver: custom-mail
receivers:
  - name: default-mail
    email_configs:
      - to: 'oncall@example.com, "Ops Team" <ops@example.com>'
        send_resolved: true
        tls_config: {ca_file: '${caFile}'}
  - name: custom-mail
    email_configs:
      - to: custom@example.com
        send_resolved: true
        tls_config: {ca_file: '${caFile}'}
        text: '{{ template "custom.text" . }}'
        html: '{{ template "custom.html" . }}'
        headers:
          subject: '{{ template "custom.subject" . }}'
          X-Group: '{{ .GroupLabels.alertname }} ünï "q" <b>'
          reply-to: noreply@example.com
`
}

const NOTE = 'é "q" <b>&amp;</b> \'s\' 😀'
// Alerts that start when they are posted, so that group_wait holds each group until all 60
// alerts are in: 0.25 flushes a new group at once when its first alert started more than
// group_wait ago, possibly before the rest of the POST is ingested.
const alerts = (startsAt: string) => [
  // A group of one, with unicode, quotes and HTML in its labels and annotations.
  {
    labels: { alertname: 'Single', instance: 'db-1', note: NOTE },
    annotations: { summary: `disk <full> & "quoted" ${NOTE}`, description: 'line 1\nline 2' },
    generatorURL: 'http://prom.example.com/graph?g0.expr=up%3D%3D0&x="y"',
    startsAt,
  },
  // A group of 60.
  ...Array.from({ length: 60 }, (_, i) => ({
    labels: { alertname: 'Many', instance: `host-${String(i).padStart(2, '0')}`, note: NOTE },
    annotations: { summary: `alert number ${i} ${'long text '.repeat(i % 7)}` },
    startsAt,
  })),
  // A group for the receiver with the custom template and headers.
  ...['a', 'b'].map((instance) => ({
    labels: { alertname: 'Custom', instance, note: `${instance} ${NOTE}` },
    annotations: { summary: `custom ${instance} <i>x</i>` },
    generatorURL: `http://prom.example.com/graph?i=${instance}&q="1"`,
    startsAt,
  })),
]

/** Header lines whose values differ by design, compared by shape only. */
const BY_DESIGN = new Set(['date', 'message-id'])

interface Normalised {
  /** Header lines other than Date and Message-Id, sorted. */
  readonly headers: readonly string[]
  /** The body after the blank line, with the boundary replaced. */
  readonly body: string
  readonly messageIdHost: string
}

function normalise(mail: CapturedMail): Normalised {
  const raw = mail.raw.toString('utf8')
  const end = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, end).split('\r\n')
  const boundary = /boundary=([0-9a-f]{60})/.exec(raw)?.[1]
  assert.ok(boundary !== undefined, `no boundary in ${raw}`)
  const date = head.find((l) => l.startsWith('Date: '))
  assert.match(date ?? '', /^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/)
  const id = head.find((l) => l.startsWith('Message-Id: '))
  const idParts = /^Message-Id: <\d+\.\d+@(.+)>$/.exec(id ?? '')
  assert.ok(idParts?.[1] !== undefined, `Message-Id ${String(id)}`)
  return {
    headers: head
      .filter((l) => !BY_DESIGN.has(l.slice(0, l.indexOf(':')).toLowerCase()))
      .map((l) => l.replaceAll(boundary, 'BOUNDARY'))
      .sort(),
    body: raw.slice(end + 4).replaceAll(boundary, 'BOUNDARY'),
    messageIdHost: idParts[1],
  }
}

/** subjectOf reads the decoded Subject, to pair messages that arrived in different orders. */
async function bySubject(mails: readonly CapturedMail[]): Promise<Map<string, CapturedMail>> {
  const out = new Map<string, CapturedMail>()
  for (const mail of mails) {
    const subject = (await parseMail(mail)).subject ?? ''
    assert.ok(!out.has(subject), `two messages with subject ${subject}`)
    out.set(subject, mail)
  }
  return out
}

async function assertSameMail(am: CapturedMail, mesh: CapturedMail, what: string): Promise<void> {
  assert.equal(mesh.from, am.from, `${what}: MAIL FROM`)
  assert.deepEqual(mesh.to, am.to, `${what}: RCPT TO`)
  assert.equal(mesh.hello, am.hello, `${what}: EHLO`)
  assert.equal(mesh.secure, am.secure, `${what}: STARTTLS`)
  assert.deepEqual(mesh.auth, am.auth, `${what}: AUTH`)
  const [a, m] = [normalise(am), normalise(mesh)]
  assert.deepEqual(m.headers, a.headers, `${what}: headers`)
  assert.equal(m.messageIdHost, a.messageIdHost, `${what}: Message-Id host`)
  assert.equal(m.body, a.body, `${what}: body as sent`)
  const [pa, pm] = await Promise.all([parseMail(am), parseMail(mesh)])
  assert.equal(pm.subject, pa.subject, `${what}: Subject`)
  assert.equal(pm.text, pa.text, `${what}: text part`)
  assert.equal(pm.html, pa.html, `${what}: HTML part`)
  assert.equal(JSON.stringify(pm.to), JSON.stringify(pa.to), `${what}: To`)
  assert.equal(pm.from?.text, pa.from?.text, `${what}: From`)
}

/** The notify metrics of integration="email", as one node exposes them. */
interface EmailMetrics {
  readonly notifications: number
  readonly failed: number
  readonly requests: number
  readonly requestsFailed: number
  readonly latencyCount: number
}

async function emailMetrics(side: Side): Promise<EmailMetrics> {
  const text = await (await fetch(`${side.node.url}/metrics`)).text()
  const value = (name: string): number => {
    const line = new RegExp(`^${name}\\{integration="email"\\} (\\S+)$`, 'm').exec(text)
    assert.ok(line?.[1] !== undefined, `${side.name}: no ${name}{integration="email"}`)
    return Number(line[1])
  }
  return {
    notifications: value('alertmanager_notifications_total'),
    failed: value('alertmanager_notifications_failed_total'),
    requests: value('alertmanager_notification_requests_total'),
    requestsFailed: value('alertmanager_notification_requests_failed_total'),
    latencyCount: value('alertmanager_notification_latency_seconds_count'),
  }
}

describe('side by side with Alertmanager 0.25: email', { timeout: 180_000 }, () => {
  let certs: Certs
  let run: SideBySide
  const smtp: Record<'alertmanager' | 'alertmesh', SmtpCapture | undefined> = {
    alertmanager: undefined,
    alertmesh: undefined,
  }

  before(async () => {
    certs = makeCerts()
    const tls = { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) }
    for (const side of ['alertmanager', 'alertmesh'] as const) {
      smtp[side] = await SmtpCapture.start({
        tls,
        authMethods: ['PLAIN', 'LOGIN'],
        users: { alice: 'pw' },
      })
    }
    run = await SideBySide.start({
      config: (side) => config(smtp[side]?.address ?? '', certs.caFile),
      templates: { 'custom.tmpl': CUSTOM_TEMPLATE },
    })
  })
  after(async () => {
    await run.stop()
    for (const capture of Object.values(smtp)) {
      await capture?.stop()
    }
    certs.cleanup()
  })

  async function compare(count: number): Promise<void> {
    const [am, mesh] = await Promise.all([
      smtp.alertmanager?.waitForMessages(count, 60_000),
      smtp.alertmesh?.waitForMessages(count, 60_000),
    ])
    assert.ok(am !== undefined && mesh !== undefined)
    const [amBy, meshBy] = await Promise.all([bySubject(am), bySubject(mesh)])
    assert.deepEqual([...meshBy.keys()].sort(), [...amBy.keys()].sort(), 'subjects')
    for (const [subject, mail] of amBy) {
      await assertSameMail(mail, meshBy.get(subject) as CapturedMail, subject)
    }
  }

  let startsAt = ''
  it('sends the same firing messages: groups of 1 and 60, default and custom templates', async () => {
    startsAt = new Date().toISOString()
    await run.post(alerts(startsAt))
    await compare(3)
  })

  it('sends the same resolved messages', async () => {
    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run.post(alerts(startsAt).map((a) => ({ ...a, endsAt })))
    await compare(6)
  })

  it('shows the same config in /api/v2/status, secrets hidden', async () => {
    const original = async (side: Side): Promise<string> => {
      const status = await side.node.getJson<{ config: { original: string } }>('/api/v2/status')
      const address = smtp[side.name]?.address ?? ''
      // Each side has its own SMTP server and config directory (where custom.tmpl is).
      return status.config.original
        .replaceAll(address, 'SMARTHOST')
        .replaceAll(side.node.dir, 'CONFIG_DIR')
    }
    const [am, mesh] = await Promise.all([original(run.am), original(run.mesh)])
    assert.ok(am.includes('smtp_auth_password: <secret>'), am)
    assert.ok(!am.includes(': pw\n'), am)
    assert.equal(mesh, am)
  })

  it('counts the same notifications under integration="email"', async () => {
    // The counters move once the SMTP session has ended, just after the message arrived.
    const want = { notifications: 6, failed: 0, requests: 6, requestsFailed: 0, latencyCount: 6 }
    for (const side of [run.am, run.mesh]) {
      await waitFor(`${side.name}'s email metrics`, async () => {
        const got = await emailMetrics(side)
        return JSON.stringify(got) === JSON.stringify(want) ? got : undefined
      })
    }
  })
})

/**
 * The failure cases: each runs both nodes against SMTP servers that fail the same way and
 * compares what the metrics say about retries (more requests than notifications) and final
 * failures. 0.25's flush deadline is at least 10 s, so a retried failure takes that long; each
 * case has its own pair of nodes and SMTP servers, so the cases run side by side and the file
 * waits out one deadline instead of six.
 */
describe(
  'side by side with Alertmanager 0.25: email failures',
  { timeout: 240_000, concurrency: true },
  () => {
    const cases: {
      name: string
      server: SmtpCaptureOptions
      email?: string
      /** The `from` field (default am@example.com). */
      from?: string
      /** The `to` field (default oncall@example.com). */
      to?: string
      /** What both nodes do. */
      retried: boolean
      /** Differences that must exist: what each side counts as failed, and delivers. */
      amFails?: boolean
      amDelivers?: boolean
    }[] = [
      // A refused recipient: retried until the flush deadline, then counted as failed.
      {
        name: 'a 550 to RCPT TO',
        server: { rejectRcpt: { code: 550, message: 'no' } },
        retried: true,
      },
      // One recipient of two refused: retried, and nobody receives the message.
      {
        name: 'a 550 to one RCPT TO of two',
        server: { rejectRcpt: { code: 550, message: 'no', recipients: ['b@example.com'] } },
        to: 'a@example.com, b@example.com',
        retried: true,
      },
      // Authentication refused: retried.
      {
        name: 'a refused AUTH',
        server: { authMethods: ['PLAIN'], users: { alice: 'other' } },
        email: 'auth_username: alice\n        auth_password: pw',
        retried: true,
      },
      // A broken `from` template: not retried.
      { name: 'a broken from template', server: {}, from: "'{{ .Nope.X }}'", retried: false },
      // The message refused after DATA: 0.25 ignores the reply and counts a success; alertmesh
      // retries and counts a failure (deliberate: nothing was delivered).
      {
        name: 'a 554 after DATA (a deliberate difference)',
        server: { rejectData: { code: 554, message: 'spam' } },
        retried: true,
        amFails: false,
      },
      // A broken header template: neither retries; 0.25 has already sent DATA and delivers the
      // message without its body, alertmesh sends nothing (deliberate).
      {
        name: 'a broken header template (a deliberate difference)',
        server: {},
        email: 'headers: {X-Broken: \'{{ template "nope" . }}\'}',
        retried: false,
        amDelivers: true,
      },
    ]
    for (const c of cases) {
      it(`fails as 0.25 does on ${c.name}`, async () => {
        const smtp = {
          alertmanager: await SmtpCapture.start(c.server),
          alertmesh: await SmtpCapture.start(c.server),
        }
        const run = await SideBySide.start({
          config: (side) => `
route: {receiver: mail, group_by: [alertname], group_wait: 1s, group_interval: 1s, repeat_interval: 1h}
receivers:
  - name: mail
    email_configs:
      - to: '${c.to ?? 'oncall@example.com'}'
        from: ${c.from ?? 'am@example.com'}
        smarthost: '${smtp[side].address}'
        require_tls: false
        ${c.email ?? ''}
`,
        })
        try {
          await run.post([{ labels: { alertname: 'Broken' }, startsAt: new Date().toISOString() }])
          const settled = async (side: Side): Promise<EmailMetrics> =>
            waitFor(
              `${side.name}'s first email notification to end`,
              async () => {
                const m = await emailMetrics(side)
                return m.latencyCount >= 1 && m.notifications >= 1 && m.requests >= 1
                  ? m
                  : undefined
              },
              { timeoutMs: 60_000, intervalMs: 200 }
            )
          // The first flush ends with a failure counted, or (0.25 on the refused DATA) a success.
          const amFails = c.amFails ?? true
          const am = await waitFor(
            "Alertmanager's first flush",
            async () => {
              const m = await settled(run.am)
              return (amFails ? m.failed >= 1 : m.requests >= 1) ? m : undefined
            },
            { timeoutMs: 60_000, intervalMs: 200 }
          )
          const mesh = await waitFor(
            "alertmesh's first flush",
            async () => {
              const m = await settled(run.mesh)
              return m.failed >= 1 ? m : undefined
            },
            { timeoutMs: 60_000, intervalMs: 200 }
          )
          assert.equal(
            mesh.requests > mesh.notifications,
            c.retried,
            `alertmesh retried: ${JSON.stringify(mesh)}`
          )
          if (amFails) {
            assert.equal(
              am.requests > am.notifications,
              c.retried,
              `0.25 retried: ${JSON.stringify(am)}`
            )
          } else {
            assert.equal(am.failed, 0, `0.25 counted a success: ${JSON.stringify(am)}`)
          }
          assert.equal(smtp.alertmesh.messages.length, 0, 'alertmesh delivered nothing')
          assert.equal(
            smtp.alertmanager.messages.length > 0,
            c.amDelivers === true,
            `0.25 delivered ${smtp.alertmanager.messages.length}`
          )
        } finally {
          await run.stop()
          await smtp.alertmanager.stop()
          await smtp.alertmesh.stop()
        }
      })
    }
  }
)

/**
 * 0.25 takes the first mechanism of the server's AUTH list that its credentials allow; each
 * receiver here sends to its own server advertising CRAM-MD5, LOGIN and PLAIN in that order.
 */
describe('side by side with Alertmanager 0.25: email AUTH choice', { timeout: 120_000 }, () => {
  const receivers = [
    // A password only: CRAM-MD5 is skipped, LOGIN comes next.
    { name: 'password', email: 'auth_password: pw' },
    // A secret too: CRAM-MD5, first in the list.
    { name: 'secret', email: 'auth_password: pw\n        auth_secret: pw' },
  ]
  it('picks the same mechanism', async () => {
    const start = (): Promise<SmtpCapture[]> =>
      Promise.all(
        receivers.map(() =>
          SmtpCapture.start({ authMethods: ['CRAM-MD5', 'LOGIN', 'PLAIN'], users: { alice: 'pw' } })
        )
      )
    const servers = { alertmanager: await start(), alertmesh: await start() }
    const run = await SideBySide.start({
      config: (side) => `
route:
  receiver: ${receivers[0]?.name}
  group_by: [alertname]
  group_wait: 1s
  routes:
${receivers.map((r) => `    - {matchers: ['alertname="${r.name}"'], receiver: ${r.name}}`).join('\n')}
receivers:
${receivers
  .map(
    (r, i) => `  - name: ${r.name}
    email_configs:
      - to: oncall@example.com
        from: am@example.com
        smarthost: '${servers[side][i]?.address ?? ''}'
        require_tls: false
        auth_username: alice
        ${r.email}`
  )
  .join('\n')}
`,
    })
    try {
      const startsAt = new Date().toISOString()
      await run.post(receivers.map((r) => ({ labels: { alertname: r.name }, startsAt })))
      for (let i = 0; i < receivers.length; i++) {
        const [am, mesh] = await Promise.all([
          servers.alertmanager[i]?.waitForMessages(1),
          servers.alertmesh[i]?.waitForMessages(1),
        ])
        assert.ok(am?.[0]?.auth !== undefined, `0.25 did not authenticate (${receivers[i]?.name})`)
        assert.deepEqual(mesh?.[0]?.auth, am[0].auth, receivers[i]?.name)
      }
      assert.deepEqual(
        servers.alertmanager.map((s) => s.messages[0]?.auth?.method),
        ['LOGIN', 'CRAM-MD5']
      )
    } finally {
      await run.stop()
      for (const s of [...servers.alertmanager, ...servers.alertmesh]) {
        await s.stop()
      }
    }
  })
})
