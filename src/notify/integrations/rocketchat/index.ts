/**
 * @module notify/integrations/rocketchat
 * The Rocket.Chat integration of Alertmanager releases newer than 0.25 (rocketchat_configs,
 * from 0.28; followed at 68fb2d5): its config (schema, defaults, what it takes from `global`),
 * the chat.postMessage body and URL, the reading of Rocket.Chat's answers, and the notifier.
 * Uses src/notify/http for transport; imports alerts, config, labels, template and util, never
 * another integration's folder.
 */
export {
  ROCKETCHAT_CONFIG_SPEC,
  ROCKETCHAT_DEFAULT_API_URL,
  ROCKETCHAT_DEFAULTS,
  ROCKETCHAT_INTEGRATION_NAME,
  ROCKETCHAT_MAX_TITLE_RUNES,
  ROCKETCHAT_RETRY_CODES,
} from './config.js'
export type {
  RocketchatAttachmentAction,
  RocketchatAttachmentField,
  RocketchatConfig,
} from './config.js'
export { ROCKETCHAT } from './integration.js'
export { RocketchatNotifier } from './notifier.js'
export type { RocketchatNotifierOptions } from './notifier.js'
export { buildPostMessage, POST_MESSAGE_PATH, postMessageURL } from './payload.js'
export type { PostMessageInput, RenderedAction, RenderedField } from './payload.js'
export { checkJSONResponseError } from './response.js'
export type { ResponseVerdict } from './response.js'
