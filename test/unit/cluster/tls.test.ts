import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { TLSSocket } from 'node:tls'

import type { ClusterPeerOptions } from '#src/cluster/index.js'
import { TlsAcceptor, dialTls } from '#src/cluster/tls.js'
import type { GossipTls } from '#src/cluster/tls.js'
import { GossipTlsFiles } from '#src/web/index.js'

import { makeGossipCertificates } from '../../support/web-certificates.js'
import type { GossipCertificates } from '../../support/web-certificates.js'

import { metricValue, names, startPeer, waitFor } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'alertmesh-cluster-tls-'))
const certs: GossipCertificates = makeGossipCertificates(dir)
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** settings writes a mutual TLS file for one certificate and trusted CA, and opens it. */
function settings(name: string, cert: string, key: string, ca: string): GossipTls {
  const path = join(dir, `${name}.yml`)
  writeFileSync(
    path,
    `tls_server_config:\n  cert_file: ${cert}\n  key_file: ${key}\n  client_ca_file: ${ca}\n  client_auth_type: RequireAndVerifyClientCert\ntls_client_config:\n  cert_file: ${cert}\n  key_file: ${key}\n  ca_file: ${ca}\n`
  )
  return GossipTlsFiles.open(path)
}

interface Outcome {
  /** what the accepting side said: 'secure' or the refusal's detail. */
  readonly accepted: string
  /** what the dialling side said: 'secure', 'closed' or the refusal's detail. */
  readonly dialled: string
}

describe('gossip TLS: TlsAcceptor and dialTls', () => {
  let server: Server
  let port = 0
  let serverTls: GossipTls
  let onAccepted: (what: string) => void = () => undefined

  before(async () => {
    serverTls = settings('server', certs.nodeCert, certs.nodeKey, certs.caCert)
    const acceptor = new TlsAcceptor({
      tls: { server: () => serverTls.server(), client: (h) => serverTls.client(h) },
      handshakeTimeoutMs: 5_000,
      onSecure: (socket: TLSSocket) => {
        onAccepted('secure')
        socket.destroy()
      },
      onRefused: (_remote, detail) => {
        onAccepted(detail)
      },
    })
    server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
      acceptor.accept(socket)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    port = typeof address === 'object' && address !== null ? address.port : 0
  })
  after(() => {
    server.close()
  })

  /** connect dials the acceptor with `tls` and reports what both sides saw first. */
  async function connect(tls: GossipTls): Promise<Outcome> {
    const accepted = new Promise<string>((resolve) => {
      onAccepted = resolve
    })
    const dialled = new Promise<string>((resolve) => {
      const socket = dialTls('127.0.0.1', port, tls, (_remote, detail) => {
        resolve(detail)
      })
      socket.once('secureConnect', () => {
        resolve('secure')
      })
      socket.once('close', () => {
        resolve('closed')
      })
    })
    return { accepted: await accepted, dialled: await dialled }
  }

  // Table: who dials with what, and what each side must see.
  const cases: readonly {
    name: string
    tls: () => GossipTls
    check: (o: Outcome) => void
  }[] = [
    // Both certificates signed by the CA both trust: a connection.
    {
      name: 'accepts a peer whose certificate the CA signed',
      tls: () => settings('good', certs.nodeCert2, certs.nodeKey2, certs.caCert),
      check: (o) => {
        assert.deepEqual(o, { accepted: 'secure', dialled: 'secure' })
      },
    },
    // The dialler trusts the CA but its certificate is another CA's: the acceptor refuses it.
    {
      name: "refuses a peer whose certificate is another CA's",
      tls: () => settings('rogue', certs.rogueCert, certs.rogueKey, certs.caCert),
      check: (o) => {
        assert.match(o.accepted, /^client certificate refused: /)
      },
    },
    // The dialler trusts only the other CA: it refuses the acceptor's certificate itself (sent
    // with its CA, which the dialler does not trust).
    {
      name: "refuses, when dialling, a server certificate from a CA it doesn't trust",
      tls: () => settings('distrust', certs.rogueCert, certs.rogueKey, certs.otherCaCert),
      check: (o) => {
        assert.equal(o.dialled, 'self-signed certificate in certificate chain')
      },
    },
    // An expired certificate is refused by the acceptor.
    {
      name: 'refuses an expired peer certificate',
      tls: () => settings('expired', certs.expiredCert, certs.expiredKey, certs.caCert),
      check: (o) => {
        assert.equal(o.accepted, 'client certificate refused: CERT_HAS_EXPIRED')
      },
    },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      c.check(await connect(c.tls()))
    })
  }

  it('refuses the connection, not the process, while its own files cannot be loaded', async () => {
    const broken = join(dir, 'broken')
    copyFileSync(certs.nodeCert, `${broken}.crt`)
    copyFileSync(certs.nodeKey, `${broken}.key`)
    const own = settings('broken', `${broken}.crt`, `${broken}.key`, certs.caCert)
    const previous = serverTls
    serverTls = own
    try {
      // A rotation half done: the new key with the old certificate.
      copyFileSync(certs.nodeKey2, `${broken}.key`)
      const o = await connect(settings('good2', certs.nodeCert2, certs.nodeKey2, certs.caCert))
      assert.match(
        o.accepted,
        /^TLS files cannot be loaded: invalid TLS server config: failed to load X509KeyPair: tls: private key does not match public key$/
      )
    } finally {
      serverTls = previous
    }
  })
})

describe('ClusterPeer with tls', () => {
  const good = (): GossipTls => settings('peer', certs.nodeCert, certs.nodeKey, certs.caCert)
  const key = Buffer.from('a shared secret of the cluster')

  it('joins and gossips over TLS with the key file too (both layers)', async () => {
    const a = await startPeer('a', { tls: good(), key })
    const b = await startPeer('b', { tls: good(), key, knownPeers: [a.address] })
    try {
      await waitFor('joined', () => Promise.resolve(names(a).length === 2))
      a.state.set('s1', 'over tls')
      await b.state.waitFor('s1', 'over tls')
    } finally {
      await Promise.all([a.peer.stop(), b.peer.stop()])
    }
  })

  // Each row: the second node's settings, and why the first (TLS) node refuses it.
  const refusals: readonly { name: string; options: () => Partial<ClusterPeerOptions> }[] = [
    // A plain node's HELLO is not a TLS ClientHello.
    { name: 'a node without TLS', options: () => ({}) },
    // TLS passes; the key proof inside it does not.
    { name: 'a TLS node without the key', options: () => ({ tls: good() }) },
  ]
  for (const r of refusals) {
    it(`refuses ${r.name} and counts it under reason auth`, async () => {
      const a = await startPeer('a', { tls: good(), key })
      const b = await startPeer('b', { ...r.options(), knownPeers: [a.address] })
      try {
        await waitFor('refusal counted', async () => {
          const dropped = await metricValue(
            a.registry,
            'alertmanager_cluster_messages_dropped_total',
            { reason: 'auth' }
          )
          return (dropped ?? 0) > 0
        })
        assert.deepEqual(names(a), ['a'])
        assert.deepEqual(names(b), ['b'])
      } finally {
        await Promise.all([a.peer.stop(), b.peer.stop()])
      }
    })
  }
})
