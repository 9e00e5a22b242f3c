/**
 * @module notify/integrations/telegram
 * Alertmanager 0.25's Telegram integration: its config (schema, global API URL, checks), the
 * sendMessage body telebot.v3 sends, telebot's reading of Telegram's answer, and the notifier.
 * Uses src/notify/http for transport; imports alerts, config, template and util, never another
 * integration's folder.
 */
export {
  TELEGRAM_CONFIG_SPEC,
  TELEGRAM_CONTENT_TYPE,
  TELEGRAM_DEFAULTS,
  TELEGRAM_INTEGRATION_NAME,
  TELEGRAM_MAX_MESSAGE_RUNES,
} from './config.js'
export type { TelegramConfig } from './config.js'
export { TELEGRAM } from './integration.js'
export { buildSendMessageBody, sendMessageURL } from './message.js'
export type { SendMessageInput } from './message.js'
export { TELEGRAM_USER_AGENT, TelegramNotifier } from './notifier.js'
export type { TelegramNotifierOptions } from './notifier.js'
export { readSendMessageResponse } from './response.js'
export type { SendMessageResult } from './response.js'
