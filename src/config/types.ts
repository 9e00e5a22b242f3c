import type { Matcher } from '../labels/index.js'

/**
 * The typed view of an Alertmanager 0.25 configuration after parsing, schema validation,
 * semantic checks and defaulting. Keys keep the YAML spelling (snake_case) so the types read
 * like Alertmanager's documentation; every duration is converted to milliseconds.
 */

/** SecretString marks values that are rendered as `<secret>` in `config.original`. */
export type SecretString = string

/** TLSConfig is prometheus/common's TLS client configuration. */
export interface TLSConfig {
  readonly ca_file?: string
  readonly cert_file?: string
  readonly key_file?: string
  readonly ca?: string
  readonly cert?: string
  readonly key?: SecretString
  readonly server_name?: string
  readonly insecure_skip_verify: boolean
  readonly min_version?: string
  readonly max_version?: string
}

/** BasicAuth of an HTTP client config; password and password_file are mutually exclusive. */
export interface BasicAuth {
  readonly username: string
  readonly password?: SecretString
  readonly password_file?: string
}

/** Authorization header config (`type` defaults to Bearer). */
export interface Authorization {
  readonly type: string
  readonly credentials?: SecretString
  readonly credentials_file?: string
}

/** OAuth2 client-credentials config. */
export interface OAuth2 {
  readonly client_id: string
  readonly client_secret?: SecretString
  readonly client_secret_file?: string
  readonly scopes: readonly string[]
  readonly token_url: string
  readonly endpoint_params: Readonly<Record<string, string>>
  readonly tls_config: TLSConfig
  readonly proxy_url?: string
}

/** HttpClientConfig is prometheus/common's HTTPClientConfig as Alertmanager 0.25 accepts it. */
export interface HttpClientConfig {
  readonly basic_auth?: BasicAuth
  readonly authorization?: Authorization
  readonly oauth2?: OAuth2
  readonly bearer_token?: SecretString
  readonly bearer_token_file?: string
  readonly proxy_url?: string
  /** Headers sent to the proxy on CONNECT; values are secrets. */
  readonly proxy_connect_header?: Readonly<Record<string, readonly SecretString[]>>
  readonly tls_config: TLSConfig
  readonly follow_redirects: boolean
  readonly enable_http2: boolean
}

/** GlobalConfig holds the defaults shared by every receiver. */
export interface GlobalConfig {
  readonly resolve_timeout: number
  readonly http_config: HttpClientConfig
  readonly smtp_from?: string
  readonly smtp_hello: string
  readonly smtp_smarthost?: string
  readonly smtp_auth_username?: string
  readonly smtp_auth_password?: SecretString
  readonly smtp_auth_password_file?: string
  readonly smtp_auth_secret?: SecretString
  readonly smtp_auth_identity?: string
  readonly smtp_require_tls: boolean
  readonly slack_api_url?: SecretString
  readonly slack_api_url_file?: string
  readonly pagerduty_url: string
  readonly opsgenie_api_url: string
  readonly opsgenie_api_key?: SecretString
  readonly opsgenie_api_key_file?: string
  readonly wechat_api_url: string
  readonly wechat_api_secret?: SecretString
  readonly wechat_api_corp_id?: string
  readonly victorops_api_url: string
  readonly victorops_api_key?: SecretString
  readonly victorops_api_key_file?: string
  readonly telegram_api_url: string
  readonly webex_api_url: string
}

/** RouteConfig is one node of the routing tree as written (inheritance is applied by dispatch). */
export interface RouteConfig {
  readonly receiver?: string
  readonly group_by?: readonly string[]
  readonly continue: boolean
  /** matchers from `matchers`, `match` (as =) and `match_re` (as =~), sorted as Alertmanager does. */
  readonly matchers: readonly Matcher[]
  readonly group_wait?: number
  readonly group_interval?: number
  readonly repeat_interval?: number
  readonly mute_time_intervals: readonly string[]
  readonly active_time_intervals: readonly string[]
  readonly routes: readonly RouteConfig[]
}

/** InhibitRuleConfig with the deprecated match forms folded into the matcher lists (unsorted). */
export interface InhibitRuleConfig {
  readonly source_matchers: readonly Matcher[]
  readonly target_matchers: readonly Matcher[]
  readonly equal: readonly string[]
}

/** WebhookConfig is one entry of `webhook_configs`. */
export interface WebhookConfig {
  readonly send_resolved: boolean
  readonly url: SecretString
  readonly max_alerts: number
  /** The receiver's own http_config, or the global one when absent (whole-object fallback). */
  readonly http_config: HttpClientConfig
}

/** IntegrationType lists every `<type>_configs` key of a 0.25 receiver. */
export type IntegrationType =
  | 'webhook'
  | 'email'
  | 'pagerduty'
  | 'slack'
  | 'opsgenie'
  | 'wechat'
  | 'pushover'
  | 'victorops'
  | 'sns'
  | 'telegram'
  | 'discord'
  | 'webex'

/** GenericIntegrationConfig is the validated, defaulted config of an integration other than webhook. */
export interface GenericIntegrationConfig {
  readonly send_resolved: boolean
  readonly [field: string]: unknown
}

/** ReceiverConfig is one named receiver and its integrations. */
export interface ReceiverConfig {
  readonly name: string
  readonly webhook_configs: readonly WebhookConfig[]
  /** Every other integration type present in the receiver, in YAML order of types. */
  readonly other_configs: Readonly<
    Partial<Record<Exclude<IntegrationType, 'webhook'>, readonly GenericIntegrationConfig[]>>
  >
}

/** TimeRange is a [start, end) range in minutes of the day. */
export interface TimeRange {
  readonly start_minute: number
  readonly end_minute: number
}

/** InclusiveRange is a closed integer range (weekdays 0=Sunday, days of month, months 1-12, years). */
export interface InclusiveRange {
  readonly begin: number
  readonly end: number
}

/** TimeInterval is one entry of a named interval; absent fields match anything. */
export interface TimeInterval {
  readonly times?: readonly TimeRange[]
  readonly weekdays?: readonly InclusiveRange[]
  readonly days_of_month?: readonly InclusiveRange[]
  readonly months?: readonly InclusiveRange[]
  readonly years?: readonly InclusiveRange[]
  /** IANA zone name; UTC when absent. */
  readonly location?: string
}

/** NamedTimeInterval is an entry of `time_intervals` or `mute_time_intervals`. */
export interface NamedTimeInterval {
  readonly name: string
  readonly time_intervals: readonly TimeInterval[]
}

/** Config is a whole validated configuration. */
export interface Config {
  readonly global: GlobalConfig
  readonly route: RouteConfig
  readonly inhibit_rules: readonly InhibitRuleConfig[]
  readonly receivers: readonly ReceiverConfig[]
  /** Template globs, resolved against the config file's directory. */
  readonly templates: readonly string[]
  readonly time_intervals: readonly NamedTimeInterval[]
  readonly mute_time_intervals: readonly NamedTimeInterval[]
}

/**
 * LoadedConfig is what a config source hands to the reloader: the typed config plus what the
 * API and metrics report about it.
 */
export interface LoadedConfig {
  readonly config: Config
  /** The raw text as read (file or Consul KV value). */
  readonly raw: string
  /** Re-marshalled YAML with defaults and `<secret>`s, served as `config.original`. */
  readonly original: string
  /** `alertmanager_config_hash`: first 6 bytes of MD5(raw) read little-endian. */
  readonly hash: number
  /**
   * SHA-256 (hex) of the decoded document: equal for texts that differ only in comments, quoting
   * or layout, so a reload that changes nothing effective can keep the running graph (and its
   * group timers). Secrets are included, unlike `original`, which masks them.
   */
  readonly effectiveHash: string
}

/*
 * Typed views of each integration's config. ReceiverConfig.other_configs holds them as
 * GenericIntegrationConfig; narrow with IntegrationConfigByType, e.g.
 * `receiver.other_configs.email as readonly EmailConfig[] | undefined`. Optional strings are
 * absent (or '') when unset; durations are milliseconds; URLs are Go-normalised strings; a
 * SecretURL written as `<secret>` holds ''.
 */

/** EmailConfig is an `email_configs` entry with the global SMTP settings already applied. */
export interface EmailConfig extends GenericIntegrationConfig {
  readonly to: string
  readonly from: string
  readonly hello: string
  /** `host:port`. */
  readonly smarthost: string
  readonly auth_username?: string
  readonly auth_password?: SecretString
  readonly auth_password_file?: string
  readonly auth_secret?: SecretString
  readonly auth_identity?: string
  /** Canonical header names; Subject, To and From are filled for receivers used by a route. */
  readonly headers: Readonly<Record<string, string>>
  readonly html?: string
  readonly text?: string
  readonly require_tls: boolean
  readonly tls_config: TLSConfig
}

/** PagerdutyImage is an image attached to a PagerDuty event. */
export interface PagerdutyImage {
  readonly src?: string
  readonly alt?: string
  readonly href?: string
}

/** PagerdutyLink is a link attached to a PagerDuty event. */
export interface PagerdutyLink {
  readonly href?: string
  readonly text?: string
}

/** PagerdutyConfig is a `pagerduty_configs` entry. */
export interface PagerdutyConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly service_key?: SecretString
  readonly service_key_file?: string
  readonly routing_key?: SecretString
  readonly routing_key_file?: string
  readonly url: string
  readonly client: string
  readonly client_url: string
  readonly description: string
  /** Includes the default firing/resolved/num_firing/num_resolved entries. */
  readonly details: Readonly<Record<string, string>>
  readonly images?: readonly PagerdutyImage[]
  readonly links?: readonly PagerdutyLink[]
  readonly source: string
  readonly severity?: string
  readonly class?: string
  readonly component?: string
  readonly group?: string
}

/** SlackField is a field of a Slack attachment. */
export interface SlackField {
  readonly title: string
  readonly value: string
  readonly short?: boolean
}

/** SlackConfirmationField asks for confirmation of a Slack action. */
export interface SlackConfirmationField {
  readonly text: string
  readonly title?: string
  readonly ok_text?: string
  readonly dismiss_text?: string
}

/** SlackAction is a Slack message button. */
export interface SlackAction {
  readonly type: string
  readonly text: string
  readonly url?: string
  readonly style?: string
  readonly name?: string
  readonly value?: string
  readonly confirm?: SlackConfirmationField
}

/** SlackConfig is a `slack_configs` entry (api_url/api_url_file already taken from global). */
export interface SlackConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url?: SecretString
  readonly api_url_file?: string
  readonly channel?: string
  readonly username: string
  readonly color: string
  readonly title: string
  readonly title_link: string
  readonly pretext: string
  readonly text: string
  readonly fields?: readonly SlackField[]
  readonly short_fields: boolean
  readonly footer: string
  readonly fallback: string
  readonly callback_id: string
  readonly icon_emoji: string
  readonly icon_url: string
  readonly image_url?: string
  readonly thumb_url?: string
  readonly link_names: boolean
  readonly mrkdwn_in?: readonly string[]
  readonly actions?: readonly SlackAction[]
}

/** OpsGenieResponder is one OpsGenie responder. */
export interface OpsGenieResponder {
  readonly id?: string
  readonly name?: string
  readonly username?: string
  readonly type?: string
}

/** OpsGenieConfig is an `opsgenie_configs` entry; api_url always ends with `/`. */
export interface OpsGenieConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_key?: SecretString
  readonly api_key_file?: string
  readonly api_url: string
  readonly message: string
  readonly description: string
  readonly source: string
  readonly details?: Readonly<Record<string, string>>
  readonly entity?: string
  readonly responders?: readonly OpsGenieResponder[]
  readonly actions?: string
  readonly tags?: string
  readonly note?: string
  readonly priority?: string
  readonly update_alerts: boolean
}

/** WechatConfig is a `wechat_configs` entry; api_url always ends with `/`. */
export interface WechatConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_secret: SecretString
  readonly corp_id: string
  readonly message: string
  readonly api_url: string
  readonly to_user: string
  readonly to_party: string
  readonly to_tag: string
  readonly agent_id: string
  /** `text` or `markdown`. */
  readonly message_type: string
}

/** PushoverConfig is a `pushover_configs` entry. */
export interface PushoverConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly user_key: SecretString
  readonly token: SecretString
  readonly title: string
  readonly message: string
  readonly url: string
  readonly url_title?: string
  readonly sound?: string
  readonly priority: string
  /** Milliseconds (Go time.Duration syntax in YAML). */
  readonly retry: number
  /** Milliseconds (Go time.Duration syntax in YAML). */
  readonly expire: number
  readonly html: boolean
}

/** VictorOpsConfig is a `victorops_configs` entry; api_url always ends with `/`. */
export interface VictorOpsConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_key?: SecretString
  readonly api_key_file?: string
  readonly api_url: string
  readonly routing_key: string
  readonly message_type: string
  readonly state_message: string
  readonly entity_display_name: string
  readonly monitoring_tool: string
  readonly custom_fields?: Readonly<Record<string, string>>
}

/** SigV4Config is AWS request signing for SNS. */
export interface SigV4Config {
  readonly region?: string
  readonly access_key?: string
  readonly secret_key?: SecretString
  readonly profile?: string
  readonly role_arn?: string
}

/** SNSConfig is an `sns_configs` entry. */
export interface SNSConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url?: string
  readonly sigv4: SigV4Config
  readonly topic_arn?: string
  readonly phone_number?: string
  readonly target_arn?: string
  readonly subject: string
  readonly message: string
  readonly attributes?: Readonly<Record<string, string>>
}

/** TelegramConfig is a `telegram_configs` entry. */
export interface TelegramConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url: string
  readonly bot_token: SecretString
  readonly chat_id: number
  readonly message: string
  readonly disable_notifications: boolean
  /** `HTML` (default), `Markdown`, `MarkdownV2` or ''. */
  readonly parse_mode: string
}

/** DiscordConfig is a `discord_configs` entry. */
export interface DiscordConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly webhook_url: SecretString
  readonly title: string
  readonly message: string
}

/** WebexConfig is a `webex_configs` entry; http_config.authorization is always set. */
export interface WebexConfig extends GenericIntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url: string
  readonly message: string
  readonly room_id: string
}

/** IntegrationConfigByType maps each non-webhook integration type to its typed config. */
export interface IntegrationConfigByType {
  readonly email: EmailConfig
  readonly pagerduty: PagerdutyConfig
  readonly slack: SlackConfig
  readonly opsgenie: OpsGenieConfig
  readonly wechat: WechatConfig
  readonly pushover: PushoverConfig
  readonly victorops: VictorOpsConfig
  readonly sns: SNSConfig
  readonly telegram: TelegramConfig
  readonly discord: DiscordConfig
  readonly webex: WebexConfig
}
