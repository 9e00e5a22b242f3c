/**
 * @module notify/integrations/jira
 * The Jira integration of Alertmanager releases newer than 0.25 (jira_configs, from 0.28;
 * followed at 68fb2d5): its config (schema, defaults, the global `jira_api_url`), the REST API
 * bodies (issue search, create/update, transitions) and the notifier that drives them. Uses
 * src/notify/http for transport; imports alerts, config, labels, template and util, never
 * another integration's folder.
 */
export { isAPIv3Path, joinAPIPath } from './api-url.js'
export {
  JIRA_CONFIG_SPEC,
  JIRA_DEFAULTS,
  JIRA_INTEGRATION_NAME,
  JIRA_MAX_DESCRIPTION_RUNES,
  JIRA_MAX_SUMMARY_RUNES,
  JIRA_RETRY_CODES,
} from './config.js'
export type { JiraAPIType, JiraConfig, JiraFieldConfig } from './config.js'
export { JIRA } from './integration.js'
export { JiraNotifier } from './notifier.js'
export type { JiraNotifierOptions } from './notifier.js'
export {
  compactGoJSON,
  encodeGoJSONValue,
  encodeIssue,
  encodeSearch,
  encodeTransition,
  JSONEncodeError,
} from './payload.js'
export type { IssueFields, JiraDescription } from './payload.js'
export { JSONDecodeError, parseSearchResult, parseTransitions } from './response.js'
export type { FoundIssue, Transition } from './response.js'
export { deepCopyWithTemplate } from './template-value.js'
