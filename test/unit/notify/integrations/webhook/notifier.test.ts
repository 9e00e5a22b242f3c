import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { HttpConfigError } from '#src/notify/http/errors.js'
import type { HttpClient } from '#src/notify/http/http-client.js'
import type { WebhookConfig } from '#src/notify/integrations/webhook/index.js'
import { WEBHOOK_RETRY_CODES } from '#src/notify/integrations/webhook/index.js'
import { WebhookNotifier } from '#src/notify/integrations/webhook/notifier.js'
import type { NotifyContext } from '#src/notify/notifier.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { context as flush, FIRING, UA } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

import { GOLDEN_CASES, GOLDEN_NOW, loadGolden } from './fixtures.js'

/** context is a flush judged at GOLDEN_NOW, after every captured alert's end. */
function context(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return flush({ now: GOLDEN_NOW, ...overrides })
}

function webhookConfig(url: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return { send_resolved: true, url, max_alerts: 0, http_config: httpConfig(), ...overrides }
}

const firing = FIRING

// Status mapping, redaction, network errors, the flush deadline and close(): shared with every
// integration, with Alertmanager's webhook texts.
runNotifierConformance({
  name: 'webhook',
  build: (url) =>
    new WebhookNotifier({
      config: webhookConfig(url),
      receiverName: 'r',
      externalURL: 'http://am',
      userAgent: UA,
    }),
  retryCodes: WEBHOOK_RETRY_CODES,
  messages: {
    status: (code, body) => `unexpected status code ${code}: <redacted>: ${body}`,
    deadline: 'Post "<redacted>": context deadline exceeded',
    canceled: 'Post "<redacted>": context canceled',
  },
})

describe('WebhookNotifier', () => {
  let server: Running
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end()
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
