// The msteamsv2 notifier, porting notify/msteamsv2/msteamsv2_test.go (68fb2d5):
// TestMSTeamsV2Retry, TestNotifier_Notify_WithReason, TestMSTeamsV2Templating (3 cases) and
// TestMSTeamsV2RedactedURL. The request itself against the Go oracle of the Adaptive Card, its
// colours and TestMSTeamsV2ReadingURLFromFile are in teams-notifier.test.ts, with what msteams
// shares.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { NotifyError } from '#src/notify/index.js'
import { MSTEAMSV2_RETRY_CODES } from '#src/notify/integrations/msteamsv2/index.js'

import { listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { context, alert } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'
import { msteamsv2 } from '../teams-kinds.js'

// TestMSTeamsV2Retry (test.RetryTests(test.DefaultRetryCodes()): 5xx only) and
// TestMSTeamsV2RedactedURL, with newer Alertmanager's Retrier text and notify.RedactURL.
runNotifierConformance({
  name: 'msteamsv2',
  build: (url) => msteamsv2({ webhook_url: url }),
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

  it('retries 5xx only (TestMSTeamsV2Retry)', () => {
    assert.deepEqual(MSTEAMSV2_RETRY_CODES, [])
  })

  // TestNotifier_Notify_WithReason: a 200 answered with `1` succeeds.
  it('succeeds on a 2xx answered with 1', async () => {
    const n = msteamsv2({ webhook_url: `${server.origin}/x` })
    await n.notify(context(), [alert({ alertname: 'A' }, Date.UTC(2024, 0, 1, 1))])
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
      const n = msteamsv2({ webhook_url: `${server.origin}/x`, title, text })
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
