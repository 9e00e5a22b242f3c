/**
 * @module notify/integrations/webhook
 * Alertmanager 0.25's webhook integration: its config (schema, defaults, check), the byte-exact
 * v4 message and the notifier that POSTs it. Uses src/notify/http for transport; imports
 * alerts, labels, config and util, never another integration's folder.
 */
export {
  checkWebhookURL,
  WEBHOOK_CONFIG_SPEC,
  WEBHOOK_CONTENT_TYPE,
  WEBHOOK_DEFAULTS,
  WEBHOOK_INTEGRATION_NAME,
  WEBHOOK_PAYLOAD_VERSION,
  WEBHOOK_RETRY_CODES,
} from './config.js'
export type { WebhookConfig } from './config.js'
export { WEBHOOK } from './integration.js'
export { WebhookNotifier } from './notifier.js'
export type { WebhookNotifierOptions } from './notifier.js'
export { buildWebhookPayload } from './payload.js'
export type { WebhookPayloadInput } from './payload.js'
