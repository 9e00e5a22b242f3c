import { defineIntegration } from '../definition.js'

import { WEBHOOK_CONFIG_SPEC } from './config.js'
import { WebhookNotifier } from './notifier.js'

/** WEBHOOK is the webhook integration, the one alertmesh sends today. */
export const WEBHOOK = defineIntegration({
  config: WEBHOOK_CONFIG_SPEC,
  metricsOrder: 6,
  notifier: (config, context) =>
    new WebhookNotifier({
      config,
      receiverName: context.receiverName,
      externalURL: context.externalURL,
      userAgent: context.userAgent,
    }),
})
