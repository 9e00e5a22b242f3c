// The Webex notifier's own cases: 0.25's request bodies are proven against the real binary by
// test/e2e/receivers/webex-diff.test.ts; here the error paths, the Authorization header and
// the 7439-byte truncation with its debug log.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import {
  WEBEX_MAX_MESSAGE_BYTES,
  WEBEX_RETRY_CODES,
  WebexNotifier,
} from '#src/notify/integrations/webex/index.js'
import type { WebexConfig } from '#src/notify/integrations/webex/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, UA } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])
const TOKEN = 'b0tT0ken'

/** webexConfig is DefaultWebexConfig (config/notifiers.go) with a room and a bearer token. */
function webexConfig(apiURL: string, overrides: Partial<WebexConfig> = {}): WebexConfig {
  return {
    send_resolved: true,
    http_config: httpConfig({ authorization: { type: 'Bearer', credentials: TOKEN } }),
    api_url: apiURL,
    message: '{{ template "webex.default.message" . }}',
    room_id: 'room-1',
    ...overrides,
  }
}

function notifier(config: WebexConfig, log = capture('debug').log): WebexNotifier {
  return new WebexNotifier({ config, template: () => TEMPLATE, log, userAgent: UA })
}

const firing: Alert = { ...FIRING, annotations: { summary: 'x' } }

// Status mapping, redaction, network errors, the flush deadline and close(), with 0.25's
// texts; the bearer token never shows in an error.
runNotifierConformance({
  name: 'webex',
  build: (url) => notifier(webexConfig(url)),
  retryCodes: WEBEX_RETRY_CODES,
  secrets: [TOKEN],
  messages: RETRIER_MESSAGES,
})

describe('WebexNotifier', () => {
  let server: Running
  const notifiers: WebexNotifier[] = []
  const build = (overrides: Partial<WebexConfig> = {}, log = capture('debug').log) => {
    const n = notifier(webexConfig(`${server.origin}/v1/messages`, overrides), log)
    notifiers.push(n)
    return n
  }
  const lastBody = (): string => server.requests.at(-1)?.body.toString() ?? ''

  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end('{}')
    })
  })
  after(async () => {
    await Promise.all(notifiers.map((n) => n.close()))
    await server.close()
  })

  it('POSTs the markdown and room as JSON with the Authorization and User-Agent', async () => {
    await build({ message: '**{{ .Status }}** <{{ .Receiver }}>' }).notify(context(), [firing])
    const seen = server.requests.at(-1)
    assert.equal(seen?.method, 'POST')
    assert.equal(seen.url, '/v1/messages')
    assert.equal(seen.headers.authorization, `Bearer ${TOKEN}`)
    assert.equal(seen.headers['content-type'], 'application/json')
    assert.equal(seen.headers['user-agent'], UA)
    assert.equal(lastBody(), '{"markdown":"**firing** \\u003cteam\\u003e","roomId":"room-1"}\n')
  })

  it('cuts the message to 7439 bytes, never inside a rune, and logs it at debug', async () => {
    const { records, log } = capture('debug')
    // 3-byte runes: 2479 of them fill 7437 bytes, then the 3-byte marker would not fit.
    await build({ message: '€'.repeat(3000) }, log).notify(context(), [firing])
    const markdown = (JSON.parse(lastBody()) as { markdown: string }).markdown
    assert.ok(Buffer.byteLength(markdown) <= WEBEX_MAX_MESSAGE_BYTES)
    assert.equal(markdown, '€'.repeat(2478) + '…')
    const truncation = records.filter((r) => r['truncated_message'] !== undefined)
    assert.deepEqual(
      truncation.map((r) => [r['level'], r['msg'], r['truncated_message']]),
      [
        [
          20,
          'message truncated due to exceeding maximum allowed length by webex',
          '€'.repeat(2478) + '…',
        ],
      ]
    )
  })

  it('leaves a message of exactly 7439 bytes alone and logs no truncation', async () => {
    const { records, log } = capture('debug')
    const message = 'x'.repeat(WEBEX_MAX_MESSAGE_BYTES)
    await build({ message }, log).notify(context(), [firing])
    assert.equal((JSON.parse(lastBody()) as { markdown: string }).markdown, message)
    assert.deepEqual(
      records.filter((r) => r['truncated_message'] !== undefined),
      []
    )
    // Only 0.25's "incident" debug line.
    assert.deepEqual(
      records.map((r) => r['incident']),
      ['{}:{alertname="A"}']
    )
  })

  it('fails for good with a template error in the message, sending nothing', async () => {
    const before = server.requests.length
    await assert.rejects(
      build({ message: '{{ template "nope" . }}' }).notify(context(), [firing]),
      (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.retryable, false)
        assert.match(err.message, /template "nope"/)
        return true
      }
    )
    assert.equal(server.requests.length, before)
  })
})
