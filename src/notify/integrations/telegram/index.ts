/**
 * @module notify/integrations/telegram
 * Alertmanager 0.25's Telegram integration: its config (schema, global API URL, checks). Not
 * sendable yet, so configs using it are refused when the node builds its receivers. Imports
 * config and the integration definition only.
 */
export { TELEGRAM, TELEGRAM_CONFIG_SPEC } from './config.js'
export type { TelegramConfig } from './config.js'
