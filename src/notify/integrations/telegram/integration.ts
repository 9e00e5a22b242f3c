import { defineIntegration } from '../definition.js'

import { TELEGRAM_CONFIG_SPEC } from './config.js'
import { TelegramNotifier } from './notifier.js'

/** TELEGRAM is the Telegram integration (notify/telegram/telegram.go). */
export const TELEGRAM = defineIntegration({
  config: TELEGRAM_CONFIG_SPEC,
  metricsOrder: 9,
  notifier: (config, context) =>
    new TelegramNotifier({ config, template: context.template, log: context.log }),
})
