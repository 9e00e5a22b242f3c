import { defineIntegration } from '../definition.js'

import { VICTOROPS_CONFIG_SPEC } from './config.js'
import { VictorOpsNotifier } from './notifier.js'

/** VICTOROPS is the VictorOps integration; 0.25 pre-initialises its metrics eighth. */
export const VICTOROPS = defineIntegration({
  config: VICTOROPS_CONFIG_SPEC,
  metricsOrder: 7,
  notifier: (config, context) =>
    new VictorOpsNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
