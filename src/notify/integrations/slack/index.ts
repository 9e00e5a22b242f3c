/**
 * @module notify/integrations/slack
 * Alertmanager 0.25's Slack integration: its config (schema, global API URL, checks of fields
 * and actions). Not sendable yet, so configs using it are refused when the node builds its
 * receivers. Imports config and the integration definition only.
 */
export { SLACK, SLACK_CONFIG_SPEC } from './config.js'
export type { SlackAction, SlackConfig, SlackConfirmationField, SlackField } from './config.js'
