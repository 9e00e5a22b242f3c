import { defineIntegration } from '../definition.js'

import { JIRA_CONFIG_SPEC } from './config.js'
import { JiraNotifier } from './notifier.js'

/**
 * JIRA is the Jira integration, newer than 0.25 (Alertmanager 0.28+). 0.25's NewMetrics does
 * not know it, so its metrics are not pre-initialised: /metrics stays 0.25's for configs
 * without it.
 */
export const JIRA = defineIntegration({
  config: JIRA_CONFIG_SPEC,
  notifier: (config, context) =>
    new JiraNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
