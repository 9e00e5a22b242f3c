/**
 * @module notify/integrations/msteamsv2
 * The Microsoft Teams integration for Power Automate workflow webhooks, of Alertmanager
 * releases newer than 0.25 (msteamsv2_configs, from 0.28; followed at 68fb2d5): its config
 * (schema, defaults, webhook_url/webhook_url_file, the global proxy_url), the Adaptive Card
 * body and the notifier that POSTs it. Uses src/notify/http for transport; imports alerts,
 * config, template and util, never another integration's folder.
 */
export {
  MSTEAMSV2_CONFIG_SPEC,
  MSTEAMSV2_DEFAULTS,
  MSTEAMSV2_INTEGRATION_NAME,
  MSTEAMSV2_RETRY_CODES,
} from './config.js'
export type { MSTeamsV2Config } from './config.js'
export { MSTEAMSV2 } from './integration.js'
export { MSTeamsV2Notifier } from './notifier.js'
export type { MSTeamsV2NotifierOptions } from './notifier.js'
export { buildAdaptiveCard, MSTEAMSV2_COLORS } from './payload.js'
export type { AdaptiveCardInput } from './payload.js'
