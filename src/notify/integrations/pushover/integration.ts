import { defineIntegration } from '../definition.js'

import { PUSHOVER_CONFIG_SPEC } from './config.js'
import { PushoverNotifier } from './notifier.js'

/** PUSHOVER is the Pushover integration; 0.25 pre-initialises its metrics fourth. */
export const PUSHOVER = defineIntegration({
  config: PUSHOVER_CONFIG_SPEC,
  metricsOrder: 3,
  notifier: (config, context) =>
    new PushoverNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
