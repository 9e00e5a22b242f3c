/**
 * @module notify/integrations/discord
 * Alertmanager 0.25's Discord integration: its config (schema, required webhook URL), the
 * byte-exact embed message and the notifier that POSTs it. Uses src/notify/http for
 * transport; imports alerts, labels, config and util, never another integration's folder.
 */
export {
  DISCORD_COLORS,
  DISCORD_CONFIG_SPEC,
  DISCORD_INTEGRATION_NAME,
  DISCORD_RETRY_CODES,
} from './config.js'
export type { DiscordConfig } from './config.js'
export { DISCORD } from './integration.js'
export { DiscordNotifier } from './notifier.js'
export type { DiscordNotifierOptions } from './notifier.js'
export { encodeDiscordMessage } from './payload.js'
export type { DiscordEmbed } from './payload.js'
