import { defineIntegration } from '../definition.js'

import { DISCORD_CONFIG_SPEC } from './config.js'
import { DiscordNotifier } from './notifier.js'

/** DISCORD is the Discord integration; 0.25 does not pre-initialise its metrics. */
export const DISCORD = defineIntegration({
  config: DISCORD_CONFIG_SPEC,
  notifier: (config, context) =>
    new DiscordNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
