// --cluster.tls-config end to end: a 3-node cluster gossiping over mutual TLS (its API behind TLS
// and basic auth, reached by amtool), a node with a certificate from another CA kept out and
// counted, a certificate rotated on disk served by the next connection, Debian's
// examples/ha/tls files, and files a node cannot honour refused at start.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { connect } from 'node:tls'
import { promisify } from 'node:util'

import { Agent, fetch } from 'undici'
import type { Response as UndiciResponse } from 'undici'

import { CHROMIUM, closeBrowser, closePage, launchBrowser, openPage } from '../support/browser.js'
import { startTestClusterFor } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { iso } from '../support/fixtures.js'
import { runAlertmesh, TestNode } from '../support/node-process.js'
import { freePort } from '../support/ports.js'
import { httpsBasicAuthClient, Prometheus, PROMETHEUS_BIN } from '../support/prometheus.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import { gossipTlsConfigText, makeGossipCertificates } from '../support/web-certificates.js'
import type { GossipCertificates } from '../support/web-certificates.js'

const exec = promisify(execFile)
const AMTOOL = '/usr/bin/amtool'
const CONFIG = 'route:\n  receiver: r\nreceivers:\n- name: r\n'
/** HASH is bcrypt("secret"), cost 10 like `htpasswd -B`. */
const HASH = '$2b$10$7NlZP0b/vYonBFIYa4kFRO0xB7kGGzeiRL2Zhj0q9YLF.VrBEYfFy'
const AUTHORIZATION = `Basic ${Buffer.from('alice:secret').toString('base64')}`
/** DEBIAN_EXAMPLE is the TLS example Debian ships with Alertmanager 0.25. */
const DEBIAN_EXAMPLE = '/usr/share/doc/prometheus-alertmanager/examples/ha/tls'

interface Status {
  cluster: { status: string; peers: { name: string }[] }
}

function write(path: string, text: string): string {
  writeFileSync(path, text)
  return path
}

/** droppedAuth reads alertmanager_cluster_messages_dropped_total{reason="auth"}. */
function droppedAuth(metrics: string): number {
  const m = /^alertmanager_cluster_messages_dropped_total\{reason="auth"\} (\d+)$/m.exec(metrics)
  return Number(m?.[1] ?? Number.NaN)
}

describe('a 3-node cluster gossiping over mutual TLS, API behind TLS and basic auth', () => {
  const teardown = new Teardown()
  let dir: string
  let certs: GossipCertificates
  let members: ClusterMember[]
  let agent: Agent

  /** api calls a node's API through TLS and basic auth. */
  const api = (node: TestNode, path: string, body?: unknown): Promise<UndiciResponse> =>
    fetch(`${node.url}${path}`, {
      dispatcher: agent,
      headers: { authorization: AUTHORIZATION, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
    })
  const status = async (node: TestNode): Promise<Status> =>
    (await (await api(node, '/api/v2/status')).json()) as Status
  const peerNames = async (node: TestNode): Promise<string[]> =>
    (await status(node)).cluster.peers.map((p) => p.name)

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alertmesh-cluster-tls-e2e-'))
    teardown.add(dir, (d) => rm(d, { recursive: true, force: true }))
    certs = makeGossipCertificates(dir)
    agent = teardown.add(new Agent({ connect: { ca: readFileSync(certs.caCert) } }), (a) =>
      a.close()
    )
    const web = write(
      join(dir, 'web.yml'),
      `tls_server_config:\n  cert_file: ${certs.nodeCert}\n  key_file: ${certs.nodeKey}\nbasic_auth_users:\n  alice: ${HASH}\n`
    )
    // Each node reads its own copy of the certificate, so one can be rotated alone.
    const tlsOf = Array.from({ length: 3 }, (_, i) => {
      const own = join(dir, `n${i}`)
      mkdirSync(own)
      copyFileSync(certs.nodeCert, join(own, 'node.crt'))
      copyFileSync(certs.nodeKey, join(own, 'node.key'))
      return write(
        join(own, 'tls.yml'),
        gossipTlsConfigText(join(own, 'node.crt'), join(own, 'node.key'), certs.caCert)
      )
    })
    members = await startTestClusterFor(teardown, 3, {
      config: CONFIG,
      scheme: 'https',
      probe: async (base) =>
        (
          await fetch(`${base}/-/ready`, {
            dispatcher: agent,
            headers: { authorization: AUTHORIZATION },
          })
        ).ok,
      argsOf: (i) => [`--cluster.tls-config=${tlsOf[i] as string}`, `--web.config.file=${web}`],
    })
  })
  after(() => teardown.run())

  it('forms the cluster over TLS: every node lists the three and settles', async () => {
    for (const { node } of members) {
      await waitFor('full membership over TLS', async () => {
        const s = await status(node)
        return s.cluster.peers.length === 3 && s.cluster.status === 'ready'
      })
    }
    assert.deepEqual(await peerNames((members[0] as ClusterMember).node), ['n0', 'n1', 'n2'])
  })

  it('replicates a silence created on node 1 to nodes 2 and 3', async () => {
    const [a, b, c] = members.map((m) => m.node) as [TestNode, TestNode, TestNode]
    const res = await api(a, '/api/v2/silences', {
      matchers: [{ name: 'alertname', value: 'OverTls', isRegex: false, isEqual: true }],
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: 'e2e',
      comment: 'gossiped over mutual TLS',
    })
    assert.equal(res.status, 200)
    const { silenceID } = (await res.json()) as { silenceID: string }
    for (const node of [b, c]) {
      await waitFor(
        'silence on the other nodes',
        async () => (await api(node, `/api/v2/silence/${silenceID}`)).ok
      )
    }
  })

  it('keeps out a node whose certificate is from another CA, and counts it', async () => {
    const [a] = members.map((m) => m.node) as [TestNode]
    const before = droppedAuth(await (await api(a, '/metrics')).text())
    // The intruder trusts the cluster's CA (its certificate is public); its own is not signed
    // by it.
    const rogueTls = write(
      join(dir, 'rogue.yml'),
      gossipTlsConfigText(certs.rogueCert, certs.rogueKey, certs.caCert)
    )
    const port = await freePort()
    const rogue = teardown.stop(
      await TestNode.start({
        config: CONFIG,
        clusterArgs: [
          `--cluster.listen-address=127.0.0.1:${port}`,
          ...members.map((m) => `--cluster.peer=127.0.0.1:${m.clusterPort}`),
        ],
        args: ['--node.name=rogue', `--cluster.tls-config=${rogueTls}`],
      })
    )
    await waitFor(
      'the refusal counted on n0',
      async () => droppedAuth(await (await api(a, '/metrics')).text()) > before
    )
    const silenced = await rogue.postSilence({
      matchers: [{ name: 'alertname', value: 'Injected', isRegex: false, isEqual: true }],
      startsAt: iso(Date.now()),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: 'rogue',
      comment: 'should not spread',
    })
    assert.equal(silenced.status, 200)
    assert.deepEqual(await peerNames(a), ['n0', 'n1', 'n2'])
    const rogueStatus = await rogue.getJson<Status>('/api/v2/status')
    assert.deepEqual(
      rogueStatus.cluster.peers.map((p) => p.name),
      ['rogue']
    )
    const silences = (await (await api(a, '/api/v2/silences')).json()) as unknown[]
    assert.equal(silences.length, 1, 'only the silence of the cluster itself')
  })

  it('serves a certificate rotated on disk from the next connection, without a restart', async () => {
    const target = members[2] as ClusterMember
    const own = join(dir, 'n2')
    copyFileSync(certs.nodeKey2, join(own, 'node.key'))
    copyFileSync(certs.nodeCert2, join(own, 'node.crt'))
    const served = await new Promise<string>((resolve, reject) => {
      const socket = connect(
        {
          host: '127.0.0.1',
          port: target.clusterPort,
          ca: readFileSync(certs.caCert),
          cert: readFileSync(certs.nodeCert),
          key: readFileSync(certs.nodeKey),
        },
        () => {
          resolve(socket.getPeerCertificate().fingerprint256)
          socket.destroy()
        }
      )
      socket.on('error', reject)
    })
    assert.equal(served, new X509Certificate(readFileSync(certs.nodeCert2)).fingerprint256)
    // The established connections were not dropped by the rotation.
    assert.deepEqual(await peerNames(target.node), ['n0', 'n1', 'n2'])
  })

  it(
    'Prometheus 2.42 sends a firing rule to all three nodes through TLS and basic auth',
    { skip: existsSync(PROMETHEUS_BIN) ? false : `${PROMETHEUS_BIN} is not installed` },
    async () => {
      const prometheus = teardown.stop(
        await Prometheus.start({
          alertmanagers: members.map((m) => m.node.url),
          rules: 'groups:\n- name: g\n  rules:\n  - alert: ThroughMutualTls\n    expr: vector(1)\n',
          args: ['--rules.alert.resend-delay=1s'],
          alertmanagerClient: httpsBasicAuthClient(certs.caCert, 'alice', 'secret'),
        })
      )
      for (const { node } of members) {
        await waitFor(
          `the alert on ${node.url}`,
          async () =>
            (await (await api(node, '/api/v2/alerts')).text()).includes('ThroughMutualTls'),
          { timeoutMs: 30_000 }
        ).catch((err: unknown) => {
          throw new Error(`${String(err)}; prometheus output:\n${prometheus.output.slice(-3000)}`)
        })
      }
    }
  )

  it(
    'the web UI in chromium, through TLS and basic auth, shows a silence made on another node',
    { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` },
    async () => {
      const browser = teardown.add(await launchBrowser(), closeBrowser)
      const ui = teardown.add(
        await openPage(browser, `${(members[2] as ClusterMember).node.url}/#/silences`, {
          httpCredentials: { username: 'alice', password: 'secret' },
          ignoreHTTPSErrors: true,
        }),
        closePage
      )
      await ui.page.getByText('gossiped over mutual TLS').first().waitFor({ timeout: 30_000 })
      assert.deepEqual(ui.errors, [])
    }
  )

  it(
    'amtool --http.config.file reaches every node through TLS and basic auth',
    { skip: existsSync(AMTOOL) ? false : `${AMTOOL} is not installed` },
    async () => {
      const httpConfig = write(
        join(dir, 'amtool-http.yml'),
        `basic_auth:\n  username: alice\n  password: secret\ntls_config:\n  ca_file: ${certs.caCert}\n`
      )
      const run = async (url: string): Promise<string> =>
        (
          await exec(
            AMTOOL,
            [
              `--alertmanager.url=${url}`,
              `--http.config.file=${httpConfig}`,
              'silence',
              'query',
              'alertname=OverTls',
            ],
            { timeout: 30_000 }
          )
        ).stdout
      for (const { node } of members) {
        assert.match(await run(node.url), /gossiped over mutual TLS/)
      }
    }
  )
})

describe(
  "Debian's examples/ha/tls files",
  { skip: existsSync(DEBIAN_EXAMPLE) ? false : `${DEBIAN_EXAMPLE} is not installed` },
  () => {
    const teardown = new Teardown()
    let dir: string
    let members: ClusterMember[]
    /**
     * caExpired: the example CA expired on 4 May 2026. Alertmanager 0.25 started with the same
     * files then refuses its peers too ("x509: certificate has expired or is not yet valid").
     */
    let caExpired: boolean

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'alertmesh-cluster-tls-example-'))
      teardown.add(dir, (d) => rm(d, { recursive: true, force: true }))
      for (const name of ['tls_config_node1.yml', 'tls_config_node2.yml', 'certs']) {
        cpSync(join(DEBIAN_EXAMPLE, name), join(dir, name), { recursive: true })
      }
      const ca = new X509Certificate(readFileSync(join(dir, 'certs', 'ca.pem')))
      caExpired = Date.parse(ca.validTo) < Date.now()
      members = await startTestClusterFor(teardown, 2, {
        config: CONFIG,
        args: ['--log.format=json', '--cluster.settle-timeout=2s'],
        argsOf: (i) => [`--cluster.tls-config=${join(dir, `tls_config_node${i + 1}.yml`)}`],
      })
    })
    after(() => teardown.run())

    it('load, and form a cluster while their CA is valid (refused as expired after)', async () => {
      const [a, b] = members.map((m) => m.node) as [TestNode, TestNode]
      if (!caExpired) {
        for (const node of [a, b]) {
          await waitFor(
            'both nodes joined',
            async () => (await node.getJson<Status>('/api/v2/status')).cluster.peers.length === 2
          )
        }
        return
      }
      // Go refuses the chain as Node does: "x509: certificate has expired or is not yet valid".
      // Each node dials the other and finds its certificate's CA expired.
      for (const node of [a, b]) {
        await waitFor('the expired example certificates refused', () =>
          Promise.resolve(
            node
              .logRecords()
              .some(
                (r) =>
                  r['connection'] === 'dialled' &&
                  r['detail'] === 'certificate has expired' &&
                  r['reason'] === 'auth'
              )
          )
        )
      }
      for (const node of [a, b]) {
        const s = await node.getJson<Status>('/api/v2/status')
        assert.equal(s.cluster.peers.length, 1)
      }
    })
  }
)

describe('--cluster.tls-config refused at start', () => {
  const teardown = new Teardown()
  let dir: string
  let certs: GossipCertificates

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alertmesh-cluster-tls-refused-'))
    teardown.add(dir, (d) => rm(d, { recursive: true, force: true }))
    certs = makeGossipCertificates(dir)
  })
  after(() => teardown.run())

  const cases: readonly { name: string; text?: () => string; message: () => RegExp }[] = [
    {
      name: 'a missing file',
      message: () => /: open \S+\/absent\.yml: no such file or directory$/,
    },
    {
      name: 'bad YAML',
      text: () => 'tls_server_config: [\n',
      message: () => /: yaml: line \d+: .+$/,
    },
    {
      name: 'an unknown field',
      text: () => `${gossipTlsConfigText(certs.nodeCert, certs.nodeKey, certs.caCert)}  bogus: 1\n`,
      message: () =>
        /: yaml: unmarshal errors: line 10: field bogus not found in type config\.plain$/,
    },
    {
      name: 'an unreadable certificate',
      text: () => gossipTlsConfigText(join(dir, 'gone.crt'), certs.nodeKey, certs.caCert),
      message: () =>
        /: invalid TLS server config: failed to load X509KeyPair: open \S+\/gone\.crt: no such file or directory$/,
    },
  ]
  for (const c of cases) {
    it(`exits 1 with one line naming the problem for ${c.name}`, async () => {
      const file = join(
        dir,
        c.text === undefined ? 'absent.yml' : `${c.name.replaceAll(' ', '-')}.yml`
      )
      if (c.text !== undefined) {
        writeFileSync(file, c.text())
      }
      const res = await runAlertmesh([
        `--config.file=${write(join(dir, 'am.yml'), CONFIG)}`,
        `--storage.path=${join(dir, 'data')}`,
        '--web.listen-address=127.0.0.1:0',
        '--cluster.listen-address=127.0.0.1:0',
        `--cluster.tls-config=${file}`,
      ])
      assert.equal(res.code, 1, res.stderr)
      const lines = res.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, res.stderr)
      assert.ok(
        lines[0]?.startsWith(`alertmesh: error: --cluster.tls-config=${file}: `),
        res.stderr
      )
      assert.match(lines[0] ?? '', c.message())
    })
  }
})
