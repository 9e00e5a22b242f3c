/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { ReceiverConfig } from '../../../../src/config/index.js'
import {
  AlertTemplate,
  UnsupportedIntegrationError,
  buildIntegrations,
} from '../../../../src/notify/index.js'
import type { IntegrationDefinition } from '../../../../src/notify/index.js'
import type { WebhookConfig } from '../../../../src/notify/integrations/webhook/index.js'
import { AlertmeshError } from '../../../../src/util/index.js'
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

  it('ignores an unsupported type that is present but empty', () => {
    const receiver: ReceiverConfig = {
      name: 'team',
      integrations: { webhook: [], email: [] },
    }
    assert.deepEqual(buildIntegrations(receiver, TEST_INTEGRATIONS, OPTIONS), [])
  })

  // The refusal is for any kind without a notifier: each row takes its kind's notifier away,
  // so the test holds whichever kinds can send already.
  const withoutNotifier = (type: string): IntegrationDefinition[] =>
    TEST_INTEGRATIONS.map((i) => (i.name === type ? { name: i.name, config: i.config } : i))
  const unsupported: { type: string; receiver: string }[] = [
    // A chat integration.
    { type: 'slack', receiver: 'chat' },
    // Receiver names with quotes are shown as they are.
    { type: 'pushover', receiver: 'on"call' },
  ]
  for (const c of unsupported) {
    it(`refuses ${c.type}_configs, naming the receiver and the type`, () => {
      const receiver: ReceiverConfig = {
        name: c.receiver,
        integrations: {
          webhook: [webhook('http://127.0.0.1:1/', true)],
          [c.type]: [{ send_resolved: true }],
        },
      }
      assert.throws(
        () => buildIntegrations(receiver, withoutNotifier(c.type), OPTIONS),
        (err: unknown) => {
          assert.ok(err instanceof UnsupportedIntegrationError)
          assert.ok(err instanceof AlertmeshError)
          assert.equal(err.code, 'AM_CONFIG_UNSUPPORTED')
          assert.equal(err.receiver, c.receiver)
          assert.equal(err.integrationType, c.type)
          assert.ok(err.message.includes(`receiver "${c.receiver}"`), err.message)
          assert.ok(err.message.includes(`${c.type}_configs`), err.message)
          return true
        }
      )
    })
  }
})
