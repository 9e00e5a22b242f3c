import { inheritGlobal, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'
const { always, dflt, str, tmpl, FALSE, INT64, notifierStruct } = schema

/** TELEGRAM_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const TELEGRAM_INTEGRATION_NAME = 'telegram'

/** TELEGRAM_MAX_MESSAGE_RUNES is 0.25's maxMessageLenRunes (notify/telegram/telegram.go). */
export const TELEGRAM_MAX_MESSAGE_RUNES = 4096

/** TELEGRAM_CONTENT_TYPE is what telebot.v3's Bot.Raw sends (api.go). */
export const TELEGRAM_CONTENT_TYPE = 'application/json'

/**
 * TELEGRAM_DEFAULTS are `telegram_configs` defaults in Alertmanager 0.25 (config/notifiers.go
 * DefaultTelegramConfig and the global `telegram_api_url`). 0.25 has no `bot_token_file`: it
 * arrived in a later release, so it is refused here as 0.25 refuses it.
 */
export const TELEGRAM_DEFAULTS = {
  send_resolved: true,
  message: '{{ template "telegram.default.message" . }}',
  parse_mode: 'HTML',
  api_url: 'https://api.telegram.org',
} as const

/** TelegramConfig is a `telegram_configs` entry. */
export interface TelegramConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url: string
  readonly bot_token: SecretString
  readonly chat_id: number
  readonly message: string
  readonly disable_notifications: boolean
  /** `HTML` (default), `Markdown`, `MarkdownV2` or ''. */
  readonly parse_mode: string
}

/** TELEGRAM_SCHEMA is `config.TelegramConfig` (config/notifiers.go). */
const TELEGRAM_SCHEMA = notifierStruct(
  'config.plain',
  TELEGRAM_DEFAULTS.send_resolved,
  {
    api_url: always(str('url')),
    bot_token: str('secret'),
    chat_id: INT64,
    message: tmpl(TELEGRAM_DEFAULTS.message),
    disable_notifications: FALSE,
    parse_mode: dflt(str(), TELEGRAM_DEFAULTS.parse_mode),
  },
  'telegram'
)

/** TelegramConfig.UnmarshalYAML: a bot token, a chat and a known parse mode. */
function check(o: Obj): void {
  if (stringField(o, 'bot_token') === '') {
    throw new Error('missing bot_token on telegram_config')
  }
  if (o['chat_id'] === undefined || o['chat_id'] === 0) {
    throw new Error('missing chat_id on telegram_config')
  }
  const mode = stringField(o, 'parse_mode')
  if (mode !== '' && mode !== 'Markdown' && mode !== 'MarkdownV2' && mode !== 'HTML') {
    throw new Error(
      'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string'
    )
  }
}

/** TELEGRAM_CONFIG_SPEC is the `telegram_configs` kind as src/config consumes it. */
export const TELEGRAM_CONFIG_SPEC: IntegrationConfigSpec<TelegramConfig> = {
  name: TELEGRAM_INTEGRATION_NAME,
  goType: 'config.TelegramConfig',
  schema: TELEGRAM_SCHEMA,
  checks: { telegram: check },
  global: { fields: { telegram_api_url: dflt(str('url'), TELEGRAM_DEFAULTS.api_url) } },
  unmarshalOrder: 10,
  fromGlobal: (c, g) => {
    inheritGlobal(c, g, 'api_url', 'telegram_api_url')
  },
}
