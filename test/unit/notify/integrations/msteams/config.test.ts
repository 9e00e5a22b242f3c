// msteams_configs as newer Alertmanager's MSTeamsConfig.UnmarshalYAML and Config.UnmarshalYAML
// take it (notify/msteams/config.go, config/config.go at 68fb2d5): defaults, the URL or its
// file, the global http_config, and `<secret>` when marshalled.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { configsOf } from '#src/config/index.js'
import { MSTEAMS_CONFIG_SPEC, MSTEAMS_DEFAULTS } from '#src/notify/integrations/msteams/index.js'

import { load, loadError } from '../../../config/helpers.js'

import { WEBHOOK_URL_REFUSALS } from './url-refusals.js'

const receiver = (entry: string, global = '') =>
  `${global}route:\n  receiver: teams\nreceivers:\n- name: teams\n  msteams_configs:\n${entry}`

describe('msteams_configs', () => {
  it('takes the defaults, and the global http_config as a whole', () => {
    const loaded = load(
      receiver(
        "  - webhook_url: 'https://example.webhook.office.com/x'\n",
        'global:\n  http_config:\n    follow_redirects: false\n'
      )
    )
    const rcv = loaded.config.receivers.find((r) => r.name === 'teams')
    assert.ok(rcv !== undefined)
    const [entry] = configsOf(rcv, MSTEAMS_CONFIG_SPEC)
    assert.ok(entry !== undefined)
    assert.equal(entry.send_resolved, MSTEAMS_DEFAULTS.send_resolved)
    assert.equal(entry.title, MSTEAMS_DEFAULTS.title)
    assert.equal(entry.summary, MSTEAMS_DEFAULTS.summary)
    assert.equal(entry.text, MSTEAMS_DEFAULTS.text)
    assert.equal(entry.webhook_url, 'https://example.webhook.office.com/x')
    assert.equal(entry.http_config.follow_redirects, false)
  })

  it('accepts webhook_url_file instead of the URL', () => {
    const loaded = load(receiver('  - webhook_url_file: /etc/teams-url\n'))
    const rcv = loaded.config.receivers.find((r) => r.name === 'teams')
    assert.ok(rcv !== undefined)
    assert.equal(configsOf(rcv, MSTEAMS_CONFIG_SPEC)[0]?.webhook_url_file, '/etc/teams-url')
  })

  const refused: readonly (readonly [string, string, string])[] = [
    // Neither the URL nor its file, both, a URL Alertmanager's SecretURL refuses.
    ...WEBHOOK_URL_REFUSALS,
    // A field the struct does not have.
    ['an unknown field', "  - webhook_url: 'https://x.example/a'\n    color: red\n", 'color'],
  ]
  for (const [name, entry, message] of refused) {
    it(`refuses ${name}`, () => {
      const err = loadError(receiver(entry))
      assert.ok(err.amMessage.includes(message), err.amMessage)
    })
  }

  it('marshals the URL as <secret>', () => {
    const loaded = load(receiver("  - webhook_url: 'https://example.webhook.office.com/x'\n"))
    assert.ok(!loaded.original.includes('example.webhook.office.com'), loaded.original)
    assert.match(loaded.original, /msteams_configs:\n {2}- send_resolved: true\n/)
    assert.match(loaded.original, /webhook_url: <secret>\n/)
  })
})
