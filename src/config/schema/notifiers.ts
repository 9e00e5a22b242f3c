import {
  BOOL,
  FALSE,
  HTTP_CONFIG,
  STRING_LIST,
  STRING_MAP,
  UINT64,
  always,
  dflt,
  list,
  ptr,
  ref,
  reset,
  str,
  struct,
  tmpl,
} from './helpers.js'
import type { SchemaNode } from './helpers.js'

/**
 * Notifier configs of Alertmanager 0.25 (`config/notifiers.go`), part 1: webhook, email,
 * pagerduty, slack, discord and webex. Field order and defaults follow the Go structs and their
 * `Default<Type>Config` values.
 */

const sendResolved = (value: boolean): SchemaNode => dflt(always(BOOL), value)

/** WEBHOOK_CONFIG is `config.WebhookConfig`; `url_file` does not exist in 0.25. */
export const WEBHOOK_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      url: always(str('url')),
      max_alerts: always(dflt(UINT64, 0)),
    },
    'webhook'
  )
)

/** EMAIL_CONFIG is `config.EmailConfig`. */
export const EMAIL_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(false),
      to: str(),
      from: str(),
      hello: str(),
      smarthost: str('hostport'),
      auth_username: str(),
      auth_password: str('secret'),
      auth_password_file: str(),
      auth_secret: str('secret'),
      auth_identity: str(),
      headers: STRING_MAP,
      html: tmpl('{{ template "email.default.html" . }}'),
      text: str(),
      require_tls: ptr(BOOL),
      tls_config: ref('tls_config'),
    },
    'email'
  )
)

const PAGERDUTY_IMAGE: SchemaNode = struct('config.PagerdutyImage', {
  src: str(),
  alt: str(),
  href: str(),
})

const PAGERDUTY_LINK: SchemaNode = struct('config.PagerdutyLink', {
  href: str(),
  text: str(),
})

/** PAGERDUTY_CONFIG is `config.PagerdutyConfig`. */
export const PAGERDUTY_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      service_key: str('secret'),
      service_key_file: str(),
      routing_key: str('secret'),
      routing_key_file: str(),
      url: str('url'),
      client: tmpl('{{ template "pagerduty.default.client" . }}'),
      client_url: tmpl('{{ template "pagerduty.default.clientURL" . }}'),
      // The missing space before `}}` is Alertmanager's own default text.
      description: tmpl('{{ template "pagerduty.default.description" .}}'),
      details: STRING_MAP,
      images: list(PAGERDUTY_IMAGE, '[]config.PagerdutyImage'),
      links: list(PAGERDUTY_LINK, '[]config.PagerdutyLink'),
      source: str(),
      severity: str(),
      class: str(),
      component: str(),
      group: str(),
    },
    'pagerduty'
  )
)

const SLACK_FIELD: SchemaNode = struct(
  'config.plain',
  { title: str(), value: str(), short: ptr(BOOL) },
  'slack_field'
)

const SLACK_CONFIRM: SchemaNode = struct(
  'config.plain',
  { text: str(), title: str(), ok_text: str(), dismiss_text: str() },
  'slack_confirm'
)

const SLACK_ACTION: SchemaNode = struct(
  'config.plain',
  {
    type: str(),
    text: str(),
    url: str(),
    style: str(),
    name: str(),
    value: str(),
    confirm: SLACK_CONFIRM,
  },
  'slack_action'
)

/** SLACK_CONFIG is `config.SlackConfig`. */
export const SLACK_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(false),
      http_config: HTTP_CONFIG,
      api_url: str('secret-url'),
      api_url_file: str(),
      channel: str(),
      username: tmpl('{{ template "slack.default.username" . }}'),
      color: tmpl('{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
      title: tmpl('{{ template "slack.default.title" . }}'),
      title_link: tmpl('{{ template "slack.default.titlelink" . }}'),
      pretext: tmpl('{{ template "slack.default.pretext" . }}'),
      text: tmpl('{{ template "slack.default.text" . }}'),
      fields: list(SLACK_FIELD, '[]*config.SlackField'),
      short_fields: always(FALSE),
      footer: tmpl('{{ template "slack.default.footer" . }}'),
      fallback: tmpl('{{ template "slack.default.fallback" . }}'),
      callback_id: tmpl('{{ template "slack.default.callbackid" . }}'),
      icon_emoji: tmpl('{{ template "slack.default.iconemoji" . }}'),
      icon_url: tmpl('{{ template "slack.default.iconurl" . }}'),
      image_url: str(),
      thumb_url: str(),
      link_names: always(FALSE),
      mrkdwn_in: STRING_LIST,
      actions: list(SLACK_ACTION, '[]*config.SlackAction'),
    },
    'slack'
  )
)

/** DISCORD_CONFIG is `config.DiscordConfig`. */
export const DISCORD_CONFIG: SchemaNode = reset(
  struct('config.plain', {
    send_resolved: sendResolved(true),
    http_config: HTTP_CONFIG,
    webhook_url: str('secret-url'),
    title: tmpl('{{ template "discord.default.title" . }}'),
    message: tmpl('{{ template "discord.default.message" . }}'),
  })
)

/** WEBEX_CONFIG is `config.WebexConfig`. */
export const WEBEX_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
      api_url: str('url'),
      message: tmpl('{{ template "webex.default.message" . }}'),
      room_id: always(str()),
    },
    'webex'
  )
)
