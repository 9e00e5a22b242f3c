import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { loadConfig } from '#src/config/index.js'
import type { IntegrationConfig } from '#src/config/index.js'
import type { EmailConfig } from '#src/notify/integrations/email/index.js'
import type { OpsGenieConfig } from '#src/notify/integrations/opsgenie/index.js'
import type { PushoverConfig } from '#src/notify/integrations/pushover/index.js'
import type { SlackConfig } from '#src/notify/integrations/slack/index.js'
import type { WebhookConfig } from '#src/notify/integrations/webhook/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

import { R, fixture, load } from './helpers.js'

const good = load(fixture('conf.good.yml')).config
const receiver = (name: string) => good.receivers.find((r) => r.name === name)
function others(name: string, kind: string): readonly IntegrationConfig[] {
  return receiver(name)?.integrations[kind] ?? []
}
const webhooks = (name: string) => others(name, 'webhook') as readonly WebhookConfig[]

describe('buildConfig fills Alertmanager 0.25 defaults', () => {
  // [integration, receiver in conf.good.yml, send_resolved default]
  const sendResolved: [string, string, boolean][] = [
    ['email', 'team-a', false],
    ['slack', 'team-b', false],
    ['wechat', 'team-b', false],
    ['pagerduty', 'team-b', true],
    ['opsgenie', 'team-b', true],
    ['pushover', 'team-b', true],
    ['victorops', 'team-b', true],
    ['sns', 'team-c', true],
    ['telegram', 'team-c', true],
    ['discord', 'team-c', true],
    ['webex', 'team-c', true],
  ]
  for (const [kind, name, want] of sendResolved) {
    it(`defaults send_resolved of ${kind} to ${want}`, () => {
      assert.equal(others(name, kind)[0]?.send_resolved, want)
    })
  }

  it('defaults send_resolved of webhook to true and max_alerts to 0', () => {
    const hook = webhooks('team-a')[1]
    // The second webhook sets `send_resolved: no` (a YAML 1.1 false).
    assert.equal(webhooks('team-a')[0]?.send_resolved, true)
    assert.equal(hook?.send_resolved, false)
    assert.equal(hook.max_alerts, 0)
  })

  it('gives notifiers without http_config the global one as a whole object', () => {
    const first = webhooks('team-a')[0]
    assert.equal(first?.http_config, good.global.http_config)
    assert.deepEqual(good.global.http_config, {
      follow_redirects: false,
      enable_http2: true,
      tls_config: { insecure_skip_verify: false },
    })
    // A notifier with its own http_config gets no global field merged in.
    assert.equal(webhooks('team-a')[1]?.http_config.follow_redirects, true)
  })

  it('fills the global defaults even for an empty global block', () => {
    const { global } = load('global:\nroute:\n  receiver: a\n' + R).config
    assert.equal(global.resolve_timeout, 300_000)
    assert.equal(global['smtp_hello'], 'localhost')
    assert.equal(global['smtp_require_tls'], true)
    assert.equal(global['pagerduty_url'], 'https://events.pagerduty.com/v2/enqueue')
    assert.equal(global['opsgenie_api_url'], 'https://api.opsgenie.com/')
    assert.equal(global['wechat_api_url'], 'https://qyapi.weixin.qq.com/cgi-bin/')
    assert.equal(
      global['victorops_api_url'],
      'https://alert.victorops.com/integrations/generic/20131114/alert/'
    )
    assert.equal(global['telegram_api_url'], 'https://api.telegram.org')
    assert.equal(global['webex_api_url'], 'https://webexapis.com/v1/messages')
    assert.deepEqual(global.http_config, {
      follow_redirects: true,
      enable_http2: true,
      tls_config: { insecure_skip_verify: false },
    })
  })

  it('takes email settings from global and fills headers of receivers in use', () => {
    const used = others('team-a', 'email')[0] as EmailConfig
    assert.equal(used.smarthost, 'smtp.example.org:587')
    assert.equal(used.from, 'am@example.org')
    assert.equal(used.hello, 'localhost')
    assert.equal(used.auth_password, 'pw')
    assert.equal(used.require_tls, true)
    // Header names are canonical; notify/email.New adds Subject/To/From for built receivers.
    assert.deepEqual(used.headers, {
      Subject: 'hi',
      'X-Foo': 'bar',
      To: 'a@example.org',
      From: 'am@example.org',
    })
    const unused = others('unused', 'email')[0] as EmailConfig
    assert.deepEqual(unused.headers, {})
  })

  it('appends a slash to opsgenie, wechat and victorops API URLs', () => {
    assert.equal(
      (others('team-b', 'opsgenie')[0] as OpsGenieConfig).api_url,
      'https://api.opsgenie.com/v2/'
    )
    assert.equal(others('team-b', 'wechat')[0]?.['api_url'], 'https://qyapi.weixin.qq.com/cgi-bin/')
    assert.equal(
      others('team-b', 'victorops')[0]?.['api_url'],
      'https://alert.victorops.com/integrations/generic/20131114/alert/'
    )
  })

  it('keeps notifier template defaults and converts durations to ms', () => {
    const slack = others('team-b', 'slack')[0] as SlackConfig
    assert.equal(slack.title_link, '{{ template "slack.default.titlelink" . }}')
    assert.equal(slack.api_url, 'https://hooks.slack.com/services/x')
    const pushover = others('team-b', 'pushover')[0] as PushoverConfig
    assert.equal(pushover.retry, 120_000)
    assert.equal(pushover.expire, 3_600_000)
  })

  it('reads a SecretURL written as <secret> as an empty URL', () => {
    const { config } = load(
      'global:\n  slack_api_url: <secret>\nroute:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n  - channel: x\n'
    )
    assert.equal(config.global['slack_api_url'], '')
  })

  it('lists the integration types in YAML order', () => {
    assert.deepEqual(Object.keys(receiver('team-b')?.integrations ?? {}), [
      'slack',
      'pagerduty',
      'opsgenie',
      'wechat',
      'pushover',
      'victorops',
    ])
  })
})

describe('buildConfig routes', () => {
  it('fills root defaults and leaves children unset', () => {
    const { route } = load('route:\n  receiver: a\n  routes:\n  - receiver: a\n' + R).config
    assert.equal(route.group_wait, 30_000)
    assert.equal(route.group_interval, 300_000)
    assert.equal(route.repeat_interval, 14_400_000)
    assert.deepEqual(route.group_by, [])
    const child = route.routes[0]
    assert.equal(child?.group_wait, undefined)
    assert.equal(child?.group_by, undefined)
  })

  it('combines match (=), match_re (=~, anchored as dispatch does) and matchers, sorted', () => {
    const first = good.route.routes[0]
    assert.deepEqual(first?.matchers.map(String), [
      'a=~"b.*"',
      'code="1.0"',
      'env="prod"',
      'service=~"^(?:^(foo|bar)$)$"',
      'severity="critical"',
    ])
  })

  it('keeps wildcard group_by and treats an empty child group_by as unset', () => {
    const { route } = load(
      "route:\n  receiver: a\n  routes:\n  - group_by: ['...']\n  - group_by: []\n" + R
    ).config
    assert.deepEqual(route.routes[0]?.group_by, ['...'])
    assert.equal(route.routes[1]?.group_by, undefined)
  })

  it('keeps inhibit rule matchers in Alertmanager order: match, match_re, matchers (unsorted)', () => {
    const rule = good.inhibit_rules[0]
    assert.deepEqual(rule?.source_matchers.map(String), ['severity="critical"', 'a="z"', 'b="c"'])
    assert.deepEqual(rule.target_matchers.map(String), ['severity=~"^(?:warning|info)$"'])
    assert.deepEqual(rule.equal, ['alertname'])
  })
})

describe('buildConfig time intervals', () => {
  it('types ranges as numbers and times as minutes', () => {
    const biz = good.time_intervals[0]?.time_intervals[0]
    assert.deepEqual(biz, {
      times: [{ start_minute: 540, end_minute: 1050 }],
      weekdays: [{ begin: 1, end: 5 }],
      days_of_month: [
        { begin: 1, end: 5 },
        { begin: -3, end: -1 },
      ],
      months: [
        { begin: 1, end: 3 },
        { begin: 12, end: 12 },
      ],
      years: [{ begin: 2020, end: 2030 }],
      location: 'Europe/Berlin',
    })
    assert.deepEqual(good.mute_time_intervals[0]?.time_intervals[0], {
      times: [{ start_minute: 1020, end_minute: 1440 }],
    })
  })
})

describe('buildConfig paths', () => {
  it('joins relative templates and http_config files with the base directory', () => {
    const { config } = loadConfig(
      "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x/\n    http_config:\n      bearer_token_file: tok\n      tls_config: {ca_file: ca.pem, cert_file: /abs/c.pem, key_file: k.pem}\ntemplates: ['t/*.tmpl', '/abs/*.tmpl']\n",
      { baseDir: '/etc/am', registry: CONFIG_REGISTRY }
    )
    assert.deepEqual(config.templates, ['/etc/am/t/*.tmpl', '/abs/*.tmpl'])
    const http = (config.receivers[0]?.integrations['webhook']?.[0] as WebhookConfig | undefined)
      ?.http_config
    // bearer_token_file became an Authorization header config, as prometheus/common does.
    assert.deepEqual(http?.authorization, { type: 'Bearer', credentials_file: '/etc/am/tok' })
    assert.deepEqual(http.tls_config, {
      ca_file: '/etc/am/ca.pem',
      cert_file: '/abs/c.pem',
      key_file: '/etc/am/k.pem',
      insecure_skip_verify: false,
    })
  })
})
