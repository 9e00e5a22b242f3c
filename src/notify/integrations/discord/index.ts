/**
 * @module notify/integrations/discord
 * Alertmanager 0.25's Discord integration: its config (schema, required webhook URL). Not
 * sendable yet, so configs using it are refused when the node builds its receivers. Imports
 * config and the integration definition only.
 */
export { DISCORD, DISCORD_CONFIG_SPEC } from './config.js'
export type { DiscordConfig } from './config.js'
