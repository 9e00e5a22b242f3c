import { schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  SecretString,
} from '../../../config/index.js'

const { always, dflt, str, tmpl, FALSE, notifierStruct } = schema

/** PUSHOVER_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const PUSHOVER_INTEGRATION_NAME = 'pushover'

/**
 * PUSHOVER_API_URL is where 0.25 sends every message: a fixed endpoint, not configurable in
 * 0.25 (notify/pushover/pushover.go sets `apiURL` in New; only its tests replace it).
 */
export const PUSHOVER_API_URL = 'https://api.pushover.net/1/messages.json'

/**
 * PUSHOVER_RETRY_CODES are the non-5xx statuses Pushover retries: none, as 0.25's notifier uses
 * a bare `notify.Retrier{}`.
 */
export const PUSHOVER_RETRY_CODES: readonly number[] = []

/** PUSHOVER_MAX_TITLE_RUNES is 0.25's `maxTitleLenRunes` (Pushover's API limits). */
export const PUSHOVER_MAX_TITLE_RUNES = 250

/** PUSHOVER_MAX_MESSAGE_RUNES is 0.25's `maxMessageLenRunes`. */
export const PUSHOVER_MAX_MESSAGE_RUNES = 1024

/** PUSHOVER_MAX_URL_RUNES is 0.25's `maxURLLenRunes`. */
export const PUSHOVER_MAX_URL_RUNES = 512

/**
 * PushoverConfig is a `pushover_configs` entry. 0.25 has no `user_key_file` or `token_file`
 * (they came in 0.26), so neither has alertmesh: a config using them is refused as an unknown
 * field, as 0.25 refuses it.
 */
export interface PushoverConfig extends IntegrationConfig {
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

/** PUSHOVER_SCHEMA is `config.PushoverConfig`; retry/expire are Go `time.Duration` text. */
const PUSHOVER_SCHEMA = notifierStruct(
  'config.plain',
  true,
  {
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

/** PUSHOVER_CONFIG_SPEC is the `pushover_configs` kind as src/config consumes it. */
export const PUSHOVER_CONFIG_SPEC: IntegrationConfigSpec<PushoverConfig> = {
  name: PUSHOVER_INTEGRATION_NAME,
  goType: 'config.PushoverConfig',
  schema: PUSHOVER_SCHEMA,
  checks: {
    pushover: (o) => {
      if (stringField(o, 'user_key') === '') {
        throw new Error('missing user key in Pushover config')
      }
      if (stringField(o, 'token') === '') {
        throw new Error('missing token in Pushover config')
      }
    },
  },
  unmarshalOrder: 3,
}
