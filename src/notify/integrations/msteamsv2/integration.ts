import { defineIntegration } from '../definition.js'

import { MSTEAMSV2_CONFIG_SPEC } from './config.js'
import { MSTeamsV2Notifier } from './notifier.js'

/**
 * MSTEAMSV2 is the Microsoft Teams integration for Power Automate workflow webhooks, newer than
 * 0.25 (Alertmanager 0.28+). 0.25's NewMetrics does not know it, so its metrics are not
 * pre-initialised: /metrics stays 0.25's for configs without it.
 */
export const MSTEAMSV2 = defineIntegration({
  config: MSTEAMSV2_CONFIG_SPEC,
  notifier: (config, context) =>
    new MSTeamsV2Notifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
