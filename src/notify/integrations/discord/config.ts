import { schema } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  SecretString,
} from '../../../config/index.js'
import { defineIntegration } from '../definition.js'

const { reset, sendResolved, str, struct, tmpl, HTTP_CONFIG } = schema

/** DiscordConfig is a `discord_configs` entry. */
export interface DiscordConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly webhook_url: SecretString
  readonly title: string
  readonly message: string
}

/** DISCORD_SCHEMA is `config.DiscordConfig` (config/notifiers.go); it has no UnmarshalYAML check. */
const DISCORD_SCHEMA = reset(
  struct('config.plain', {
    send_resolved: sendResolved(true),
    http_config: HTTP_CONFIG,
    webhook_url: str('secret-url'),
    title: tmpl('{{ template "discord.default.title" . }}'),
    message: tmpl('{{ template "discord.default.message" . }}'),
  })
)

/** DISCORD_CONFIG_SPEC is the `discord_configs` kind as src/config consumes it. */
export const DISCORD_CONFIG_SPEC: IntegrationConfigSpec<DiscordConfig> = {
  name: 'discord',
  goType: 'config.DiscordConfig',
  schema: DISCORD_SCHEMA,
  unmarshalOrder: 10,
  // Config.UnmarshalYAML, not the struct, requires the URL.
  fromGlobal: (c) => {
    if (c['webhook_url'] === undefined) {
      throw new Error('no discord webhook URL provided')
    }
  },
}

/** DISCORD is the Discord integration; 0.25 does not pre-initialise its metrics. */
export const DISCORD = defineIntegration({ config: DISCORD_CONFIG_SPEC })
