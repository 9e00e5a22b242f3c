/**
 * @module notify/integrations/webex
 * Alertmanager 0.25's Webex integration: its config (schema, global API URL, checks). Not
 * sendable yet, so configs using it are refused when the node builds its receivers. Imports
 * config and the integration definition only.
 */
export { WEBEX, WEBEX_CONFIG_SPEC } from './config.js'
export type { WebexConfig } from './config.js'
