/**
 * @module notify/integrations/pushover
 * Alertmanager 0.25's Pushover integration: its config (schema, checks). Not sendable yet, so
 * configs using it are refused when the node builds its receivers. Imports config and the
 * integration definition only.
 */
export { PUSHOVER, PUSHOVER_CONFIG_SPEC } from './config.js'
export type { PushoverConfig } from './config.js'
