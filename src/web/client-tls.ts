import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { SecureContextOptions, SecureVersion } from 'node:tls'

import { errorMessage, goPathErrorText } from '../util/index.js'

import type { TlsClientConfig } from './cluster-tls-config.js'
import { WebConfigError } from './errors.js'
import { checkKeyPair } from './tls.js'
import type { TlsVersionName } from './yaml-decoder.js'

/**
 * tls_client_config turned into Node's TLS client options, following Prometheus common's
 * NewTLSConfig (config/http_config.go) check by check and message by message.
 */

/** ClientTls is what one dial uses. */
export interface ClientTls {
  readonly options: SecureContextOptions
  /** serverName is the name the server's certificate must carry ('' for the dialled host). */
  readonly serverName: string
  readonly verify: boolean
  /** sources are the bytes the options were built from, to see whether a file changed. */
  readonly sources: readonly Buffer[]
}

const NODE_VERSIONS: Readonly<Record<TlsVersionName, SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
}

const ORDER: readonly TlsVersionName[] = ['TLS10', 'TLS11', 'TLS12', 'TLS13']

/**
 * buildClientTls reads the CA, certificate and key files and builds the dial options, with
 * NewTLSConfig's errors in its order.
 *
 * @param c - tls_client_config.
 * @returns the dial settings.
 * @throws WebConfigError with Prometheus common's message.
 */
export function buildClientTls(c: TlsClientConfig): ClientTls {
  if (
    c.minVersion !== undefined &&
    c.maxVersion !== undefined &&
    ORDER.indexOf(c.maxVersion) < ORDER.indexOf(c.minVersion)
  ) {
    throw new WebConfigError(
      'tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified'
    )
  }
  const sources: Buffer[] = []
  let ca: Buffer | undefined
  if (c.caFile !== '') {
    ca = readOr(c.caFile, (err) => `unable to load specified CA cert ${c.caFile}: ${err}`)
    if (!holdsCertificate(ca)) {
      throw new WebConfigError(`unable to use specified CA cert ${c.caFile}`)
    }
    sources.push(ca)
  }
  if (c.certFile !== '' && c.keyFile === '') {
    throw new WebConfigError(
      `client cert file ${JSON.stringify(c.certFile)} specified without client key file`
    )
  }
  if (c.keyFile !== '' && c.certFile === '') {
    throw new WebConfigError(
      `client key file ${JSON.stringify(c.keyFile)} specified without client cert file`
    )
  }
  let pair: { cert: Buffer; key: Buffer } | undefined
  if (c.certFile !== '') {
    const which = `client cert (${c.certFile}) & key (${c.keyFile})`
    const cert = readOr(c.certFile, (err) => `unable to read specified ${which}: ${err}`)
    const key = readOr(c.keyFile, (err) => `unable to read specified ${which}: ${err}`)
    try {
      checkKeyPair(cert, key)
    } catch (err: unknown) {
      throw new WebConfigError(`unable to use specified ${which}: ${errorMessage(err)}`, {
        cause: err,
      })
    }
    pair = { cert, key }
    sources.push(cert, key)
  }
  // Go's client refuses TLS 1.0 and 1.1 unless min_version asks for them, as Node does; when
  // it does, OpenSSL 3 must be told to allow their ciphers.
  const minVersion = NODE_VERSIONS[c.minVersion ?? 'TLS12']
  const legacy = minVersion === 'TLSv1' || minVersion === 'TLSv1.1'
  const options: SecureContextOptions = {
    minVersion,
    maxVersion: NODE_VERSIONS[c.maxVersion ?? 'TLS13'],
    ...(legacy ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
    ...(ca === undefined ? {} : { ca }),
    ...(pair ?? {}),
  }
  return { options, serverName: c.serverName, verify: !c.insecureSkipVerify, sources }
}

/** clientFiles lists the files a client config reads, in the order of ClientTls.sources. */
export function clientFiles(c: TlsClientConfig): string[] {
  return [c.caFile, ...(c.certFile === '' ? [] : [c.certFile, c.keyFile])]
}

function readOr(path: string, message: (err: string) => string): Buffer {
  try {
    return readFileSync(path)
  } catch (err: unknown) {
    throw new WebConfigError(message(goPathErrorText(path, err)), { cause: err })
  }
}

/** holdsCertificate is x509's AppendCertsFromPEM verdict: at least one certificate parses. */
function holdsCertificate(pem: Buffer): boolean {
  const blocks = pem
    .toString('latin1')
    .match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)
  return (blocks ?? []).some((block) => {
    try {
      new X509Certificate(block)
      return true
    } catch {
      return false
    }
  })
}
