/**
 * @module notify/integrations/sns
 * Alertmanager 0.25's AWS SNS integration: its config (schema with SigV4, destination check).
 * Not sendable yet, so configs using it are refused when the node builds its receivers.
 * Imports config and the integration definition only.
 */
export { SNS, SNS_CONFIG_SPEC } from './config.js'
export type { SigV4Config, SNSConfig } from './config.js'
