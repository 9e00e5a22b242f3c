/**
 * @module notify/integrations/wechat
 * Alertmanager 0.25's WeChat integration: its config (schema, global URL, secret and corp id,
 * checks). Not sendable yet, so configs using it are refused when the node builds its
 * receivers. Imports config, labels and the integration definition only.
 */
export { WECHAT, WECHAT_CONFIG_SPEC } from './config.js'
export type { WechatConfig } from './config.js'
