/**
 * @module notify/integrations/webex
 * Alertmanager 0.25's Webex integration: its config (schema, global API URL, required room and
 * authorization), the byte-exact markdown message and the notifier that POSTs it. Uses
 * src/notify/http for transport; imports alerts, labels, config and util, never another
 * integration's folder.
 */
export {
  WEBEX_CONFIG_SPEC,
  WEBEX_INTEGRATION_NAME,
  WEBEX_MAX_MESSAGE_BYTES,
  WEBEX_RETRY_CODES,
} from './config.js'
export type { WebexConfig } from './config.js'
export { WEBEX } from './integration.js'
export { WebexNotifier } from './notifier.js'
export type { WebexNotifierOptions } from './notifier.js'
export { encodeWebexMessage } from './payload.js'
