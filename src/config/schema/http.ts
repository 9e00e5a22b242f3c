import { BOOL, FALSE, STRING_LIST, STRING_MAP, always, ref, reset, str, struct } from './helpers.js'
import type { SchemaNode } from './helpers.js'

/**
 * prometheus/common `config` types as vendored by Alertmanager 0.25 (Debian build): TLS, basic
 * auth, authorization, OAuth2 and the HTTP client config. Inline `ca`/`cert`/`key` TLS fields do
 * not exist in this version and are rejected like any unknown key.
 */

/** TLS_CONFIG is `config.TLSConfig`. */
export const TLS_CONFIG: SchemaNode = struct('config.plain', {
  ca_file: str(),
  cert_file: str(),
  key_file: str(),
  server_name: str(),
  insecure_skip_verify: always(FALSE),
  min_version: str('tls-version'),
  max_version: str('tls-version'),
})

const BASIC_AUTH: SchemaNode = struct('config.plain', {
  username: always(str()),
  password: str('secret'),
  password_file: str(),
})

const AUTHORIZATION: SchemaNode = struct('config.Authorization', {
  type: str(),
  credentials: str('secret'),
  credentials_file: str(),
})

const OAUTH2: SchemaNode = struct('config.OAuth2', {
  client_id: always(str()),
  client_secret: always(str('secret')),
  client_secret_file: always(str()),
  scopes: STRING_LIST,
  token_url: always(str()),
  endpoint_params: STRING_MAP,
  proxy_url: str('common-url'),
  tls_config: ref('tls_config', 'config.plain'),
})

/** PROXY_CONNECT_HEADER is `config.Header`: header name to a list of secret values. */
const PROXY_CONNECT_HEADER: SchemaNode = {
  type: 'object',
  additionalProperties: { type: 'array', items: str('secret'), 'x-go-type': '[]config.Secret' },
  'x-go-type': 'config.Header',
}

/** HTTP_CLIENT_CONFIG is `config.HTTPClientConfig`; `Validate()` runs as the `http_config` check. */
export const HTTP_CLIENT_CONFIG: SchemaNode = reset(
  struct(
    'config.plain',
    {
      basic_auth: BASIC_AUTH,
      authorization: AUTHORIZATION,
      oauth2: OAUTH2,
      bearer_token: str('secret'),
      bearer_token_file: str(),
      proxy_url: str('common-url'),
      proxy_connect_header: PROXY_CONNECT_HEADER,
      tls_config: ref('tls_config', 'config.plain'),
      follow_redirects: { ...always(BOOL), default: true },
      enable_http2: { ...always(BOOL), default: true },
    },
    'http_config'
  )
)

/** SIGV4_CONFIG is prometheus/common `sigv4.SigV4Config` (SNS). */
export const SIGV4_CONFIG: SchemaNode = reset(
  struct(
    'sigv4.plain',
    {
      region: str(),
      access_key: str(),
      secret_key: str('secret'),
      profile: str(),
      role_arn: str(),
    },
    'sigv4'
  )
)
