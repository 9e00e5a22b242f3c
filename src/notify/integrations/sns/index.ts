/**
 * @module notify/integrations/sns
 * Alertmanager 0.25's AWS SNS integration: its config (schema with SigV4, destination check),
 * the Publish request aws-sdk-go v1 sends (Query protocol, SigV4 signed with aws4), the AWS
 * settings the SDK's session resolves (config, environment, shared files, AssumeRole) and the
 * notifier. Imports alerts, config, template, util and the shared HTTP pieces only.
 */
export { SNS_CONFIG_SPEC } from './config.js'
export type { SigV4Config, SNSConfig } from './config.js'
export { NO_CREDENTIALS, resolveAwsSettings } from './credentials.js'
export type { AwsCredentials, AwsSettings, Env } from './credentials.js'
export { SNS } from './integration.js'
export {
  amzDate,
  publishURL,
  REGION_MISSING,
  SDK_MAX_RETRIES,
  signedHeaders,
  SNS_USER_AGENT,
  SNSNotifier,
} from './notifier.js'
export type { SNSNotifierOptions } from './notifier.js'
export {
  encodePublishBody,
  renderPublishInput,
  SNS_API_VERSION,
  SNS_CONTENT_TYPE,
  SNS_SMS_MAX_BYTES,
  SNS_TOPIC_MAX_BYTES,
} from './publish.js'
export type { PublishInput } from './publish.js'
export { readMessageID, readQueryError, UNMARSHAL_FAILED } from './response.js'
export type { QueryError } from './response.js'
export { assumeRole, stsEndpoint } from './sts.js'
