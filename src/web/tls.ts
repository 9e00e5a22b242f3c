import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSecureContext } from 'node:tls'
import type { SecureContextOptions, SecureVersion, TLSSocket } from 'node:tls'

import { errorMessage } from '../util/index.js'

import { GO_CIPHER_SUITES, GO_CURVES, readBytes } from './config.js'
import type { ClientAuthType, TlsServerConfig, TlsVersionName } from './config.js'
import { WebConfigError } from './errors.js'

/**
 * tls_server_config turned into Node's TLS server options, following the toolkit's
 * ConfigToTLSConfig (web/tls_config.go) check by check and message by message, and Go 1.19's
 * crypto/tls defaults where the toolkit leaves a field unset, so a client meets the same
 * versions, suites and curves as with Alertmanager.
 */

/** ServerTls is what one handshake uses: the secure context options and the client auth mode. */
export interface ServerTls {
  readonly options: SecureContextOptions
  readonly clientAuth: ClientAuthType
  /** sources are the bytes the options were built from, to see whether a file changed. */
  readonly sources: readonly Buffer[]
}

/** UnsupportedTlsError is a field Node's TLS cannot honour; the node refuses to start. */
export class UnsupportedTlsError extends WebConfigError {}

const NODE_VERSIONS: Readonly<Record<TlsVersionName, SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
}

/** Go 1.19's TLS 1.3 suites, always on: crypto/tls does not let them be configured. */
const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256'

/** Go 1.19's default curve preference order. */
const DEFAULT_CURVES = ['X25519', 'CurveP256', 'CurveP384', 'CurveP521']

/**
 * hasTls says whether the file asks for TLS at all (the toolkit's errNoTLSConfig test).
 *
 * @param c - tls_server_config.
 * @returns false when cert_file, key_file, client_auth_type and client_ca_file are all empty.
 */
export function hasTls(c: TlsServerConfig): boolean {
  return c.certFile !== '' || c.keyFile !== '' || c.clientAuthType !== '' || c.clientCaFile !== ''
}

/**
 * buildServerTls reads the certificate, key and client CA files and builds the options, with
 * the toolkit's errors in its order.
 *
 * @param c - tls_server_config (hasTls true).
 * @returns the handshake settings.
 * @throws WebConfigError with the toolkit's message.
 */
export function buildServerTls(c: TlsServerConfig): ServerTls {
  if (c.certFile === '') {
    throw new WebConfigError('missing cert_file')
  }
  if (c.keyFile === '') {
    throw new WebConfigError('missing key_file')
  }
  const { cert, key } = loadKeyPair(c.certFile, c.keyFile)
  const sources = [cert, key]
  let ca: Buffer | undefined
  if (c.clientCaFile !== '') {
    ca = readBytes(c.clientCaFile)
    sources.push(ca)
  }
  const clientAuth = clientAuthType(c.clientAuthType)
  if (c.clientCaFile !== '' && clientAuth === 'NoClientCert') {
    throw new WebConfigError("Client CA's have been configured without a Client Auth Policy")
  }
  const options: SecureContextOptions = {
    cert,
    key,
    ...(ca === undefined ? {} : { ca }),
    ...versionsCiphersCurves(c),
  }
  return { options, clientAuth, sources }
}

function clientAuthType(text: string): ClientAuthType {
  switch (text) {
    case '':
    case 'NoClientCert':
      return 'NoClientCert'
    case 'RequireClientCert': // the toolkit keeps it for backwards compatibility
      return 'RequireAnyClientCert'
    case 'RequestClientCert':
    case 'RequireAnyClientCert':
    case 'VerifyClientCertIfGiven':
    case 'RequireAndVerifyClientCert':
      return text
    default:
      throw new WebConfigError(`Invalid ClientAuth: ${text}`)
  }
}

/** The version, cipher and curve options, one entry per config field (named for errors). */
function fieldOptions(c: TlsServerConfig): [string, SecureContextOptions][] {
  const minVersion = NODE_VERSIONS[c.minVersion ?? 'TLS10']
  const maxVersion = NODE_VERSIONS[c.maxVersion ?? 'TLS13']
  // Go 1.19 picks among the configured suites by its own preference order, whatever order the
  // file lists them in and whatever prefer_server_cipher_suites says (a no-op since Go 1.17).
  const chosen = new Set(c.cipherSuites.length > 0 ? c.cipherSuites : GO_CIPHER_SUITES.keys())
  const tls12 = [...GO_CIPHER_SUITES]
    .filter(([name]) => chosen.has(name))
    .flatMap(([, openssl]) => openssl ?? [])
  // OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level; Go 1.19 offers them when
  // asked to, so the level is lowered only when min_version asks for them.
  const legacy = minVersion === 'TLSv1' || minVersion === 'TLSv1.1'
  const ciphers = [...tls12, TLS13_SUITES, ...(legacy ? ['@SECLEVEL=0'] : [])].join(':')
  const curves = c.curvePreferences.length > 0 ? c.curvePreferences : DEFAULT_CURVES
  return [
    ['min_version', { minVersion }],
    ['max_version', { maxVersion }],
    ['cipher_suites', { ciphers, honorCipherOrder: true }],
    ['curve_preferences', { ecdhCurve: curves.map((n) => GO_CURVES.get(n) ?? n).join(':') }],
  ]
}

function versionsCiphersCurves(c: TlsServerConfig): SecureContextOptions {
  return Object.assign({}, ...fieldOptions(c).map(([, o]) => o)) as SecureContextOptions
}

/**
 * checkHonoured builds the secure context once, and when Node's OpenSSL refuses it, finds the
 * field it refuses, so that a node never serves something weaker or different from what the
 * file asks.
 *
 * @param c - tls_server_config.
 * @param tls - the built options.
 * @throws UnsupportedTlsError naming the field.
 */
export function checkHonoured(c: TlsServerConfig, tls: ServerTls): void {
  try {
    createSecureContext(tls.options)
    return
  } catch (err: unknown) {
    const base = { cert: tls.options.cert, key: tls.options.key }
    for (const [field, options] of fieldOptions(c)) {
      try {
        createSecureContext({ ...base, ...options })
      } catch (fieldErr: unknown) {
        throw unsupported(field, fieldErr)
      }
    }
    if (c.minVersion !== undefined && c.maxVersion !== undefined) {
      throw unsupported('min_version', err)
    }
    throw unsupported('cert_file', err)
  }
}

function unsupported(field: string, err: unknown): UnsupportedTlsError {
  return new UnsupportedTlsError(
    `tls_server_config.${field} cannot be honoured by Node.js ${process.version} (OpenSSL ${process.versions.openssl}): ${errorMessage(err)}`
  )
}

/**
 * checkHttp2Ciphers is Go's http2ConfigureServer check, which Alertmanager 0.25 meets at start
 * when HTTP/2 is on: a TLS 1.2 cipher list must hold an AES_128_GCM_SHA256 suite HTTP/2 requires.
 *
 * @param c - tls_server_config.
 * @throws WebConfigError with Go's message.
 */
export function checkHttp2Ciphers(c: TlsServerConfig): void {
  if (c.cipherSuites.length === 0 || c.minVersion === 'TLS13') {
    return
  }
  const required = [
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  ]
  if (!c.cipherSuites.some((name) => required.includes(name))) {
    throw new WebConfigError(
      'http2: TLSConfig.CipherSuites is missing an HTTP/2-required AES_128_GCM_SHA256 cipher (need at least one of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)'
    )
  }
}

/**
 * loadKeyPair is Go's tls.LoadX509KeyPair, with its errors under the toolkit's
 * `failed to load X509KeyPair: ` prefix.
 *
 * @param certFile - the PEM certificate chain.
 * @param keyFile - the PEM private key.
 * @returns both files' bytes.
 * @throws WebConfigError when a file is missing, holds no PEM block of its kind, or the key
 *   does not match the certificate.
 */
export function loadKeyPair(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  try {
    const cert = readBytes(certFile)
    const key = readBytes(keyFile)
    checkKeyPair(cert, key)
    return { cert, key }
  } catch (err: unknown) {
    throw new WebConfigError(`failed to load X509KeyPair: ${errorMessage(err)}`, { cause: err })
  }
}

/**
 * checkKeyPair is Go's tls.X509KeyPair: the certificate PEM must hold a certificate, the key
 * PEM a private key, and the key must match the certificate.
 *
 * @param cert - the PEM certificate chain.
 * @param key - the PEM private key.
 * @throws WebConfigError with crypto/tls's message.
 */
export function checkKeyPair(cert: Buffer, key: Buffer): void {
  const certTypes = pemTypes(cert.toString('latin1'))
  if (!certTypes.includes('CERTIFICATE')) {
    if (certTypes.length === 0) {
      throw new WebConfigError('tls: failed to find any PEM data in certificate input')
    }
    if (certTypes.some((t) => t.endsWith('PRIVATE KEY'))) {
      throw new WebConfigError(
        'tls: found a private key rather than a certificate in the PEM for the certificate'
      )
    }
    throw new WebConfigError(
      `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certTypes.join(' ')}]`
    )
  }
  const keyTypes = pemTypes(key.toString('latin1'))
  if (!keyTypes.some((t) => t === 'PRIVATE KEY' || t.endsWith(' PRIVATE KEY'))) {
    if (keyTypes.length === 0) {
      throw new WebConfigError('tls: failed to find any PEM data in key input')
    }
    if (keyTypes.length === 1 && keyTypes[0] === 'CERTIFICATE') {
      throw new WebConfigError(
        'tls: found a certificate rather than a key in the PEM for the private key'
      )
    }
    throw new WebConfigError(
      `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyTypes.join(' ')}]`
    )
  }
  let matches: boolean
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))
  } catch (err: unknown) {
    throw new WebConfigError(`tls: failed to parse private key: ${errorMessage(err)}`, {
      cause: err,
    })
  }
  if (!matches) {
    throw new WebConfigError('tls: private key does not match public key')
  }
}

/**
 * sameFiles says whether the files on disk still hold the bytes settings were built from.
 *
 * @param sources - the bytes read when the settings were built, in the order of `paths`.
 * @param paths - the files ('' for a file not configured, skipped).
 * @returns false when a file changed, vanished or cannot be read.
 */
export function sameFiles(sources: readonly Buffer[], paths: readonly string[]): boolean {
  const files = paths.filter((p) => p !== '')
  if (files.length !== sources.length) {
    return false
  }
  try {
    return files.every((p, i) => {
      const source = sources[i]
      return source !== undefined && readFileSync(p).equals(source)
    })
  } catch {
    return false
  }
}

/**
 * clientCertRefusal is the client_auth_type check on a finished handshake, for the modes
 * OpenSSL's verify flags alone do not enforce (and RequireAndVerifyClientCert, for a server
 * that verifies after the handshake).
 *
 * @param mode - the client auth mode.
 * @param socket - the server side of the connection.
 * @returns why the client is refused, or undefined when it may stay.
 */
export function clientCertRefusal(mode: ClientAuthType, socket: TLSSocket): string | undefined {
  const given = Object.keys(socket.getPeerCertificate()).length > 0
  const verified = socket.authorized
  const why = (): string => String(socket.authorizationError)
  switch (mode) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return undefined
    case 'RequireAnyClientCert':
      return given ? undefined : "client didn't provide a certificate"
    case 'VerifyClientCertIfGiven':
      return !given || verified ? undefined : `client certificate refused: ${why()}`
    case 'RequireAndVerifyClientCert':
      if (!given) {
        return "client didn't provide a certificate"
      }
      return verified ? undefined : `client certificate refused: ${why()}`
  }
}

function pemTypes(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1] ?? '')
}

/**
 * clientCertOptions are the tls.Server options for a client auth mode: ask for a certificate
 * unless NoClientCert, and let OpenSSL refuse an unverified one for RequireAndVerifyClientCert.
 *
 * @param tls - the handshake settings.
 * @returns the options.
 */
export function clientCertOptions(tls: ServerTls): {
  requestCert: boolean
  rejectUnauthorized: boolean
} {
  return {
    requestCert: tls.clientAuth !== 'NoClientCert',
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
  }
}
