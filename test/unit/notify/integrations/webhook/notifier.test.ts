/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '../../../../../src/alerts/index.js'
import { HttpConfigError } from '../../../../../src/notify/http/errors.js'
import type { HttpClient } from '../../../../../src/notify/http/http-client.js'
import type { WebhookConfig } from '../../../../../src/notify/integrations/webhook/index.js'
import { WebhookNotifier } from '../../../../../src/notify/integrations/webhook/notifier.js'
import { NotifyError } from '../../../../../src/notify/notify-error.js'
import type { NotifyContext } from '../../../../../src/notify/types.js'
import { closedPort, httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'

import { GOLDEN_CASES, GOLDEN_NOW, loadGolden } from './fixtures.js'

const UA = 'Alertmanager/0.25.0'

function context(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return {
    receiver: 'team',
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    repeatIntervalMs: 4 * 3600_000,
    now: GOLDEN_NOW,
    signal: new AbortController().signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    ...overrides,
  }
}

function webhookConfig(url: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return { send_resolved: true, url, max_alerts: 0, http_config: httpConfig(), ...overrides }
}

const firing: Alert = {
  labels: { alertname: 'A' },
  annotations: {},
  startsAt: Date.UTC(2024, 0, 1),
  endsAt: 0,
  generatorURL: '',
  updatedAt: Date.UTC(2024, 0, 1),
  timeout: false,
  fingerprint: '0123456789abcdef',
}

/** rejection awaits a NotifyError. */
async function rejection(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof NotifyError, String(err))
    return err
  }
  assert.fail('expected a rejection')
}

describe('WebhookNotifier', () => {
  let server: Running
  before(async () => {
    server = await listen((req, res) => {
      if (req.url.startsWith('/fail500')) {
        res.writeHead(500).end('try later')
      } else if (req.url.startsWith('/fail400')) {
        // A receiver that echoes the (secret) request path back in its error body.
        res.writeHead(400).end(`bad payload for ${req.url}`)
      } else if (req.url.startsWith('/slow')) {
        // never answers
      } else {
        res.writeHead(200).end()
      }
    })
  })
  after(() => server.close())

  for (const name of GOLDEN_CASES) {
    it(`POSTs the bytes and headers Alertmanager 0.25 sent: ${name}`, async () => {
      const golden = loadGolden(name)
      const notifier = new WebhookNotifier({
        config: webhookConfig(`${server.origin}/golden/${name}`, { max_alerts: golden.maxAlerts }),
        receiverName: golden.receiver,
        externalURL: golden.externalURL,
        userAgent: UA,
      })
      try {
        await notifier.notify(
          context({
            receiver: golden.receiver,
            groupKey: golden.groupKey,
            groupLabels: golden.groupLabels,
          }),
          golden.alerts
        )
      } finally {
        await notifier.close()
      }
      const seen = server.requests.at(-1)!
      assert.equal(seen.method, 'POST')
      assert.equal(seen.url, `/golden/${name}`)
      assert.ok(
        seen.body.equals(golden.body),
        `${seen.body.toString()}\n!==\n${golden.body.toString()}`
      )
      assert.equal(seen.headers['content-type'], golden.headers['content-type'])
      assert.equal(seen.headers['user-agent'], golden.headers['user-agent'])
      assert.equal(seen.headers['content-length'], String(golden.body.length))
    })
  }

  it('maps responses and transport failures to NotifyErrors without the secret URL', async () => {
    const refused = await closedPort()
    const cases = [
      // 5xx: retryable, Alertmanager's "unexpected status code" with "<url>: <body>" details.
      {
        path: '/fail500/s3cr3t',
        retryable: true,
        reason: 'serverError',
        message: 'unexpected status code 500: <redacted>: try later',
      },
      // 4xx: final; the body echoing the secret path is redacted too.
      {
        path: '/fail400/s3cr3t',
        retryable: false,
        reason: 'clientError',
        message: 'unexpected status code 400: <redacted>: bad payload for <redacted>',
      },
    ]
    for (const c of cases) {
      const notifier = new WebhookNotifier({
        config: webhookConfig(`${server.origin}${c.path}?token=t0k`),
        receiverName: 'r',
        externalURL: 'http://am',
        userAgent: UA,
      })
      const err = await rejection(notifier.notify(context(), [firing]))
      await notifier.close()
      assert.equal(err.retryable, c.retryable)
      assert.equal(err.reason, c.reason)
      assert.equal(err.message, c.message)
    }
    const notifier = new WebhookNotifier({
      config: webhookConfig(`http://127.0.0.1:${refused}/hooks/s3cr3t?token=t0k`),
      receiverName: 'r',
      externalURL: 'http://am',
      userAgent: UA,
    })
    const err = await rejection(notifier.notify(context(), [firing]))
    await notifier.close()
    // Connection refused: retryable, Go's url.Error shape with the URL redacted.
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'connectionError')
    assert.match(err.message, /^Post "<redacted>": /)
    for (const secret of ['s3cr3t', 't0k']) {
      assert.ok(!err.message.includes(secret))
      assert.ok(
        !JSON.stringify({ message: err.message, cause: String(err.cause) }).includes(secret)
      )
    }
  })

  it('stops at the flush deadline with a retryable timeout', async () => {
    const notifier = new WebhookNotifier({
      config: webhookConfig(`${server.origin}/slow`),
      receiverName: 'r',
      externalURL: 'http://am',
      userAgent: UA,
    })
    const err = await rejection(
      notifier.notify(context({ signal: AbortSignal.timeout(100) }), [firing])
    )
    await notifier.close()
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'timeout')
    assert.equal(err.message, 'Post "<redacted>": context deadline exceeded')
  })

  it('refuses an unusable URL at construction without quoting it', () => {
    const cases = [
      // Wrong scheme.
      { url: 'ftp://hooks.example.com/s3cr3t', message: 'unsupported scheme "ftp" for URL' },
      // Missing.
      { url: '', message: 'missing URL in webhook config' },
    ]
    for (const c of cases) {
      assert.throws(
        () =>
          new WebhookNotifier({
            config: webhookConfig(c.url),
            receiverName: 'r',
            externalURL: 'http://am',
            userAgent: UA,
          }),
        (err: unknown) => err instanceof HttpConfigError && err.message === c.message
      )
    }
  })

  it('sends through an injected client and leaves closing it to its owner', async () => {
    const calls: { url: string; body: string; headers: Readonly<Record<string, string>> }[] = []
    let closed = false
    const client: HttpClient = {
      post: (url, body, headers) => {
        calls.push({ url, body: String(body), headers })
        return Promise.resolve({ status: 204, headers: {}, body: '' })
      },
      close: () => {
        closed = true
        return Promise.resolve()
      },
    }
    const notifier = new WebhookNotifier({
      config: webhookConfig('http://hooks.example.com/x'),
      receiverName: 'db.team',
      externalURL: 'http://am',
      userAgent: UA,
      httpClient: client,
    })
    await notifier.notify(context(), [firing])
    await notifier.close()
    assert.equal(closed, false)
    assert.equal(calls.length, 1)
    const [call] = calls
    assert.ok(call)
    assert.equal(call.url, 'http://hooks.example.com/x')
    assert.deepEqual(call.headers, { 'Content-Type': 'application/json' })
    assert.ok(call.body.startsWith('{"receiver":"db\\\\.team","status":"firing"'))
  })
})
