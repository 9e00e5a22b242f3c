/**
 * @module notify/integrations/wechat
 * Alertmanager 0.25's WeChat integration: its config (schema, global URL, secret and corp id,
 * checks), the access token fetched from `gettoken` and cached, and the notifier that POSTs
 * the message to `message/send`. Uses src/notify/http for transport; imports alerts, config,
 * labels and util, never another integration's folder.
 */
export { WECHAT_CONFIG_SPEC } from './config.js'
export type { WechatConfig } from './config.js'
export { WECHAT } from './integration.js'
export { encodeWechatMessage, WechatEndpoints } from './message.js'
export type { WechatMessage } from './message.js'
export {
  AccessTokenCache,
  WECHAT_TOKEN_EXPIRED,
  WECHAT_TOKEN_TTL_MS,
  WechatNotifier,
} from './notifier.js'
export type { WechatNotifierOptions } from './notifier.js'
export { readSendResponse, readToken } from './response.js'
export type { SendResult, TokenResult } from './response.js'
