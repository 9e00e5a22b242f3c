import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'

import {
  LineIndex,
  YamlSyntaxError,
  describeNode,
  parseYamlTree,
  resolveScalar,
} from '../config/index.js'
import type { YMap, YNode } from '../config/index.js'
import { goPathErrorText } from '../util/index.js'

import { bcryptCost } from './bcrypt-cost.js'
import { WebConfigError } from './errors.js'

/**
 * The exporter-toolkit web config file (`--web.config.file`) as Alertmanager 0.25 reads it:
 * exporter-toolkit's web/tls_config.go `getConfig` (yaml.v2 UnmarshalStrict onto `web.Config`
 * with its defaults, then `validateHeaderConfig`, then relative paths joined with the file's
 * directory) and web/handler.go's `validateUsers` (bcrypt.Cost of every hash). Messages are the
 * toolkit's, word for word; test/unit/web/config.test.ts compares them with the Go code.
 */

/** TlsVersionName is a `min_version` / `max_version` value. */
export type TlsVersionName = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13'

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

const TLS_VERSIONS: readonly string[] = ['TLS13', 'TLS12', 'TLS11', 'TLS10']

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
 * FatalError is yaml.v2's abort on an error from a custom unmarshaler (cipher, curve, TLS
 * version); an internal signal, turned into a WebConfigError before it leaves this file.
 */
class FatalError extends Error {}

/** Decoder walks the tree as yaml.v2's strict decoder does, collecting its type errors. */
class Decoder {
  readonly #lines: LineIndex
  readonly issues: string[] = []

  constructor(text: string) {
    this.#lines = new LineIndex(text)
  }

  typeError(node: YNode, message: string): void {
    this.issues.push(`line ${this.#lines.position(node.start).line}: ${message}`)
  }

  isNull(node: YNode): boolean {
    return node.kind === 'scalar' && resolveScalar(node).tag === '!!null'
  }

  /** fields decodes a struct: known keys to their handler, others refused as UnmarshalStrict does. */
  fields(node: YNode, goType: string, handlers: Record<string, (value: YNode) => void>): void {
    if (!this.#isMap(node, goType)) {
      return
    }
    const seen = new Set<string>()
    for (const { key, value } of node.pairs) {
      const name = key.kind === 'scalar' ? key.text : describeNode(key)
      const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined
      if (handler === undefined) {
        this.typeError(key, `field ${name} not found in type ${goType}`)
        continue
      }
      if (seen.has(name)) {
        this.typeError(key, `field ${name} already set in type ${goType}`)
        continue
      }
      seen.add(name)
      handler(value)
    }
  }

  /** stringMap decodes a map[string]X; null leaves it empty. */
  stringMap(node: YNode, goType: string, value: (v: YNode) => string): Map<string, string> {
    const out = new Map<string, string>()
    if (this.isNull(node) || !this.#isMap(node, goType)) {
      return out
    }
    for (const pair of node.pairs) {
      if (pair.key.kind !== 'scalar') {
        this.typeError(pair.key, `cannot unmarshal ${describeNode(pair.key)} into string`)
        continue
      }
      if (out.has(pair.key.text)) {
        this.typeError(pair.key, `key ${JSON.stringify(pair.key.text)} already set in map`)
        continue
      }
      out.set(pair.key.text, value(pair.value))
    }
    return out
  }

  /** string decodes a Go string: any scalar's text (null is ''). */
  string(node: YNode, goType = 'string'): string {
    if (node.kind !== 'scalar') {
      this.typeError(node, `cannot unmarshal ${describeNode(node)} into ${goType}`)
      return ''
    }
    return this.isNull(node) ? '' : node.text
  }

  bool(node: YNode, fallback: boolean): boolean {
    if (this.isNull(node)) {
      return false
    }
    if (node.kind === 'scalar') {
      const r = resolveScalar(node)
      if (r.tag === '!!bool' && typeof r.value === 'boolean') {
        return r.value
      }
    }
    this.typeError(node, `cannot unmarshal ${describeNode(node)} into bool`)
    return fallback
  }

  /** list decodes a []T of names, each checked by `check` (a custom unmarshaler's error). */
  list(node: YNode, goType: string, check: (name: string) => void): string[] {
    if (this.isNull(node)) {
      return []
    }
    if (node.kind !== 'seq') {
      this.typeError(node, `cannot unmarshal ${describeNode(node)} into ${goType}`)
      return []
    }
    const out: string[] = []
    for (const item of node.items) {
      if (this.isNull(item)) {
        out.push('')
        continue
      }
      const before = this.issues.length
      const name = this.string(item)
      if (this.issues.length === before) {
        check(name)
        out.push(name)
      }
    }
    return out
  }

  #isMap(node: YNode, goType: string): node is YMap {
    if (node.kind === 'map') {
      return true
    }
    if (!this.isNull(node)) {
      this.typeError(node, `cannot unmarshal ${describeNode(node)} into ${goType}`)
    }
    return false
  }
}

function tlsVersion(d: Decoder, node: YNode): TlsVersionName | undefined {
  if (d.isNull(node)) {
    return undefined
  }
  const before = d.issues.length
  const name = d.string(node)
  if (d.issues.length !== before) {
    return undefined
  }
  if (!TLS_VERSIONS.includes(name)) {
    throw new FatalError(`unknown TLS version: ${name}`)
  }
  return name as TlsVersionName
}

/**
 * joinDir is Prometheus common's config.JoinDir: a relative, non-empty path is joined with dir.
 *
 * @param dir - the config file's directory.
 * @param path - the path as written.
 * @returns the path to open.
 */
function joinDir(dir: string, path: string): string {
  return path === '' || isAbsolute(path) ? path : join(dir, path)
}

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
  let root: YNode | undefined
  try {
    root = parseYamlTree(text)
  } catch (err: unknown) {
    if (err instanceof YamlSyntaxError) {
      const line =
        err.offset === undefined ? '' : `line ${new LineIndex(text).position(err.offset).line}: `
      throw new WebConfigError(`yaml: ${line}${err.message}`, { cause: err })
    }
    throw err
  }
  const d = new Decoder(text)
  let certFile = ''
  let keyFile = ''
  let clientAuthType = ''
  let clientCaFile = ''
  let cipherSuites: string[] = []
  let curvePreferences: string[] = []
  let minVersion: TlsVersionName | undefined = 'TLS12'
  let maxVersion: TlsVersionName | undefined = 'TLS13'
  let preferServerCipherSuites = true
  let http2 = true
  let headers = new Map<string, string>()
  let users = new Map<string, string>()
  const resetTls = (): void => {
    // A null tls_server_config is Go's zero TLSConfig: the defaults above are gone too.
    minVersion = undefined
    maxVersion = undefined
    preferServerCipherSuites = false
  }
  try {
    if (root !== undefined) {
      d.fields(root, 'web.Config', {
        tls_server_config: (v) => {
          if (d.isNull(v)) {
            resetTls()
            return
          }
          d.fields(v, 'web.TLSConfig', {
            cert_file: (x) => (certFile = d.string(x)),
            key_file: (x) => (keyFile = d.string(x)),
            client_auth_type: (x) => (clientAuthType = d.string(x)),
            client_ca_file: (x) => (clientCaFile = d.string(x)),
            cipher_suites: (x) =>
              (cipherSuites = d.list(x, '[]web.Cipher', (name) => {
                if (!GO_CIPHER_SUITES.has(name)) {
                  throw new FatalError(`unknown cipher: ${name}`)
                }
              })),
            curve_preferences: (x) =>
              (curvePreferences = d.list(x, '[]web.Curve', (name) => {
                if (!GO_CURVES.has(name)) {
                  throw new FatalError(`unknown curve: ${name}`)
                }
              })),
            min_version: (x) => (minVersion = tlsVersion(d, x)),
            max_version: (x) => (maxVersion = tlsVersion(d, x)),
            prefer_server_cipher_suites: (x) =>
              (preferServerCipherSuites = d.bool(x, preferServerCipherSuites)),
          })
        },
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
    }
  } catch (err: unknown) {
    if (err instanceof FatalError) {
      throw new WebConfigError(err.message)
    }
    throw err
  }
  if (d.issues.length > 0) {
    throw new WebConfigError(`yaml: unmarshal errors:\n  ${d.issues.join('\n  ')}`)
  }
  validateHeaders(headers)
  const dir = dirname(path)
  return {
    tlsServerConfig: {
      certFile: joinDir(dir, certFile),
      keyFile: joinDir(dir, keyFile),
      clientAuthType,
      clientCaFile: joinDir(dir, clientCaFile),
      cipherSuites,
      curvePreferences,
      minVersion,
      maxVersion,
      preferServerCipherSuites,
    },
    httpServerConfig: { http2, headers },
    basicAuthUsers: users,
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
