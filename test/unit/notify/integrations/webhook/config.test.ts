import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  checkWebhookURL,
  WEBHOOK_DEFAULTS,
  WEBHOOK_PAYLOAD_VERSION,
  WEBHOOK_RETRY_CODES,
} from '#src/notify/integrations/webhook/config.js'

describe('webhook config', () => {
  it('documents the Alertmanager 0.25 defaults', () => {
    assert.deepEqual(WEBHOOK_DEFAULTS, { send_resolved: true, max_alerts: 0 })
    assert.equal(WEBHOOK_PAYLOAD_VERSION, '4')
    assert.deepEqual(WEBHOOK_RETRY_CODES, [])
  })

  it('checks URLs without quoting them', () => {
    const cases = [
      // http and https with a host are fine.
      ['http://127.0.0.1:9/hook', undefined],
      ['https://user:pw@hooks.example.com/x?y=z', undefined],
      // Missing.
      ['', 'missing URL in webhook config'],
      // Not a URL.
      ['hooks.example.com/secret', 'invalid URL in webhook config'],
      // Wrong scheme.
      ['ftp://hooks.example.com/secret', 'unsupported scheme "ftp" for URL'],
    ] as const
    for (const [url, want] of cases) {
      const got = checkWebhookURL(url)
      assert.equal(got, want, url)
      assert.ok(!got?.includes('secret'))
    }
  })
})
