/**
 * @module notify/integrations/mattermost
 * The Mattermost integration of Alertmanager releases newer than 0.25 (mattermost_configs,
 * from 0.29; followed at 68fb2d5): its config (schema, defaults, the webhook URL taken from
 * `global`), the incoming-webhook request and the notifier that POSTs it. Uses src/notify/http
 * for transport; imports alerts, config, labels, template and util, never another
 * integration's folder.
 */
export {
  MATTERMOST_CONFIG_SPEC,
  MATTERMOST_DEFAULTS,
  MATTERMOST_INTEGRATION_NAME,
  MATTERMOST_MAX_TEXT_RUNES,
  MATTERMOST_RETRY_CODES,
} from './config.js'
export type {
  MattermostAttachment,
  MattermostConfig,
  MattermostField,
  MattermostPriority,
  MattermostProps,
} from './config.js'
export { MATTERMOST } from './integration.js'
export { MattermostNotifier } from './notifier.js'
export type { MattermostNotifierOptions } from './notifier.js'
export { createRequest, encodeRequest, sanitizeRequest } from './payload.js'
export type {
  MattermostRequest,
  Render,
  SentAttachment,
  SentField,
  SentPriority,
  Warn,
} from './payload.js'
