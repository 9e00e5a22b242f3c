/**
 * @module notify/integrations/pagerduty
 * Alertmanager 0.25's PagerDuty integration: its config (schema, global URL, checks), the
 * byte-exact Events API v1 and v2 events and the notifier that sends them. Uses src/notify/http
 * for transport; imports alerts, labels, config, template and util, never another
 * integration's folder.
 */
export {
  PAGERDUTY_CONFIG_SPEC,
  PAGERDUTY_DEFAULT_SEVERITY,
  PAGERDUTY_INTEGRATION_NAME,
  PAGERDUTY_MAX_DESCRIPTION_RUNES,
  PAGERDUTY_MAX_EVENT_BYTES,
  PAGERDUTY_V1_RETRY_CODES,
  PAGERDUTY_V1_URL,
  PAGERDUTY_V2_RETRY_CODES,
} from './config.js'
export type { PagerdutyConfig, PagerdutyImage, PagerdutyLink } from './config.js'
export { PAGERDUTY } from './integration.js'
export { encodePagerdutyEvent, metricBytes } from './message.js'
export type { PagerdutyEvent, PagerdutyV1Event, PagerdutyV2Event } from './message.js'
export { PagerdutyNotifier, pagerdutyErrorDetails } from './notifier.js'
export type { PagerdutyNotifierOptions } from './notifier.js'
