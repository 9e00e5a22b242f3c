import { parseGoUrl, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'

/**
 * The Rocket.Chat integration's config. rocketchat_configs arrived after 0.25 (Alertmanager
 * 0.28): alertmesh follows Alertmanager at 68fb2d5 (v0.34.0+20), notify/rocketchat/config.go
 * and the global fields and receiver loop of config/config.go.
 */

const { always, list, ptr, str, struct, tmpl, notifierStruct } = schema
const { BOOL, FALSE } = schema

/** ROCKETCHAT_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const ROCKETCHAT_INTEGRATION_NAME = 'rocketchat'

/** ROCKETCHAT_DEFAULTS are DefaultRocketchatConfig (notify/rocketchat/config.go). */
export const ROCKETCHAT_DEFAULTS = {
  send_resolved: false,
  color: '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}',
  emoji: '{{ template "rocketchat.default.emoji" . }}',
  icon_url: '{{ template "rocketchat.default.iconurl" . }}',
  text: '{{ template "rocketchat.default.text" . }}',
  title: '{{ template "rocketchat.default.title" . }}',
  title_link: '{{ template "rocketchat.default.titlelink" . }}',
} as const

/**
 * ROCKETCHAT_DEFAULT_API_URL is DefaultGlobalConfig's RocketchatAPIURL. alertmesh applies it in
 * fromGlobal rather than as a schema default, so `global` shows it only when the user set it
 * and 0.25 configs marshal as 0.25 marshals them.
 */
export const ROCKETCHAT_DEFAULT_API_URL = 'https://open.rocket.chat/'

/** ROCKETCHAT_RETRY_CODES are the non-5xx statuses rocketchat retries: none (a bare Retrier). */
export const ROCKETCHAT_RETRY_CODES: readonly number[] = []

/** ROCKETCHAT_MAX_TITLE_RUNES is rocketchat.go's maxTitleLenRunes. */
export const ROCKETCHAT_MAX_TITLE_RUNES = 1024

/**
 * RocketchatAttachmentField is a configured attachment field. The Go struct has no yaml tags,
 * so yaml.v2 names its keys after the lowercased Go field names.
 */
export interface RocketchatAttachmentField {
  /** Unset falls back to the entry's `short_fields`. */
  readonly short?: boolean
  readonly title?: string
  readonly value?: string
}

/**
 * RocketchatAttachmentAction is a configured action button; the notifier sends only its text,
 * url and msg (as buttons). Keys are the lowercased Go field names, as yaml.v2 derives them.
 */
export interface RocketchatAttachmentAction {
  readonly type?: string
  readonly text?: string
  readonly url?: string
  readonly imageurl?: string
  readonly iswebview: boolean
  readonly webviewheightratio?: string
  readonly msg?: string
  readonly msginchatwindow: boolean
  readonly msgprocessingtype?: string
}

/** RocketchatConfig is one entry of `rocketchat_configs`, with what it took from `global`. */
export interface RocketchatConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  /** The entry's, else `global.rocketchat_api_url`, else https://open.rocket.chat/. */
  readonly api_url: string
  /** At least one of `token_id` and `token_id_file` is set (the file wins when both are). */
  readonly token_id?: SecretString
  readonly token_id_file?: string
  /** At least one of `token` and `token_file` is set (the file wins when both are). */
  readonly token?: SecretString
  readonly token_file?: string
  readonly channel?: string
  readonly color: string
  readonly title: string
  readonly title_link: string
  readonly text: string
  readonly fields?: readonly RocketchatAttachmentField[]
  readonly short_fields: boolean
  readonly emoji: string
  readonly icon_url: string
  readonly image_url?: string
  readonly thumb_url?: string
  readonly link_names: boolean
  readonly actions?: readonly RocketchatAttachmentAction[]
}

// Neither struct has UnmarshalYAML nor omitempty: yaml.v2 marshals every field (nil as null).
const FIELD = struct('rocketchat.RocketchatAttachmentField', {
  short: always(ptr(BOOL)),
  title: always(str()),
  value: always(str()),
})

const ACTION = struct('rocketchat.RocketchatAttachmentAction', {
  type: always(str()),
  text: always(str()),
  url: always(str()),
  imageurl: always(str()),
  iswebview: always(FALSE),
  webviewheightratio: always(str()),
  msg: always(str()),
  msginchatwindow: always(FALSE),
  msgprocessingtype: always(str()),
})

/** ROCKETCHAT_SCHEMA is `rocketchat.RocketchatConfig`, in its field order. */
const ROCKETCHAT_SCHEMA = notifierStruct(
  'rocketchat.plain',
  ROCKETCHAT_DEFAULTS.send_resolved,
  {
    api_url: str('url'),
    token_id: str('secret'),
    token_id_file: str(),
    token: str('secret'),
    token_file: str(),
    channel: str(),
    color: tmpl(ROCKETCHAT_DEFAULTS.color),
    title: tmpl(ROCKETCHAT_DEFAULTS.title),
    title_link: tmpl(ROCKETCHAT_DEFAULTS.title_link),
    text: tmpl(ROCKETCHAT_DEFAULTS.text),
    fields: list(FIELD, '[]*rocketchat.RocketchatAttachmentField'),
    short_fields: always(FALSE),
    emoji: tmpl(ROCKETCHAT_DEFAULTS.emoji),
    icon_url: tmpl(ROCKETCHAT_DEFAULTS.icon_url),
    image_url: str(),
    thumb_url: str(),
    link_names: always(FALSE),
    actions: list(ACTION, '[]*rocketchat.RocketchatAttachmentAction'),
  },
  'rocketchat'
)

/** RocketchatConfig.UnmarshalYAML: a token (and a token id) inline or in a file, not both. */
function check(o: Obj): void {
  if (o['token'] !== undefined && stringField(o, 'token_file') !== '') {
    throw new Error('at most one of token & token_file must be configured')
  }
  if (o['token_id'] !== undefined && stringField(o, 'token_id_file') !== '') {
    throw new Error('at most one of token_id & token_id_file must be configured')
  }
}

/**
 * orField is Go's `cmp.Or(entry, global)` on one field: the entry's value unless it is the zero
 * value (nil for the pointer fields, '' for the strings), else the global one.
 */
function orField(c: Obj, g: Obj, field: string, globalField: string, pointer: boolean): void {
  const set = pointer ? c[field] !== undefined : stringField(c, field) !== ''
  if (!set && g[globalField] !== undefined) {
    c[field] = g[globalField]
  }
}

/**
 * ROCKETCHAT_CONFIG_SPEC is the `rocketchat_configs` kind as src/config consumes it. Unlike the
 * 0.25 kinds' secrets, each of token_id, token_id_file, token and token_file falls back to its
 * global twin on its own (`cmp.Or` per field), so an entry may end up with both a token and a
 * file: the notifier then reads the file, as Alertmanager's getToken does.
 */
export const ROCKETCHAT_CONFIG_SPEC: IntegrationConfigSpec<RocketchatConfig> = {
  name: ROCKETCHAT_INTEGRATION_NAME,
  goType: 'rocketchat.RocketchatConfig',
  schema: ROCKETCHAT_SCHEMA,
  checks: { rocketchat: check },
  global: {
    // GlobalConfig's order (config/config.go); no defaults, see ROCKETCHAT_DEFAULT_API_URL.
    fields: {
      rocketchat_api_url: str('url'),
      rocketchat_token: str('secret'),
      rocketchat_token_file: str(),
      rocketchat_token_id: str('secret'),
      rocketchat_token_id_file: str(),
    },
    exclusive: [
      { pair: ['rocketchat_token', 'rocketchat_token_file'], order: 4 },
      { pair: ['rocketchat_token_id', 'rocketchat_token_id_file'], order: 5 },
    ],
  },
  // Newer Alertmanager visits it after jira, the last of msteamsv2 (13) and jira (14).
  unmarshalOrder: 16,
  fromGlobal: (c, g) => {
    if (c['api_url'] === undefined) {
      c['api_url'] = g['rocketchat_api_url'] ?? parseGoUrl(ROCKETCHAT_DEFAULT_API_URL)
    }
    orField(c, g, 'token_id', 'rocketchat_token_id', true)
    orField(c, g, 'token_id_file', 'rocketchat_token_id_file', false)
    if (c['token_id'] === undefined && stringField(c, 'token_id_file') === '') {
      throw new Error('no global Rocketchat TokenID set either inline or in a file')
    }
    orField(c, g, 'token', 'rocketchat_token', true)
    orField(c, g, 'token_file', 'rocketchat_token_file', false)
    if (c['token'] === undefined && stringField(c, 'token_file') === '') {
      throw new Error('no global Rocketchat Token set either inline or in a file')
    }
  },
}
