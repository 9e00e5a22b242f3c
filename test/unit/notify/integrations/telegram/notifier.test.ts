import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import type { TelegramConfig } from '#src/notify/integrations/telegram/index.js'
import {
  TELEGRAM_DEFAULTS,
  TELEGRAM_USER_AGENT,
  TelegramNotifier,
} from '#src/notify/integrations/telegram/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

const TOKEN = '123456:S3CR3T-TOKEN'
const OK = JSON.stringify({ ok: true, result: { message_id: 7, chat: { id: 42 } } })

function telegramConfig(apiURL: string, overrides: Partial<TelegramConfig> = {}): TelegramConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    api_url: apiURL,
    bot_token: TOKEN,
    chat_id: 42,
    message: TELEGRAM_DEFAULTS.message,
    disable_notifications: false,
    parse_mode: TELEGRAM_DEFAULTS.parse_mode,
    ...overrides,
  }
}

function notifier(
  apiURL: string,
  overrides: Partial<TelegramConfig> = {},
  templates: readonly string[] = []
) {
  const { records, log } = capture('debug')
  const template = AlertTemplate.fromGlobs([...templates])
  const n = new TelegramNotifier({
    config: telegramConfig(apiURL, overrides),
    template: () => template,
    log,
  })
  return { notifier: n, records }
}

/** alert is FIRING with the given labels. */
function alert(labels: Record<string, string>): Alert {
  return { ...FIRING, labels }
}

// Every failure is retryable in 0.25's Telegram notifier (it returns true with any error), so
// every status the suite tries counts as a retry code; the errors come from the answer's body,
// not from the status, so they do not quote the URL. The bot token is a secret too.
runNotifierConformance({
  name: 'telegram',
  build: (url) => notifier(url).notifier,
  retryCodes: [400, 401, 403, 404, 413, 429],
  okBody: OK,
  statusErrorQuotesURL: false,
  secrets: [TOKEN],
  messages: {
    status: () => "telebot: invalid character 'b' looking for beginning of value",
    deadline: 'telebot: Post "<redacted>": context deadline exceeded',
    canceled: 'telebot: Post "<redacted>": context canceled',
  },
})

describe('TelegramNotifier', () => {
  let server: Running
  let answer: { status: number; body: string } = { status: 200, body: OK }
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
    })
  })
  after(() => server.close())

  const last = () => {
    const request = server.requests.at(-1)
    assert.ok(request !== undefined)
    return {
      request,
      body: JSON.parse(request.body.toString('utf8')) as Record<string, string>,
    }
  }

  it("POSTs to <api_url>/bot<token>/sendMessage with telebot's headers", async () => {
    answer = { status: 200, body: OK }
    const { notifier: n, records } = notifier(server.origin)
    await n.notify(context(), [alert({ alertname: 'A' })])
    const { request, body } = last()
    assert.equal(request.method, 'POST')
    assert.equal(request.url, `/bot${TOKEN}/sendMessage`)
    assert.equal(request.headers['content-type'], 'application/json')
    assert.equal(request.headers['user-agent'], TELEGRAM_USER_AGENT)
    assert.equal(body['chat_id'], '42')
    assert.equal(body['parse_mode'], 'HTML')
    assert.match(body['text'] ?? '', /Alerts Firing:/)
    assert.ok(
      records.some(
        (r) => r['msg'] === 'Telegram message successfully published' && r['message_id'] === 7
      )
    )
    await n.close()
  })

  // html/template escapes label values in HTML mode only; the other modes use text/template.
  const modes = [
    ['HTML', '&lt;b&gt;'],
    ['Markdown', '<b>'],
    ['MarkdownV2', '<b>'],
    ['', '<b>'],
  ] as const
  for (const [mode, rendered] of modes) {
    it(`renders with ${mode === 'HTML' ? 'html' : 'text'}/template in parse mode "${mode}"`, async () => {
      answer = { status: 200, body: OK }
      const { notifier: n } = notifier(server.origin, {
        parse_mode: mode,
        message: '{{ .CommonLabels.x }}',
      })
      await n.notify(context(), [alert({ alertname: 'A', x: '<b>' })])
      const { body } = last()
      assert.equal(body['text'], rendered)
      assert.equal(body['parse_mode'], mode === '' ? undefined : mode)
      await n.close()
    })
  }

  it('fails a Telegram 400 with its description, retryably as 0.25 does', async () => {
    answer = {
      status: 400,
      body: '{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}',
    }
    const { notifier: n } = notifier(server.origin)
    await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.message, 'telegram: Bad Request: message text is empty (400)')
      assert.equal(err.retryable, true)
      assert.equal(err.reason, 'clientError')
      return true
    })
    await n.close()
  })

  it("logs the full description when telebot's text shortens it", async () => {
    answer = {
      status: 400,
      body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}',
    }
    const { notifier: n, records } = notifier(server.origin)
    await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), {
      message: 'telegram: chat not found (400)',
    })
    const logged = records.find((r) => r['msg'] === 'Telegram API error')
    assert.equal(logged?.['description'], 'Bad Request: chat not found')
    assert.equal(logged['error_code'], 400)
    await n.close()
  })

  it('sends what a failing template wrote before the error, and logs the error', async () => {
    answer = { status: 200, body: OK }
    const { notifier: n, records } = notifier(server.origin, {
      parse_mode: '',
      message: 'start {{ index .Alerts 5 }} end',
    })
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.equal(last().body['text'], 'start ')
    const logged = records.find((r) => r['msg'] === 'Failed to render message')
    assert.match(String(logged?.['err']), /index out of range/)
    await n.close()
  })

  it('sends an empty text for a template that does not parse', async () => {
    answer = { status: 200, body: OK }
    const { notifier: n, records } = notifier(server.origin, { message: '{{ .Status ' })
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.equal(last().body['text'], '')
    assert.ok(records.some((r) => r['msg'] === 'Failed to render message'))
    await n.close()
  })

  it('cuts the message to 4096 runes and logs it with the group key under "alert"', async () => {
    answer = { status: 200, body: OK }
    const { notifier: n, records } = notifier(server.origin, {
      parse_mode: '',
      message: '{{ range .Alerts }}{{ .Labels.x }}{{ end }}',
    })
    const alerts = Array.from({ length: 50 }, (_, i) =>
      alert({ alertname: 'A', i: String(i), x: '😀'.repeat(100) })
    )
    await n.notify(context(), alerts)
    const text = last().body['text'] ?? ''
    assert.equal(Array.from(text).length, 4096)
    assert.ok(text.endsWith('😀…'))
    const warned = records.find((r) => r['msg'] === 'Truncated message')
    assert.equal(warned?.['alert'], '{}:{alertname="A"}')
    assert.equal(warned['max_runes'], 4096)
    await n.close()
  })

  it('leaves a message of exactly 4096 runes alone', async () => {
    answer = { status: 200, body: OK }
    const { notifier: n, records } = notifier(server.origin, {
      parse_mode: '',
      message: 'é'.repeat(4096),
    })
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.equal(last().body['text'], 'é'.repeat(4096))
    assert.ok(!records.some((r) => r['msg'] === 'Truncated message'))
    await n.close()
  })

  it('keeps the bot token out of errors that quote it', async () => {
    answer = {
      status: 502,
      body: `{"ok":false,"error_code":502,"description":"proxy: /bot${TOKEN}/sendMessage down"}`,
    }
    const { notifier: n } = notifier(server.origin)
    await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.ok(!err.message.includes(TOKEN), err.message)
      assert.equal(err.reason, 'serverError')
      return true
    })
    await n.close()
  })
})
