import { inheritGlobal, objectField, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
} from '../../../config/index.js'

const { always, dflt, str, tmpl, notifierStruct } = schema

/** WEBEX_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const WEBEX_INTEGRATION_NAME = 'webex'

/**
 * WEBEX_RETRY_CODES are the non-5xx statuses Webex retries: none, as 0.25's Webex notifier
 * uses a bare `notify.Retrier{}` (notify/webex/webex.go).
 */
export const WEBEX_RETRY_CODES: readonly number[] = []

/**
 * WEBEX_MAX_MESSAGE_BYTES is 0.25's `maxMessageSize`: the longest markdown Webex takes, in
 * bytes of UTF-8; the notifier truncates the message to it.
 */
export const WEBEX_MAX_MESSAGE_BYTES = 7439

/** WebexConfig is a `webex_configs` entry; http_config.authorization is always set. */
export interface WebexConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url: string
  readonly message: string
  readonly room_id: string
}

/** WEBEX_SCHEMA is `config.WebexConfig` (config/notifiers.go). */
const WEBEX_SCHEMA = notifierStruct(
  'config.plain',
  true,
  {
    api_url: str('url'),
    message: tmpl('{{ template "webex.default.message" . }}'),
    room_id: always(str()),
  },
  'webex'
)

/** WebexConfig.UnmarshalYAML: a room and an authorization to post with. */
function check(o: Obj): void {
  if (stringField(o, 'room_id') === '') {
    throw new Error('missing room_id on webex_config')
  }
  if (objectField(objectField(o, 'http_config') ?? {}, 'authorization') === undefined) {
    throw new Error('missing webex_configs.http_config.authorization')
  }
}

/** WEBEX_CONFIG_SPEC is the `webex_configs` kind as src/config consumes it. */
export const WEBEX_CONFIG_SPEC: IntegrationConfigSpec<WebexConfig> = {
  name: WEBEX_INTEGRATION_NAME,
  goType: 'config.WebexConfig',
  schema: WEBEX_SCHEMA,
  checks: { webex: check },
  global: { fields: { webex_api_url: dflt(str('url'), 'https://webexapis.com/v1/messages') } },
  unmarshalOrder: 12,
  fromGlobal: (c, g) => {
    inheritGlobal(c, g, 'api_url', 'webex_api_url', 'no global Webex URL set')
  },
}
