import { schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  SecretString,
} from '../../../config/index.js'
import { defineIntegration } from '../definition.js'

const { always, dflt, reset, sendResolved, str, struct, tmpl, FALSE, HTTP_CONFIG } = schema

/** PushoverConfig is a `pushover_configs` entry. */
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
const PUSHOVER_SCHEMA = reset(
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

/** PUSHOVER_CONFIG_SPEC is the `pushover_configs` kind as src/config consumes it. */
export const PUSHOVER_CONFIG_SPEC: IntegrationConfigSpec<PushoverConfig> = {
  name: 'pushover',
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

/** PUSHOVER is the Pushover integration; alertmesh cannot send to Pushover yet. */
export const PUSHOVER = defineIntegration({ config: PUSHOVER_CONFIG_SPEC, metricsOrder: 3 })
