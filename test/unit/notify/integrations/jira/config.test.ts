// jira_configs as newer Alertmanager's JiraConfig.UnmarshalYAML and Config.UnmarshalYAML take
// it (notify/jira/config.go, config/config.go at 68fb2d5): defaults, the string or object form
// of summary and description, custom fields of any shape, the global jira_api_url and
// http_config, each validation message, and `<secret>` for http_config's secrets when
// marshalled.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { LoadedConfig } from '#src/config/index.js'
import { configsOf } from '#src/config/index.js'
import { JIRA_CONFIG_SPEC, JIRA_DEFAULTS } from '#src/notify/integrations/jira/index.js'
import type { JiraConfig } from '#src/notify/integrations/jira/index.js'

import { load, loadError } from '../../../config/helpers.js'

const receiver = (entry: string, global = '') =>
  `${global}route:\n  receiver: j\nreceivers:\n- name: j\n  jira_configs:\n${entry}`

const GLOBAL_URL = 'global:\n  jira_api_url: https://example.atlassian.net/rest/api/2\n'

function entryOf(loaded: LoadedConfig): JiraConfig {
  const rcv = loaded.config.receivers.find((r) => r.name === 'j')
  assert.ok(rcv !== undefined)
  const [entry] = configsOf(rcv, JIRA_CONFIG_SPEC)
  assert.ok(entry !== undefined)
  return entry
}

describe('jira_configs', () => {
  it('takes DefaultJiraConfig, the global URL and the global http_config as a whole', () => {
    const entry = entryOf(
      load(
        receiver(
          '  - project: OPS\n    issue_type: Bug\n',
          `${GLOBAL_URL}  http_config:\n    follow_redirects: false\n`
        )
      )
    )
    assert.equal(entry.send_resolved, true)
    assert.equal(entry.api_type, JIRA_DEFAULTS.api_type)
    assert.deepEqual(entry.summary, { template: JIRA_DEFAULTS.summary })
    assert.deepEqual(entry.description, { template: JIRA_DEFAULTS.description })
    assert.equal(entry.priority, JIRA_DEFAULTS.priority)
    assert.equal(entry.api_url, 'https://example.atlassian.net/rest/api/2')
    assert.equal(entry.http_config.follow_redirects, false)
    assert.equal(entry.labels, undefined)
    assert.equal(entry.fields, undefined)
    assert.equal(entry.reopen_duration, undefined)
  })

  it('keeps its own api_url and http_config over the global ones', () => {
    const entry = entryOf(
      load(
        receiver(
          '  - api_url: https://jira.example.com/rest/api/2\n    project: OPS\n    issue_type: Bug\n' +
            '    http_config:\n      bearer_token: t0k\n',
          `${GLOBAL_URL}  http_config:\n    follow_redirects: false\n`
        )
      )
    )
    assert.equal(entry.api_url, 'https://jira.example.com/rest/api/2')
    assert.equal(entry.http_config.follow_redirects, true)
  })

  it('reads summary and description as a template string or as {template, enable_update}', () => {
    const entry = entryOf(
      load(
        receiver(
          "  - project: OPS\n    issue_type: Bug\n    summary: '{{ .Status }}'\n" +
            '    description:\n      enable_update: false\n',
          GLOBAL_URL
        )
      )
    )
    assert.deepEqual(entry.summary, { template: '{{ .Status }}' })
    // The object form decodes into the defaults, so the default template stays.
    assert.deepEqual(entry.description, {
      template: JIRA_DEFAULTS.description,
      enable_update: false,
    })
  })

  it('keeps custom fields of any shape, the reopen settings and labels', () => {
    const entry = entryOf(
      load(
        receiver(
          '  - project: OPS\n    issue_type: Bug\n    labels: [a, "{{ .GroupLabels.x }}"]\n' +
            '    reopen_transition: REOPEN\n    resolve_transition: CLOSE\n' +
            '    wont_fix_resolution: "Won\'t Do"\n    reopen_duration: 1h\n    api_type: cloud\n' +
            '    fields:\n      components: {name: Monitoring}\n      customfield_10001: "{{ .Status }}"\n' +
            '      customfield_10002: 0\n      customfield_10003: [0, yes, ~]\n',
          GLOBAL_URL
        )
      )
    )
    assert.deepEqual(entry.labels, ['a', '{{ .GroupLabels.x }}'])
    assert.equal(entry.reopen_transition, 'REOPEN')
    assert.equal(entry.resolve_transition, 'CLOSE')
    assert.equal(entry.wont_fix_resolution, "Won't Do")
    assert.equal(entry.reopen_duration, 3_600_000)
    assert.equal(entry.api_type, 'cloud')
    assert.deepEqual(entry.fields, {
      components: { name: 'Monitoring' },
      customfield_10001: '{{ .Status }}',
      customfield_10002: 0,
      customfield_10003: [0, true, null],
    })
  })

  const refused: readonly (readonly [string, string, string, string?])[] = [
    // JiraConfig.UnmarshalYAML: no project.
    ['no project', '  - issue_type: Bug\n', 'missing project in jira_config'],
    // No issue type.
    ['no issue_type', '  - project: OPS\n', 'missing issue_type in jira_config'],
    // An api_type it does not know; '' too.
    [
      'an unknown api_type',
      '  - project: OPS\n    issue_type: Bug\n    api_type: server\n',
      'unknown api_type on jira_config, must be auto, cloud or datacenter',
    ],
    [
      'an empty api_type',
      "  - project: OPS\n    issue_type: Bug\n    api_type: ''\n",
      'unknown api_type on jira_config, must be auto, cloud or datacenter',
    ],
    // Config.UnmarshalYAML: neither api_url nor the global jira_api_url.
    [
      'no URL at all',
      '  - project: OPS\n    issue_type: Bug\n',
      'no global Jira Cloud URL set',
      '',
    ],
    // config.URL refuses a non-http URL.
    [
      'a non-http api_url',
      '  - api_url: ftp://jira/x\n    project: OPS\n    issue_type: Bug\n',
      'unsupported scheme "ftp" for URL',
    ],
    // JiraFieldConfig: neither a string nor the struct.
    [
      'a list as summary',
      '  - project: OPS\n    issue_type: Bug\n    summary: [a]\n',
      'cannot unmarshal !!seq into jira.plain',
    ],
    // The struct form is strict.
    [
      'an unknown key in description',
      '  - project: OPS\n    issue_type: Bug\n    description: {text: a}\n',
      'field text not found in type jira.plain',
    ],
    // fields is a map.
    [
      'a list as fields',
      '  - project: OPS\n    issue_type: Bug\n    fields: [a]\n',
      'cannot unmarshal !!seq into map[string]interface {}',
    ],
    // An unknown key.
    ['an unknown field', '  - project: OPS\n    issue_type: Bug\n    board: x\n', 'board'],
  ]
  for (const [name, entry, message, global = GLOBAL_URL] of refused) {
    it(`refuses ${name}`, () => {
      const err = loadError(receiver(entry, global))
      assert.ok(err.amMessage.includes(message), err.amMessage)
    })
  }

  it('marshals as Go does: jira_api_url first in global, fields sorted, secrets hidden', () => {
    const loaded = load(
      receiver(
        '  - project: OPS\n    issue_type: Bug\n    summary: s\n' +
          '    http_config:\n      basic_auth: {username: u, password: s3cr3t}\n' +
          '    fields:\n      z: 1\n      customfield_2: b\n      customfield_10: [x, 1.5]\n',
        `${GLOBAL_URL}  smtp_from: am@example.com\n`
      )
    )
    assert.ok(!loaded.original.includes('s3cr3t'), loaded.original)
    assert.match(
      loaded.original,
      /^global:\n {2}resolve_timeout: 5m\n {2}http_config:\n(?: {4}.*\n)+ {2}jira_api_url: https:\/\/example\.atlassian\.net\/rest\/api\/2\n {2}smtp_from: am@example\.com\n/
    )
    const jira = loaded.original.slice(loaded.original.indexOf('  jira_configs:'))
    assert.equal(
      jira.slice(0, jira.indexOf('templates:')),
      [
        '  jira_configs:',
        '  - send_resolved: true',
        '    http_config:',
        '      basic_auth:',
        '        username: u',
        '        password: <secret>',
        '      follow_redirects: true',
        '      enable_http2: true',
        '    api_url: https://example.atlassian.net/rest/api/2',
        '    api_type: auto',
        '    project: OPS',
        '    summary:',
        '      template: s',
        '    description:',
        `      template: '${JIRA_DEFAULTS.description}'`,
        `    priority: '${JIRA_DEFAULTS.priority}'`,
        '    issue_type: Bug',
        '    fields:',
        // yaml.v2 orders map keys with digit runs compared as numbers.
        '      customfield_2: b',
        '      customfield_10:',
        '      - x',
        '      - 1.5',
        '      z: 1',
        '',
      ].join('\n')
    )
  })

  it('leaves a newer-only global out of configs without it', () => {
    const loaded = load(
      receiver("  - api_url: 'https://j.example/rest/api/2'\n    project: P\n    issue_type: B\n")
    )
    assert.ok(!loaded.original.includes('jira_api_url'), loaded.original)
  })
})
