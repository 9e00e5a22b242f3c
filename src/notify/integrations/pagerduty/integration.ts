import { defineIntegration } from '../definition.js'

import { PAGERDUTY_CONFIG_SPEC } from './config.js'
import { PagerdutyNotifier } from './notifier.js'

/** PAGERDUTY is the PagerDuty integration (Events API v1 and v2). */
export const PAGERDUTY = defineIntegration({
  config: PAGERDUTY_CONFIG_SPEC,
  metricsOrder: 1,
  notifier: (config, context) =>
    new PagerdutyNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
