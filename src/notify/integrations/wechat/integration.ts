import { defineIntegration } from '../definition.js'

import { WECHAT_CONFIG_SPEC } from './config.js'
import { WechatNotifier } from './notifier.js'

/** WECHAT is the WeChat integration (notify/wechat/wechat.go); 0.25 pre-initialises it third. */
export const WECHAT = defineIntegration({
  config: WECHAT_CONFIG_SPEC,
  metricsOrder: 2,
  notifier: (config, context) =>
    new WechatNotifier({
      config,
      template: context.template,
      log: context.log,
      userAgent: context.userAgent,
    }),
})
