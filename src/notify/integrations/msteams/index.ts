/**
 * @module notify/integrations/msteams
 * The Microsoft Teams integration of Alertmanager releases newer than 0.25 (msteams_configs,
 * from 0.26; followed at 68fb2d5): its config (schema, defaults, webhook_url/webhook_url_file),
 * the MessageCard body and the notifier that POSTs it. Uses src/notify/http for transport;
 * imports alerts, config, template and util, never another integration's folder.
 */
export {
  MSTEAMS_CONFIG_SPEC,
  MSTEAMS_DEFAULTS,
  MSTEAMS_INTEGRATION_NAME,
  MSTEAMS_RETRY_CODES,
} from './config.js'
export type { MSTeamsConfig } from './config.js'
export { MSTEAMS } from './integration.js'
export { MSTeamsNotifier } from './notifier.js'
export type { MSTeamsNotifierOptions } from './notifier.js'
export { buildMessageCard, MSTEAMS_THEME_COLORS } from './payload.js'
export type { MessageCardInput } from './payload.js'
