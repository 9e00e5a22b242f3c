import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createSecureContext } from 'node:tls'
import type { ConnectionOptions, SecureVersion } from 'node:tls'

import type { TLSConfig } from '../../config/index.js'
import { errorMessage } from '../../util/index.js'

import { HttpConfigError } from './errors.js'

/** TLS_VERSIONS maps prometheus/common's `min_version`/`max_version` names to Node's. */
export const TLS_VERSIONS: Readonly<Record<string, SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
}

/**
 * TLSOptions is the subset of Node's TLS connection options an http_config controls; it fits
 * both `tls.connect` and undici's connector options.
 */
export type TLSOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized' | 'minVersion' | 'maxVersion'
>

const VERSION_ORDER: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']

/**
 * buildTLSOptions turns a `tls_config` into Node TLS connection options, reading the files now,
 * like prometheus/common's `NewTLSConfig`: a CA file replaces the system roots, `server_name`
 * sets SNI and the name the certificate must match, `insecure_skip_verify` disables
 * verification. Errors carry prometheus/common's messages.
 *
 * @param tls - the tls_config block.
 * @returns options for undici's `connect` (and `requestTls`/`proxyTls`).
 * @throws HttpConfigError when a file is unreadable or unusable, or the versions conflict.
 */
export function buildTLSOptions(tls: TLSConfig): TLSOptions {
  const options: TLSOptions = { rejectUnauthorized: !tls.insecure_skip_verify }
  const minVersion = tlsVersion(tls.min_version, 'min_version')
  const maxVersion = tlsVersion(tls.max_version, 'max_version')
  if (
    minVersion !== undefined &&
    maxVersion !== undefined &&
    VERSION_ORDER.indexOf(maxVersion) < VERSION_ORDER.indexOf(minVersion)
  ) {
    throw new HttpConfigError(
      'tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified'
    )
  }
  if (minVersion !== undefined) {
    options.minVersion = minVersion
  }
  if (maxVersion !== undefined) {
    options.maxVersion = maxVersion
  }

  const ca = caPEM(tls)
  if (ca !== undefined) {
    options.ca = ca
  }
  if (tls.server_name !== undefined && tls.server_name !== '') {
    options.servername = tls.server_name
  }
  const pair = clientPair(tls)
  if (pair !== undefined) {
    options.cert = pair.cert
    options.key = pair.key
  }
  return options
}

/**
 * tlsFilesDigest hashes the CA, cert and key files of a `tls_config`, read fresh. prometheus/common
 * re-reads them before each request and rebuilds its transport when they changed
 * (`tlsRoundTripper`); the client compares this digest to do the same.
 *
 * @param tls - the tls_config block.
 * @returns a hex digest, or undefined when the config names no files.
 * @throws the file system error when a named file cannot be read.
 */
export async function tlsFilesDigest(tls: TLSConfig): Promise<string | undefined> {
  const files = tlsFiles(tls)
  if (files.every((f) => f === '')) {
    return undefined
  }
  return digest(await Promise.all(files.map((f) => (f === '' ? Promise.resolve('') : readFile(f)))))
}

/**
 * tlsFilesDigestSync is {@link tlsFilesDigest} for construction time.
 *
 * @param tls - the tls_config block.
 * @returns a hex digest, or undefined when the config names no files.
 * @throws the file system error when a named file cannot be read.
 */
export function tlsFilesDigestSync(tls: TLSConfig): string | undefined {
  const files = tlsFiles(tls)
  if (files.every((f) => f === '')) {
    return undefined
  }
  return digest(files.map((f) => (f === '' ? '' : readFileSync(f))))
}

function tlsFiles(tls: TLSConfig): string[] {
  return [tls.ca_file ?? '', tls.cert_file ?? '', tls.key_file ?? '']
}

function digest(contents: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256')
  for (const content of contents) {
    hash.update(createHash('sha256').update(content).digest())
  }
  return hash.digest('hex')
}

function tlsVersion(name: string | undefined, field: string): SecureVersion | undefined {
  if (name === undefined || name === '') {
    return undefined
  }
  const version = TLS_VERSIONS[name]
  if (version === undefined) {
    throw new HttpConfigError(`unknown TLS version: ${name} (tls_config.${field})`)
  }
  return version
}

function caPEM(tls: TLSConfig): string | undefined {
  let pem: string
  let source: string
  if (tls.ca !== undefined && tls.ca !== '') {
    pem = tls.ca
    source = 'ca'
  } else if (tls.ca_file !== undefined && tls.ca_file !== '') {
    source = tls.ca_file
    try {
      pem = readFileSync(tls.ca_file, 'utf8')
    } catch (err) {
      throw new HttpConfigError(
        `unable to load specified CA cert ${tls.ca_file}: ${errorMessage(err)}`,
        { cause: err }
      )
    }
  } else {
    return undefined
  }
  // Go's AppendCertsFromPEM succeeds when at least one block parses as a certificate.
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  const usable = blocks.filter((block) => {
    try {
      new X509Certificate(block)
      return true
    } catch {
      return false
    }
  })
  if (usable.length === 0) {
    throw new HttpConfigError(`unable to use specified CA cert ${source}`)
  }
  return usable.join('\n')
}

function clientPair(tls: TLSConfig): { cert: string; key: string } | undefined {
  const certFile = tls.cert_file ?? ''
  const keyFile = tls.key_file ?? ''
  const inlineCert = tls.cert ?? ''
  const inlineKey = tls.key ?? ''
  const hasCert = certFile !== '' || inlineCert !== ''
  const hasKey = keyFile !== '' || inlineKey !== ''
  if (hasCert && !hasKey) {
    throw new HttpConfigError(
      `client cert file ${JSON.stringify(certFile || 'cert')} specified without client key file`
    )
  }
  if (hasKey && !hasCert) {
    throw new HttpConfigError(
      `client key file ${JSON.stringify(keyFile || 'key')} specified without client cert file`
    )
  }
  if (!hasCert) {
    return undefined
  }
  let cert: string
  let key: string
  try {
    cert = inlineCert !== '' ? inlineCert : readFileSync(certFile, 'utf8')
    key = inlineKey !== '' ? inlineKey : readFileSync(keyFile, 'utf8')
  } catch (err) {
    throw new HttpConfigError(
      `unable to read specified client cert (${certFile}) & key (${keyFile}): ${errorMessage(err)}`,
      { cause: err }
    )
  }
  try {
    createSecureContext({ cert, key })
  } catch (err) {
    throw new HttpConfigError(
      `unable to use specified client cert (${certFile}) & key (${keyFile}): ${errorMessage(err)}`,
      { cause: err }
    )
  }
  return { cert, key }
}
