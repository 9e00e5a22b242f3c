import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
} from '../../../config/index.js'
import { checkTeamsWebhook, teamsConfigSchema } from '../teams-config.js'
import type { TeamsWebhookConfig } from '../teams-config.js'

/**
 * The Microsoft Teams integration's config. msteams_configs arrived after 0.25 (Alertmanager
 * 0.26; `summary` and `webhook_url_file` in 0.27): alertmesh follows Alertmanager at 68fb2d5
 * (v0.34.0+20), notify/msteams/config.go, whose behaviour is unchanged since 0.27.0.
 */

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
export interface MSTeamsConfig extends IntegrationConfig, TeamsWebhookConfig {
  /** The receiver's own http_config, or the global one when absent (whole-object fallback). */
  readonly http_config: HttpClientConfig
  readonly title: string
  readonly summary: string
  readonly text: string
}

/** MSTEAMS_SCHEMA is `msteams.MSTeamsConfig`, in its field order. */
const MSTEAMS_SCHEMA = teamsConfigSchema('msteams', MSTEAMS_DEFAULTS)

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
  checks: { msteams: checkTeamsWebhook },
  unmarshalOrder: 13,
}
