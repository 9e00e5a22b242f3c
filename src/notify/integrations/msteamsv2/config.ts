import { objectField, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
} from '../../../config/index.js'
import { checkTeamsWebhook, teamsConfigSchema } from '../teams-config.js'
import type { TeamsWebhookConfig } from '../teams-config.js'

/**
 * The Microsoft Teams (Power Automate workflows) integration's config. msteamsv2_configs arrived
 * after 0.25 (Alertmanager 0.28): alertmesh follows Alertmanager at 68fb2d5 (v0.34.0+20),
 * notify/msteamsv2/config.go and the msteamsv2 loop of Config.UnmarshalYAML (config/config.go).
 */

/** MSTEAMSV2_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const MSTEAMSV2_INTEGRATION_NAME = 'msteamsv2'

/** MSTEAMSV2_DEFAULTS are DefaultMSTeamsV2Config (notify/msteamsv2/config.go). */
export const MSTEAMSV2_DEFAULTS = {
  send_resolved: true,
  title: '{{ template "msteamsv2.default.title" . }}',
  text: '{{ template "msteamsv2.default.text" . }}',
} as const

/** MSTEAMSV2_RETRY_CODES are the non-5xx statuses msteamsv2 retries: none (a bare notify.Retrier). */
export const MSTEAMSV2_RETRY_CODES: readonly number[] = []

/** MSTeamsV2Config is one entry of `msteamsv2_configs`. */
export interface MSTeamsV2Config extends IntegrationConfig, TeamsWebhookConfig {
  /**
   * The receiver's own http_config (with the global proxy_url when it sets none), or the
   * global one when absent.
   */
  readonly http_config: HttpClientConfig
  readonly title: string
  readonly text: string
}

/** MSTEAMSV2_SCHEMA is `msteamsv2.MSTeamsV2Config`, in its field order. */
const MSTEAMSV2_SCHEMA = teamsConfigSchema('msteamsv2', MSTEAMSV2_DEFAULTS)

/**
 * fromGlobal is the msteamsv2 loop of Config.UnmarshalYAML. Unlike the other kinds, an entry
 * with an http_config of its own but no proxy_url takes the global proxy_url into it (and only
 * that); an entry without http_config gets the global one whole (src/config did that already).
 * The URL check after it cannot fail once MSTeamsV2Config.UnmarshalYAML passed; it is kept so
 * that the message is Alertmanager's should that ever change.
 */
function fromGlobal(c: Obj, g: Obj): void {
  const own = objectField(c, 'http_config')
  const global = objectField(g, 'http_config')
  if (own !== undefined && own !== global && own['proxy_url'] === undefined) {
    const proxy = global?.['proxy_url']
    if (proxy !== undefined) {
      own['proxy_url'] = proxy
    }
  }
  if (c['webhook_url'] === undefined && stringField(c, 'webhook_url_file') === '') {
    throw new Error('no msteamsv2 webhook URL or URLFile provided')
  }
}

/**
 * MSTEAMSV2_CONFIG_SPEC is the `msteamsv2_configs` kind as src/config consumes it: no global
 * field of its own, the global http_config (or its proxy_url) as fallback. Newer Alertmanager
 * visits it right after msteams in that loop.
 */
export const MSTEAMSV2_CONFIG_SPEC: IntegrationConfigSpec<MSTeamsV2Config> = {
  name: MSTEAMSV2_INTEGRATION_NAME,
  goType: 'msteamsv2.MSTeamsV2Config',
  schema: MSTEAMSV2_SCHEMA,
  checks: { msteamsv2: checkTeamsWebhook },
  unmarshalOrder: 14,
  fromGlobal,
}
