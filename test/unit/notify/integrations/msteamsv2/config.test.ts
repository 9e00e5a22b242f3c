// msteamsv2_configs as newer Alertmanager's MSTeamsV2Config.UnmarshalYAML and
// Config.UnmarshalYAML take it (notify/msteamsv2/config.go, config/config.go at 68fb2d5):
// defaults, the URL or its file, the global http_config or only its proxy_url, and `<secret>`
// when marshalled. The proxy cases port config_test.go's TestMSTeamsV2GlobalProxy* tests.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { configsOf } from '#src/config/index.js'
import type { LoadedConfig } from '#src/config/index.js'
import { MSTEAMS_CONFIG_SPEC } from '#src/notify/integrations/msteams/index.js'
import type { MSTeamsV2Config } from '#src/notify/integrations/msteamsv2/index.js'
import {
  MSTEAMSV2_CONFIG_SPEC,
  MSTEAMSV2_DEFAULTS,
} from '#src/notify/integrations/msteamsv2/index.js'

import { load, loadError } from '../../../config/helpers.js'
import { WEBHOOK_URL_REFUSALS } from '../msteams/url-refusals.js'

const receiver = (entry: string, global = '') =>
  `${global}route:\n  receiver: teams\nreceivers:\n- name: teams\n  msteamsv2_configs:\n${entry}`

const PROXY_GLOBAL = 'global:\n  http_config:\n    proxy_url: "http://proxy.example.com:3128"\n'
const URL_ENTRY = '  - webhook_url: "https://example.webhook.office.com/webhookb2/test"\n'

function entryOf(loaded: LoadedConfig): MSTeamsV2Config {
  const rcv = loaded.config.receivers.find((r) => r.name === 'teams')
  assert.ok(rcv !== undefined)
  const [entry] = configsOf(rcv, MSTEAMSV2_CONFIG_SPEC)
  assert.ok(entry !== undefined)
  return entry
}

describe('msteamsv2_configs', () => {
  it('takes the defaults, and the global http_config as a whole', () => {
    const entry = entryOf(
      load(receiver(URL_ENTRY, 'global:\n  http_config:\n    follow_redirects: false\n'))
    )
    assert.equal(entry.send_resolved, MSTEAMSV2_DEFAULTS.send_resolved)
    assert.equal(entry.title, MSTEAMSV2_DEFAULTS.title)
    assert.equal(entry.text, MSTEAMSV2_DEFAULTS.text)
    assert.equal(entry.webhook_url, 'https://example.webhook.office.com/webhookb2/test')
    assert.equal(entry.http_config.follow_redirects, false)
  })

  it('accepts webhook_url_file instead of the URL', () => {
    const entry = entryOf(load(receiver('  - webhook_url_file: /etc/teams-url\n')))
    assert.equal(entry.webhook_url_file, '/etc/teams-url')
    assert.equal(entry.webhook_url, undefined)
  })

  // TestMSTeamsV2GlobalProxyInheritedWhenNoLocalHTTPConfig.
  it('takes the global proxy_url with the global http_config when it has none', () => {
    const entry = entryOf(load(receiver(URL_ENTRY, PROXY_GLOBAL)))
    assert.equal(entry.http_config.proxy_url, 'http://proxy.example.com:3128')
  })

  // TestMSTeamsV2GlobalProxyInheritedWhenPartialHTTPConfig.
  it('takes only the global proxy_url into an http_config of its own without one', () => {
    const loaded = load(
      receiver(
        `${URL_ENTRY}    http_config:\n      follow_redirects: false\n`,
        `global:\n  http_config:\n    proxy_url: "http://proxy.example.com:3128"\n    enable_http2: false\n`
      )
    )
    const entry = entryOf(loaded)
    assert.equal(entry.http_config.proxy_url, 'http://proxy.example.com:3128')
    assert.equal(entry.http_config.follow_redirects, false)
    // Only proxy_url: the rest of the global http_config is not merged in.
    assert.equal(entry.http_config.enable_http2, true)
    // The global http_config is untouched.
    assert.equal(loaded.config.global.http_config.follow_redirects, true)
    // As Alertmanager mutates the receiver's struct, /api/v2/status shows the inherited proxy.
    assert.match(
      loaded.original,
      / {2}msteamsv2_configs:\n {2}- send_resolved: true\n {4}http_config:\n {6}proxy_url: http:\/\/proxy\.example\.com:3128\n {6}follow_redirects: false\n/
    )
  })

  // TestMSTeamsV2LocalProxyTakesPrecedence.
  it('keeps its own proxy_url over the global one', () => {
    const entry = entryOf(
      load(
        receiver(
          `${URL_ENTRY}    http_config:\n      proxy_url: "http://local-proxy.example.com:8080"\n`,
          'global:\n  http_config:\n    proxy_url: "http://global-proxy.example.com:3128"\n'
        )
      )
    )
    assert.equal(entry.http_config.proxy_url, 'http://local-proxy.example.com:8080')
  })

  it('has no proxy_url in a partial http_config when global has none', () => {
    const entry = entryOf(
      load(receiver(`${URL_ENTRY}    http_config:\n      follow_redirects: false\n`))
    )
    assert.equal(entry.http_config.proxy_url, undefined)
  })

  it('is the only kind taking the global proxy_url into a partial http_config', () => {
    const loaded = load(
      `${PROXY_GLOBAL}route:\n  receiver: teams\nreceivers:\n- name: teams\n  msteams_configs:\n` +
        "  - webhook_url: 'https://x.example/a'\n    http_config:\n      follow_redirects: false\n"
    )
    const rcv = loaded.config.receivers.find((r) => r.name === 'teams')
    assert.ok(rcv !== undefined)
    assert.equal(configsOf(rcv, MSTEAMS_CONFIG_SPEC)[0]?.http_config.proxy_url, undefined)
  })

  const refused: readonly (readonly [string, string, string])[] = [
    // Neither the URL nor its file (MSTeamsV2Config.UnmarshalYAML runs before the loop's
    // "no msteamsv2 webhook URL or URLFile provided", which therefore never shows); both; a URL
    // Alertmanager's SecretURL refuses.
    ...WEBHOOK_URL_REFUSALS,
    // msteams' summary is not a msteamsv2 field.
    ['summary', "  - webhook_url: 'https://x.example/a'\n    summary: s\n", 'summary'],
    // A field the struct does not have.
    ['an unknown field', "  - webhook_url: 'https://x.example/a'\n    color: red\n", 'color'],
  ]
  for (const [name, entry, message] of refused) {
    it(`refuses ${name}`, () => {
      const err = loadError(receiver(entry))
      assert.ok(err.amMessage.includes(message), err.amMessage)
    })
  }

  it('names the Go type when the entry is not a mapping', () => {
    const err = loadError(receiver('  - 3\n'))
    assert.match(err.amMessage, /into msteamsv2\.plain/)
  })

  it('marshals the URL as <secret>, fields in the struct order', () => {
    const loaded = load(receiver(URL_ENTRY))
    assert.ok(!loaded.original.includes('example.webhook.office.com'), loaded.original)
    assert.match(
      loaded.original,
      /msteamsv2_configs:\n {2}- send_resolved: true\n {4}http_config:\n(?: {6}.*\n)+ {4}webhook_url: <secret>\n {4}title: '\{\{ template "msteamsv2\.default\.title" \. \}\}'\n {4}text: '\{\{ template "msteamsv2\.default\.text" \. \}\}'\n/
    )
  })
})
