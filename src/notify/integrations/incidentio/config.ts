import { atMostOne, exactlyOne, objectField, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'

/**
 * The incident.io integration's config. incidentio_configs arrived after 0.25 (Alertmanager
 * 0.29): alertmesh follows Alertmanager at 68fb2d5 (v0.34.0+20), notify/incidentio/config.go
 * and the incidentio loop of Config.UnmarshalYAML (config/config.go).
 */

const { always, dflt, str, TIME_DURATION, UINT64, notifierStruct } = schema

/** INCIDENTIO_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const INCIDENTIO_INTEGRATION_NAME = 'incidentio'

/** INCIDENTIO_PAYLOAD_VERSION is the `version` field of the incident.io message. */
export const INCIDENTIO_PAYLOAD_VERSION = '1'

/**
 * INCIDENTIO_MAX_PAYLOAD_BYTES is maxPayloadSize (notify/incidentio/incidentio.go): the largest
 * body incident.io accepts, 512 KiB; a larger message keeps only its first alert.
 */
export const INCIDENTIO_MAX_PAYLOAD_BYTES = 512 * 1024

/** INCIDENTIO_RETRY_CODES are the non-5xx statuses incidentio retries: 429 (rate limiting). */
export const INCIDENTIO_RETRY_CODES: readonly number[] = [429]

/**
 * INCIDENTIO_DEFAULTS are defaultIncidentioConfig (notify/incidentio/config.go) and the zero
 * values the struct marshals without omitempty: no alert limit and no timeout of its own.
 */
export const INCIDENTIO_DEFAULTS = {
  send_resolved: true,
  max_alerts: 0,
  timeout: '0s',
} as const

/** IncidentioConfig is one entry of `incidentio_configs`. */
export interface IncidentioConfig extends IntegrationConfig {
  /** The receiver's own http_config, or the global one when absent (whole-object fallback). */
  readonly http_config: HttpClientConfig
  /** Exactly one of `url` and `url_file` is set. `url` is not a secret upstream. */
  readonly url?: string
  readonly url_file?: string
  /** Sent as `Authorization: Bearer <token>`, replacing http_config's authorization. */
  readonly alert_source_token?: SecretString
  /** Read once when the notifier is built, trimmed. */
  readonly alert_source_token_file?: string
  /** 0 sends every alert. */
  readonly max_alerts: number
  /** Milliseconds; 0 sets no timeout of its own (the flush deadline still applies). */
  readonly timeout: number
}

/** INCIDENTIO_SCHEMA is `incidentio.IncidentioConfig`, in its field order. */
const INCIDENTIO_SCHEMA = notifierStruct(
  'incidentio.plain',
  INCIDENTIO_DEFAULTS.send_resolved,
  {
    url: always(str('url')),
    url_file: always(str()),
    alert_source_token: str('secret'),
    alert_source_token_file: str(),
    max_alerts: always(dflt(UINT64, INCIDENTIO_DEFAULTS.max_alerts)),
    // A Go time.Duration: "30s" or nanoseconds; marshalled as String() ("0s").
    timeout: always(dflt(TIME_DURATION, INCIDENTIO_DEFAULTS.timeout)),
  },
  'incidentio'
)

/**
 * IncidentioConfig.UnmarshalYAML, in its order. It sees only the entry's own http_config: an
 * entry without one needs no token (the global http_config it then takes may or may not
 * authenticate), an entry with one needs a token or that http_config's authorization.
 */
function check(o: Obj): void {
  const token = stringField(o, 'alert_source_token')
  const tokenFile = stringField(o, 'alert_source_token_file')
  exactlyOne(o, 'url', 'url_file')
  atMostOne(o, 'alert_source_token', 'alert_source_token_file')
  const http = objectField(o, 'http_config')
  // bearer_token(_file) became an authorization when http_config was checked, as in Go.
  const authorization = http?.['authorization']
  if (http !== undefined && authorization !== undefined && (token !== '' || tokenFile !== '')) {
    throw new Error(
      'cannot specify alert_source_token or alert_source_token_file when using http_config.authorization'
    )
  }
  if (http !== undefined && authorization === undefined && token === '' && tokenFile === '') {
    throw new Error(
      'at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured'
    )
  }
}

/**
 * INCIDENTIO_CONFIG_SPEC is the `incidentio_configs` kind as src/config consumes it: no global
 * field of its own, only the global http_config as a whole-object fallback. Newer Alertmanager
 * lists it after email in the Receiver struct and visits it after pagerduty in
 * Config.UnmarshalYAML's loop.
 */
export const INCIDENTIO_CONFIG_SPEC: IntegrationConfigSpec<IncidentioConfig> = {
  name: INCIDENTIO_INTEGRATION_NAME,
  goType: 'incidentio.IncidentioConfig',
  schema: INCIDENTIO_SCHEMA,
  checks: { incidentio: check },
  unmarshalOrder: 5,
}
