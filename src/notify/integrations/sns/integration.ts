import { defineIntegration } from '../definition.js'

import { SNS_CONFIG_SPEC } from './config.js'
import { SNSNotifier } from './notifier.js'

/** SNS is the AWS SNS integration (notify/sns/sns.go). */
export const SNS = defineIntegration({
  config: SNS_CONFIG_SPEC,
  metricsOrder: 8,
  notifier: (config, context) =>
    new SNSNotifier({ config, template: context.template, log: context.log }),
})
