/**
 * @module notify/integrations/victorops
 * Alertmanager 0.25's VictorOps integration: its config (schema, global URL and key, checks).
 * Not sendable yet, so configs using it are refused when the node builds its receivers.
 * Imports config and the integration definition only.
 */
export { VICTOROPS, VICTOROPS_CONFIG_SPEC } from './config.js'
export type { VictorOpsConfig } from './config.js'
