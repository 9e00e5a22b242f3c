import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { PhaseError, finalizeConfig } from '#src/config/finalize.js'
import type { OpsGenieConfig } from '#src/notify/integrations/opsgenie/index.js'
import type { TelegramConfig } from '#src/notify/integrations/telegram/index.js'
import type { WebexConfig } from '#src/notify/integrations/webex/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

import { R, load, loadError } from './helpers.js'

describe('finalizeConfig', () => {
  it('reports a missing route with a pointer to the document', () => {
    assert.throws(
      () => {
        finalizeConfig({ global: {}, receivers: [] }, CONFIG_REGISTRY.integrations)
      },
      (err: unknown) =>
        err instanceof PhaseError && err.message === 'no routes provided' && err.pointer === ''
    )
  })

  it('checks receiver names before the route tree', () => {
    // The duplicate receiver is reported although the route also names an unknown receiver.
    const err = loadError('route:\n  receiver: nope\nreceivers:\n- name: a\n- name: a\n')
    assert.equal(err.amMessage, 'notification config name "a" is not unique')
  })

  it('reports undefined receivers of children before the parent (post-order)', () => {
    const err = loadError(
      'route:\n  receiver: a\n  routes:\n  - receiver: x\n    routes:\n    - receiver: y\n' + R
    )
    assert.equal(err.amMessage, 'undefined receiver "y" used in route')
  })

  it('shares the global API URL object and appends the slash to it, as Go does', () => {
    const { config, original } = load(
      'global:\n  opsgenie_api_key: k\n  opsgenie_api_url: https://og.example/api\nroute:\n  receiver: a\nreceivers:\n- name: a\n  opsgenie_configs:\n  - message: a\n'
    )
    const og = config.receivers[0]?.integrations['opsgenie']?.[0] as OpsGenieConfig
    assert.equal(og.api_url, 'https://og.example/api/')
    // Go mutates the shared *URL, so the global value shows the slash too.
    assert.equal(config.global['opsgenie_api_url'], 'https://og.example/api/')
    assert.match(original, /opsgenie_api_url: https:\/\/og.example\/api\/\n/)
  })

  it('takes telegram and webex API URLs from global', () => {
    const { config } = load(
      'route:\n  receiver: a\nreceivers:\n- name: a\n  telegram_configs:\n  - bot_token: t\n    chat_id: 1\n  webex_configs:\n  - room_id: r\n    http_config: {authorization: {credentials: c}}\n'
    )
    const other = config.receivers[0]?.integrations
    assert.equal((other?.['telegram']?.[0] as TelegramConfig).api_url, 'https://api.telegram.org')
    assert.equal(
      (other?.['webex']?.[0] as WebexConfig).api_url,
      'https://webexapis.com/v1/messages'
    )
  })

  it('copies both the global OpsGenie key and key file when the config has neither', () => {
    const { config } = load(
      'global:\n  opsgenie_api_key_file: /k\nroute:\n  receiver: a\nreceivers:\n- name: a\n  opsgenie_configs:\n  - message: a\n'
    )
    const og = config.receivers[0]?.integrations['opsgenie']?.[0] as OpsGenieConfig
    assert.equal(og.api_key_file, '/k')
  })
})
