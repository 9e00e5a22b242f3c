import { defineIntegration } from '../definition.js'

import { WEBEX_CONFIG_SPEC } from './config.js'
import { WebexNotifier } from './notifier.js'

/** WEBEX is the Webex integration; 0.25 does not pre-initialise its metrics. */
export const WEBEX = defineIntegration({
  config: WEBEX_CONFIG_SPEC,
  notifier: (config, context) =>
    new WebexNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
