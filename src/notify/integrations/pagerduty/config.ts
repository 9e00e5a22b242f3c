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
import { defineIntegration } from '../definition.js'

const { dflt, list, reset, sendResolved, str, struct, tmpl, HTTP_CONFIG, STRING_MAP } = schema

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
const PAGERDUTY_SCHEMA = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(true),
      http_config: HTTP_CONFIG,
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
  name: 'pagerduty',
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

/** PAGERDUTY is the PagerDuty integration; alertmesh cannot send to PagerDuty yet. */
export const PAGERDUTY = defineIntegration({ config: PAGERDUTY_CONFIG_SPEC, metricsOrder: 1 })
