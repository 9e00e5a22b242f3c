// A CA and a server certificate for fixed https hosts (PagerDuty v1, Pushover): a capture
// server used as a node's proxy_url terminates the CONNECT tunnel with it, and the node trusts
// the CA through `tls_config.ca_file`, so requests to those hosts are captured like the others.
import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { ConnectTLS } from './side-by-side.js'

/**
 * tunnelCertificate makes, in `dir`, a CA and a certificate for `hosts` signed by it (with
 * openssl, P-256 keys, valid two days).
 *
 * @param dir - where the key, certificate and CA files go.
 * @param hosts - the DNS names the certificate is for; the first is also its CN.
 * @returns the PEM key and certificate to terminate tunnels with, and the CA file to trust.
 */
export async function tunnelCertificate(
  dir: string,
  hosts: readonly string[]
): Promise<ConnectTLS & { caFile: string }> {
  const path = (name: string): string => join(dir, name)
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' })
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  const [caKey, caCert] = [path('ca.key'), path('ca.crt')]
  ssl('req', '-x509', ...ec, '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=test CA')
  const [key, csr, ext, cert] = [
    path('host.key'),
    path('host.csr'),
    path('host.ext'),
    path('host.crt'),
  ]
  ssl('req', ...ec, '-keyout', key, '-out', csr, '-subj', `/CN=${hosts[0] ?? 'localhost'}`)
  await writeFile(ext, `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\n`)
  ssl(
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    cert
  )
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8'), caFile: caCert }
}
