import { appendSlash, inheritGlobal, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'
import { goQuote } from '../../../labels/index.js'

const { dflt, str, tmpl, notifierStruct } = schema

/** WechatConfig is a `wechat_configs` entry; api_url always ends with `/`. */
export interface WechatConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_secret: SecretString
  readonly corp_id: string
  readonly message: string
  readonly api_url: string
  readonly to_user: string
  readonly to_party: string
  readonly to_tag: string
  readonly agent_id: string
  /** `text` or `markdown`. */
  readonly message_type: string
}

/** WECHAT_SCHEMA is `config.WechatConfig` (config/notifiers.go). */
const WECHAT_SCHEMA = notifierStruct(
  'config.plain',
  false,
  {
    api_secret: str('secret'),
    corp_id: str(),
    message: tmpl('{{ template "wechat.default.message" . }}'),
    api_url: str('url'),
    to_user: tmpl('{{ template "wechat.default.to_user" . }}'),
    to_party: tmpl('{{ template "wechat.default.to_party" . }}'),
    to_tag: tmpl('{{ template "wechat.default.to_tag" . }}'),
    agent_id: tmpl('{{ template "wechat.default.agent_id" . }}'),
    message_type: str(),
  },
  'wechat'
)

/** WechatConfig.UnmarshalYAML: message_type defaults to text and must be text or markdown. */
function check(o: Obj): void {
  if (stringField(o, 'message_type') === '') {
    o['message_type'] = 'text'
  }
  if (!/^(text|markdown)$/.test(stringField(o, 'message_type'))) {
    throw new Error(
      `weChat message type ${goQuote(stringField(o, 'message_type'))} does not match valid options ^(text|markdown)$`
    )
  }
}

/** WECHAT_CONFIG_SPEC is the `wechat_configs` kind as src/config consumes it. */
export const WECHAT_CONFIG_SPEC: IntegrationConfigSpec<WechatConfig> = {
  name: 'wechat',
  goType: 'config.WechatConfig',
  schema: WECHAT_SCHEMA,
  checks: { wechat: check },
  global: {
    fields: {
      wechat_api_url: dflt(str('url'), 'https://qyapi.weixin.qq.com/cgi-bin/'),
      wechat_api_secret: str('secret'),
      wechat_api_corp_id: str(),
    },
  },
  unmarshalOrder: 7,
  fromGlobal: (c, g) => {
    inheritGlobal(c, g, 'api_url', 'wechat_api_url', 'no global Wechat URL set')
    inheritGlobal(c, g, 'api_secret', 'wechat_api_secret', 'no global Wechat ApiSecret set')
    inheritGlobal(c, g, 'corp_id', 'wechat_api_corp_id', 'no global Wechat CorpID set')
    appendSlash(c['api_url'])
  },
}
