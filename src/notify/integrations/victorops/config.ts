import {
  atMostOne,
  globalApiSpec,
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
const { always, dflt, str, tmpl, STRING_MAP, notifierStruct } = schema

/** VictorOpsConfig is a `victorops_configs` entry; api_url always ends with `/`. */
export interface VictorOpsConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_key?: SecretString
  readonly api_key_file?: string
  readonly api_url: string
  readonly routing_key: string
  readonly message_type: string
  readonly state_message: string
  readonly entity_display_name: string
  readonly monitoring_tool: string
  readonly custom_fields?: Readonly<Record<string, string>>
}

/** VICTOROPS_SCHEMA is `config.VictorOpsConfig` (config/notifiers.go). */
const VICTOROPS_SCHEMA = notifierStruct(
  'config.plain',
  true,
  {
    api_key: str('secret'),
    api_key_file: str(),
    api_url: always(str('url')),
    routing_key: always(str()),
    message_type: always(dflt(str(), 'CRITICAL')),
    state_message: always(tmpl('{{ template "victorops.default.state_message" . }}')),
    entity_display_name: always(tmpl('{{ template "victorops.default.entity_display_name" . }}')),
    monitoring_tool: always(tmpl('{{ template "victorops.default.monitoring_tool" . }}')),
    custom_fields: STRING_MAP,
  },
  'victorops'
)

const RESERVED = [
  'routing_key',
  'message_type',
  'state_message',
  'entity_display_name',
  'monitoring_tool',
  'entity_id',
  'entity_state',
]

/** VictorOpsConfig.UnmarshalYAML: a routing key, and no custom field shadowing a fixed one. */
function check(o: Obj): void {
  if (stringField(o, 'routing_key') === '') {
    throw new Error('missing Routing key in VictorOps config')
  }
  atMostOne(o, 'api_key', 'api_key_file')
  const custom = objectField(o, 'custom_fields') ?? {}
  for (const f of RESERVED) {
    if (f in custom) {
      throw new Error(
        `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`
      )
    }
  }
}

/** VICTOROPS_CONFIG_SPEC is the `victorops_configs` kind as src/config consumes it. */
export const VICTOROPS_CONFIG_SPEC: IntegrationConfigSpec<VictorOpsConfig> = {
  name: 'victorops',
  goType: 'config.VictorOpsConfig',
  schema: VICTOROPS_SCHEMA,
  checks: { victorops: check },
  ...globalApiSpec({
    prefix: 'victorops',
    defaultUrl: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
    order: 2,
    urlMissing: 'no global VictorOps URL set',
    keyMissing: 'no global VictorOps API Key set',
  }),
  unmarshalOrder: 8,
}

/**
 * VICTOROPS_MAX_STATE_MESSAGE_RUNES is 0.25's maxMessageLenRunes: VictorOps' limit on
 * state_message (notify/victorops/victorops.go).
 */
export const VICTOROPS_MAX_STATE_MESSAGE_RUNES = 20480

/** VICTOROPS_RETRY_CODES: 0.25 retries only 5xx, VictorOps documenting no other code. */
export const VICTOROPS_RETRY_CODES: readonly number[] = []
