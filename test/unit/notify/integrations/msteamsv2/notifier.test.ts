// The msteamsv2 notifier, porting notify/msteamsv2/msteamsv2_test.go (68fb2d5):
// TestMSTeamsV2Retry, TestNotifier_Notify_WithReason, TestMSTeamsV2Templating (3 cases) and
// TestMSTeamsV2RedactedURL, plus the request itself against the Go oracle of the Adaptive Card;
// TestMSTeamsV2ReadingURLFromFile is in teams-notifier.test.ts, with what msteams shares.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import type { MSTeamsV2Config } from '#src/notify/integrations/msteamsv2/index.js'
import {
  MSTEAMSV2_DEFAULTS,
  MSTEAMSV2_RETRY_CODES,
  MSTeamsV2Notifier,
} from '#src/notify/integrations/msteamsv2/index.js'

import { encodeAdaptiveCards } from '../../../../support/msteamsv2-oracle.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, UA, alert, lastRequest, assertPostJSON } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

function teamsConfig(overrides: Partial<MSTeamsV2Config> = {}): MSTeamsV2Config {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    title: MSTEAMSV2_DEFAULTS.title,
    text: MSTEAMSV2_DEFAULTS.text,
    ...overrides,
  }
}

function notifier(overrides: Partial<MSTeamsV2Config>): MSTeamsV2Notifier {
  const template = AlertTemplate.fromGlobs([])
  return new MSTeamsV2Notifier({
    config: teamsConfig(overrides),
    template: () => template,
    log: capture('debug').log,
    userAgent: UA,
  })
}

// TestMSTeamsV2Retry (test.RetryTests(test.DefaultRetryCodes()): 5xx only) and
// TestMSTeamsV2RedactedURL, with newer Alertmanager's Retrier text and notify.RedactURL.
runNotifierConformance({
  name: 'msteamsv2',
  build: (url) => notifier({ webhook_url: url }),
  retryCodes: MSTEAMSV2_RETRY_CODES,
  messages: RETRIER_MESSAGES,
})

describe('MSTeamsV2Notifier', () => {
  let server: Running
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end('1')
    })
  })
  after(() => server.close())

  const last = () => lastRequest(server)

  it('retries 5xx only (TestMSTeamsV2Retry)', () => {
    assert.deepEqual(MSTEAMSV2_RETRY_CODES, [])
  })

  it('POSTs the Adaptive Card Go encodes, with the default templates and PostJSON headers', async () => {
    const n = notifier({ webhook_url: `${server.origin}/workflows/xxx/triggers/manual?sig=s` })
    const firing = [
      alert({ alertname: 'A', instance: 'a<1>' }),
      alert({ alertname: 'A', instance: 'b' }),
    ]
    await n.notify(context(), firing)
    const request = last()
    assertPostJSON(request, '/workflows/xxx/triggers/manual?sig=s')
    const template = AlertTemplate.fromGlobs([])
    const data = template.data('team', { alertname: 'A' }, firing, context().now)
    const render = (t: string) => template.executeTextString(t, data)
    const [expected] = encodeAdaptiveCards([
      {
        title: render(MSTEAMSV2_DEFAULTS.title),
        text: render(MSTEAMSV2_DEFAULTS.text),
        status: 'firing',
      },
    ])
    assert.equal(request.body.toString('utf8'), expected)
    assert.match(request.body.toString('utf8'), /"text":"\[FIRING:2\] A "/)
    assert.match(request.body.toString('utf8'), /"text":"\\n\\n# Alerts Firing:\\n/)
    await n.close()
  })

  // TestNotifier_Notify_WithReason: a 200 answered with `1` succeeds.
  it('succeeds on a 2xx answered with 1', async () => {
    const n = notifier({ webhook_url: `${server.origin}/x` })
    await n.notify(context(), [alert({ alertname: 'A' }, Date.UTC(2024, 0, 1, 1))])
    await n.close()
  })

  it('colours the title Good when every alert is resolved, Attention when any fires', async () => {
    const n = notifier({ webhook_url: `${server.origin}/x`, title: 't', text: 't' })
    const resolved = alert({ alertname: 'A' }, Date.UTC(2024, 0, 1, 0, 1))
    await n.notify(context(), [resolved])
    assert.match(last().body.toString(), /"style":"heading","color":"Good"\}/)
    await n.notify(context(), [resolved, alert({ alertname: 'B' })])
    assert.match(last().body.toString(), /"style":"heading","color":"Attention"\}/)
    await n.close()
  })

  // TestMSTeamsV2Templating: [name, title, text, expected error or undefined].
  const templating: readonly (readonly [string, string, string, string | undefined])[] = [
    // full-blown message, with msteams' (not msteamsv2's) default templates as upstream's test.
    [
      'full-blown message',
      '{{ template "msteams.default.title" . }}',
      '{{ template "msteams.default.text" . }}',
      undefined,
    ],
    // title with templating errors.
    ['title with templating errors', '{{ ', '', 'template: :1: unclosed action'],
    // message with templating errors.
    [
      'message with templating errors',
      '{{ template "msteams.default.title" . }}',
      '{{ ',
      'template: :1: unclosed action',
    ],
  ]
  for (const [name, title, text, message] of templating) {
    it(`templating: ${name}`, async () => {
      const n = notifier({ webhook_url: `${server.origin}/x`, title, text })
      const before = server.requests.length
      const sent = n.notify(context(), [alert({ lbl1: 'val1' })])
      if (message === undefined) {
        await sent
        assert.equal(server.requests.length, before + 1)
      } else {
        await assert.rejects(sent, (err: unknown) => {
          assert.ok(err instanceof NotifyError)
          assert.equal(err.retryable, false)
          assert.ok(err.message.includes(message), err.message)
          return true
        })
        assert.equal(server.requests.length, before)
      }
      await n.close()
    })
  }
})
