import {
  BOOL,
  FALSE,
  MATCHERS,
  STRING_LIST,
  STRING_MAP,
  always,
  dflt,
  flow,
  list,
  ptr,
  ref,
  reset,
  str,
  struct,
} from './helpers.js'
import type { SchemaNode } from './helpers.js'
import { HTTP_CLIENT_CONFIG, TLS_CONFIG } from './http.js'
import {
  OPSGENIE_CONFIG,
  PUSHOVER_CONFIG,
  SNS_CONFIG,
  TELEGRAM_CONFIG,
  VICTOROPS_CONFIG,
  WECHAT_CONFIG,
} from './notifiers-more.js'
import {
  DISCORD_CONFIG,
  EMAIL_CONFIG,
  PAGERDUTY_CONFIG,
  SLACK_CONFIG,
  WEBEX_CONFIG,
  WEBHOOK_CONFIG,
} from './notifiers.js'

/**
 * The complete JSON Schema (draft-07) of an Alertmanager 0.25 configuration file, with every
 * object closed (`additionalProperties: false`) as yaml.v2's strict decoder is. Semantic rules
 * that JSON Schema cannot express (durations, URLs, matchers, cross references) are checked by
 * the converter (convert.ts) and the top-level checks (finalize.ts).
 */

export { ANNOTATION_KEYWORDS } from './helpers.js'
export type { ScalarKind, SchemaNode } from './helpers.js'

/** MATCH_RE is `config.MatchRegexps`: label name to an anchored Go regexp. */
const MATCH_RE: SchemaNode = {
  type: 'object',
  // A null value is decoded (Go keeps a nil Regexp) and then refused by the match_re check.
  additionalProperties: { ...str('regexp'), type: ['string', 'null'] },
  'x-go-type': 'config.plain',
  'x-check': 'match_re',
}

const ROUTE: SchemaNode = struct(
  'config.plain',
  {
    receiver: str(),
    group_by: STRING_LIST,
    match: STRING_MAP,
    match_re: MATCH_RE,
    matchers: MATCHERS,
    mute_time_intervals: STRING_LIST,
    active_time_intervals: STRING_LIST,
    continue: always(FALSE),
    routes: list(ref('route'), '[]*config.Route'),
    group_wait: ptr(str('duration')),
    group_interval: ptr(str('duration')),
    repeat_interval: ptr(str('duration')),
  },
  'route'
)

const INHIBIT_RULE: SchemaNode = struct(
  'config.plain',
  {
    source_match: STRING_MAP,
    source_match_re: MATCH_RE,
    source_matchers: MATCHERS,
    target_match: STRING_MAP,
    target_match_re: MATCH_RE,
    target_matchers: MATCHERS,
    equal: list(str('label-name'), 'model.LabelNames'),
  },
  'inhibit_rule'
)

const RECEIVER: SchemaNode = struct(
  'config.plain',
  {
    name: always(str()),
    discord_configs: list(DISCORD_CONFIG, '[]*config.DiscordConfig'),
    email_configs: list(EMAIL_CONFIG, '[]*config.EmailConfig'),
    pagerduty_configs: list(PAGERDUTY_CONFIG, '[]*config.PagerdutyConfig'),
    slack_configs: list(SLACK_CONFIG, '[]*config.SlackConfig'),
    webhook_configs: list(WEBHOOK_CONFIG, '[]*config.WebhookConfig'),
    opsgenie_configs: list(OPSGENIE_CONFIG, '[]*config.OpsGenieConfig'),
    wechat_configs: list(WECHAT_CONFIG, '[]*config.WechatConfig'),
    pushover_configs: list(PUSHOVER_CONFIG, '[]*config.PushoverConfig'),
    victorops_configs: list(VICTOROPS_CONFIG, '[]*config.VictorOpsConfig'),
    sns_configs: list(SNS_CONFIG, '[]*config.SNSConfig'),
    telegram_configs: list(TELEGRAM_CONFIG, '[]*config.TelegramConfig'),
    webex_configs: list(WEBEX_CONFIG, '[]*config.WebexConfig'),
  },
  'receiver'
)

const TIME_RANGE: SchemaNode = struct(
  'timeinterval.yamlTimeRange',
  { start_time: always(str()), end_time: always(str()) },
  'time_range'
)

const rangeList = (kind: 'weekday' | 'day-of-month' | 'month' | 'year', goType: string) =>
  flow(list(str(kind), goType))

const TIME_INTERVAL: SchemaNode = struct('timeinterval.TimeInterval', {
  times: list(TIME_RANGE, '[]timeinterval.TimeRange'),
  weekdays: rangeList('weekday', '[]timeinterval.WeekdayRange'),
  days_of_month: rangeList('day-of-month', '[]timeinterval.DayOfMonthRange'),
  months: rangeList('month', '[]timeinterval.MonthRange'),
  years: rangeList('year', '[]timeinterval.YearRange'),
  location: flow(str('location')),
})

const namedInterval = (check: string): SchemaNode =>
  struct(
    'config.plain',
    {
      name: always(str()),
      time_intervals: always(
        list(ref('time_interval', 'timeinterval.TimeInterval'), '[]timeinterval.TimeInterval')
      ),
    },
    check
  )

const GLOBAL: SchemaNode = reset(
  struct('config.plain', {
    resolve_timeout: always(dflt(str('duration'), '5m')),
    http_config: dflt(ref('http_config'), {}),
    smtp_from: str(),
    smtp_hello: dflt(str(), 'localhost'),
    smtp_smarthost: str('hostport'),
    smtp_auth_username: str(),
    smtp_auth_password: str('secret'),
    smtp_auth_password_file: str(),
    smtp_auth_secret: str('secret'),
    smtp_auth_identity: str(),
    smtp_require_tls: always(dflt(BOOL, true)),
    slack_api_url: str('secret-url'),
    slack_api_url_file: str(),
    pagerduty_url: dflt(str('url'), 'https://events.pagerduty.com/v2/enqueue'),
    opsgenie_api_url: dflt(str('url'), 'https://api.opsgenie.com/'),
    opsgenie_api_key: str('secret'),
    opsgenie_api_key_file: str(),
    wechat_api_url: dflt(str('url'), 'https://qyapi.weixin.qq.com/cgi-bin/'),
    wechat_api_secret: str('secret'),
    wechat_api_corp_id: str(),
    victorops_api_url: dflt(
      str('url'),
      'https://alert.victorops.com/integrations/generic/20131114/alert/'
    ),
    victorops_api_key: str('secret'),
    victorops_api_key_file: str(),
    telegram_api_url: dflt(str('url'), 'https://api.telegram.org'),
    webex_api_url: dflt(str('url'), 'https://webexapis.com/v1/messages'),
  })
)

/** CONFIG_SCHEMA is the root schema: `config.Config` plus the shared definitions. */
export const CONFIG_SCHEMA: SchemaNode = {
  ...struct('config.plain', {
    global: dflt(GLOBAL, {}),
    route: ref('route'),
    inhibit_rules: list(INHIBIT_RULE, '[]*config.InhibitRule'),
    receivers: list(RECEIVER, '[]*config.Receiver'),
    templates: always(STRING_LIST),
    mute_time_intervals: list(namedInterval('mute_time_interval'), '[]config.MuteTimeInterval'),
    time_intervals: list(namedInterval('time_interval'), '[]config.TimeInterval'),
  }),
  definitions: {
    route: ROUTE,
    http_config: HTTP_CLIENT_CONFIG,
    tls_config: TLS_CONFIG,
    time_interval: TIME_INTERVAL,
  },
}

const DEFINITIONS = CONFIG_SCHEMA['definitions'] as Readonly<Record<string, SchemaNode>>

/**
 * resolveSchema follows a `$ref` to its definition.
 *
 * @param node - a schema node, possibly a `$ref`.
 * @returns the node itself or the referenced definition.
 */
export function resolveSchema(node: SchemaNode): SchemaNode {
  const target = node['$ref']
  if (typeof target !== 'string') {
    return node
  }
  const def = DEFINITIONS[target.slice('#/definitions/'.length)]
  if (def === undefined) {
    throw new Error(`unknown schema reference ${target}`)
  }
  return def
}

/**
 * propertiesOf returns a struct schema's fields in Go order.
 *
 * @param node - a resolved struct schema.
 * @returns the `properties` map, empty for non-structs.
 */
export function propertiesOf(node: SchemaNode): Readonly<Record<string, SchemaNode>> {
  const props = node['properties']
  return typeof props === 'object' && props !== null
    ? (props as Readonly<Record<string, SchemaNode>>)
    : {}
}

/**
 * schemaType returns a node's JSON type after resolving `$ref`; for a nullable type such as
 * `['string', 'null']` it returns the non-null one.
 *
 * @param node - a schema node.
 * @returns `object`, `array`, `string`, `boolean`, `integer` or undefined.
 */
export function schemaType(node: SchemaNode): string | undefined {
  const t = resolveSchema(node)['type']
  if (Array.isArray(t)) {
    return typeof t[0] === 'string' ? t[0] : undefined
  }
  return typeof t === 'string' ? t : undefined
}

/**
 * isStruct reports whether a schema is a closed struct (as opposed to a Go map).
 *
 * @param node - a resolved schema node.
 * @returns true for `struct()` nodes.
 */
export function isStruct(node: SchemaNode): boolean {
  return node['additionalProperties'] === false
}

/**
 * schemaAt finds the schema that governs the value at a JSON pointer.
 *
 * @param pointer - an ajv instancePath such as `/route/routes/0/receiver`.
 * @returns the resolved schema node, or undefined where the schema has none (unknown fields).
 */
export function schemaAt(pointer: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = CONFIG_SCHEMA
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    if (node === undefined) {
      return undefined
    }
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    const s: SchemaNode = resolveSchema(node)
    if (schemaType(s) === 'array') {
      node = s['items'] as SchemaNode
    } else if (isStruct(s)) {
      node = propertiesOf(s)[seg]
    } else {
      const ap = s['additionalProperties']
      node = typeof ap === 'object' ? (ap as SchemaNode) : undefined
    }
  }
  return node === undefined ? undefined : resolveSchema(node)
}
