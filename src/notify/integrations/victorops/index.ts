/**
 * @module notify/integrations/victorops
 * Alertmanager 0.25's VictorOps integration: its config (schema, global URL and key, checks),
 * the byte-exact alert body and the notifier that sends it. Uses src/notify/http for transport;
 * imports alerts, config, template and util, never another integration's folder.
 */
export {
  VICTOROPS_CONFIG_SPEC,
  VICTOROPS_MAX_STATE_MESSAGE_RUNES,
  VICTOROPS_RETRY_CODES,
} from './config.js'
export type { VictorOpsConfig } from './config.js'
export { VICTOROPS } from './integration.js'
export { encodeVictorOpsMessage, victorOpsURL } from './payload.js'
export { VictorOpsNotifier } from './notifier.js'
export type { VictorOpsNotifierOptions } from './notifier.js'
