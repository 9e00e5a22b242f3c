import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { CHECKS, canonicalHeaderKey } from '#src/config/checks.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

import { loadError } from './helpers.js'

/** receiver wraps integration YAML (indented for a receiver entry) into a whole config. */
const receiver = (body: string): string => `route:\n  receiver: a\nreceivers:\n- name: a\n${body}`
const webhookHttp = (http: string): string =>
  receiver(`  webhook_configs:\n  - url: http://x\n    http_config: ${http}\n`)

// Every message below was produced by Alertmanager 0.25's own config.Load for the same text.
const ROWS: readonly (readonly [string, string, string])[] = [
  // Slack: URL and URL file exclude each other.
  [
    'slack api_url and api_url_file',
    receiver('  slack_configs:\n  - api_url: http://x/\n    api_url_file: /f\n'),
    'at most one of api_url & api_url_file must be configured',
  ],
  // Slack fields need a title...
  [
    'a slack field without title',
    receiver('  slack_configs:\n  - api_url: http://x/\n    fields: [{value: v}]\n'),
    'missing title in Slack field configuration',
  ],
  // ...and a value.
  [
    'a slack field without value',
    receiver('  slack_configs:\n  - api_url: http://x/\n    fields: [{title: a}]\n'),
    'missing value in Slack field configuration',
  ],
  // Slack actions need a type...
  [
    'a slack action without type',
    receiver(
      '  slack_configs:\n  - api_url: http://x/\n    actions: [{text: b, url: http://u/}]\n'
    ),
    'missing type in Slack action configuration',
  ],
  // ...a text...
  [
    'a slack action without text',
    receiver(
      '  slack_configs:\n  - api_url: http://x/\n    actions: [{type: a, url: http://u/}]\n'
    ),
    'missing text in Slack action configuration',
  ],
  // ...and a URL or a name.
  [
    'a slack action without url or name',
    receiver('  slack_configs:\n  - api_url: http://x/\n    actions: [{type: a, text: b}]\n'),
    'missing name or url in Slack action configuration',
  ],
  // A confirmation needs a text.
  [
    'a slack confirmation without text',
    receiver(
      '  slack_configs:\n  - api_url: http://x/\n    actions: [{type: a, text: b, name: n, confirm: {title: t}}]\n'
    ),
    'missing text in Slack confirmation configuration',
  ],
  // PagerDuty: key and key file exclude each other.
  [
    'pagerduty routing_key and file',
    receiver('  pagerduty_configs:\n  - routing_key: a\n    routing_key_file: b\n'),
    'at most one of routing_key & routing_key_file must be configured',
  ],
  // OpsGenie needs a key here or in global.
  [
    'opsgenie without any key',
    receiver('  opsgenie_configs:\n  - message: m\n'),
    'no global OpsGenie API Key set either inline or in a file',
  ],
  // A responder needs an id, a name or a username (Go prints the struct with %v).
  [
    'an opsgenie responder without id',
    receiver('  opsgenie_configs:\n  - api_key: k\n    responders: [{type: team}]\n'),
    'opsGenieConfig responder {   team} has to have at least one of id, username or name specified',
  ],
  // A responder type is one of a fixed set, compared lower-cased.
  [
    'an opsgenie responder of unknown type',
    receiver('  opsgenie_configs:\n  - api_key: k\n    responders: [{name: x, type: Foo}]\n'),
    'opsGenieConfig responder { x  foo} type does not match valid options ^(team|teams|user|escalation|schedule)$',
  ],
  // ...or a template, which must parse.
  [
    'an opsgenie responder with a broken template',
    receiver("  opsgenie_configs:\n  - api_key: k\n    responders: [{name: x, type: '{{ .X'}]\n"),
    'opsGenieConfig responder { x  {{ .X} type is not a valid template: template: :1: unclosed action',
  ],
  // WeChat needs a secret here or in global...
  [
    'wechat without secret',
    receiver('  wechat_configs:\n  - corp_id: c\n'),
    'no global Wechat ApiSecret set',
  ],
  // ...and a corp id.
  [
    'wechat without corp id',
    receiver('  wechat_configs:\n  - api_secret: s\n'),
    'no global Wechat CorpID set',
  ],
  // WeChat message types are text or markdown.
  [
    'a wechat message type',
    receiver('  wechat_configs:\n  - api_secret: s\n    corp_id: c\n    message_type: html\n'),
    'weChat message type "html" does not match valid options ^(text|markdown)$',
  ],
  // VictorOps needs a routing key...
  [
    'victorops without routing key',
    receiver('  victorops_configs:\n  - api_key: k\n'),
    'missing Routing key in VictorOps config',
  ],
  // ...and an API key here or in global.
  [
    'victorops without api key',
    receiver('  victorops_configs:\n  - routing_key: k\n'),
    'no global VictorOps API Key set',
  ],
  // Custom fields may not shadow the fixed ones.
  [
    'a reserved victorops custom field',
    receiver(
      '  victorops_configs:\n  - routing_key: k\n    api_key: k\n    custom_fields: {entity_state: x}\n'
    ),
    'victorOps config contains custom field entity_state which cannot be used as it conflicts with the fixed/static fields',
  ],
  // Pushover needs a user key...
  [
    'pushover without user key',
    receiver('  pushover_configs:\n  - token: t\n'),
    'missing user key in Pushover config',
  ],
  // ...and a token.
  [
    'pushover without token',
    receiver('  pushover_configs:\n  - user_key: t\n'),
    'missing token in Pushover config',
  ],
  // retry and expire use Go's time.ParseDuration, which has no days.
  [
    'a pushover retry in days',
    receiver('  pushover_configs:\n  - user_key: t\n    token: t\n    retry: 1d\n'),
    'time: unknown unit "d" in duration "1d"',
  ],
  // SNS needs a destination.
  [
    'sns without destination',
    receiver('  sns_configs:\n  - subject: s\n'),
    'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config',
  ],
  // Two destinations fail too (Go's `(a != b) != c`).
  [
    'sns with two destinations',
    receiver('  sns_configs:\n  - topic_arn: a\n    phone_number: b\n'),
    'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config',
  ],
  // SigV4 credentials come in pairs.
  [
    'a sigv4 access key alone',
    receiver('  sns_configs:\n  - topic_arn: a\n    sigv4: {access_key: x}\n'),
    'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
  ],
  // Telegram needs a bot token...
  [
    'telegram without token',
    receiver('  telegram_configs:\n  - chat_id: 1\n'),
    'missing bot_token on telegram_config',
  ],
  // ...and a chat id.
  [
    'telegram without chat',
    receiver('  telegram_configs:\n  - bot_token: t\n'),
    'missing chat_id on telegram_config',
  ],
  // parse_mode is one of Telegram's.
  [
    'a telegram parse mode',
    receiver('  telegram_configs:\n  - bot_token: t\n    chat_id: 5\n    parse_mode: md\n'),
    'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
  ],
  // Discord needs its webhook URL.
  [
    'discord without webhook',
    receiver('  discord_configs:\n  - title: t\n'),
    'no discord webhook URL provided',
  ],
  // Webex needs a room...
  [
    'webex without room',
    receiver('  webex_configs:\n  - message: m\n'),
    'missing room_id on webex_config',
  ],
  // ...and an authorization header.
  [
    'webex without authorization',
    receiver('  webex_configs:\n  - room_id: r\n'),
    'missing webex_configs.http_config.authorization',
  ],
  // Email headers are case-insensitive.
  [
    'duplicate email headers',
    receiver('  email_configs:\n  - to: x\n    headers: {subject: a, Subject: b}\n'),
    'duplicate header "Subject" in email config',
  ],
  // The smarthost needs a port.
  [
    'a smarthost without port',
    receiver('  email_configs:\n  - to: x\n    smarthost: foo\n'),
    'address foo: missing port in address',
  ],
  // ...that is not empty.
  [
    'a smarthost with an empty port',
    receiver("  email_configs:\n  - to: x\n    smarthost: 'foo:'\n"),
    'address "foo:": port cannot be empty',
  ],
  // HTTP: one bearer token source.
  [
    'bearer_token and its file',
    webhookHttp('{bearer_token: t, bearer_token_file: f}'),
    'at most one of bearer_token & bearer_token_file must be configured',
  ],
  // HTTP: one auth mechanism.
  [
    'basic_auth and bearer_token',
    webhookHttp('{bearer_token: t, basic_auth: {username: u}}'),
    'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
  ],
  // Basic auth: one password source.
  [
    'a basic_auth password and file',
    webhookHttp('{basic_auth: {username: u, password: p, password_file: f}}'),
    'at most one of basic_auth password & password_file must be configured',
  ],
  // Authorization cannot be Basic.
  [
    'authorization type Basic',
    webhookHttp('{authorization: {type: Basic}}'),
    'authorization type cannot be set to "basic", use "basic_auth" instead',
  ],
  // Authorization excludes basic_auth.
  [
    'authorization and basic_auth',
    webhookHttp('{authorization: {credentials: a}, basic_auth: {username: u}}'),
    'at most one of basic_auth, oauth2 & authorization must be configured',
  ],
  // OAuth2 needs a client id...
  [
    'oauth2 without client id',
    webhookHttp('{oauth2: {client_secret: s, token_url: t}}'),
    'oauth2 client_id must be configured',
  ],
  // ...and a secret.
  [
    'oauth2 without secret',
    webhookHttp('{oauth2: {client_id: s, token_url: t}}'),
    'either oauth2 client_secret or client_secret_file must be configured',
  ],
  // A CONNECT header needs a proxy.
  [
    'proxy_connect_header without proxy_url',
    webhookHttp('{proxy_connect_header: {a: [b]}}'),
    'if proxy_connect_header is configured proxy_url must also be configured',
  ],
  // TLS versions are named.
  [
    'an unknown TLS version',
    webhookHttp('{tls_config: {min_version: TLS9}}'),
    'unknown TLS version: TLS9',
  ],
]

describe('struct checks reproduce the UnmarshalYAML validations of Alertmanager 0.25', () => {
  for (const [name, text, message] of ROWS) {
    it(`refuses ${name}`, () => {
      assert.equal(loadError(text).amMessage, message)
    })
  }
})

describe("CHECKS and the integrations' checks", () => {
  it('normalises the deprecated bearer_token into an Authorization header', () => {
    const http: Record<string, unknown> = { bearer_token: 'tok' }
    CHECKS['http_config']?.(http)
    assert.deepEqual(http, { authorization: { type: 'Bearer', credentials: 'tok' } })
  })

  it('clears name, value and confirm of a Slack action that has a url', () => {
    const action: Record<string, unknown> = {
      type: 'button',
      text: 't',
      url: 'u',
      name: 'n',
      value: 'v',
      confirm: {},
    }
    CONFIG_REGISTRY.checks['slack_action']?.(action)
    assert.deepEqual(action, { type: 'button', text: 't', url: 'u' })
  })

  it('adds the default PagerDuty details and uses client as the default source', () => {
    const pd: Record<string, unknown> = {
      routing_key: 'k',
      client: 'c',
      details: { firing: 'mine' },
    }
    CONFIG_REGISTRY.checks['pagerduty']?.(pd)
    assert.equal(pd['source'], 'c')
    assert.deepEqual(Object.keys(pd['details'] as object).sort(), [
      'firing',
      'num_firing',
      'num_resolved',
      'resolved',
    ])
    assert.equal((pd['details'] as Record<string, string>)['firing'], 'mine')
  })
})

describe('canonicalHeaderKey', () => {
  const rows: [string, string, string][] = [
    ['subject', 'Subject', 'first letter upper-cased'],
    ['x-foo-BAR', 'X-Foo-Bar', 'each dash-separated word'],
    ['with space', 'with space', 'invalid header names stay as they are'],
  ]
  for (const [input, want, why] of rows) {
    it(`turns ${input} into ${want} (${why})`, () => {
      assert.equal(canonicalHeaderKey(input), want)
    })
  }
})
