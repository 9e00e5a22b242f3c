import { defineIntegration } from '../definition.js'

import { MATTERMOST_CONFIG_SPEC } from './config.js'
import { MattermostNotifier } from './notifier.js'

/**
 * MATTERMOST is the Mattermost integration, newer than 0.25 (Alertmanager 0.29+). 0.25's
 * NewMetrics does not know it, so its metrics are not pre-initialised: /metrics stays 0.25's
 * for configs without it.
 */
export const MATTERMOST = defineIntegration({
  config: MATTERMOST_CONFIG_SPEC,
  notifier: (config, context) =>
    new MattermostNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
