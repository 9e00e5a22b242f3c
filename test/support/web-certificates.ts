// Certificates for the --web.config.file tests, made with openssl (as tunnel-certificate.ts):
// a CA, a server certificate for 127.0.0.1 / localhost, client certificates from that CA and
// from another one, and an expired server certificate.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** WebCertificates are the files' paths. */
export interface WebCertificates {
  readonly caCert: string
  readonly serverCert: string
  readonly serverKey: string
  /** a second server certificate from the same CA (for rotation). */
  readonly serverCert2: string
  readonly serverKey2: string
  readonly expiredCert: string
  readonly expiredKey: string
  readonly clientCert: string
  readonly clientKey: string
  readonly otherCaCert: string
  readonly otherClientCert: string
  readonly otherClientKey: string
}

/**
 * makeWebCertificates writes every certificate into dir (P-256 keys).
 *
 * @param dir - an empty directory.
 * @returns the paths.
 */
export function makeWebCertificates(dir: string): WebCertificates {
  const path = (name: string): string => join(dir, name)
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' })
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  const ca = (name: string): void => {
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.crt`),
      '-days',
      '2',
      '-subj',
      `/CN=${name}`
    )
  }
  writeFileSync(path('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
  writeFileSync(path('client.ext'), 'extendedKeyUsage=clientAuth\n')
  const leaf = (name: string, signer: string, ext: string, dates: string[]): void => {
    ssl(
      'req',
      ...ec,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
      '-subj',
      `/CN=${name}`
    )
    ssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path(`${signer}.crt`),
      '-CAkey',
      path(`${signer}.key`),
      '-CAcreateserial',
      '-extfile',
      path(ext),
      '-out',
      path(`${name}.crt`),
      ...dates
    )
  }
  ca('ca')
  ca('other-ca')
  leaf('server', 'ca', 'server.ext', ['-days', '2'])
  leaf('server2', 'ca', 'server.ext', ['-days', '2'])
  leaf('client', 'ca', 'client.ext', ['-days', '2'])
  leaf('other-client', 'other-ca', 'client.ext', ['-days', '2'])
  // OpenSSL 3.0 has no -not_after; `-days -1` ends the validity a day before it starts.
  leaf('expired', 'ca', 'server.ext', ['-days', '-1'])
  return {
    caCert: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    serverCert2: path('server2.crt'),
    serverKey2: path('server2.key'),
    expiredCert: path('expired.crt'),
    expiredKey: path('expired.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    otherCaCert: path('other-ca.crt'),
    otherClientCert: path('other-client.crt'),
    otherClientKey: path('other-client.key'),
  }
}
