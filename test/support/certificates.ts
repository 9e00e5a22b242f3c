// Certificates for the TLS tests, made with the openssl CLI: self-signed CAs and leaf
// certificates they sign, P-256 keys, valid two days unless a test wants one expired.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/** LeafOptions say how a leaf certificate is signed and what it holds. */
export interface LeafOptions {
  /** signer names the CA (its `<signer>.crt` and `<signer>.key` in the directory). */
  readonly signer: string
  /** ext names an extension file in the directory (subjectAltName, extendedKeyUsage). */
  readonly ext?: string
  /**
   * days is the validity; -1 ends it a day before it starts (OpenSSL 3.0 has no -not_after).
   *
   * @default 2
   */
  readonly days?: number
  /**
   * subject is the CN.
   *
   * @default the certificate's name
   */
  readonly subject?: string
}

/** CertificateMaker writes CAs and leaf certificates into its directory. */
export interface CertificateMaker {
  /** path is a file of the directory. */
  readonly path: (name: string) => string
  /** ca writes `<name>.crt` and `<name>.key`, self-signed, with the CN `subject` (or `name`). */
  readonly ca: (name: string, subject?: string) => void
  /** leaf writes `<name>.crt` and `<name>.key` (and `<name>.csr`), signed as `options` say. */
  readonly leaf: (name: string, options: LeafOptions) => void
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/**
 * certificateMaker makes certificates in `dir` with openssl.
 *
 * @param dir - an existing directory.
 * @returns the maker.
 * @example
 * ```ts
 * const { path, ca, leaf } = certificateMaker(dir)
 * writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1\n')
 * ca('ca')
 * leaf('server', { signer: 'ca', ext: 'server.ext' })
 * ```
 */
export function certificateMaker(dir: string): CertificateMaker {
  const path = (name: string): string => join(dir, name)
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' })
  }
  const ca = (name: string, subject = name): void => {
    const [key, cert] = [path(`${name}.key`), path(`${name}.crt`)]
    ssl(
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${subject}`
    )
  }
  const leaf = (name: string, options: LeafOptions): void => {
    const csr = path(`${name}.csr`)
    const subject = options.subject ?? name
    ssl('req', ...EC_KEY, '-keyout', path(`${name}.key`), '-out', csr, '-subj', `/CN=${subject}`)
    ssl(
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      path(`${options.signer}.crt`),
      '-CAkey',
      path(`${options.signer}.key`),
      '-CAcreateserial',
      '-out',
      path(`${name}.crt`),
      '-days',
      String(options.days ?? 2),
      ...(options.ext === undefined ? [] : ['-extfile', path(options.ext)])
    )
  }
  return { path, ca, leaf }
}
