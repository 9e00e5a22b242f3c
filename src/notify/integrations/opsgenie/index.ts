/**
 * @module notify/integrations/opsgenie
 * Alertmanager 0.25's OpsGenie integration: its config (schema, global URL and key, responder
 * checks), the byte-exact create, close and update requests and the notifier that sends them.
 * Uses src/notify/http for transport; imports alerts, labels, config, template and util, never
 * another integration's folder.
 */
export {
  OPSGENIE_CONFIG_SPEC,
  OPSGENIE_INTEGRATION_NAME,
  OPSGENIE_MAX_MESSAGE_RUNES,
  OPSGENIE_RETRY_CODES,
} from './config.js'
export type { OpsGenieConfig, OpsGenieResponder } from './config.js'
export { OPSGENIE } from './integration.js'
export { OpsGenieNotifier } from './notifier.js'
export type { OpsGenieNotifierOptions } from './notifier.js'
export { encodeCreate, encodeField, OpsGenieEndpoints, safeSplit } from './requests.js'
export type { OpsGenieAlert, OpsGenieRequest } from './requests.js'
