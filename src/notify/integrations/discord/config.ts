import { schema } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  SecretString,
} from '../../../config/index.js'

const { str, tmpl, notifierStruct } = schema

/** DISCORD_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const DISCORD_INTEGRATION_NAME = 'discord'

/**
 * DISCORD_RETRY_CODES are the non-5xx statuses Discord retries: none, as 0.25's Discord
 * notifier uses a bare `notify.Retrier{}` (notify/discord/discord.go).
 */
export const DISCORD_RETRY_CODES: readonly number[] = []

/**
 * DISCORD_COLORS are the embed colours of 0.25 (notify/discord/discord.go): red while any
 * alert fires, else green. (Its grey is unreachable: a group's status is firing or resolved.)
 */
export const DISCORD_COLORS = { firing: 0x992d22, resolved: 0x2ecc71 } as const

/** DiscordConfig is a `discord_configs` entry. */
export interface DiscordConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly webhook_url: SecretString
  readonly title: string
  readonly message: string
}

/** DISCORD_SCHEMA is `config.DiscordConfig` (config/notifiers.go); it has no UnmarshalYAML check. */
const DISCORD_SCHEMA = notifierStruct('config.plain', true, {
  webhook_url: str('secret-url'),
  title: tmpl('{{ template "discord.default.title" . }}'),
  message: tmpl('{{ template "discord.default.message" . }}'),
})

/** DISCORD_CONFIG_SPEC is the `discord_configs` kind as src/config consumes it. */
export const DISCORD_CONFIG_SPEC: IntegrationConfigSpec<DiscordConfig> = {
  name: DISCORD_INTEGRATION_NAME,
  goType: 'config.DiscordConfig',
  schema: DISCORD_SCHEMA,
  unmarshalOrder: 11,
  // Config.UnmarshalYAML, not the struct, requires the URL.
  fromGlobal: (c) => {
    if (c['webhook_url'] === undefined) {
      throw new Error('no discord webhook URL provided')
    }
  },
}
