// Certificates for the --web.config.file and --cluster.tls-config tests (made by
// certificates.ts): a CA, a server certificate for 127.0.0.1 / localhost, client certificates
// from that CA and from another one, and an expired server certificate; for gossip, node
// certificates good for both ends of a connection.
import { writeFileSync } from 'node:fs'

import { certificateMaker } from './certificates.js'

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
  const { path, ca, leaf } = certificateMaker(dir)
  writeFileSync(path('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
  writeFileSync(path('client.ext'), 'extendedKeyUsage=clientAuth\n')
  ca('ca')
  ca('other-ca')
  leaf('server', { signer: 'ca', ext: 'server.ext' })
  leaf('server2', { signer: 'ca', ext: 'server.ext' })
  leaf('client', { signer: 'ca', ext: 'client.ext' })
  leaf('other-client', { signer: 'other-ca', ext: 'client.ext' })
  // OpenSSL 3.0 has no -not_after; `-days -1` ends the validity a day before it starts.
  leaf('expired', { signer: 'ca', ext: 'server.ext', days: -1 })
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

/** GossipCertificates are the files for mutual TLS between nodes. */
export interface GossipCertificates {
  readonly caCert: string
  /** nodeCert serves and dials (127.0.0.1 / localhost, server and client auth). */
  readonly nodeCert: string
  readonly nodeKey: string
  /** a second node certificate from the same CA (for rotation). */
  readonly nodeCert2: string
  readonly nodeKey2: string
  readonly expiredCert: string
  readonly expiredKey: string
  /** a node certificate from another CA. */
  readonly otherCaCert: string
  readonly rogueCert: string
  readonly rogueKey: string
}

/**
 * makeGossipCertificates writes node certificates into dir (P-256 keys).
 *
 * @param dir - an empty directory.
 * @returns the paths.
 */
export function makeGossipCertificates(dir: string): GossipCertificates {
  const { path, ca, leaf } = certificateMaker(dir)
  writeFileSync(
    path('node.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n'
  )
  ca('ca')
  ca('other-ca')
  leaf('node', { signer: 'ca', ext: 'node.ext' })
  leaf('node2', { signer: 'ca', ext: 'node.ext' })
  leaf('rogue', { signer: 'other-ca', ext: 'node.ext' })
  leaf('expired', { signer: 'ca', ext: 'node.ext', days: -1 })
  return {
    caCert: path('ca.crt'),
    nodeCert: path('node.crt'),
    nodeKey: path('node.key'),
    nodeCert2: path('node2.crt'),
    nodeKey2: path('node2.key'),
    expiredCert: path('expired.crt'),
    expiredKey: path('expired.key'),
    otherCaCert: path('other-ca.crt'),
    rogueCert: path('rogue.crt'),
    rogueKey: path('rogue.key'),
  }
}

/**
 * gossipTlsConfigText is a --cluster.tls-config file as the runbook describes it: serve and dial
 * with the node's certificate, and require the peer's to be signed by the CA.
 *
 * @param cert - the node's certificate.
 * @param key - its key.
 * @param ca - the CA peers' certificates must chain to.
 * @returns the YAML.
 */
export function gossipTlsConfigText(cert: string, key: string, ca: string): string {
  return [
    'tls_server_config:',
    `  cert_file: ${cert}`,
    `  key_file: ${key}`,
    `  client_ca_file: ${ca}`,
    '  client_auth_type: RequireAndVerifyClientCert',
    'tls_client_config:',
    `  cert_file: ${cert}`,
    `  key_file: ${key}`,
    `  ca_file: ${ca}`,
    '',
  ].join('\n')
}
