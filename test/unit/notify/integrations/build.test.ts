import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { ReceiverConfig } from '#src/config/index.js'
import { AlertTemplate, buildIntegrations } from '#src/notify/index.js'
import type { WebhookConfig } from '#src/notify/integrations/webhook/index.js'

import { TEST_INTEGRATIONS } from '../../../support/integrations.js'
import { httpConfig } from '../http/servers.js'

const OPTIONS = {
  externalURL: 'http://am.example:9093',
  userAgent: 'Alertmanager/0.25.0',
  template: () => AlertTemplate.fromGlobs([]),
  log: bunyan.createLogger({ name: 'test', level: 'fatal' }),
}

function webhook(url: string, sendResolved: boolean): WebhookConfig {
  return { send_resolved: sendResolved, url, max_alerts: 0, http_config: httpConfig() }
}

describe('buildIntegrations', () => {
  it('builds one webhook integration per config, indexed in order', () => {
    const receiver: ReceiverConfig = {
      name: 'team',
      integrations: {
        webhook: [webhook('http://127.0.0.1:1/a', true), webhook('http://127.0.0.1:1/b', false)],
      },
    }
    const integrations = buildIntegrations(receiver, TEST_INTEGRATIONS, OPTIONS)
    assert.deepEqual(
      integrations.map((i) => [i.name, i.index, i.sendResolved]),
      [
        ['webhook', 0, true],
        ['webhook', 1, false],
      ]
    )
    assert.equal(typeof integrations[0]?.notifier.notify, 'function')
  })

  it('builds nothing for a receiver without integrations (a blackhole)', () => {
    assert.deepEqual(
      buildIntegrations({ name: 'null', integrations: {} }, TEST_INTEGRATIONS, OPTIONS),
      []
    )
  })

  it('builds nothing for kinds that are present but empty', () => {
    const receiver: ReceiverConfig = {
      name: 'team',
      integrations: { webhook: [], email: [] },
    }
    assert.deepEqual(buildIntegrations(receiver, TEST_INTEGRATIONS, OPTIONS), [])
  })
})
