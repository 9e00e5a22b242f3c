import { schema } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  SecretString,
} from '../../../config/index.js'

/**
 * The webhook's config (schema fragment, defaults, check) as src/config consumes it, and the
 * webhook-specific facts the notifier uses at run time.
 */

const { always, dflt, str, UINT64, notifierStruct } = schema

/** WEBHOOK_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const WEBHOOK_INTEGRATION_NAME = 'webhook'

/** WEBHOOK_PAYLOAD_VERSION is the `version` field of Alertmanager 0.25's webhook message. */
export const WEBHOOK_PAYLOAD_VERSION = '4'

/** WebhookConfig is one entry of `webhook_configs`. */
export interface WebhookConfig extends IntegrationConfig {
  readonly url: SecretString
  readonly max_alerts: number
  /** The receiver's own http_config, or the global one when absent (whole-object fallback). */
  readonly http_config: HttpClientConfig
}

/**
 * WEBHOOK_DEFAULTS are `webhook_configs` defaults in Alertmanager 0.25 (`config/notifiers.go`):
 * resolved notifications are sent, and `max_alerts: 0` sends every alert. `http_config`
 * falls back to the global one as a whole object. `url_file` does not exist in 0.25.
 */
export const WEBHOOK_DEFAULTS = {
  send_resolved: true,
  max_alerts: 0,
} as const

/** WEBHOOK_RETRY_CODES are the non-5xx statuses a webhook retries: none in 0.25. */
export const WEBHOOK_RETRY_CODES: readonly number[] = []

/** WEBHOOK_CONTENT_TYPE is the request's Content-Type (`notify.PostJSON`). */
export const WEBHOOK_CONTENT_TYPE = 'application/json'

/**
 * checkWebhookURL verifies a webhook URL the way Alertmanager's config does (it must parse,
 * use http or https and have a host) without ever quoting the URL, which is a secret.
 *
 * @param url - the configured URL.
 * @returns undefined when usable, else the problem in Alertmanager's words.
 */
export function checkWebhookURL(url: string): string | undefined {
  if (url === '') {
    return 'missing URL in webhook config'
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'invalid URL in webhook config'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `unsupported scheme ${JSON.stringify(parsed.protocol.slice(0, -1))} for URL`
  }
  if (parsed.hostname === '') {
    return 'missing host for URL'
  }
  return undefined
}

/** WEBHOOK_SCHEMA is `config.WebhookConfig` (config/notifiers.go); `url_file` does not exist in 0.25. */
const WEBHOOK_SCHEMA = notifierStruct(
  'config.plain',
  WEBHOOK_DEFAULTS.send_resolved,
  {
    url: always(str('url')),
    max_alerts: always(dflt(UINT64, WEBHOOK_DEFAULTS.max_alerts)),
  },
  'webhook'
)

/**
 * WEBHOOK_CONFIG_SPEC is the `webhook_configs` kind as src/config consumes it: no global field
 * of its own, only the global http_config as a whole-object fallback.
 */
export const WEBHOOK_CONFIG_SPEC: IntegrationConfigSpec<WebhookConfig> = {
  name: WEBHOOK_INTEGRATION_NAME,
  goType: 'config.WebhookConfig',
  schema: WEBHOOK_SCHEMA,
  checks: {
    webhook: (o) => {
      if (o['url'] === undefined) {
        throw new Error('missing URL in webhook config')
      }
    },
  },
  unmarshalOrder: 0,
}
