// The Pushover notifier's own cases: what 0.25's requests are is proven against the real binary
// by test/e2e/receivers/pushover-diff.test.ts; here the request's shape (query, empty body), the
// encoding, the rune limits and their warnings, the blank message, html, the durations in
// seconds, template errors and the status errors.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import {
  PUSHOVER_RETRY_CODES,
  PushoverNotifier,
  encodePushoverParameters,
} from '#src/notify/integrations/pushover/index.js'
import type { PushoverConfig } from '#src/notify/integrations/pushover/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Recorded, Running } from '../../http/servers.js'
import { capture, context, FIRING, UA } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])

/** pushoverConfig is DefaultPushoverConfig (config/notifiers.go) with the given overrides. */
function pushoverConfig(overrides: Partial<PushoverConfig> = {}): PushoverConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    user_key: 'uk-s3cr3t',
    token: 'tk-s3cr3t',
    title: '{{ template "pushover.default.title" . }}',
    message: '{{ template "pushover.default.message" . }}',
    url: '{{ template "pushover.default.url" . }}',
    priority: '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}',
    retry: 60_000,
    expire: 3_600_000,
    html: false,
    ...overrides,
  }
}

function notifier(
  config: PushoverConfig,
  apiURL: string,
  log = capture('warn').log
): PushoverNotifier {
  return new PushoverNotifier({ config, template: () => TEMPLATE, log, userAgent: UA, apiURL })
}

const firing: Alert = { ...FIRING, annotations: { summary: 'x' } }

// Status mapping, redaction (the token and user key travel in the query), network errors, the
// flush deadline and close(), with 0.25's texts: Retrier.Check's error as it is.
runNotifierConformance({
  name: 'pushover',
  build: (url) => notifier(pushoverConfig(), url),
  retryCodes: PUSHOVER_RETRY_CODES,
  secrets: ['uk-s3cr3t', 'tk-s3cr3t'],
  messages: RETRIER_MESSAGES,
})

describe('PushoverNotifier', () => {
  let server: Running
  const notifiers: PushoverNotifier[] = []
  const build = (overrides: Partial<PushoverConfig>, log = capture('warn').log) => {
    const n = notifier(pushoverConfig(overrides), `${server.origin}/1/messages.json`, log)
    notifiers.push(n)
    return n
  }
  const last = (): Recorded => {
    const seen = server.requests.at(-1)
    assert.ok(seen)
    return seen
  }
  const query = (): string => last().url.slice(last().url.indexOf('?') + 1)
  const params = (): URLSearchParams => new URLSearchParams(query())

  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end('{"status":1}')
    })
  })
  after(async () => {
    await Promise.all(notifiers.map((n) => n.close()))
    await server.close()
  })

  it('POSTs the parameters in the query with an empty text/plain body', async () => {
    await build({}).notify(context(), [firing])
    const seen = last()
    assert.equal(seen.method, 'POST')
    assert.ok(seen.url.startsWith('/1/messages.json?'), seen.url)
    assert.equal(seen.headers['content-type'], 'text/plain')
    assert.equal(seen.headers['user-agent'], UA)
    assert.equal(seen.headers['content-length'], '0')
    assert.equal(seen.body.length, 0)
  })

  it('sends every parameter sorted by name, html only when asked', async () => {
    await build({}).notify(context(), [firing])
    const names = [...params().keys()]
    assert.deepEqual(names, [
      'expire',
      'message',
      'priority',
      'retry',
      'sound',
      'title',
      'token',
      'url',
      'url_title',
      'user',
    ])
    assert.deepEqual(
      ['token', 'user', 'title', 'priority', 'retry', 'expire', 'sound', 'url_title'].map((n) =>
        params().get(n)
      ),
      ['tk-s3cr3t', 'uk-s3cr3t', '[FIRING:1] A ', '2', '60', '3600', '', '']
    )
    await build({ html: true }).notify(context(), [firing])
    assert.equal(params().get('html'), '1')
    assert.ok(query().startsWith('expire=3600&html=1&message='), query())
  })

  it('renders token and user key as templates, as 0.25 does', async () => {
    await build({
      token: 'tk-{{ .Receiver }}',
      user_key: 'uk-{{ .GroupLabels.alertname }}',
    }).notify(context(), [firing])
    assert.equal(params().get('token'), 'tk-team')
    assert.equal(params().get('user'), 'uk-A')
  })

  it("escapes as Go's url.QueryEscape: space as +, every other byte but A-Za-z0-9-_.~ as %XX", async () => {
    await build({ title: "a b+c&d=é😀~*'", sound: '' }).notify(context(), [firing])
    assert.ok(query().includes('&title=a+b%2Bc%26d%3D%C3%A9%F0%9F%98%80~%2A%27&'), query())
  })

  it('encodes like url.Values.Encode, keeping the order of equal names', () => {
    assert.equal(
      encodePushoverParameters([
        ['b', '2'],
        ['a', 'x y'],
        ['b', '1'],
      ]),
      'a=x+y&b=2&b=1'
    )
  })

  // Each row: the field, its limit in runes, the warning 0.25 logs.
  const limits = [
    ['title', 250, 'Truncated title'],
    ['message', 1024, 'Truncated message'],
    ['url', 512, 'Truncated URL'],
  ] as const
  for (const [field, max, warning] of limits) {
    it(`cuts the ${field} to ${max} runes with the marker, warning with the incident`, async () => {
      const { records, log } = capture('warn')
      await build({ [field]: 'x' + '😀'.repeat(max) }, log).notify(context(), [firing])
      const value = params().get(field) ?? ''
      assert.equal(Array.from(value).length, max)
      assert.ok(value.endsWith('😀…'))
      assert.deepEqual(
        records.map((r) => [r['msg'], r['incident'], r['max_runes']]),
        [[warning, '{}:{alertname="A"}', max]]
      )
      // Exactly the limit is left alone, without a warning.
      const quiet = capture('warn')
      await build({ [field]: 'é'.repeat(max) }, quiet.log).notify(context(), [firing])
      assert.equal(params().get(field), 'é'.repeat(max))
      assert.deepEqual(quiet.records, [])
    })
  }

  it("trims the message after cutting it, with Go's white space", async () => {
    // U+0085 is white space to Go, U+FEFF is not: JavaScript's trim() thinks the opposite.
    await build({ message: '\u0085 \n hi \ufeff\t\n' }).notify(context(), [firing])
    assert.equal(params().get('message'), 'hi \ufeff')
    // The cut comes first, so a message of spaces past the limit is still blank but for the marker.
    await build({ message: ' '.repeat(1100) }).notify(context(), [firing])
    assert.equal(params().get('message'), '…')
  })

  it('sends (no details) for a blank message, which Pushover would reject', async () => {
    await build({ message: '{{ "  \\n\\t " }}' }).notify(context(), [firing])
    assert.equal(params().get('message'), '(no details)')
  })

  it('renders the message with html/template when html is set', async () => {
    const alert: Alert = { ...firing, labels: { alertname: 'A', note: '<b>&"' } }
    const message = '<i>{{ .CommonLabels.note }}</i>'
    await build({ html: true, message }).notify(context(), [alert])
    assert.equal(params().get('message'), '<i>&lt;b&gt;&amp;&#34;</i>')
    await build({ message }).notify(context(), [alert])
    assert.equal(params().get('message'), '<i><b>&"</i>')
    assert.equal(params().get('html'), null)
  })

  // Each row: retry or expire in ms, the seconds 0.25 sends (int64 of Duration.Seconds()).
  const durations = [
    [0, '0'],
    [1_500, '1'],
    [59_999, '59'],
    [90_000, '90'],
    [-60_000, '-60'],
    [-500, '0'],
    [9_000_000, '9000'],
  ] as const
  for (const [ms, seconds] of durations) {
    it(`sends a duration of ${ms} ms as ${seconds} seconds`, async () => {
      await build({ retry: ms, expire: ms }).notify(context(), [firing])
      assert.equal(params().get('retry'), seconds)
      assert.equal(params().get('expire'), seconds)
    })
  }

  it('replaces the query of the endpoint it is given', async () => {
    const n = notifier(pushoverConfig(), `${server.origin}/x?token=old#frag`)
    notifiers.push(n)
    await n.notify(context(), [firing])
    assert.ok(last().url.startsWith('/x?expire=3600&message='), last().url)
    assert.equal(params().getAll('token').length, 1)
  })

  it('fails for good with the first template error in 0.25 order, sending nothing', async () => {
    const before = server.requests.length
    // The user key renders before the sound, so its error wins.
    const n = build({ sound: '{{ template "nope" . }}', user_key: '{{ .Missing.Deeper }}' })
    await assert.rejects(n.notify(context(), [firing]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, false)
      assert.match(err.message, /Missing/)
      return true
    })
    await assert.rejects(
      build({ priority: '{{ template "nope" . }}' }).notify(context(), [firing]),
      (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.match(err.message, /template "nope" not defined/)
        return true
      }
    )
    assert.equal(server.requests.length, before)
  })
})
