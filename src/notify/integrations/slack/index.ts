/**
 * @module notify/integrations/slack
 * Alertmanager 0.25's Slack integration: its config (schema, global API URL, checks of fields
 * and actions), the byte-exact attachment message and the notifier that POSTs it. Uses
 * src/notify/http for transport; imports alerts, labels, config and util, never another
 * integration's folder.
 */
export {
  SLACK_CONFIG_SPEC,
  SLACK_DEFAULT_MRKDWN_IN,
  SLACK_INTEGRATION_NAME,
  SLACK_MAX_TITLE_RUNES,
  SLACK_RETRY_CODES,
} from './config.js'
export type { SlackAction, SlackConfig, SlackConfirmationField, SlackField } from './config.js'
export { SLACK } from './integration.js'
export { SlackNotifier } from './notifier.js'
export type { SlackNotifierOptions } from './notifier.js'
export { encodeSlackMessage, renderSlackMessage } from './payload.js'
export type { SlackAttachment, SlackMessage } from './payload.js'
