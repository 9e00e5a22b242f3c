import { exactlyOne, schema } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'

/**
 * The Microsoft Teams integration's config. msteams_configs arrived after 0.25 (Alertmanager
 * 0.26; `summary` and `webhook_url_file` in 0.27): alertmesh follows Alertmanager at 68fb2d5
 * (v0.34.0+20), notify/msteams/config.go, whose behaviour is unchanged since 0.27.0.
 */

const { reset, sendResolved, str, struct, tmpl, HTTP_CONFIG } = schema

/** MSTEAMS_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const MSTEAMS_INTEGRATION_NAME = 'msteams'

/** MSTEAMS_DEFAULTS are DefaultMSTeamsConfig (notify/msteams/config.go). */
export const MSTEAMS_DEFAULTS = {
  send_resolved: true,
  title: '{{ template "msteams.default.title" . }}',
  summary: '{{ template "msteams.default.summary" . }}',
  text: '{{ template "msteams.default.text" . }}',
} as const

/** MSTEAMS_RETRY_CODES are the non-5xx statuses msteams retries: none (a bare notify.Retrier). */
export const MSTEAMS_RETRY_CODES: readonly number[] = []

/** MSTeamsConfig is one entry of `msteams_configs`. */
export interface MSTeamsConfig extends IntegrationConfig {
  /** The receiver's own http_config, or the global one when absent (whole-object fallback). */
  readonly http_config: HttpClientConfig
  /** Exactly one of `webhook_url` and `webhook_url_file` is set. */
  readonly webhook_url?: SecretString
  readonly webhook_url_file?: string
  readonly title: string
  readonly summary: string
  readonly text: string
}

/** MSTEAMS_SCHEMA is `msteams.MSTeamsConfig`, in its field order. */
const MSTEAMS_SCHEMA = reset(
  struct(
    'msteams.plain',
    {
      send_resolved: sendResolved(MSTEAMS_DEFAULTS.send_resolved),
      http_config: HTTP_CONFIG,
      webhook_url: str('secret-url'),
      webhook_url_file: str(),
      title: tmpl(MSTEAMS_DEFAULTS.title),
      summary: tmpl(MSTEAMS_DEFAULTS.summary),
      text: tmpl(MSTEAMS_DEFAULTS.text),
    },
    'msteams'
  )
)

/** MSTeamsConfig.UnmarshalYAML: exactly one of the URL and its file. */
function check(o: Obj): void {
  exactlyOne(o, 'webhook_url', 'webhook_url_file')
}

/**
 * MSTEAMS_CONFIG_SPEC is the `msteams_configs` kind as src/config consumes it: no global field
 * of its own, only the global http_config as a whole-object fallback (Config.UnmarshalYAML's
 * `cmp.Or(msteams.HTTPConfig, c.Global.HTTPConfig)`). Newer Alertmanager visits it right after
 * webex in that loop.
 */
export const MSTEAMS_CONFIG_SPEC: IntegrationConfigSpec<MSTeamsConfig> = {
  name: MSTEAMS_INTEGRATION_NAME,
  goType: 'msteams.MSTeamsConfig',
  schema: MSTEAMS_SCHEMA,
  checks: { msteams: check },
  unmarshalOrder: 13,
}
