// mattermost_configs as newer Alertmanager's MattermostConfig.UnmarshalYAML, MattermostField.
// UnmarshalYAML and Config.UnmarshalYAML take it (notify/mattermost/config.go and
// config_test.go, config/config.go at 68fb2d5): defaults, the webhook URL or its file from the
// entry or from global, the messages, and `<secret>` when marshalled.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { configsOf } from '#src/config/index.js'
import {
  MATTERMOST_CONFIG_SPEC,
  MATTERMOST_DEFAULTS,
} from '#src/notify/integrations/mattermost/index.js'
import type { MattermostConfig } from '#src/notify/integrations/mattermost/index.js'

import { load, loadError } from '../../../config/helpers.js'

const receiver = (entry: string, global = '') =>
  `${global}route:\n  receiver: mm\nreceivers:\n- name: mm\n  mattermost_configs:\n${entry}`

/** indent turns a config_test.go YAML document into one list entry. */
const asEntry = (doc: string): string =>
  doc
    .trim()
    .split('\n')
    .map((line, i) => `${i === 0 ? '  - ' : '    '}${line}`)
    .join('\n') + '\n'

function entryOf(text: string): MattermostConfig {
  const rcv = load(text).config.receivers.find((r) => r.name === 'mm')
  assert.ok(rcv !== undefined)
  const [entry] = configsOf(rcv, MATTERMOST_CONFIG_SPEC)
  assert.ok(entry !== undefined)
  return entry
}

// TestMattermostField_UnmarshalYAML: [name, field YAML, expected error or undefined].
const FIELD_CASES: readonly (readonly [string, string, string | undefined])[] = [
  [
    'with title, value and short - it succeeds',
    'title: some title\nvalue: some value\nshort: true',
    undefined,
  ],
  ['with title and value - it succeeds', 'title: some title\nvalue: some value', undefined],
  [
    'with no value - it fails',
    'title: some title',
    'missing value in Mattermost field configuration',
  ],
  [
    'with no title - it fails',
    'value: some value',
    'missing title in Mattermost field configuration',
  ],
]

// TestMattermostConfig_UnmarshalYAML: [name, entry YAML, expected error or undefined].
const CONFIG_CASES: readonly (readonly [string, string, string | undefined])[] = [
  [
    'with url and text - it succeeds',
    'webhook_url: http://some.url\nchannel: some_channel\nusername: some_username\ntext: some text',
    undefined,
  ],
  [
    'with url_file, attachments and props - it succeeds',
    'webhook_url_file: /some/url.file\nchannel: some_channel\nusername: some_username\nattachments:\n- text: some text\nprops:\n  card: some text',
    undefined,
  ],
  [
    'with url and url_file - it fails',
    'webhook_url: http://some.url\nwebhook_url_file: /some/url.file\nchannel: some_channel\nusername: some_username\nattachments:\n- text: some text',
    'at most one of webhook_url & webhook_url_file must be configured',
  ],
  [
    'with text and attachments - it succeeds',
    'webhook_url: http://some.url\nchannel: some_channel\nusername: some_username\ntext: some text\nattachments:\n- text: some text',
    undefined,
  ],
]

describe('TestMattermostField_UnmarshalYAML', () => {
  for (const [name, field, message] of FIELD_CASES) {
    it(name, () => {
      const fields = `fields:\n${field
        .split('\n')
        .map((l, i) => `${i === 0 ? '- ' : '  '}${l}`)
        .join('\n')}`
      const text = receiver(asEntry(`webhook_url: http://some.url\n${fields}`))
      if (message === undefined) {
        assert.equal(entryOf(text).fields?.length, 1)
      } else {
        assert.equal(loadError(text).amMessage, message)
      }
    })
  }
})

describe('TestMattermostConfig_UnmarshalYAML', () => {
  for (const [name, doc, message] of CONFIG_CASES) {
    it(name, () => {
      const text = receiver(asEntry(doc))
      if (message === undefined) {
        assert.equal(entryOf(text).channel, 'some_channel')
      } else {
        assert.equal(loadError(text).amMessage, message)
      }
    })
  }
})

describe('mattermost_configs', () => {
  it('takes DefaultMattermostConfig and the global http_config', () => {
    const entry = entryOf(
      receiver(
        "  - webhook_url: 'https://mm.example/hooks/abc'\n",
        'global:\n  http_config:\n    follow_redirects: false\n'
      )
    )
    assert.equal(entry.send_resolved, true)
    assert.equal(entry.username, MATTERMOST_DEFAULTS.username)
    assert.equal(entry.color, MATTERMOST_DEFAULTS.color)
    assert.equal(entry.text, MATTERMOST_DEFAULTS.text)
    assert.equal(entry.title, MATTERMOST_DEFAULTS.title)
    assert.equal(entry.title_link, MATTERMOST_DEFAULTS.title_link)
    assert.equal(entry.fallback, MATTERMOST_DEFAULTS.fallback)
    assert.equal(entry.webhook_url, 'https://mm.example/hooks/abc')
    assert.equal(entry.http_config.follow_redirects, false)
  })

  it('takes the global webhook URL, or its file, when the entry has neither', () => {
    const url = entryOf(
      receiver('  - channel: x\n', "global:\n  mattermost_webhook_url: 'https://mm.example/g'\n")
    )
    assert.equal(url.webhook_url, 'https://mm.example/g')
    const file = entryOf(
      receiver('  - channel: x\n', 'global:\n  mattermost_webhook_url_file: /etc/mm\n')
    )
    assert.equal(file.webhook_url_file, '/etc/mm')
    assert.equal(file.webhook_url, undefined)
  })

  it("keeps the entry's file over a global URL (the pair moves together)", () => {
    const entry = entryOf(
      receiver(
        '  - webhook_url_file: /own\n',
        "global:\n  mattermost_webhook_url: 'https://mm.example/g'\n"
      )
    )
    assert.equal(entry.webhook_url_file, '/own')
    assert.equal(entry.webhook_url, undefined)
  })

  const refused: readonly (readonly [string, string, string, string])[] = [
    // Neither the entry nor global has a URL.
    [
      'no URL anywhere',
      '',
      '  - channel: x\n',
      'missing webhook_url or webhook_url_file on mattermost_config',
    ],
    // The global pair, order 6.
    [
      'global URL and file',
      "global:\n  mattermost_webhook_url: 'https://mm.example/g'\n  mattermost_webhook_url_file: /f\n",
      '  - channel: x\n',
      'at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured',
    ],
    // SecretURL refuses other schemes.
    [
      'a non-http URL',
      '',
      "  - webhook_url: 'ftp://mm.example/a'\n",
      'unsupported scheme "ftp" for URL',
    ],
    // A field the struct does not have.
    [
      'an unknown field',
      '',
      "  - webhook_url: 'https://mm.example/a'\n    mrkdwn_in: [text]\n",
      'mrkdwn_in',
    ],
    // A priority key the struct does not have.
    [
      'an unknown priority key',
      '',
      "  - webhook_url: 'https://mm.example/a'\n    priority:\n      level: urgent\n",
      'level',
    ],
  ]
  for (const [name, global, entry, message] of refused) {
    it(`refuses ${name}`, () => {
      const err = loadError(receiver(entry, global))
      assert.ok(err.amMessage.includes(message), err.amMessage)
    })
  }

  it('marshals the URLs as <secret>, nested structs in Go order', () => {
    const loaded = load(
      receiver(
        "  - webhook_url: 'https://mm.example/hooks/s3cret'\n    priority:\n      priority: urgent\n      requested_ack: true\n    props:\n      card: c\n    fields:\n    - title: t\n      value: v\n",
        "global:\n  mattermost_webhook_url: 'https://mm.example/hooks/g-s3cret'\n"
      )
    )
    assert.ok(!loaded.original.includes('s3cret'), loaded.original)
    assert.match(loaded.original, /\n {2}mattermost_webhook_url: <secret>\n/)
    const entry = loaded.original.slice(loaded.original.indexOf('mattermost_configs:'))
    assert.equal(
      entry.slice(0, entry.indexOf('templates:')),
      [
        'mattermost_configs:',
        '  - send_resolved: true',
        '    http_config:',
        '      follow_redirects: true',
        '      enable_http2: true',
        '    webhook_url: <secret>',
        `    username: '{{ template "mattermost.default.username" . }}'`,
        `    text: '{{ template "mattermost.default.text" . }}'`,
        `    fallback: '{{ template "mattermost.default.fallback" . }}'`,
        `    color: '{{ template "mattermost.default.color" . }}'`,
        `    title: '{{ template "mattermost.default.title" . }}'`,
        `    title_link: '{{ template "mattermost.default.titlelink" . }}'`,
        '    fields:',
        '    - title: t',
        '      value: v',
        '    props:',
        '      card: c',
        '    priority:',
        '      priority: urgent',
        '      requested_ack: true',
        '',
      ].join('\n')
    )
  })

  it('leaves a 0.25 config without mattermost_* globals', () => {
    const loaded = load('route:\n  receiver: a\nreceivers:\n- name: a\n')
    assert.ok(!loaded.original.includes('mattermost'), loaded.original)
  })
})
