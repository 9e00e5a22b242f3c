// rocketchat_configs as newer Alertmanager's RocketchatConfig.UnmarshalYAML and
// Config.UnmarshalYAML take it (notify/rocketchat/config.go, config/config.go at 68fb2d5):
// defaults, the global api_url/token/token_id fallbacks field by field, the global and entry
// `at most one of` checks, the loop's messages, and `<secret>` when marshalled.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { configsOf } from '#src/config/index.js'
import {
  ROCKETCHAT_CONFIG_SPEC,
  ROCKETCHAT_DEFAULT_API_URL,
  ROCKETCHAT_DEFAULTS,
} from '#src/notify/integrations/rocketchat/index.js'
import type { RocketchatConfig } from '#src/notify/integrations/rocketchat/index.js'

import { load, loadError } from '../../../config/helpers.js'

const receiver = (entry: string, global = '') =>
  `${global}route:\n  receiver: rc\nreceivers:\n- name: rc\n  rocketchat_configs:\n${entry}`

/** TOKENS are an entry's own token and token id, inline. */
const TOKENS = '    token: tok-s3cret\n    token_id: id-s3cret\n'

function entryOf(text: string): RocketchatConfig {
  const rcv = load(text).config.receivers.find((r) => r.name === 'rc')
  assert.ok(rcv !== undefined)
  const [entry] = configsOf(rcv, ROCKETCHAT_CONFIG_SPEC)
  assert.ok(entry !== undefined)
  return entry
}

describe('rocketchat_configs', () => {
  it('takes DefaultRocketchatConfig and the default api_url, with the global http_config', () => {
    const entry = entryOf(
      receiver(
        `  - channel: '#ops'\n${TOKENS}`,
        'global:\n  http_config:\n    follow_redirects: false\n'
      )
    )
    assert.equal(entry.send_resolved, false)
    assert.equal(entry.color, ROCKETCHAT_DEFAULTS.color)
    assert.equal(entry.emoji, ROCKETCHAT_DEFAULTS.emoji)
    assert.equal(entry.icon_url, ROCKETCHAT_DEFAULTS.icon_url)
    assert.equal(entry.text, ROCKETCHAT_DEFAULTS.text)
    assert.equal(entry.title, ROCKETCHAT_DEFAULTS.title)
    assert.equal(entry.title_link, ROCKETCHAT_DEFAULTS.title_link)
    assert.equal(entry.short_fields, false)
    assert.equal(entry.link_names, false)
    assert.equal(entry.api_url, ROCKETCHAT_DEFAULT_API_URL)
    assert.equal(entry.token, 'tok-s3cret')
    assert.equal(entry.token_id, 'id-s3cret')
    assert.equal(entry.channel, '#ops')
    assert.equal(entry.http_config.follow_redirects, false)
  })

  it('takes api_url, token and token_id from global', () => {
    const entry = entryOf(
      receiver(
        '  - channel: x\n',
        'global:\n  rocketchat_api_url: https://chat.example/\n  rocketchat_token: gt\n  rocketchat_token_id: gid\n'
      )
    )
    assert.equal(entry.api_url, 'https://chat.example/')
    assert.equal(entry.token, 'gt')
    assert.equal(entry.token_id, 'gid')
  })

  it('takes the token files from global', () => {
    const entry = entryOf(
      receiver(
        '  - channel: x\n',
        'global:\n  rocketchat_token_file: /t\n  rocketchat_token_id_file: /i\n'
      )
    )
    assert.equal(entry.token, undefined)
    assert.equal(entry.token_file, '/t')
    assert.equal(entry.token_id_file, '/i')
  })

  it("keeps the entry's own values over global ones", () => {
    const entry = entryOf(
      receiver(
        `  - api_url: https://own.example/x\n${TOKENS}`,
        'global:\n  rocketchat_api_url: https://chat.example/\n  rocketchat_token: gt\n  rocketchat_token_id: gid\n'
      )
    )
    assert.equal(entry.api_url, 'https://own.example/x')
    assert.equal(entry.token, 'tok-s3cret')
    assert.equal(entry.token_id, 'id-s3cret')
  })

  it('falls back field by field (cmp.Or), so an inline token may get the global file too', () => {
    const entry = entryOf(
      receiver(
        TOKENS.replace('    ', '  - '),
        'global:\n  rocketchat_token_file: /gt\n  rocketchat_token_id_file: /gi\n'
      )
    )
    assert.equal(entry.token, 'tok-s3cret')
    assert.equal(entry.token_file, '/gt')
    assert.equal(entry.token_id, 'id-s3cret')
    assert.equal(entry.token_id_file, '/gi')
  })

  it('reads fields and actions with the keys yaml.v2 derives from their Go names', () => {
    const entry = entryOf(
      receiver(
        `  - fields:\n    - title: t\n      value: v\n      short: true\n    - title: u\n    actions:\n    - text: Open\n      url: https://x.example/\n      msg: hi\n      iswebview: true\n${TOKENS}`
      )
    )
    assert.deepEqual(entry.fields, [{ title: 't', value: 'v', short: true }, { title: 'u' }])
    const [action] = entry.actions ?? []
    assert.ok(action !== undefined)
    assert.equal(action.text, 'Open')
    assert.equal(action.msg, 'hi')
    assert.equal(action.iswebview, true)
  })

  // [name, global, entry, Alertmanager's message]
  const refused: readonly (readonly [string, string, string, string])[] = [
    // Neither the entry nor global has a token id (checked before the token).
    [
      'no token id',
      '',
      '  - channel: x\n',
      'no global Rocketchat TokenID set either inline or in a file',
    ],
    // A token id but no token.
    [
      'no token',
      '',
      '  - token_id: i\n',
      'no global Rocketchat Token set either inline or in a file',
    ],
    // RocketchatConfig.UnmarshalYAML: token and its file.
    [
      'token and token_file',
      '',
      `  - token_file: /f\n${TOKENS}`,
      'at most one of token & token_file must be configured',
    ],
    // RocketchatConfig.UnmarshalYAML: token id and its file.
    [
      'token_id and token_id_file',
      '',
      `  - token_id_file: /f\n${TOKENS}`,
      'at most one of token_id & token_id_file must be configured',
    ],
    // The global pair, order 4.
    [
      'global rocketchat_token and its file',
      'global:\n  rocketchat_token: t\n  rocketchat_token_file: /f\n',
      `  - channel: x\n${TOKENS}`,
      'at most one of rocketchat_token & rocketchat_token_file must be configured',
    ],
    // The global pair, order 5.
    [
      'global rocketchat_token_id and its file',
      'global:\n  rocketchat_token_id: t\n  rocketchat_token_id_file: /f\n',
      `  - channel: x\n${TOKENS}`,
      'at most one of rocketchat_token_id & rocketchat_token_id_file must be configured',
    ],
    // amcommoncfg.URL refuses other schemes.
    [
      'a non-http api_url',
      '',
      `  - api_url: ftp://chat.example/\n${TOKENS}`,
      'unsupported scheme "ftp" for URL',
    ],
    // A field the struct does not have.
    ['an unknown field', '', `  - username: x\n${TOKENS}`, 'username'],
    // A key yaml.v2 does not derive from the action's Go names.
    [
      'a json-style action key',
      '',
      `  - actions:\n    - is_webview: true\n${TOKENS}`,
      'is_webview',
    ],
  ]
  for (const [name, global, entry, message] of refused) {
    it(`refuses ${name}`, () => {
      const err = loadError(receiver(entry, global))
      assert.ok(err.amMessage.includes(message), err.amMessage)
    })
  }

  it('the global pairs fail in Go order, after smtp', () => {
    const err = loadError(
      receiver(
        `  - channel: x\n${TOKENS}`,
        'global:\n  rocketchat_token_id: t\n  rocketchat_token_id_file: /f\n  rocketchat_token: t\n  rocketchat_token_file: /f\n  smtp_auth_password: p\n  smtp_auth_password_file: /p\n'
      )
    )
    assert.equal(
      err.amMessage,
      'at most one of smtp_auth_password & smtp_auth_password_file must be configured'
    )
  })

  it('marshals tokens as <secret>, the defaulted api_url, and every field of fields and actions', () => {
    const loaded = load(
      receiver(
        `  - fields:\n    - title: t\n    actions:\n    - text: Open\n${TOKENS}`,
        'global:\n  rocketchat_token: g-s3cret\n'
      )
    )
    assert.ok(!loaded.original.includes('s3cret'), loaded.original)
    assert.match(loaded.original, /\n {2}rocketchat_token: <secret>\n/)
    // The default is applied to the entry (cmp.Or), not shown in global.
    assert.ok(!loaded.original.includes('rocketchat_api_url'), loaded.original)
    const entry = loaded.original.slice(loaded.original.indexOf('rocketchat_configs:'))
    assert.equal(
      entry.slice(0, entry.indexOf('templates:')),
      [
        'rocketchat_configs:',
        '  - send_resolved: false',
        '    http_config:',
        '      follow_redirects: true',
        '      enable_http2: true',
        '    api_url: https://open.rocket.chat/',
        '    token_id: <secret>',
        '    token: <secret>',
        `    color: '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}'`,
        `    title: '{{ template "rocketchat.default.title" . }}'`,
        `    title_link: '{{ template "rocketchat.default.titlelink" . }}'`,
        `    text: '{{ template "rocketchat.default.text" . }}'`,
        '    fields:',
        '    - short: null',
        '      title: t',
        '      value: ""',
        '    short_fields: false',
        `    emoji: '{{ template "rocketchat.default.emoji" . }}'`,
        `    icon_url: '{{ template "rocketchat.default.iconurl" . }}'`,
        '    link_names: false',
        '    actions:',
        '    - type: ""',
        '      text: Open',
        '      url: ""',
        '      imageurl: ""',
        '      iswebview: false',
        '      webviewheightratio: ""',
        '      msg: ""',
        '      msginchatwindow: false',
        '      msgprocessingtype: ""',
        '',
      ].join('\n')
    )
  })

  it('leaves a 0.25 config without rocketchat_* globals', () => {
    const loaded = load('route:\n  receiver: a\nreceivers:\n- name: a\n')
    assert.ok(!loaded.original.includes('rocketchat'), loaded.original)
  })
})
