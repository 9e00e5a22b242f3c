import { defineIntegration } from '../definition.js'

import { EMAIL_CONFIG_SPEC } from './config.js'
import { EmailNotifier } from './notifier.js'

/** EMAIL is the email integration (`email_configs`), first in 0.25's metrics pre-initialisation. */
export const EMAIL = defineIntegration({
  config: EMAIL_CONFIG_SPEC,
  metricsOrder: 0,
  notifier: (config, context) =>
    new EmailNotifier({ config, template: context.template, log: context.log }),
})
