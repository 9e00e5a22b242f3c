import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'

import type { YNode } from '../config/index.js'
import { goPathErrorText } from '../util/index.js'

import { bcryptCost } from './bcrypt-cost.js'
import { WebConfigError } from './errors.js'
import {
  Decoder,
  FatalError,
  decodeStrict,
  joinDir,
  parseTree,
  tlsVersion,
} from './yaml-decoder.js'
import type { TlsVersionName } from './yaml-decoder.js'

export type { TlsVersionName } from './yaml-decoder.js'

/**
 * The exporter-toolkit web config file (`--web.config.file`) as Alertmanager 0.25 reads it:
 * exporter-toolkit's web/tls_config.go `getConfig` (yaml.v2 UnmarshalStrict onto `web.Config`
 * with its defaults, then `validateHeaderConfig`, then relative paths joined with the file's
 * directory) and web/handler.go's `validateUsers` (bcrypt.Cost of every hash). Messages are the
 * toolkit's, word for word; test/unit/web/config.test.ts compares them with the Go code.
 */

/** ClientAuthType is a `client_auth_type` value, `RequireClientCert` folded into `RequireAnyClientCert`. */
export type ClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert'

/** TlsServerConfig is `tls_server_config` (the toolkit's `web.TLSConfig`). */
export interface TlsServerConfig {
  readonly certFile: string
  readonly keyFile: string
  /** clientAuthType is the text as written ('' when absent). */
  readonly clientAuthType: string
  readonly clientCaFile: string
  /** cipherSuites are Go names from crypto/tls's CipherSuites(). */
  readonly cipherSuites: readonly string[]
  readonly curvePreferences: readonly string[]
  /** minVersion is undefined when set to null (Go's zero value: crypto/tls's default, TLS 1.0). */
  readonly minVersion: TlsVersionName | undefined
  /** maxVersion is undefined when set to null (crypto/tls's default, TLS 1.3). */
  readonly maxVersion: TlsVersionName | undefined
  readonly preferServerCipherSuites: boolean
}

/** HttpServerConfig is `http_server_config`. */
export interface HttpServerConfig {
  readonly http2: boolean
  readonly headers: ReadonlyMap<string, string>
}

/** WebConfig is the whole file. */
export interface WebConfig {
  readonly tlsServerConfig: TlsServerConfig
  readonly httpServerConfig: HttpServerConfig
  /** basicAuthUsers maps a user name to its bcrypt hash. */
  readonly basicAuthUsers: ReadonlyMap<string, string>
}

/**
 * GO_CIPHER_SUITES are the names the toolkit accepts (Go 1.19's crypto/tls CipherSuites()), in
 * Go's server preference order (cipherSuitesPreferenceOrder), with each one's OpenSSL name; the
 * TLS 1.3 suites have none because Go does not let them be chosen.
 */
export const GO_CIPHER_SUITES: ReadonlyMap<string, string | undefined> = new Map([
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  ['TLS_AES_128_GCM_SHA256', undefined],
  ['TLS_AES_256_GCM_SHA384', undefined],
  ['TLS_CHACHA20_POLY1305_SHA256', undefined],
])

/** GO_CURVES are the toolkit's curve names with OpenSSL's. */
export const GO_CURVES: ReadonlyMap<string, string> = new Map([
  ['CurveP256', 'P-256'],
  ['CurveP384', 'P-384'],
  ['CurveP521', 'P-521'],
  ['X25519', 'X25519'],
])

/**
 * EXTRA_HTTP_HEADERS are the headers `http_server_config.headers` may set, with the values
 * allowed when the toolkit restricts them (handler.go's extraHTTPHeaders).
 */
const EXTRA_HTTP_HEADERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Strict-Transport-Security', []],
  ['X-Content-Type-Options', ['nosniff']],
  ['X-Frame-Options', ['deny', 'sameorigin']],
  ['X-XSS-Protection', []],
  ['Content-Security-Policy', []],
])

/**
 * parseWebConfig decodes a web config file's text as the toolkit's getConfig does, defaults
 * included (min_version TLS12, max_version TLS13, prefer_server_cipher_suites and http2 true).
 *
 * @param text - the file's content.
 * @param path - the file's path; relative cert, key and CA paths are taken from its directory.
 * @returns the decoded config.
 * @throws WebConfigError with the toolkit's message.
 */
export function parseWebConfig(text: string, path: string): WebConfig {
  const root = parseTree(text)
  const d = new Decoder(text)
  let tls: TlsServerConfig = WEB_TLS_DEFAULTS
  let http2 = true
  let headers = new Map<string, string>()
  let users = new Map<string, string>()
  decodeStrict(d, () => {
    if (root === undefined) {
      return
    }
    d.fields(root, 'web.Config', {
      // A null tls_server_config is Go's zero TLSConfig: the defaults are gone too.
      tls_server_config: (v) =>
        (tls = d.isNull(v) ? ZERO_TLS_SERVER_CONFIG : decodeTlsServerConfig(d, v, tls)),
      http_server_config: (v) => {
        if (d.isNull(v)) {
          http2 = false
          return
        }
        d.fields(v, 'web.HTTPConfig', {
          http2: (x) => (http2 = d.bool(x, http2)),
          headers: (x) => (headers = d.stringMap(x, 'map[string]string', (y) => d.string(y))),
        })
      },
      basic_auth_users: (v) =>
        (users = d.stringMap(v, 'map[string]config.Secret', (y) => d.string(y, 'config.plain'))),
    })
  })
  validateHeaders(headers)
  return {
    tlsServerConfig: withDirectory(tls, dirname(path)),
    httpServerConfig: { http2, headers },
    basicAuthUsers: users,
  }
}

/** ZERO_TLS_SERVER_CONFIG is Go's zero web.TLSConfig: what a file without defaults starts from. */
export const ZERO_TLS_SERVER_CONFIG: TlsServerConfig = {
  certFile: '',
  keyFile: '',
  clientAuthType: '',
  clientCaFile: '',
  cipherSuites: [],
  curvePreferences: [],
  minVersion: undefined,
  maxVersion: undefined,
  preferServerCipherSuites: false,
}

/** WEB_TLS_DEFAULTS are getConfig's defaults for tls_server_config. */
const WEB_TLS_DEFAULTS: TlsServerConfig = {
  ...ZERO_TLS_SERVER_CONFIG,
  minVersion: 'TLS12',
  maxVersion: 'TLS13',
  preferServerCipherSuites: true,
}

/**
 * decodeTlsServerConfig decodes a `web.TLSConfig` mapping onto a starting value, as yaml.v2
 * decodes into a struct that already holds defaults (fields absent from the file keep them).
 *
 * @param d - the decoder (type errors are collected there).
 * @param node - the mapping.
 * @param start - the defaults.
 * @returns the decoded value; paths as written.
 */
export function decodeTlsServerConfig(
  d: Decoder,
  node: YNode,
  start: TlsServerConfig
): TlsServerConfig {
  const c: { -readonly [K in keyof TlsServerConfig]: TlsServerConfig[K] } = { ...start }
  d.fields(node, 'web.TLSConfig', {
    cert_file: (x) => (c.certFile = d.string(x)),
    key_file: (x) => (c.keyFile = d.string(x)),
    client_auth_type: (x) => (c.clientAuthType = d.string(x)),
    client_ca_file: (x) => (c.clientCaFile = d.string(x)),
    cipher_suites: (x) =>
      (c.cipherSuites = d.list(x, '[]web.Cipher', (name) => {
        if (!GO_CIPHER_SUITES.has(name)) {
          throw new FatalError(`unknown cipher: ${name}`)
        }
      })),
    curve_preferences: (x) =>
      (c.curvePreferences = d.list(x, '[]web.Curve', (name) => {
        if (!GO_CURVES.has(name)) {
          throw new FatalError(`unknown curve: ${name}`)
        }
      })),
    min_version: (x) => (c.minVersion = tlsVersion(d, x)),
    max_version: (x) => (c.maxVersion = tlsVersion(d, x)),
    prefer_server_cipher_suites: (x) =>
      (c.preferServerCipherSuites = d.bool(x, c.preferServerCipherSuites)),
  })
  return c
}

/**
 * withDirectory is the toolkit's TLSConfig.SetDirectory: relative cert, key and CA paths are
 * taken from the config file's directory.
 *
 * @param c - the decoded config.
 * @param dir - the file's directory.
 * @returns the config with paths to open.
 */
export function withDirectory(c: TlsServerConfig, dir: string): TlsServerConfig {
  return {
    ...c,
    certFile: joinDir(dir, c.certFile),
    keyFile: joinDir(dir, c.keyFile),
    clientCaFile: joinDir(dir, c.clientCaFile),
  }
}

/** validateHeaders is the toolkit's validateHeaderConfig (header names are case-sensitive). */
function validateHeaders(headers: ReadonlyMap<string, string>): void {
  for (const [name, value] of headers) {
    const allowed = EXTRA_HTTP_HEADERS.get(name)
    if (allowed === undefined) {
      throw new WebConfigError(`HTTP header ${JSON.stringify(name)} can not be configured`)
    }
    if (allowed.length > 0 && !allowed.includes(value)) {
      const quoted = allowed.map((a) => JSON.stringify(a)).join(' ')
      throw new WebConfigError(
        `invalid value for ${name}. Expected one of: [${quoted}], but got: ${JSON.stringify(value)}`
      )
    }
  }
}

/**
 * readWebConfig reads and decodes the file (the toolkit's getConfig).
 *
 * @param path - --web.config.file.
 * @returns the decoded config.
 * @throws WebConfigError for a file that cannot be read or decoded.
 */
export function readWebConfig(path: string): WebConfig {
  return parseWebConfig(readText(path), path)
}

/**
 * validateUsers is the toolkit's validateUsers: every hash must be one bcrypt can read.
 *
 * @param config - the decoded config.
 * @throws WebConfigError with Go's crypto/bcrypt message.
 */
export function validateUsers(config: WebConfig): void {
  for (const hash of config.basicAuthUsers.values()) {
    bcryptCost(hash)
  }
}

/**
 * readText reads a file, failing with Go's os error text (`open X: no such file or directory`).
 *
 * @param path - the file.
 * @returns its content.
 * @throws WebConfigError naming the path.
 */
export function readText(path: string): string {
  return readBytes(path).toString('utf8')
}

/**
 * readBytes reads a file, failing with Go's os error text.
 *
 * @param path - the file.
 * @returns its content.
 * @throws WebConfigError naming the path.
 */
export function readBytes(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err: unknown) {
    throw new WebConfigError(goPathErrorText(path, err), { cause: err })
  }
}
