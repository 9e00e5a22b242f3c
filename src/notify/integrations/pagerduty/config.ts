import {
  atMostOne,
  inheritGlobal,
  objectField,
  schema,
  stringField,
} from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'
const { dflt, list, str, struct, tmpl, STRING_MAP, notifierStruct } = schema

/** PAGERDUTY_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const PAGERDUTY_INTEGRATION_NAME = 'pagerduty'

/**
 * PAGERDUTY_V1_URL is where 0.25 sends Events API v1 events (`service_key`): fixed, `url` and
 * the global `pagerduty_url` apply to v2 only (notify/pagerduty/pagerduty.go).
 */
export const PAGERDUTY_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json'

/** PAGERDUTY_V1_RETRY_CODES: v1 answers 403 when rate limiting, which is worth retrying. */
export const PAGERDUTY_V1_RETRY_CODES: readonly number[] = [403]

/** PAGERDUTY_V2_RETRY_CODES: v2 answers 429 when rate limiting. */
export const PAGERDUTY_V2_RETRY_CODES: readonly number[] = [429]

/** PAGERDUTY_MAX_DESCRIPTION_RUNES caps v1's description and v2's summary (1024 runes). */
export const PAGERDUTY_MAX_DESCRIPTION_RUNES = 1024

/** PAGERDUTY_MAX_EVENT_BYTES is the event size above which 0.25 drops the custom details. */
export const PAGERDUTY_MAX_EVENT_BYTES = 512_000

/** PAGERDUTY_DEFAULT_SEVERITY is v2's severity when none is configured. */
export const PAGERDUTY_DEFAULT_SEVERITY = 'error'

/** PagerdutyImage is an image attached to a PagerDuty event. */
export interface PagerdutyImage {
  readonly src?: string
  readonly alt?: string
  readonly href?: string
}

/** PagerdutyLink is a link attached to a PagerDuty event. */
export interface PagerdutyLink {
  readonly href?: string
  readonly text?: string
}

/** PagerdutyConfig is a `pagerduty_configs` entry. */
export interface PagerdutyConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly service_key?: SecretString
  readonly service_key_file?: string
  readonly routing_key?: SecretString
  readonly routing_key_file?: string
  readonly url: string
  readonly client: string
  readonly client_url: string
  readonly description: string
  /** Includes the default firing/resolved/num_firing/num_resolved entries. */
  readonly details: Readonly<Record<string, string>>
  readonly images?: readonly PagerdutyImage[]
  readonly links?: readonly PagerdutyLink[]
  readonly source: string
  readonly severity?: string
  readonly class?: string
  readonly component?: string
  readonly group?: string
}

const PAGERDUTY_IMAGE = struct('config.PagerdutyImage', { src: str(), alt: str(), href: str() })

const PAGERDUTY_LINK = struct('config.PagerdutyLink', { href: str(), text: str() })

/** PAGERDUTY_SCHEMA is `config.PagerdutyConfig` (config/notifiers.go). */
const PAGERDUTY_SCHEMA = notifierStruct(
  'config.plain',
  true,
  {
    service_key: str('secret'),
    service_key_file: str(),
    routing_key: str('secret'),
    routing_key_file: str(),
    url: str('url'),
    client: tmpl('{{ template "pagerduty.default.client" . }}'),
    client_url: tmpl('{{ template "pagerduty.default.clientURL" . }}'),
    // The missing space before `}}` is Alertmanager's own default text.
    description: tmpl('{{ template "pagerduty.default.description" .}}'),
    details: STRING_MAP,
    images: list(PAGERDUTY_IMAGE, '[]config.PagerdutyImage'),
    links: list(PAGERDUTY_LINK, '[]config.PagerdutyLink'),
    source: str(),
    severity: str(),
    class: str(),
    component: str(),
    group: str(),
  },
  'pagerduty'
)

const PAGERDUTY_DETAILS: Readonly<Record<string, string>> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
}

/** PagerdutyConfig.UnmarshalYAML: a key, the default details, source defaulting to client. */
function check(o: Obj): void {
  if (
    stringField(o, 'routing_key') === '' &&
    stringField(o, 'service_key') === '' &&
    stringField(o, 'routing_key_file') === '' &&
    stringField(o, 'service_key_file') === ''
  ) {
    throw new Error('missing service or routing key in PagerDuty config')
  }
  atMostOne(o, 'routing_key', 'routing_key_file')
  atMostOne(o, 'service_key', 'service_key_file')
  o['details'] = { ...PAGERDUTY_DETAILS, ...(objectField(o, 'details') ?? {}) }
  if (stringField(o, 'source') === '') {
    o['source'] = stringField(o, 'client')
  }
}

/** PAGERDUTY_CONFIG_SPEC is the `pagerduty_configs` kind as src/config consumes it. */
export const PAGERDUTY_CONFIG_SPEC: IntegrationConfigSpec<PagerdutyConfig> = {
  name: PAGERDUTY_INTEGRATION_NAME,
  goType: 'config.PagerdutyConfig',
  schema: PAGERDUTY_SCHEMA,
  checks: { pagerduty: check },
  global: {
    fields: { pagerduty_url: dflt(str('url'), 'https://events.pagerduty.com/v2/enqueue') },
  },
  unmarshalOrder: 4,
  fromGlobal: (c, g) => {
    inheritGlobal(c, g, 'url', 'pagerduty_url', 'no global PagerDuty URL set')
  },
}
