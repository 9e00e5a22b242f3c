/**
 * @module notify/integrations/pushover
 * Alertmanager 0.25's Pushover integration: its config (schema, checks), the form-encoded
 * parameters of a message and the notifier that POSTs them to Pushover's fixed endpoint. Uses
 * src/notify/http for transport; imports alerts, config and util, never another integration's
 * folder.
 */
export {
  PUSHOVER_API_URL,
  PUSHOVER_CONFIG_SPEC,
  PUSHOVER_INTEGRATION_NAME,
  PUSHOVER_MAX_MESSAGE_RUNES,
  PUSHOVER_MAX_TITLE_RUNES,
  PUSHOVER_MAX_URL_RUNES,
  PUSHOVER_RETRY_CODES,
} from './config.js'
export type { PushoverConfig } from './config.js'
export { PUSHOVER } from './integration.js'
export { PushoverNotifier } from './notifier.js'
export type { PushoverNotifierOptions } from './notifier.js'
export { encodePushoverParameters, renderPushoverParameters } from './parameters.js'
