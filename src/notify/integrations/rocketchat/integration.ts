import { defineIntegration } from '../definition.js'

import { ROCKETCHAT_CONFIG_SPEC } from './config.js'
import { RocketchatNotifier } from './notifier.js'

/**
 * ROCKETCHAT is the Rocket.Chat integration, newer than 0.25 (Alertmanager 0.28+). 0.25's
 * NewMetrics does not know it, so its metrics are not pre-initialised: /metrics stays 0.25's
 * for configs without it.
 */
export const ROCKETCHAT = defineIntegration({
  config: ROCKETCHAT_CONFIG_SPEC,
  notifier: (config, context) =>
    new RocketchatNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
