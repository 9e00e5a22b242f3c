import { schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'

const { always, dflt, str, tmpl, SIGV4_CONFIG, notifierStruct } = schema
const { STRING_MAP } = schema

/** SigV4Config is AWS request signing for SNS (prometheus/common sigv4). */
export interface SigV4Config {
  readonly region?: string
  readonly access_key?: string
  readonly secret_key?: SecretString
  readonly profile?: string
  readonly role_arn?: string
}

/** SNSConfig is an `sns_configs` entry. */
export interface SNSConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url?: string
  readonly sigv4: SigV4Config
  readonly topic_arn?: string
  readonly phone_number?: string
  readonly target_arn?: string
  readonly subject: string
  readonly message: string
  readonly attributes?: Readonly<Record<string, string>>
}

/** SNS_SCHEMA is `config.SNSConfig`; `api_url` is a plain string there. */
const SNS_SCHEMA = notifierStruct(
  'config.plain',
  true,
  {
    api_url: str(),
    sigv4: always(dflt(SIGV4_CONFIG, {})),
    topic_arn: str(),
    phone_number: str(),
    target_arn: str(),
    subject: tmpl('{{ template "sns.default.subject" . }}'),
    message: tmpl('{{ template "sns.default.message" . }}'),
    attributes: STRING_MAP,
  },
  'sns'
)

/** SNSConfig.UnmarshalYAML: one destination among target ARN, topic ARN and phone number. */
function check(o: Obj): void {
  const target = stringField(o, 'target_arn') === ''
  const topic = stringField(o, 'topic_arn') === ''
  const phone = stringField(o, 'phone_number') === ''
  // Go evaluates `(a != b) != c`, which also accepts all three destinations set.
  if ((target !== topic) !== phone) {
    throw new Error('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config')
  }
}

/** SNS_CONFIG_SPEC is the `sns_configs` kind as src/config consumes it. */
export const SNS_CONFIG_SPEC: IntegrationConfigSpec<SNSConfig> = {
  name: 'sns',
  goType: 'config.SNSConfig',
  schema: SNS_SCHEMA,
  checks: { sns: check },
  unmarshalOrder: 9,
}
