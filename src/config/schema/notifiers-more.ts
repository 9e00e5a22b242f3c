import {
  BOOL,
  FALSE,
  HTTP_CONFIG,
  INT64,
  STRING_MAP,
  always,
  dflt,
  list,
  reset,
  str,
  struct,
  tmpl,
} from './helpers.js'
import type { SchemaNode } from './helpers.js'
import { SIGV4_CONFIG } from './http.js'

/**
 * Notifier configs of Alertmanager 0.25 (`config/notifiers.go`), part 2: opsgenie, wechat,
 * pushover, victorops, sns and telegram.
 */

const sendResolved = (value: boolean): SchemaNode => dflt(always(BOOL), value)

const OPSGENIE_RESPONDER: SchemaNode = struct('config.OpsGenieConfigResponder', {
  id: str(),
  name: str(),
  username: str(),
  type: str(),
})

/** OPSGENIE_CONFIG is `config.OpsGenieConfig`. */
export const OPSGENIE_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      api_key: str('secret'),
      api_key_file: str(),
      api_url: str('url'),
      message: tmpl('{{ template "opsgenie.default.message" . }}'),
      description: tmpl('{{ template "opsgenie.default.description" . }}'),
      source: tmpl('{{ template "opsgenie.default.source" . }}'),
      details: STRING_MAP,
      entity: str(),
      responders: list(OPSGENIE_RESPONDER, '[]config.OpsGenieConfigResponder'),
      actions: str(),
      tags: str(),
      note: str(),
      priority: str(),
      update_alerts: FALSE,
    },
    'opsgenie'
  )
)

/** WECHAT_CONFIG is `config.WechatConfig`. */
export const WECHAT_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(false),
      http_config: HTTP_CONFIG,
      api_secret: str('secret'),
      corp_id: str(),
      message: tmpl('{{ template "wechat.default.message" . }}'),
      api_url: str('url'),
      to_user: tmpl('{{ template "wechat.default.to_user" . }}'),
      to_party: tmpl('{{ template "wechat.default.to_party" . }}'),
      to_tag: tmpl('{{ template "wechat.default.to_tag" . }}'),
      agent_id: tmpl('{{ template "wechat.default.agent_id" . }}'),
      message_type: str(),
    },
    'wechat'
  )
)

/** PUSHOVER_CONFIG is `config.PushoverConfig`; retry/expire are Go `time.Duration` text. */
export const PUSHOVER_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      user_key: str('secret'),
      token: str('secret'),
      title: tmpl('{{ template "pushover.default.title" . }}'),
      message: tmpl('{{ template "pushover.default.message" . }}'),
      url: tmpl('{{ template "pushover.default.url" . }}'),
      url_title: str(),
      sound: str(),
      priority: tmpl('{{ if eq .Status "firing" }}2{{ else }}0{{ end }}'),
      retry: dflt(str('go-duration'), '1m'),
      expire: dflt(str('go-duration'), '1h'),
      html: always(FALSE),
    },
    'pushover'
  )
)

/** VICTOROPS_CONFIG is `config.VictorOpsConfig`. */
export const VICTOROPS_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      api_key: str('secret'),
      api_key_file: str(),
      api_url: always(str('url')),
      routing_key: always(str()),
      message_type: always(dflt(str(), 'CRITICAL')),
      state_message: always(tmpl('{{ template "victorops.default.state_message" . }}')),
      entity_display_name: always(tmpl('{{ template "victorops.default.entity_display_name" . }}')),
      monitoring_tool: always(tmpl('{{ template "victorops.default.monitoring_tool" . }}')),
      custom_fields: STRING_MAP,
    },
    'victorops'
  )
)

/** SNS_CONFIG is `config.SNSConfig`; `api_url` is a plain string there. */
export const SNS_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      api_url: str(),
      sigv4: always(dflt(SIGV4_CONFIG, {})),
      topic_arn: str(),
      phone_number: str(),
      target_arn: str(),
      subject: tmpl('{{ template "sns.default.subject" . }}'),
      message: tmpl('{{ template "sns.default.message" . }}'),
      attributes: STRING_MAP,
    },
    'sns'
  )
)

/** TELEGRAM_CONFIG is `config.TelegramConfig`. */
export const TELEGRAM_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      api_url: always(str('url')),
      bot_token: str('secret'),
      chat_id: INT64,
      message: tmpl('{{ template "telegram.default.message" . }}'),
      disable_notifications: FALSE,
      parse_mode: dflt(str(), 'HTML'),
    },
    'telegram'
  )
)
