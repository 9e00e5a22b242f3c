/**
 * @module notify/integrations/pagerduty
 * Alertmanager 0.25's PagerDuty integration: its config (schema, global URL, checks). Not
 * sendable yet, so configs using it are refused when the node builds its receivers. Imports
 * config and the integration definition only.
 */
export { PAGERDUTY, PAGERDUTY_CONFIG_SPEC } from './config.js'
export type { PagerdutyConfig, PagerdutyImage, PagerdutyLink } from './config.js'
