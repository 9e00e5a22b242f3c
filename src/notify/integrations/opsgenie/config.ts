import { atMostOne, globalApiSpec, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'
import { TEXT_TEMPLATE_SET } from '../../template/index.js'
const { list, str, struct, tmpl, FALSE, STRING_MAP, notifierStruct } = schema

/** OPSGENIE_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const OPSGENIE_INTEGRATION_NAME = 'opsgenie'

/** OPSGENIE_RETRY_CODES: OpsGenie answers 429 when rate limiting, which is worth retrying. */
export const OPSGENIE_RETRY_CODES: readonly number[] = [429]

/** OPSGENIE_MAX_MESSAGE_RUNES is OpsGenie's limit on an alert's message (130 runes). */
export const OPSGENIE_MAX_MESSAGE_RUNES = 130

/** OpsGenieResponder is one OpsGenie responder. */
export interface OpsGenieResponder {
  readonly id?: string
  readonly name?: string
  readonly username?: string
  readonly type?: string
}

/** OpsGenieConfig is an `opsgenie_configs` entry; api_url always ends with `/`. */
export interface OpsGenieConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_key?: SecretString
  readonly api_key_file?: string
  readonly api_url: string
  readonly message: string
  readonly description: string
  readonly source: string
  readonly details?: Readonly<Record<string, string>>
  readonly entity?: string
  readonly responders?: readonly OpsGenieResponder[]
  readonly actions?: string
  readonly tags?: string
  readonly note?: string
  readonly priority?: string
  readonly update_alerts: boolean
}

const OPSGENIE_RESPONDER = struct('config.OpsGenieConfigResponder', {
  id: str(),
  name: str(),
  username: str(),
  type: str(),
})

/** OPSGENIE_SCHEMA is `config.OpsGenieConfig` (config/notifiers.go). */
const OPSGENIE_SCHEMA = notifierStruct(
  'config.plain',
  true,
  {
    api_key: str('secret'),
    api_key_file: str(),
    api_url: str('url'),
    message: tmpl('{{ template "opsgenie.default.message" . }}'),
    description: tmpl('{{ template "opsgenie.default.description" . }}'),
    source: tmpl('{{ template "opsgenie.default.source" . }}'),
    details: STRING_MAP,
    entity: str(),
    responders: list(OPSGENIE_RESPONDER, '[]config.OpsGenieConfigResponder'),
    actions: str(),
    tags: str(),
    note: str(),
    priority: str(),
    update_alerts: FALSE,
  },
  'opsgenie'
)

/**
 * templateSyntaxError parses a responder type as 0.25 does (`template.New("").Parse`, plain
 * text/template: built-in functions only, so Alertmanager's own functions are undefined here).
 */
function templateSyntaxError(text: string): string | undefined {
  try {
    TEXT_TEMPLATE_SET('', {}).parse(text)
    return undefined
  } catch (err: unknown) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** OpsGenieConfig.UnmarshalYAML: key exclusion and every responder's identity and type. */
function check(o: Obj): void {
  atMostOne(o, 'api_key', 'api_key_file')
  const responders = Array.isArray(o['responders']) ? (o['responders'] as Obj[]) : []
  for (const r of responders) {
    const [id, name, username] = [
      stringField(r, 'id'),
      stringField(r, 'name'),
      stringField(r, 'username'),
    ]
    const type = stringField(r, 'type')
    const show = (t: string): string => `{${id} ${name} ${username} ${t}}`
    if (id === '' && username === '' && name === '') {
      throw new Error(
        `opsGenieConfig responder ${show(type)} has to have at least one of id, username or name specified`
      )
    }
    if (type.includes('{{')) {
      const err = templateSyntaxError(type)
      if (err !== undefined) {
        throw new Error(
          `opsGenieConfig responder ${show(type)} type is not a valid template: ${err}`
        )
      }
    } else if (!/^(team|teams|user|escalation|schedule)$/.test(type.toLowerCase())) {
      // Go lower-cases a copy of the responder: the message shows it, the config keeps the original.
      throw new Error(
        `opsGenieConfig responder ${show(type.toLowerCase())} type does not match valid options ^(team|teams|user|escalation|schedule)$`
      )
    }
  }
}

/** OPSGENIE_CONFIG_SPEC is the `opsgenie_configs` kind as src/config consumes it. */
export const OPSGENIE_CONFIG_SPEC: IntegrationConfigSpec<OpsGenieConfig> = {
  name: OPSGENIE_INTEGRATION_NAME,
  goType: 'config.OpsGenieConfig',
  schema: OPSGENIE_SCHEMA,
  checks: { opsgenie: check },
  ...globalApiSpec({
    prefix: 'opsgenie',
    defaultUrl: 'https://api.opsgenie.com/',
    order: 1,
    urlMissing: 'no global OpsGenie URL set',
    keyMissing: 'no global OpsGenie API Key set either inline or in a file',
  }),
  unmarshalOrder: 6,
}
