import { goQuote } from '../labels/index.js'

import { LABEL_NAME_RE } from './kinds.js'
import { parseTimeRange } from './time-interval.js'

/**
 * Struct validators run after a struct is decoded, in the order Go's `UnmarshalYAML` methods
 * run them (config/config.go, config/notifiers.go, prometheus/common http_config.go, sigv4).
 * Each receives the converted struct, may normalise it in place (as the Go code does, e.g.
 * canonical email headers or the Bearer authorization type) and throws an Error carrying
 * Alertmanager's message. A validator may return a replacement value.
 */

/** Obj is a converted struct. */
export type Obj = Record<string, unknown>

/** Check is one struct validator. */
export type Check = (o: Obj) => unknown

const q = goQuote
const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? o[k] : '')
const obj = (o: Obj, k: string): Obj | undefined =>
  typeof o[k] === 'object' && o[k] !== null && !Array.isArray(o[k]) ? (o[k] as Obj) : undefined
const strings = (o: Obj, k: string): string[] =>
  Array.isArray(o[k]) ? (o[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []

function checkLabelNames(m: Obj | undefined): void {
  for (const k of Object.keys(m ?? {})) {
    if (!LABEL_NAME_RE.test(k)) {
      throw new Error(`invalid label name ${q(k)}`)
    }
  }
}

function route(o: Obj): void {
  checkLabelNames(obj(o, 'match'))
  let all = false
  const labels: string[] = []
  for (const l of strings(o, 'group_by')) {
    if (l === '...') {
      all = true
    } else if (!LABEL_NAME_RE.test(l)) {
      throw new Error(`invalid label name ${q(l)} in group_by list`)
    } else {
      labels.push(l)
    }
  }
  if (labels.length > 0 && all) {
    throw new Error('cannot have wildcard group_by (`...`) and other other labels at the same time')
  }
  const seen = new Set<string>()
  for (const l of labels) {
    if (seen.has(l)) {
      throw new Error(`duplicated label ${q(l)} in group_by`)
    }
    seen.add(l)
  }
  if (o['group_interval'] === 0) {
    throw new Error('group_interval cannot be zero')
  }
  if (o['repeat_interval'] === 0) {
    throw new Error('repeat_interval cannot be zero')
  }
}

function matchRe(o: Obj): void {
  for (const [k, v] of Object.entries(o)) {
    if (!LABEL_NAME_RE.test(k)) {
      throw new Error(`invalid label name ${q(k)}`)
    }
    if (v === null) {
      throw new Error(`invalid regexp value for ${q(k)}`)
    }
  }
}

function httpConfig(o: Obj): void {
  const bearer = str(o, 'bearer_token')
  const bearerFile = str(o, 'bearer_token_file')
  const basic = obj(o, 'basic_auth')
  const oauth2 = obj(o, 'oauth2')
  const auth = obj(o, 'authorization')
  if (bearer !== '' && bearerFile !== '') {
    throw new Error('at most one of bearer_token & bearer_token_file must be configured')
  }
  if ((basic !== undefined || oauth2 !== undefined) && (bearer !== '' || bearerFile !== '')) {
    throw new Error(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'
    )
  }
  if (basic !== undefined && str(basic, 'password') !== '' && str(basic, 'password_file') !== '') {
    throw new Error('at most one of basic_auth password & password_file must be configured')
  }
  if (auth !== undefined) {
    if (bearer !== '' || bearerFile !== '') {
      throw new Error('authorization is not compatible with bearer_token & bearer_token_file')
    }
    if (str(auth, 'credentials') !== '' && str(auth, 'credentials_file') !== '') {
      throw new Error(
        'at most one of authorization credentials & credentials_file must be configured'
      )
    }
    auth['type'] = str(auth, 'type').trim() || 'Bearer'
    if (str(auth, 'type').toLowerCase() === 'basic') {
      throw new Error('authorization type cannot be set to "basic", use "basic_auth" instead')
    }
    if (basic !== undefined || oauth2 !== undefined) {
      throw new Error('at most one of basic_auth, oauth2 & authorization must be configured')
    }
  } else {
    // The deprecated bearer_token fields become an Authorization header config.
    if (bearer !== '') {
      o['authorization'] = { type: 'Bearer', credentials: bearer }
      delete o['bearer_token']
    }
    if (bearerFile !== '') {
      o['authorization'] = { type: 'Bearer', credentials_file: bearerFile }
      delete o['bearer_token_file']
    }
  }
  if (oauth2 !== undefined) {
    if (basic !== undefined) {
      throw new Error('at most one of basic_auth, oauth2 & authorization must be configured')
    }
    if (str(oauth2, 'client_id') === '') {
      throw new Error('oauth2 client_id must be configured')
    }
    const secret = str(oauth2, 'client_secret')
    const secretFile = str(oauth2, 'client_secret_file')
    if (secret === '' && secretFile === '') {
      throw new Error('either oauth2 client_secret or client_secret_file must be configured')
    }
    if (str(oauth2, 'token_url') === '') {
      throw new Error('oauth2 token_url must be configured')
    }
    if (secret !== '' && secretFile !== '') {
      throw new Error('at most one of oauth2 client_secret & client_secret_file must be configured')
    }
  }
  const pch = obj(o, 'proxy_connect_header')
  if (pch !== undefined && Object.keys(pch).length > 0 && o['proxy_url'] === undefined) {
    throw new Error('if proxy_connect_header is configured proxy_url must also be configured')
  }
}

function atMostOne(o: Obj, a: string, b: string): void {
  if (o[a] !== undefined && o[a] !== '' && str(o, b) !== '') {
    throw new Error(`at most one of ${a} & ${b} must be configured`)
  }
}

/** canonicalHeaderKey is Go's textproto.CanonicalMIMEHeaderKey. */
export function canonicalHeaderKey(s: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s)) {
    return s
  }
  return s
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('-')
}

function email(o: Obj): void {
  if (str(o, 'to') === '') {
    throw new Error('missing to address in email config')
  }
  const headers: Obj = {}
  for (const [h, v] of Object.entries(obj(o, 'headers') ?? {})) {
    const key = canonicalHeaderKey(h)
    if (key in headers) {
      throw new Error(`duplicate header ${q(key)} in email config`)
    }
    headers[key] = v
  }
  o['headers'] = headers
}

const PAGERDUTY_DETAILS: Readonly<Record<string, string>> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
}

function pagerduty(o: Obj): void {
  const rk = str(o, 'routing_key')
  const sk = str(o, 'service_key')
  if (
    rk === '' &&
    sk === '' &&
    str(o, 'routing_key_file') === '' &&
    str(o, 'service_key_file') === ''
  ) {
    throw new Error('missing service or routing key in PagerDuty config')
  }
  atMostOne(o, 'routing_key', 'routing_key_file')
  atMostOne(o, 'service_key', 'service_key_file')
  o['details'] = { ...PAGERDUTY_DETAILS, ...(obj(o, 'details') ?? {}) }
  if (str(o, 'source') === '') {
    o['source'] = str(o, 'client')
  }
}

function slackField(o: Obj): void {
  if (str(o, 'title') === '') {
    throw new Error('missing title in Slack field configuration')
  }
  if (str(o, 'value') === '') {
    throw new Error('missing value in Slack field configuration')
  }
}

function slackAction(o: Obj): void {
  if (str(o, 'type') === '') {
    throw new Error('missing type in Slack action configuration')
  }
  if (str(o, 'text') === '') {
    throw new Error('missing text in Slack action configuration')
  }
  if (str(o, 'url') !== '') {
    delete o['name']
    delete o['value']
    delete o['confirm']
  } else if (str(o, 'name') !== '') {
    delete o['url']
  } else {
    throw new Error('missing name or url in Slack action configuration')
  }
}

function opsgenie(o: Obj): void {
  atMostOne(o, 'api_key', 'api_key_file')
  const responders = Array.isArray(o['responders']) ? (o['responders'] as Obj[]) : []
  for (const r of responders) {
    const [id, name, username] = [str(r, 'id'), str(r, 'name'), str(r, 'username')]
    const type = str(r, 'type')
    const show = (t: string): string => `{${id} ${name} ${username} ${t}}`
    if (id === '' && username === '' && name === '') {
      throw new Error(
        `opsGenieConfig responder ${show(type)} has to have at least one of id, username or name specified`
      )
    }
    if (type.includes('{{')) {
      const err = templateSyntaxError(type)
      if (err !== undefined) {
        throw new Error(
          `opsGenieConfig responder ${show(type)} type is not a valid template: ${err}`
        )
      }
    } else if (!/^(team|teams|user|escalation|schedule)$/.test(type.toLowerCase())) {
      // Go lower-cases a copy of the responder: the message shows it, the config keeps the original.
      throw new Error(
        `opsGenieConfig responder ${show(type.toLowerCase())} type does not match valid options ^(team|teams|user|escalation|schedule)$`
      )
    }
  }
}

/** templateSyntaxError approximates text/template's parse errors for unbalanced actions. */
function templateSyntaxError(text: string): string | undefined {
  let rest = text
  for (;;) {
    const open = rest.indexOf('{{')
    if (open < 0) {
      return undefined
    }
    const close = rest.indexOf('}}', open + 2)
    if (close < 0) {
      return 'template: :1: unclosed action'
    }
    rest = rest.slice(close + 2)
  }
}

function wechat(o: Obj): void {
  if (str(o, 'message_type') === '') {
    o['message_type'] = 'text'
  }
  if (!/^(text|markdown)$/.test(str(o, 'message_type'))) {
    throw new Error(
      `weChat message type ${q(str(o, 'message_type'))} does not match valid options ^(text|markdown)$`
    )
  }
}

const VICTOROPS_RESERVED = [
  'routing_key',
  'message_type',
  'state_message',
  'entity_display_name',
  'monitoring_tool',
  'entity_id',
  'entity_state',
]

function victorops(o: Obj): void {
  if (str(o, 'routing_key') === '') {
    throw new Error('missing Routing key in VictorOps config')
  }
  atMostOne(o, 'api_key', 'api_key_file')
  const custom = obj(o, 'custom_fields') ?? {}
  for (const f of VICTOROPS_RESERVED) {
    if (f in custom) {
      throw new Error(
        `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`
      )
    }
  }
}

function sns(o: Obj): void {
  const target = str(o, 'target_arn') === ''
  const topic = str(o, 'topic_arn') === ''
  const phone = str(o, 'phone_number') === ''
  // Go evaluates `(a != b) != c`, which also accepts all three destinations set.
  if ((target !== topic) !== phone) {
    throw new Error('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config')
  }
}

function telegram(o: Obj): void {
  if (str(o, 'bot_token') === '') {
    throw new Error('missing bot_token on telegram_config')
  }
  if (o['chat_id'] === undefined || o['chat_id'] === 0) {
    throw new Error('missing chat_id on telegram_config')
  }
  const mode = str(o, 'parse_mode')
  if (mode !== '' && mode !== 'Markdown' && mode !== 'MarkdownV2' && mode !== 'HTML') {
    throw new Error(
      'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string'
    )
  }
}

function webex(o: Obj): void {
  if (str(o, 'room_id') === '') {
    throw new Error('missing room_id on webex_config')
  }
  if (obj(obj(o, 'http_config') ?? {}, 'authorization') === undefined) {
    throw new Error('missing webex_configs.http_config.authorization')
  }
}

const need =
  (field: string, message: string): Check =>
  (o) => {
    if (str(o, field) === '') {
      throw new Error(message)
    }
  }

/** CHECKS maps each `x-check` name to its validator. */
export const CHECKS: Readonly<Record<string, Check>> = {
  route,
  match_re: matchRe,
  inhibit_rule: (o) => {
    checkLabelNames(obj(o, 'source_match'))
    checkLabelNames(obj(o, 'target_match'))
  },
  receiver: need('name', 'missing name in receiver'),
  time_interval: need('name', 'missing name in time interval'),
  mute_time_interval: need('name', 'missing name in mute time interval'),
  time_range: (o) => parseTimeRange(str(o, 'start_time'), str(o, 'end_time')),
  http_config: httpConfig,
  sigv4: (o) => {
    if ((str(o, 'access_key') === '') !== (str(o, 'secret_key') === '')) {
      throw new Error(
        'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config'
      )
    }
  },
  webhook: (o) => {
    if (o['url'] === undefined) {
      throw new Error('missing URL in webhook config')
    }
  },
  email,
  pagerduty,
  slack: (o) => {
    if (o['api_url'] !== undefined && str(o, 'api_url_file') !== '') {
      throw new Error('at most one of api_url & api_url_file must be configured')
    }
  },
  slack_field: slackField,
  slack_action: slackAction,
  slack_confirm: need('text', 'missing text in Slack confirmation configuration'),
  opsgenie,
  wechat,
  victorops,
  pushover: (o) => {
    need('user_key', 'missing user key in Pushover config')(o)
    need('token', 'missing token in Pushover config')(o)
  },
  sns,
  telegram,
  webex,
}
