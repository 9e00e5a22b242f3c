import {
  canonicalHeaderKey,
  inheritGlobal,
  inheritGlobalSecret,
  objectField,
  schema,
  stringField,
} from '../../../config/index.js'
import type {
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
  TLSConfig,
} from '../../../config/index.js'
import { goQuote } from '../../../labels/index.js'

const { always, dflt, ptr, ref, reset, sendResolved, str, struct, tmpl, BOOL, STRING_MAP } = schema

/** EmailConfig is an `email_configs` entry with the global SMTP settings already applied. */
export interface EmailConfig extends IntegrationConfig {
  readonly to: string
  readonly from: string
  readonly hello: string
  /** `host:port`. */
  readonly smarthost: string
  readonly auth_username?: string
  readonly auth_password?: SecretString
  readonly auth_password_file?: string
  readonly auth_secret?: SecretString
  readonly auth_identity?: string
  /** Canonical header names; Subject, To and From are filled for receivers used by a route. */
  readonly headers: Readonly<Record<string, string>>
  readonly html?: string
  readonly text?: string
  readonly require_tls: boolean
  readonly tls_config: TLSConfig
}

/** EMAIL_SCHEMA is `config.EmailConfig` (config/notifiers.go). */
const EMAIL_SCHEMA = reset(
  struct(
    'config.plain',
    {
      send_resolved: sendResolved(false),
      to: str(),
      from: str(),
      hello: str(),
      smarthost: str('hostport'),
      auth_username: str(),
      auth_password: str('secret'),
      auth_password_file: str(),
      auth_secret: str('secret'),
      auth_identity: str(),
      headers: STRING_MAP,
      html: tmpl('{{ template "email.default.html" . }}'),
      text: str(),
      require_tls: ptr(BOOL),
      tls_config: ref('tls_config'),
    },
    'email'
  )
)

/** EmailConfig.UnmarshalYAML: a recipient, and header names made canonical and unique. */
function check(o: Obj): void {
  if (stringField(o, 'to') === '') {
    throw new Error('missing to address in email config')
  }
  const headers: Obj = {}
  for (const [h, v] of Object.entries(objectField(o, 'headers') ?? {})) {
    const key = canonicalHeaderKey(h)
    if (key in headers) {
      throw new Error(`duplicate header ${goQuote(key)} in email config`)
    }
    headers[key] = v
  }
  o['headers'] = headers
}

/** The SMTP settings Config.UnmarshalYAML copies from `global` (config/config.go). */
function fromGlobal(c: Obj, g: Obj): void {
  inheritGlobal(c, g, 'smarthost', 'smtp_smarthost', 'no global SMTP smarthost set')
  inheritGlobal(c, g, 'from', 'smtp_from', 'no global SMTP from set')
  inheritGlobal(c, g, 'hello', 'smtp_hello')
  inheritGlobal(c, g, 'auth_username', 'smtp_auth_username')
  inheritGlobalSecret(
    c,
    g,
    ['auth_password', 'auth_password_file'],
    ['smtp_auth_password', 'smtp_auth_password_file']
  )
  inheritGlobal(c, g, 'auth_secret', 'smtp_auth_secret')
  inheritGlobal(c, g, 'auth_identity', 'smtp_auth_identity')
  if (c['require_tls'] === undefined) {
    c['require_tls'] = g['smtp_require_tls']
  }
}

/** DEFAULT_EMAIL_SUBJECT is config.DefaultEmailSubject, the Subject header when none is configured. */
export const DEFAULT_EMAIL_SUBJECT = '{{ template "email.default.subject" . }}'

/**
 * defaultHeaders is what notify/email.New makes of the configured headers: Subject, To and From
 * are added, after the configured ones, when missing.
 *
 * @param c - the entry (its headers already canonical).
 * @returns the headers to render, in order.
 */
export function defaultHeaders(c: {
  readonly headers?: Readonly<Record<string, string>>
  readonly to?: unknown
  readonly from?: unknown
}): Record<string, string> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) }
  headers['Subject'] ??= DEFAULT_EMAIL_SUBJECT
  headers['To'] ??= typeof c.to === 'string' ? c.to : ''
  headers['From'] ??= typeof c.from === 'string' ? c.from : ''
  return headers
}

/** notify/email.New fills these headers of receivers in use, before config.original shows them. */
function whenRouted(c: Obj): void {
  c['headers'] = defaultHeaders(c)
}

/** EMAIL_CONFIG_SPEC is the `email_configs` kind as src/config consumes it. */
export const EMAIL_CONFIG_SPEC: IntegrationConfigSpec<EmailConfig> = {
  name: 'email',
  goType: 'config.EmailConfig',
  schema: EMAIL_SCHEMA,
  checks: { email: check },
  global: {
    fields: {
      smtp_from: str(),
      smtp_hello: dflt(str(), 'localhost'),
      smtp_smarthost: str('hostport'),
      smtp_auth_username: str(),
      smtp_auth_password: str('secret'),
      smtp_auth_password_file: str(),
      smtp_auth_secret: str('secret'),
      smtp_auth_identity: str(),
      smtp_require_tls: always(dflt(BOOL, true)),
    },
    exclusive: [{ pair: ['smtp_auth_password', 'smtp_auth_password_file'], order: 3 }],
  },
  unmarshalOrder: 1,
  fromGlobal,
  whenRouted,
}
