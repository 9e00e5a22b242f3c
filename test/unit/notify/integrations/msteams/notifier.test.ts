import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate } from '#src/notify/index.js'
import type { MSTeamsConfig } from '#src/notify/integrations/msteams/index.js'
import {
  MSTEAMS_DEFAULTS,
  MSTEAMS_RETRY_CODES,
  MSTeamsNotifier,
} from '#src/notify/integrations/msteams/index.js'

import { encodeMessageCards } from '../../../../support/msteams-oracle.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import {
  capture,
  context,
  UA,
  alert,
  lastRequest,
  assertFinalUnsent,
  assertPostJSON,
} from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

function teamsConfig(overrides: Partial<MSTeamsConfig> = {}): MSTeamsConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    title: MSTEAMS_DEFAULTS.title,
    summary: MSTEAMS_DEFAULTS.summary,
    text: MSTEAMS_DEFAULTS.text,
    ...overrides,
  }
}

function notifier(overrides: Partial<MSTeamsConfig>): MSTeamsNotifier {
  const template = AlertTemplate.fromGlobs([])
  return new MSTeamsNotifier({
    config: teamsConfig(overrides),
    template: () => template,
    log: capture('debug').log,
    userAgent: UA,
  })
}

// Status mapping, redaction, network errors, the flush deadline and close(), with the texts
// of newer Alertmanager's Retrier (`unexpected status code <code>: <body>`, no URL) and of
// notify.RedactURL for transport errors.
runNotifierConformance({
  name: 'msteams',
  build: (url) => notifier({ webhook_url: url }),
  retryCodes: MSTEAMS_RETRY_CODES,
  messages: RETRIER_MESSAGES,
})

describe('MSTeamsNotifier', () => {
  let server: Running
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end('1')
    })
  })
  after(() => server.close())

  const last = () => lastRequest(server)

  it('POSTs the MessageCard Go encodes, with the default templates and PostJSON headers', async () => {
    const n = notifier({ webhook_url: `${server.origin}/webhookb2/abc` })
    const firing = [
      alert({ alertname: 'A', instance: 'a<1>' }),
      alert({ alertname: 'A', instance: 'b' }),
    ]
    await n.notify(context(), firing)
    const request = last()
    assertPostJSON(request, '/webhookb2/abc')
    const template = AlertTemplate.fromGlobs([])
    const data = template.data('team', { alertname: 'A' }, firing, context().now)
    const render = (t: string) => template.executeTextString(t, data)
    const [expected] = encodeMessageCards([
      {
        title: render(MSTEAMS_DEFAULTS.title),
        summary: render(MSTEAMS_DEFAULTS.summary),
        text: render(MSTEAMS_DEFAULTS.text),
        status: 'firing',
      },
    ])
    assert.equal(request.body.toString('utf8'), expected)
    assert.match(request.body.toString('utf8'), /"title":"\[FIRING:2\] A "/)
    await n.close()
  })

  it('colours the card green when every alert is resolved, red when any fires', async () => {
    const n = notifier({ webhook_url: `${server.origin}/x`, title: 't', text: 't', summary: 't' })
    const resolved = alert({ alertname: 'A' }, Date.UTC(2024, 0, 1, 0, 1))
    await n.notify(context(), [resolved])
    assert.match(last().body.toString(), /"themeColor":"2DC72D"/)
    await n.notify(context(), [resolved, alert({ alertname: 'B' })])
    assert.match(last().body.toString(), /"themeColor":"8C1A1A"/)
    await n.close()
  })

  // The rest of the shared behaviour is in teams-notifier.test.ts; the field order is msteams'.
  it("renders text before summary: the text's template error wins", async () => {
    const n = notifier({
      webhook_url: `${server.origin}/x`,
      title: 'ok',
      text: '{{ template "missing" . }}',
      summary: '{{ .Nope.Deeper }}',
    })
    await assertFinalUnsent(
      server,
      () => n.notify(context(), [alert({ alertname: 'A' })]),
      /template "missing" not defined/
    )
    await n.close()
  })
})
