// A CA and a server certificate for fixed https hosts (PagerDuty v1, Pushover): a capture
// server used as a node's proxy_url terminates the CONNECT tunnel with it, and the node trusts
// the CA through `tls_config.ca_file`, so requests to those hosts are captured like the others.
import { readFile, writeFile } from 'node:fs/promises'

import { certificateMaker } from './certificates.js'
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
  const { path, ca, leaf } = certificateMaker(dir)
  ca('ca', 'test CA')
  await writeFile(path('host.ext'), `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\n`)
  leaf('host', { signer: 'ca', ext: 'host.ext', subject: hosts[0] ?? 'localhost' })
  const [key, cert, caCert] = [path('host.key'), path('host.crt'), path('ca.crt')]
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8'), caFile: caCert }
}
