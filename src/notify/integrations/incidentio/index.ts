/**
 * @module notify/integrations/incidentio
 * The incident.io integration of Alertmanager releases newer than 0.25 (incidentio_configs,
 * from 0.29; followed at 68fb2d5): its config (schema, url/url_file, alert_source_token and
 * its file, max_alerts, timeout), the webhook-like message with its 512 KiB cut, the error
 * details of incident.io's answers, and the notifier that POSTs the message. Uses
 * src/notify/http for transport; imports alerts, config, labels and util, never another
 * integration's folder.
 */
export {
  INCIDENTIO_CONFIG_SPEC,
  INCIDENTIO_DEFAULTS,
  INCIDENTIO_INTEGRATION_NAME,
  INCIDENTIO_MAX_PAYLOAD_BYTES,
  INCIDENTIO_PAYLOAD_VERSION,
  INCIDENTIO_RETRY_CODES,
} from './config.js'
export type { IncidentioConfig } from './config.js'
export { errorDetails } from './error-details.js'
export { INCIDENTIO } from './integration.js'
export { IncidentioNotifier } from './notifier.js'
export type { IncidentioNotifierOptions } from './notifier.js'
export { buildIncidentioMessage } from './payload.js'
export type { IncidentioMessage, IncidentioMessageInput } from './payload.js'
