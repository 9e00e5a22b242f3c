import { defineIntegration } from '../definition.js'

import { SLACK_CONFIG_SPEC } from './config.js'
import { SlackNotifier } from './notifier.js'

/** SLACK is the Slack integration; 0.25 pre-initialises its metrics fifth. */
export const SLACK = defineIntegration({
  config: SLACK_CONFIG_SPEC,
  metricsOrder: 4,
  notifier: (config, context) =>
    new SlackNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
