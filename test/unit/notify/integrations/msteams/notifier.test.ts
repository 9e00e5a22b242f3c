// The msteams notifier: the shared conformance suite and what only msteams does. The card, its
// colours, webhook_url_file and template errors are in teams-notifier.test.ts, with msteamsv2.
import { after, before, describe, it } from 'node:test'

import { MSTEAMS_RETRY_CODES } from '#src/notify/integrations/msteams/index.js'

import { listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { context, alert, assertFinalUnsent } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'
import { msteams } from '../teams-kinds.js'

// Status mapping, redaction, network errors, the flush deadline and close(), with the texts
// of newer Alertmanager's Retrier (`unexpected status code <code>: <body>`, no URL) and of
// notify.RedactURL for transport errors.
runNotifierConformance({
  name: 'msteams',
  build: (url) => msteams({ webhook_url: url }),
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

  // The rest of the shared behaviour is in teams-notifier.test.ts; the field order is msteams'.
  it("renders text before summary: the text's template error wins", async () => {
    const n = msteams({
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
