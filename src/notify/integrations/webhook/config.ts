/**
 * Webhook-specific facts used at run time. The config schema and defaulting live in src/config;
 * the values are repeated here as documentation and for the notifier's own checks.
 */

/** WEBHOOK_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const WEBHOOK_INTEGRATION_NAME = 'webhook'

/** WEBHOOK_PAYLOAD_VERSION is the `version` field of Alertmanager 0.25's webhook message. */
export const WEBHOOK_PAYLOAD_VERSION = '4'

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
