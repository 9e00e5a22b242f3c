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

/**
 * GlobalConfig holds the defaults shared by every receiver. Besides these two, it has the fields
 * each integration's spec adds (GlobalSpec.fields: `smtp_*`, `slack_api_url`, ...), read as
 * `global['smtp_from']`.
 */
export interface GlobalConfig {
  readonly resolve_timeout: number
  readonly http_config: HttpClientConfig
  readonly [field: string]: unknown
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

/**
 * IntegrationConfig is one validated, defaulted entry of a receiver's `<name>_configs`. Each
 * integration's folder (src/notify/integrations/<name>) declares its typed view (e.g.
 * WebhookConfig) and reads it with configsOf.
 */
export interface IntegrationConfig {
  readonly send_resolved: boolean
  readonly [field: string]: unknown
}

/**
 * ReceiverConfig is one named receiver and its integrations: for each `<name>_configs` key the
 * YAML has, the integration name maps to its entries, keys in the YAML's order (the order a
 * refusal names them in). One shape for every kind, so config never names one.
 */
export interface ReceiverConfig {
  readonly name: string
  readonly integrations: Readonly<Partial<Record<string, readonly IntegrationConfig[]>>>
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
