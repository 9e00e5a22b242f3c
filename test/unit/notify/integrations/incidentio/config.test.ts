// incidentio_configs as newer Alertmanager's IncidentioConfig.UnmarshalYAML and
// Config.UnmarshalYAML take it (notify/incidentio/config.go, config/config.go at 68fb2d5):
// defaults, url or url_file, the token or its file against http_config.authorization,
// max_alerts, timeout, the global http_config, and the marshalled form with `<secret>`.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { configsOf } from '#src/config/index.js'
import type { LoadedConfig } from '#src/config/index.js'
import type { IncidentioConfig } from '#src/notify/integrations/incidentio/index.js'
import {
  INCIDENTIO_CONFIG_SPEC,
  INCIDENTIO_DEFAULTS,
} from '#src/notify/integrations/incidentio/index.js'

import { load, loadError } from '../../../config/helpers.js'

const receiver = (entry: string, global = '') =>
  `${global}route:\n  receiver: io\nreceivers:\n- name: io\n  incidentio_configs:\n${entry}`

const URL_ENTRY = '  - url: https://api.incident.io/v2/alert_events/http/01ABC\n'

function entryOf(loaded: LoadedConfig): IncidentioConfig {
  const rcv = loaded.config.receivers.find((r) => r.name === 'io')
  assert.ok(rcv !== undefined)
  const [entry] = configsOf(rcv, INCIDENTIO_CONFIG_SPEC)
  assert.ok(entry !== undefined)
  return entry
}

/** shown is the receivers part of `config.original`, as /api/v2/status shows it. */
function shown(loaded: LoadedConfig): string {
  const start = loaded.original.indexOf('receivers:\n')
  return loaded.original.slice(start, loaded.original.indexOf('templates:', start))
}

describe('incidentio_configs', () => {
  it('takes the defaults, and the global http_config as a whole', () => {
    const entry = entryOf(
      load(
        receiver(
          `${URL_ENTRY}    alert_source_token: tok\n`,
          'global:\n  http_config:\n    follow_redirects: false\n'
        )
      )
    )
    assert.equal(entry.send_resolved, INCIDENTIO_DEFAULTS.send_resolved)
    assert.equal(entry.url, 'https://api.incident.io/v2/alert_events/http/01ABC')
    assert.equal(entry.alert_source_token, 'tok')
    assert.equal(entry.max_alerts, 0)
    assert.equal(entry.timeout, 0)
    assert.equal(entry.http_config.follow_redirects, false)
  })

  it('reads max_alerts and a Go duration for timeout', () => {
    const entry = entryOf(load(receiver(`${URL_ENTRY}    max_alerts: 3\n    timeout: 1m30s\n`)))
    assert.equal(entry.max_alerts, 3)
    assert.equal(entry.timeout, 90_000)
  })

  // timeout is a plain time.Duration: yaml.v2 takes ParseDuration text, or a YAML number as
  // nanoseconds (cut to an integer), and marshals Duration.String().
  const durations: readonly (readonly [string, number, string])[] = [
    ['1h2m3.5s', 3_723_500, '1h2m3.5s'],
    ['2µs', 0.002, '2µs'],
    ["'0'", 0, '0s'],
    ['10', 0.00001, '10ns'],
    ['1.5', 0.000001, '1ns'],
    ['1e9', 1000, '1s'],
    ['', 0, '0s'],
  ]
  for (const [text, ms, shownAs] of durations) {
    it(`reads timeout ${JSON.stringify(text)} as yaml.v2 does`, () => {
      const loaded = load(receiver(`${URL_ENTRY}    timeout: ${text}\n`))
      assert.equal(entryOf(loaded).timeout, ms)
      assert.ok(shown(loaded).includes(`    timeout: ${shownAs}\n`), shown(loaded))
    })
  }

  it('needs no token when the entry has no http_config of its own', () => {
    // UnmarshalYAML sees no http_config, so none of its token checks apply; the loop then
    // gives the entry the global http_config.
    const entry = entryOf(load(receiver('  - url_file: /etc/incidentio-url\n')))
    assert.equal(entry.url_file, '/etc/incidentio-url')
    assert.equal(entry.url, undefined)
  })

  it('accepts an http_config authorization instead of a token, bearer_token included', () => {
    const withAuth = entryOf(
      load(receiver(`${URL_ENTRY}    http_config:\n      authorization:\n        credentials: c\n`))
    )
    assert.equal(withAuth.http_config.authorization?.credentials, 'c')
    // Validate() turns bearer_token into an authorization before UnmarshalYAML checks.
    const bearer = entryOf(load(receiver(`${URL_ENTRY}    http_config:\n      bearer_token: b\n`)))
    assert.equal(bearer.http_config.authorization?.credentials, 'b')
  })

  // [name, entry, Alertmanager's message]
  const refused: readonly (readonly [string, string, string])[] = [
    // Neither url nor url_file.
    ['no URL', '  - alert_source_token: t\n', 'one of url or url_file must be configured'],
    // Both.
    [
      'both url and url_file',
      '  - url: https://x.example/a\n    url_file: /f\n',
      'at most one of url & url_file must be configured',
    ],
    // Both token fields.
    [
      'both token and token file',
      `${URL_ENTRY}    alert_source_token: t\n    alert_source_token_file: /t\n`,
      'at most one of alert_source_token & alert_source_token_file must be configured',
    ],
    // A token with an http_config authorization.
    [
      'a token with an http_config authorization',
      `${URL_ENTRY}    alert_source_token: t\n    http_config:\n      authorization:\n        credentials: c\n`,
      'cannot specify alert_source_token or alert_source_token_file when using http_config.authorization',
    ],
    // A token file with an authorization that came from bearer_token.
    [
      'a token file with an http_config bearer_token',
      `${URL_ENTRY}    alert_source_token_file: /t\n    http_config:\n      bearer_token: b\n`,
      'cannot specify alert_source_token or alert_source_token_file when using http_config.authorization',
    ],
    // An http_config of its own, but nothing to authenticate with.
    [
      'an http_config without authorization and no token',
      `${URL_ENTRY}    http_config:\n      follow_redirects: false\n`,
      'at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured',
    ],
    // basic_auth is not an authorization.
    [
      'an http_config with basic_auth only',
      `${URL_ENTRY}    http_config:\n      basic_auth:\n        username: u\n`,
      'at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured',
    ],
    // amcommoncfg.ParseURL: http or https.
    ['a non-http URL', '  - url: ftp://x.example/a\n', 'unsupported scheme "ftp" for URL'],
    // amcommoncfg.ParseURL: a host.
    ['a URL without host', '  - url: https:///a\n', 'missing host for URL'],
    // max_alerts is a uint64.
    [
      'a negative max_alerts',
      `${URL_ENTRY}    max_alerts: -1\n`,
      'cannot unmarshal !!int `-1` into uint64',
    ],
    // Text time.ParseDuration refuses is a yaml.v2 type error.
    [
      'a timeout without unit',
      `${URL_ENTRY}    timeout: abc\n`,
      'line 7: cannot unmarshal !!str `abc` into time.Duration',
    ],
    // A quoted number is text, and needs a unit.
    [
      'a quoted timeout without unit',
      `${URL_ENTRY}    timeout: '10'\n`,
      'cannot unmarshal !!str `10` into time.Duration',
    ],
    // Neither text nor a number.
    [
      'a boolean timeout',
      `${URL_ENTRY}    timeout: true\n`,
      'cannot unmarshal !!bool `true` into time.Duration',
    ],
    // An empty text.
    [
      'an empty timeout',
      `${URL_ENTRY}    timeout: ""\n`,
      'cannot unmarshal !!str `` into time.Duration',
    ],
    // A field the struct does not have.
    ['an unknown field', `${URL_ENTRY}    priority: P1\n`, 'field priority not found'],
  ]
  for (const [name, entry, message] of refused) {
    it(`refuses ${name}`, () => {
      const err = loadError(receiver(entry))
      assert.ok(err.amMessage.includes(message), err.amMessage)
    })
  }

  it('names the Go type when the entry is not a mapping', () => {
    assert.match(loadError(receiver('  - 3\n')).amMessage, /into incidentio\.plain/)
  })

  it('marshals every field without omitempty, the token as <secret>, the URL in clear', () => {
    const loaded = load(receiver(`${URL_ENTRY}    alert_source_token: s3cr3t\n    timeout: 90s\n`))
    assert.ok(!loaded.original.includes('s3cr3t'), loaded.original)
    assert.equal(
      shown(loaded),
      [
        'receivers:',
        '- name: io',
        '  incidentio_configs:',
        '  - send_resolved: true',
        '    http_config:',
        '      follow_redirects: true',
        '      enable_http2: true',
        '    url: https://api.incident.io/v2/alert_events/http/01ABC',
        '    url_file: ""',
        '    alert_source_token: <secret>',
        '    max_alerts: 0',
        '    timeout: 1m30s',
        '',
      ].join('\n')
    )
  })

  it('marshals an unset url as null and the token file as it is', () => {
    const loaded = load(receiver('  - url_file: /u\n    alert_source_token_file: /t\n'))
    assert.match(
      shown(loaded),
      / {4}url: null\n {4}url_file: \/u\n {4}alert_source_token_file: \/t\n {4}max_alerts: 0\n {4}timeout: 0s\n/
    )
  })
})
