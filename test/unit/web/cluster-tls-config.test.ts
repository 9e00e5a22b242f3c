import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

import { GossipTlsFiles, parseClusterTlsConfig } from '#src/web/index.js'

import { describeFileCases } from '../../support/file-cases.js'
import type { FileCase } from '../../support/file-cases.js'
import { makeGossipCertificates } from '../../support/web-certificates.js'
import { alertmanagerClusterTls, webConfigOracleMissing } from '../../support/web-config-oracle.js'

const dir = mkdtempSync(join(tmpdir(), 'alertmesh-cluster-tls-config-'))
const certs = makeGossipCertificates(dir)
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** DEBIAN_EXAMPLE is the TLS example Debian ships with Alertmanager 0.25 (relative paths). */
const DEBIAN_EXAMPLE = '/usr/share/doc/prometheus-alertmanager/examples/ha/tls/tls_config_node1.yml'

const server = (extra = ''): string =>
  `tls_server_config:\n  cert_file: ${certs.nodeCert}\n  key_file: ${certs.nodeKey}\n${extra}`
const client = (extra = ''): string => `tls_client_config:\n  ca_file: ${certs.caCert}\n${extra}`
const mutual = `${server(`  client_ca_file: ${certs.caCert}\n  client_auth_type: RequireAndVerifyClientCert\n`)}${client(`  cert_file: ${certs.nodeCert}\n  key_file: ${certs.nodeKey}\n`)}`
const MISSING = (part: string): string =>
  `${part} is missing (Alertmanager 0.25 crashes on such a file); mutual TLS needs both tls_server_config and tls_client_config`

/**
 * CASES are cluster TLS config files and the error Alertmanager 0.25 gives each at start ('' for
 * a file it accepts, 'panic' where it crashes), as the Go oracle prints them; `alertmesh` is
 * ours where it differs (a refusal naming the part instead of a crash).
 */
const CASES: readonly FileCase[] = [
  // The mutual TLS setup the runbook describes.
  { name: 'mutual TLS', text: mutual, want: '' },
  // Every field of both parts.
  {
    name: 'every field',
    text: `${server(
      [
        `  client_ca_file: ${certs.caCert}`,
        '  client_auth_type: VerifyClientCertIfGiven',
        '  min_version: TLS12',
        '  max_version: TLS13',
        '  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]',
        '  prefer_server_cipher_suites: true',
        '  curve_preferences: [CurveP256]',
        '',
      ].join('\n')
    )}${client(
      [
        `  cert_file: ${certs.nodeCert}`,
        `  key_file: ${certs.nodeKey}`,
        '  server_name: localhost',
        '  insecure_skip_verify: yes',
        '  min_version: TLS12',
        '  max_version: TLS13',
        '',
      ].join('\n')
    )}`,
    want: '',
  },
  // 0.25 dereferences the nil part and crashes; alertmesh refuses naming it.
  { name: 'empty file', text: '', want: 'panic', alertmesh: MISSING('tls_server_config') },
  {
    name: 'no client part',
    text: server(),
    want: 'panic',
    alertmesh: MISSING('tls_client_config'),
  },
  {
    name: 'null server part',
    text: `tls_server_config: null\n${client()}`,
    want: 'panic',
    alertmesh: MISSING('tls_server_config'),
  },
  // UnmarshalStrict names unknown fields per type; the client part decodes as config.plain.
  {
    name: 'unknown top-level field',
    text: `${mutual}bogus: 1\n`,
    want: 'yaml: unmarshal errors:\n  line 10: field bogus not found in type cluster.TLSTransportConfig',
  },
  {
    name: 'unknown server field',
    text: `${server('  bogus: 1\n')}${client()}`,
    want: 'yaml: unmarshal errors:\n  line 4: field bogus not found in type web.TLSConfig',
  },
  {
    name: 'unknown client field',
    text: `${server()}${client('  ca: x\n')}`,
    want: 'yaml: unmarshal errors:\n  line 6: field ca not found in type config.plain',
  },
  {
    name: 'client part of the wrong type',
    text: `${server()}tls_client_config: [a]\n`,
    want: 'yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into config.plain',
  },
  {
    name: 'YAML syntax',
    text: 'tls_server_config: [\n',
    want: 'yaml: line 1: did not find expected node content',
    // The YAML reader is js-yaml (src/config/goyaml), whose syntax messages are its own.
    alertmesh: 'yaml: line 2: deficient indentation',
  },
  {
    name: 'unknown TLS version in the client part',
    text: `${server()}${client('  min_version: TLS14\n')}`,
    want: 'unknown TLS version: TLS14',
  },
  // The server part, built by the toolkit's ConfigToTLSConfig.
  {
    name: 'empty server part',
    text: `tls_server_config: {}\n${client()}`,
    want: 'invalid TLS server config: TLS config is not present',
  },
  {
    name: 'server part without a certificate',
    text: `tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n${client()}`,
    want: 'invalid TLS server config: missing cert_file',
  },
  {
    name: 'unreadable server certificate',
    text: `tls_server_config:\n  cert_file: ${dir}/nope.crt\n  key_file: ${certs.nodeKey}\n${client()}`,
    want: `invalid TLS server config: failed to load X509KeyPair: open ${dir}/nope.crt: no such file or directory`,
  },
  {
    name: 'unknown client auth type',
    text: `${server('  client_auth_type: Always\n')}${client()}`,
    want: 'invalid TLS server config: Invalid ClientAuth: Always',
  },
  // The client part, built by Prometheus common's NewTLSConfig.
  {
    name: 'missing client CA file',
    text: `${server()}tls_client_config:\n  ca_file: ${dir}/nope.crt\n`,
    want: `invalid TLS client config: unable to load specified CA cert ${dir}/nope.crt: open ${dir}/nope.crt: no such file or directory`,
  },
  {
    name: 'client CA file without a certificate',
    text: `${server()}tls_client_config:\n  ca_file: ${certs.nodeKey}\n`,
    want: `invalid TLS client config: unable to use specified CA cert ${certs.nodeKey}`,
  },
  {
    name: 'client certificate without a key',
    text: `${server()}${client(`  cert_file: ${certs.nodeCert}\n`)}`,
    want: `invalid TLS client config: client cert file "${certs.nodeCert}" specified without client key file`,
  },
  {
    name: 'client key without a certificate',
    text: `${server()}${client(`  key_file: ${certs.nodeKey}\n`)}`,
    want: `invalid TLS client config: client key file "${certs.nodeKey}" specified without client cert file`,
  },
  {
    name: 'unreadable client key',
    text: `${server()}${client(`  cert_file: ${certs.nodeCert}\n  key_file: ${dir}/nope.key\n`)}`,
    want: `invalid TLS client config: unable to read specified client cert (${certs.nodeCert}) & key (${dir}/nope.key): open ${dir}/nope.key: no such file or directory`,
  },
  {
    name: 'client key of another certificate',
    text: `${server()}${client(`  cert_file: ${certs.nodeCert}\n  key_file: ${certs.nodeKey2}\n`)}`,
    want: `invalid TLS client config: unable to use specified client cert (${certs.nodeCert}) & key (${certs.nodeKey2}): tls: private key does not match public key`,
  },
  {
    name: 'client max_version below min_version',
    text: `${server()}${client('  min_version: TLS13\n  max_version: TLS12\n')}`,
    want: 'invalid TLS client config: tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified',
  },
]

describeFileCases(
  'cluster TLS config file (Alertmanager 0.25 GetTLSTransportConfig + NewTLSTransport)',
  {
    dir,
    cases: CASES,
    load: (path) => GossipTlsFiles.open(path),
    oracle: {
      title: 'Alertmanager 0.25 gives the same answers',
      missing: webConfigOracleMissing(),
      answers: alertmanagerClusterTls,
    },
  }
)

describe('cluster TLS config file paths and values', () => {
  it(
    "loads Debian's examples/ha/tls files, paths relative to the file",
    { skip: existsSync(DEBIAN_EXAMPLE) ? false : `${DEBIAN_EXAMPLE} is not installed` },
    () => {
      assert.doesNotThrow(() => GossipTlsFiles.open(DEBIAN_EXAMPLE))
      const c = parseClusterTlsConfig(
        'tls_server_config:\n  cert_file: certs/node1.pem\ntls_client_config:\n  ca_file: /abs/ca.pem\n',
        '/etc/alertmanager/tls.yml'
      )
      assert.equal(c.tlsServerConfig.certFile, '/etc/alertmanager/certs/node1.pem')
      assert.equal(c.tlsClientConfig.caFile, '/abs/ca.pem')
      // Go's zero values: no web config defaults in this file.
      assert.equal(c.tlsServerConfig.minVersion, undefined)
      assert.equal(c.tlsServerConfig.preferServerCipherSuites, false)
    }
  )
})

describe('GossipTlsFiles per connection', () => {
  it('keeps the settings while the files are unchanged and rebuilds them once one changes', () => {
    const sub = mkdtempSync(join(dir, 'rotate-'))
    const cert = join(sub, 'node.crt')
    const key = join(sub, 'node.key')
    copyFileSync(certs.nodeCert, cert)
    copyFileSync(certs.nodeKey, key)
    const path = join(sub, 'tls.yml')
    writeFileSync(
      path,
      `tls_server_config:\n  cert_file: node.crt\n  key_file: node.key\n  client_ca_file: ${certs.caCert}\n  client_auth_type: RequireAndVerifyClientCert\ntls_client_config:\n  ca_file: ${certs.caCert}\n  cert_file: node.crt\n  key_file: node.key\n`
    )
    const tls = GossipTlsFiles.open(path)
    const first = tls.server()
    assert.equal(tls.server(), first)
    assert.equal(first.requestCert, true)
    const firstClient = tls.client('127.0.0.1')
    assert.equal(tls.client('127.0.0.1').secureContext, firstClient.secureContext)
    copyFileSync(certs.nodeCert2, cert)
    copyFileSync(certs.nodeKey2, key)
    const second = tls.server()
    assert.notEqual(second, first)
    assert.deepEqual(second.context.cert, readFileSync(certs.nodeCert2))
    assert.notEqual(tls.client('127.0.0.1').secureContext, firstClient.secureContext)
    // A half-written rotation (new certificate, old key) fails that connection only.
    copyFileSync(certs.nodeCert, cert)
    assert.throws(() => tls.server(), /invalid TLS server config: failed to load X509KeyPair/)
  })

  it('checks the server name, else the dialled address; SNI only for a name', () => {
    const path = join(dir, 'names.yml')
    writeFileSync(path, `${server()}${client('  server_name: alertmesh-1\n')}`)
    const named = GossipTlsFiles.open(path).client('127.0.0.1')
    assert.equal(named.servername, 'alertmesh-1')
    writeFileSync(path, `${server()}${client()}`)
    const byAddress = GossipTlsFiles.open(path).client('127.0.0.1')
    assert.equal(byAddress.servername, undefined)
    assert.equal(byAddress.rejectUnauthorized, true)
  })
})
