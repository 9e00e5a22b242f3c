/**
 * @module notify/integrations/opsgenie
 * Alertmanager 0.25's OpsGenie integration: its config (schema, global URL and key, responder
 * checks). Not sendable yet, so configs using it are refused when the node builds its
 * receivers. Imports config and the integration definition only.
 */
export { OPSGENIE, OPSGENIE_CONFIG_SPEC } from './config.js'
export type { OpsGenieConfig, OpsGenieResponder } from './config.js'
