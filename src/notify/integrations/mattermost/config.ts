import { atMostOne, globalUrlSpec, requireStrings, schema } from '../../../config/index.js'
import type {
  Check,
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'

/**
 * The Mattermost integration's config. mattermost_configs arrived after 0.25 (Alertmanager
 * 0.29): alertmesh follows Alertmanager at 68fb2d5 (v0.34.0+20), notify/mattermost/config.go
 * and the global fields and receiver loop of config/config.go.
 */

const { list, ptr, str, struct, tmpl, notifierStruct } = schema
const { BOOL } = schema

/** MATTERMOST_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const MATTERMOST_INTEGRATION_NAME = 'mattermost'

/** MATTERMOST_DEFAULTS are DefaultMattermostConfig (notify/mattermost/config.go). */
export const MATTERMOST_DEFAULTS = {
  send_resolved: true,
  username: '{{ template "mattermost.default.username" . }}',
  color: '{{ template "mattermost.default.color" . }}',
  text: '{{ template "mattermost.default.text" . }}',
  title: '{{ template "mattermost.default.title" . }}',
  title_link: '{{ template "mattermost.default.titlelink" . }}',
  fallback: '{{ template "mattermost.default.fallback" . }}',
} as const

/** MATTERMOST_RETRY_CODES are the non-5xx statuses mattermost retries: none (a bare Retrier). */
export const MATTERMOST_RETRY_CODES: readonly number[] = []

/** MATTERMOST_MAX_TEXT_RUNES is mattermost.go's maxTextLenRunes. */
export const MATTERMOST_MAX_TEXT_RUNES = 16383

/** MattermostField is a field of an attachment (title and value required). */
export interface MattermostField {
  readonly title: string
  readonly value: string
  readonly short?: boolean
}

/** MattermostAttachment is a configured attachment; every string is a template. */
export interface MattermostAttachment {
  readonly fallback?: string
  readonly color?: string
  readonly pretext?: string
  readonly text?: string
  readonly author_name?: string
  readonly author_link?: string
  readonly author_icon?: string
  readonly title?: string
  readonly title_link?: string
  readonly fields?: readonly MattermostField[]
  readonly thumb_url?: string
  readonly footer?: string
  readonly footer_icon?: string
  readonly image_url?: string
}

/** MattermostProps are the message's props; only `card` takes effect. */
export interface MattermostProps {
  readonly card?: string
}

/** MattermostPriority is the message priority (`urgent`, `important` or `standard`). */
export interface MattermostPriority {
  readonly priority?: string
  readonly requested_ack?: boolean
  readonly persistent_notifications?: boolean
}

/**
 * MattermostConfig is one entry of `mattermost_configs`, with what it took from `global`. Go's
 * struct repeats every attachment field inline (the message's own attachment), hence the
 * extends.
 */
export interface MattermostConfig extends IntegrationConfig, MattermostAttachment {
  readonly http_config: HttpClientConfig
  /** At least one of `webhook_url` and `webhook_url_file` is set. */
  readonly webhook_url?: SecretString
  readonly webhook_url_file?: string
  readonly channel?: string
  readonly username?: string
  readonly icon_url?: string
  readonly icon_emoji?: string
  readonly attachments?: readonly MattermostAttachment[]
  readonly type?: string
  readonly props?: MattermostProps
  readonly priority?: MattermostPriority
}

const FIELD = struct(
  'mattermost.plain',
  { title: str(), value: str(), short: ptr(BOOL) },
  'mattermost_field'
)
const FIELDS = list(FIELD, '[]*mattermost.MattermostField')

const ATTACHMENT = struct('mattermost.MattermostAttachment', {
  fallback: str(),
  color: str(),
  pretext: str(),
  text: str(),
  author_name: str(),
  author_link: str(),
  author_icon: str(),
  title: str(),
  title_link: str(),
  fields: FIELDS,
  thumb_url: str(),
  footer: str(),
  footer_icon: str(),
  image_url: str(),
})

/** MATTERMOST_SCHEMA is `mattermost.MattermostConfig`, in its field order. */
const MATTERMOST_SCHEMA = notifierStruct(
  'mattermost.plain',
  MATTERMOST_DEFAULTS.send_resolved,
  {
    webhook_url: str('secret-url'),
    webhook_url_file: str(),
    channel: str(),
    username: tmpl(MATTERMOST_DEFAULTS.username),
    text: tmpl(MATTERMOST_DEFAULTS.text),
    fallback: tmpl(MATTERMOST_DEFAULTS.fallback),
    color: tmpl(MATTERMOST_DEFAULTS.color),
    pretext: str(),
    author_name: str(),
    author_link: str(),
    author_icon: str(),
    title: tmpl(MATTERMOST_DEFAULTS.title),
    title_link: tmpl(MATTERMOST_DEFAULTS.title_link),
    fields: FIELDS,
    thumb_url: str(),
    footer: str(),
    footer_icon: str(),
    image_url: str(),
    icon_url: str(),
    icon_emoji: str(),
    attachments: list(ATTACHMENT, '[]*mattermost.MattermostAttachment'),
    type: str(),
    props: struct('mattermost.MattermostProps', { card: str() }),
    priority: struct('mattermost.MattermostPriority', {
      priority: str(),
      requested_ack: BOOL,
      persistent_notifications: BOOL,
    }),
  },
  'mattermost'
)

const CHECKS: Readonly<Record<string, Check>> = {
  // MattermostConfig.UnmarshalYAML.
  mattermost: (o: Obj) => {
    atMostOne(o, 'webhook_url', 'webhook_url_file')
  },
  // MattermostField.UnmarshalYAML.
  mattermost_field: (o: Obj) => {
    requireStrings(o, ['title', 'value'], 'Mattermost field')
  },
}

/**
 * MATTERMOST_CONFIG_SPEC is the `mattermost_configs` kind as src/config consumes it: an entry
 * with neither webhook_url nor webhook_url_file takes both global ones, as a pair.
 */
export const MATTERMOST_CONFIG_SPEC: IntegrationConfigSpec<MattermostConfig> = {
  name: MATTERMOST_INTEGRATION_NAME,
  goType: 'mattermost.MattermostConfig',
  schema: MATTERMOST_SCHEMA,
  checks: CHECKS,
  ...globalUrlSpec({
    fields: ['webhook_url', 'webhook_url_file'],
    globalFields: ['mattermost_webhook_url', 'mattermost_webhook_url_file'],
    order: 6,
    missing: 'missing webhook_url or webhook_url_file on mattermost_config',
  }),
  // Newer Alertmanager visits it last, right after rocketchat (15).
  unmarshalOrder: 17,
}
