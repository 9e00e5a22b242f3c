import { defineIntegration } from '../definition.js'

import { MSTEAMS_CONFIG_SPEC } from './config.js'
import { MSTeamsNotifier } from './notifier.js'

/**
 * MSTEAMS is the Microsoft Teams integration, newer than 0.25 (Alertmanager 0.26+). 0.25's
 * NewMetrics does not know it, so its metrics are not pre-initialised: /metrics stays 0.25's
 * for configs without it.
 */
export const MSTEAMS = defineIntegration({
  config: MSTEAMS_CONFIG_SPEC,
  notifier: (config, context) =>
    new MSTeamsNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
