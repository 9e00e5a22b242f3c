/**
 * @module notify/integrations/email
 * Alertmanager 0.25's email integration: its config (schema, global SMTP defaults, checks).
 * Not sendable yet, so configs using it are refused when the node builds its receivers. Imports
 * config, labels and the integration definition only.
 */
export { EMAIL, EMAIL_CONFIG_SPEC } from './config.js'
export type { EmailConfig } from './config.js'
