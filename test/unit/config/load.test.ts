import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import {
  ConfigError,
  configHash,
  formatPath,
  loadConfig,
  loadConfigFile,
} from '#src/config/index.js'
import type { WebhookConfig } from '#src/notify/integrations/webhook/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

import { FIXTURES, R, checkRows, fixture, load, loadError } from './helpers.js'

describe('loadConfig refuses what Alertmanager 0.25 refuses, with its messages (spec 2.9)', () => {
  checkRows({
    // Go's Load checks for a nil route before anything else when the document is empty.
    'an empty file': ['', 'no route provided in config', undefined, undefined],
    // Comments only is still an empty document.
    'only comments': ['# nothing here\n', 'no route provided in config', undefined, undefined],
    // A document with content but no route fails inside Config.UnmarshalYAML instead.
    'no route': [R, 'no routes provided', '', undefined],
    // Global mutually exclusive pairs are the first top-level check.
    'slack_api_url and slack_api_url_file': [
      'global:\n  slack_api_url: http://x/\n  slack_api_url_file: /f\nroute:\n  receiver: a\n' + R,
      'at most one of slack_api_url & slack_api_url_file must be configured',
      'global.slack_api_url_file',
      3,
    ],
    // Same rule for the SMTP password.
    'smtp_auth_password and its file': [
      'global:\n  smtp_auth_password: k\n  smtp_auth_password_file: /f\nroute:\n  receiver: a\n' +
        R,
      'at most one of smtp_auth_password & smtp_auth_password_file must be configured',
      'global.smtp_auth_password_file',
      3,
    ],
    // Receiver names are unique.
    'a duplicate receiver': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n- name: a\n',
      'notification config name "a" is not unique',
      'receivers[1].name',
      5,
    ],
    // A receiver needs a name (checked when the receiver is decoded).
    'a receiver without name': [
      'route:\n  receiver: a\nreceivers:\n- webhook_configs: []\n',
      'missing name in receiver',
      'receivers[0]',
      4,
    ],
    // The root route is the fallback and needs a receiver.
    'a root route without receiver': [
      'route:\n  group_by: [a]\n' + R,
      'root route must specify a default receiver',
      'route',
      1,
    ],
    // The root route matches everything.
    'root route matchers': [
      "route:\n  receiver: a\n  matchers: ['a=b']\n" + R,
      'root route must not have any matchers',
      'route.matchers',
      3,
    ],
    // Deprecated match counts as matchers too.
    'a root route match': [
      'route:\n  receiver: a\n  match: {a: b}\n' + R,
      'root route must not have any matchers',
      'route.match',
      3,
    ],
    // The root route cannot be muted...
    'root mute intervals': [
      'route:\n  receiver: a\n  mute_time_intervals: [x]\n' + R,
      'root route must not have any mute time intervals',
      'route.mute_time_intervals',
      3,
    ],
    // ...nor restricted to active intervals.
    'root active intervals': [
      'route:\n  receiver: a\n  active_time_intervals: [x]\n' + R,
      'root route must not have any active time intervals',
      'route.active_time_intervals',
      3,
    ],
    // continue in the root is checked last, by Load.
    'continue in the root route': [
      'route:\n  receiver: a\n  continue: true\n' + R,
      'cannot have continue in root route',
      'route.continue',
      3,
    ],
    // Every receiver a route names must exist.
    'an undefined receiver': [
      'route:\n  receiver: a\n  routes:\n  - receiver: nope\n' + R,
      'undefined receiver "nope" used in route',
      'route.routes[0].receiver',
      4,
    ],
    // Every time interval a route names must exist (active intervals are checked first).
    'an undefined time interval': [
      'route:\n  receiver: a\n  routes:\n  - receiver: a\n    active_time_intervals: [y]\n    mute_time_intervals: [x]\n' +
        R,
      'undefined time interval "y" used in route',
      'route.routes[0].active_time_intervals[0]',
      5,
    ],
    // Interval names are unique...
    'a duplicate time interval': [
      'route:\n  receiver: a\n' +
        R +
        'time_intervals:\n- name: x\n  time_intervals: []\n- name: x\n  time_intervals: []\n',
      'time interval "x" is not unique',
      'time_intervals[1].name',
      8,
    ],
    // ...across the deprecated list as well: mute_time_intervals are read first.
    'a name in both interval lists': [
      'route:\n  receiver: a\n' +
        R +
        'mute_time_intervals:\n- name: x\n  time_intervals: []\ntime_intervals:\n- name: x\n  time_intervals: []\n',
      'time interval "x" is not unique',
      'time_intervals[0].name',
      9,
    ],
    // group_by: the wildcard stands alone (Alertmanager's "other other" typo included).
    'a wildcard group_by with labels': [
      "route:\n  receiver: a\n  group_by: ['...', a]\n" + R,
      'cannot have wildcard group_by (`...`) and other other labels at the same time',
      // A route's own check points at its `route:` key.
      'route',
      1,
    ],
    // group_by labels are unique.
    'a duplicated group_by label': [
      'route:\n  receiver: a\n  group_by: [a, a]\n' + R,
      'duplicated label "a" in group_by',
      // A route's own check points at its `route:` key.
      'route',
      1,
    ],
    // group_by labels are valid label names.
    'an invalid group_by label': [
      'route:\n  receiver: a\n  group_by: [a-b]\n' + R,
      'invalid label name "a-b" in group_by list',
      // A route's own check points at its `route:` key.
      'route',
      1,
    ],
    // A zero group_interval would flush continuously.
    'a zero group_interval': [
      'route:\n  receiver: a\n  group_interval: 0\n' + R,
      'group_interval cannot be zero',
      // A route's own check points at its `route:` key.
      'route',
      1,
    ],
    // Same for repeat_interval, in a child route.
    'a zero repeat_interval': [
      'route:\n  receiver: a\n  routes:\n  - repeat_interval: 0s\n' + R,
      'repeat_interval cannot be zero',
      'route.routes[0]',
      4,
    ],
    // A matcher string that does not parse.
    'a bad matcher': [
      "route:\n  receiver: a\n  routes:\n  - matchers: ['foo']\n" + R,
      'bad matcher format: foo',
      'route.routes[0].matchers',
      4,
    ],
    // match_re values are Go regexps, anchored.
    'a bad match_re regexp': [
      "route:\n  receiver: a\n  routes:\n  - match_re: {a: '('}\n" + R,
      'error parsing regexp: missing closing ): `^(?:()$`',
      'route.routes[0].match_re.a',
      4,
    ],
    // match keys are label names.
    'an invalid match label': [
      'route:\n  receiver: a\n  routes:\n  - match: {a-b: c}\n' + R,
      'invalid label name "a-b"',
      'route.routes[0]',
      4,
    ],
    // source_match keys too.
    'an invalid source_match label': [
      'route:\n  receiver: a\ninhibit_rules:\n- source_match: {a-b: c}\n' + R,
      'invalid label name "a-b"',
      'inhibit_rules[0]',
      4,
    ],
    // target_match keys too.
    'an invalid target_match label': [
      'route:\n  receiver: a\ninhibit_rules:\n- target_match: {a-b: c}\n' + R,
      'invalid label name "a-b"',
      'inhibit_rules[0]',
      4,
    ],
    // equal entries are model.LabelName, validated as they decode.
    'an invalid equal label': [
      'route:\n  receiver: a\ninhibit_rules:\n- equal: [a-b]\n' + R,
      '"a-b" is not a valid label name',
      'inhibit_rules[0].equal[0]',
      4,
    ],
    // A duration with an unknown unit (the example of the brief).
    'a bad duration': [
      'route:\n  receiver: a\n  routes:\n  - receiver: a\n  - receiver: a\n  - group_wait: 5x\n' +
        R,
      'not a valid duration string: "5x"',
      'route.routes[2].group_wait',
      6,
    ],
    // The webhook URL is required.
    'a webhook without url': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - send_resolved: false\n',
      'missing URL in webhook config',
      'receivers[0].webhook_configs[0]',
      6,
    ],
    // url_file arrived in 0.26: 0.25's strict decoder does not know it.
    'a webhook url_file': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url_file: /x\n',
      'yaml: unmarshal errors:\n  line 6: field url_file not found in type config.plain',
      'receivers[0].webhook_configs[0].url_file',
      6,
    ],
    // user_key_file and token_file arrived in 0.26 too (amtool 0.25 says the same).
    'a pushover token_file': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  pushover_configs:\n  - user_key: u\n    token: t\n    token_file: /x\n',
      'yaml: unmarshal errors:\n  line 8: field token_file not found in type config.plain',
      'receivers[0].pushover_configs[0].token_file',
      8,
    ],
    // Only http and https URLs.
    'an ftp url': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: ftp://x/\n',
      'unsupported scheme "ftp" for URL',
      'receivers[0].webhook_configs[0].url',
      6,
    ],
    // A URL needs a host.
    'a url without host': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http:///x\n',
      'missing host for URL',
      'receivers[0].webhook_configs[0].url',
      6,
    ],
    // Go's url.Parse errors come through verbatim.
    'an unparsable url': [
      "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: 'http://a b/'\n",
      'parse "http://a b/": invalid character " " in host name',
      'receivers[0].webhook_configs[0].url',
      6,
    ],
    // Email needs a recipient.
    'an email without to': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - from: x\n',
      'missing to address in email config',
      'receivers[0].email_configs[0]',
      6,
    ],
    // Email falls back to the global smarthost, which must then exist.
    'an email without any smarthost': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: x\n',
      'no global SMTP smarthost set',
      'receivers[0].email_configs[0]',
      6,
    ],
    // Slack falls back to the global URL, which must then exist.
    'a slack config without any URL': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n  - channel: x\n',
      'no global Slack API URL set either inline or in a file',
      'receivers[0].slack_configs[0]',
      6,
    ],
    // PagerDuty needs a key.
    'a pagerduty config without key': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  pagerduty_configs:\n  - url: http://x/\n',
      'missing service or routing key in PagerDuty config',
      'receivers[0].pagerduty_configs[0]',
      6,
    ],
  })
})

describe('loadConfig decodes YAML as yaml.v2 does', () => {
  it('gives string fields the source text of YAML 1.1 scalars', () => {
    const { config } = load(
      'route:\n  receiver: a\n  routes:\n  - receiver: a\n    match: {code: 1.0, oct: 010, yes: yes, hex: 0x1F, n: ~}\n' +
        R
    )
    const values = Object.fromEntries(
      config.route.routes[0]?.matchers.map((m) => [m.name, m.value]) ?? []
    )
    // 1.0 stays "1.0" (not 1), 010 stays "010", the key `yes` and value `yes` stay text,
    // and null is the empty string.
    assert.deepEqual(values, { code: '1.0', oct: '010', yes: 'yes', hex: '0x1F', n: '' })
  })

  it('resolves YAML 1.1 booleans and integers for typed fields', () => {
    const { config } = load(
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    send_resolved: off\n    max_alerts: 0x10\n'
    )
    const hook = config.receivers[0]?.integrations['webhook']?.[0] as WebhookConfig | undefined
    assert.equal(hook?.send_resolved, false)
    assert.equal(hook.max_alerts, 16)
  })

  it('applies merge keys, overriding earlier scalars and appending matchers like yaml.v2', () => {
    const { config } = load(fixture('conf.good.yml'))
    const [, slow, slower] = config.route.routes
    assert.equal(slow?.group_wait, 90_000)
    // The merged route keeps the anchor's matcher and appends its own (config.Matchers appends).
    assert.deepEqual(slower?.matchers.map(String), ['tier="slow"', 'tier="slower"'])
    assert.equal(slower.group_wait, 180_000)
    assert.equal(slower.continue, true)
  })

  it('unions merged maps and refuses a key set twice through a merge', () => {
    const text =
      'route:\n  receiver: a\n  routes:\n  - &r\n    receiver: a\n    match: {x: y}\n  - <<: *r\n    match: {x: z}\n' +
      R
    const err = loadError(text)
    assert.equal(err.amMessage, 'yaml: unmarshal errors:\n  line 8: key "x" already set in map')
  })

  it('shares anchored scalars and sequences through aliases', () => {
    const { config } = load(
      'route:\n  receiver: &n a\n  routes:\n  - receiver: *n\n    group_by: &g [x, y]\n  - receiver: *n\n    group_by: *g\nreceivers:\n- name: *n\n'
    )
    assert.deepEqual(config.route.routes[1]?.group_by, ['x', 'y'])
  })
})

describe('ConfigError', () => {
  it('carries code, Alertmanager message, path, line, column and file name', () => {
    const err = (() => {
      try {
        loadConfig('route:\n  receiver: a\n  routes:\n  - group_wait: 5x\n' + R, {
          baseDir: '.',
          fileName: 'am.yml',
          registry: CONFIG_REGISTRY,
        })
      } catch (e) {
        return e
      }
      return undefined
    })()
    assert.ok(err instanceof ConfigError)
    assert.equal(err.code, 'AM_CONFIG_INVALID')
    assert.equal(err.amMessage, 'not a valid duration string: "5x"')
    assert.equal(err.path, 'route.routes[0].group_wait')
    assert.equal(err.line, 4)
    assert.equal(err.column, 5)
    assert.equal(err.fileName, 'am.yml')
    assert.equal(
      err.message,
      'am.yml: line 4: route.routes[0].group_wait: not a valid duration string: "5x"'
    )
  })

  it('shows only the first unmarshal error in its message and all of them in amMessage', () => {
    const err = loadError('route:\n  receiver: a\n  bar: x\nfoo: 1\n' + R)
    assert.equal(err.message, 'line 3: route.bar: field bar not found in type config.plain')
  })
})

describe('configHash', () => {
  it("is the first 6 bytes of the MD5 read little-endian (Alertmanager's md5HashAsMetricValue)", () => {
    // python3: d = hashlib.md5(b'route:\n  receiver: a\nreceivers:\n- name: a\n').digest();
    // struct.unpack('<Q', d[:6] + b'\0\0')[0] → 156439772548116. The same formula gave the
    // alertmanager_config_hash a running Alertmanager 0.25 exported for another file.
    assert.equal(configHash('route:\n  receiver: a\nreceivers:\n- name: a\n'), 156439772548116)
    assert.equal(load('route:\n  receiver: a\nreceivers:\n- name: a\n').hash, 156439772548116)
  })
})

describe('loadConfigFile', () => {
  it('resolves templates and http_config files against the file directory', async () => {
    const { config, raw } = await loadConfigFile(join(FIXTURES, 'conf.good.yml'), CONFIG_REGISTRY)
    assert.equal(raw, fixture('conf.good.yml'))
    assert.deepEqual(config.templates, [join(FIXTURES, 'tmpl/*.tmpl')])
    const hook = config.receivers[0]?.integrations['webhook']?.[1] as WebhookConfig
    assert.equal(hook.http_config.basic_auth?.password_file, join(FIXTURES, 'secrets/pw'))
  })

  it('names the file in errors', async () => {
    await assert.rejects(
      loadConfigFile(join(FIXTURES, 'conf.bad.undefined-receiver.yml'), CONFIG_REGISTRY),
      {
        name: 'ConfigError',
        message: `${join(FIXTURES, 'conf.bad.undefined-receiver.yml')}: line 6: route.routes[0].receiver: undefined receiver "nope" used in route`,
      }
    )
  })
})

describe('formatPath', () => {
  const data = { route: { routes: [{ match: { 'a.b': 'x' } }] } }
  const rows: [string, string, string][] = [
    ['', '', 'the document'],
    ['/route/routes/0/group_wait', 'route.routes[0].group_wait', 'list indexes in brackets'],
    ['/route/routes/0/match/a.b', 'route.routes[0].match["a.b"]', 'odd keys quoted'],
  ]
  for (const [pointer, path, why] of rows) {
    it(`renders ${JSON.stringify(pointer)} as ${JSON.stringify(path)} (${why})`, () => {
      assert.equal(formatPath(pointer, data), path)
    })
  }
})
