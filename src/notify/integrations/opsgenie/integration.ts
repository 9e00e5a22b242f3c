import { defineIntegration } from '../definition.js'

import { OPSGENIE_CONFIG_SPEC } from './config.js'
import { OpsGenieNotifier } from './notifier.js'

/** OPSGENIE is the OpsGenie integration (Alert API v2). */
export const OPSGENIE = defineIntegration({
  config: OPSGENIE_CONFIG_SPEC,
  metricsOrder: 5,
  notifier: (config, context) =>
    new OpsGenieNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
