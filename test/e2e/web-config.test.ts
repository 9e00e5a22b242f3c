// --web.config.file end to end: real nodes behind TLS and basic auth, each refusal compared with
// Debian's Alertmanager 0.25 started with the same web config file (status, body, TLS alert),
// amtool through TLS + basic auth, a certificate rotated on disk, and a file refused at start.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { connect } from 'node:tls'

import { REPO_ROOT, runAlertmesh, TestNode, testEnv } from '../support/node-process.js'
import { freePort } from '../support/ports.js'
import { httpsBasicAuthClient, Prometheus, PROMETHEUS_BIN } from '../support/prometheus.js'
import { ALERTMANAGER } from '../support/side-by-side.js'
import { waitFor } from '../support/wait.js'
import { makeWebCertificates } from '../support/web-certificates.js'

const AMTOOL = '/usr/bin/amtool'
const CONFIG = 'route:\n  receiver: r\nreceivers:\n- name: r\n'
/** HASH is bcrypt("secret"), cost 10 like `htpasswd -B`. */
const HASH = '$2b$10$7NlZP0b/vYonBFIYa4kFRO0xB7kGGzeiRL2Zhj0q9YLF.VrBEYfFy'

interface CurlResult {
  /** curl's exit code (0, or why the connection failed: 35 TLS handshake, 56 receive). */
  readonly exit: number
  /** the HTTP status, 0 when there was no answer. */
  readonly status: number
  readonly body: string
  readonly authenticate: string | undefined
  /** head is the status line and headers. */
  readonly head: string
  readonly stderr: string
}

/** curl runs curl with `args` and the URL, never throwing. */
function curl(url: string, args: readonly string[] = []): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '-i', '-w', '\n%{http_code}', '--max-time', '10', ...args, url],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        const lines = stdout.split('\n')
        const status = Number(lines.pop())
        const text = lines.join('\n')
        const split = text.indexOf('\r\n\r\n')
        const head = split === -1 ? '' : text.slice(0, split)
        const exit = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
        const authenticate = /^www-authenticate: (.*)\r$/im.exec(`${head}\r\n`)?.[1]
        const body = split === -1 ? text : text.slice(split + 4)
        resolve({ exit, status, body, authenticate, head, stderr })
      }
    )
  })
}

/** Both sides of a comparison: Alertmanager 0.25 and alertmesh with the same web config. */
interface Pair {
  readonly am: TestNode
  readonly mesh: TestNode
}

const dir = mkdtempSync(join(tmpdir(), 'alertmesh-web-e2e-'))
const certs = makeWebCertificates(dir)
const CA = ['--cacert', certs.caCert]
const ALICE = ['-u', 'alice:secret']

function webConfig(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const TLS_AUTH = webConfig(
  'tls-auth.yml',
  `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\nbasic_auth_users:\n  alice: ${HASH}\n`
)
const MTLS = webConfig(
  'mtls.yml',
  [
    'tls_server_config:',
    `  cert_file: ${certs.serverCert}`,
    `  key_file: ${certs.serverKey}`,
    '  client_auth_type: RequireAndVerifyClientCert',
    `  client_ca_file: ${certs.caCert}`,
    '',
  ].join('\n')
)

async function startPair(
  configFile: string,
  probeArgs: readonly string[],
  extraArgs: readonly string[] = []
): Promise<Pair> {
  const options = (command?: string[]) => ({
    config: CONFIG,
    scheme: 'https' as const,
    args: [`--web.config.file=${configFile}`, ...extraArgs],
    probe: async (base: string) => (await curl(`${base}/-/ready`, probeArgs)).status === 200,
    ...(command === undefined ? {} : { command }),
  })
  const [am, mesh] = await Promise.all([
    TestNode.start(options([ALERTMANAGER])),
    TestNode.start(options()),
  ])
  return { am, mesh }
}

/**
 * sameAnswers asks both nodes of a pair for /-/healthy as each client (curl arguments after the
 * CA), checks alertmanager and alertmesh answer with the same status, then stops the pair.
 */
async function sameAnswers(
  pair: Pair,
  clients: Readonly<Record<string, readonly string[]>>
): Promise<void> {
  try {
    for (const [name, args] of Object.entries(clients)) {
      const [am, mesh] = await Promise.all([
        curl(`${pair.am.url}/-/healthy`, [...CA, ...args]),
        curl(`${pair.mesh.url}/-/healthy`, [...CA, ...args]),
      ])
      assert.equal(mesh.status, am.status, `${name}: ${am.stderr} / ${mesh.stderr}`)
    }
  } finally {
    await Promise.allSettled([pair.am.stop(), pair.mesh.stop()])
  }
}

const haveAlertmanager = existsSync(ALERTMANAGER) ? false : `${ALERTMANAGER} is not installed`

describe(
  '--web.config.file: TLS and basic auth, side by side with Alertmanager 0.25',
  {
    skip: haveAlertmanager,
  },
  () => {
    let pair: Pair
    before(async () => {
      pair = await startPair(TLS_AUTH, [...CA, ...ALICE])
    })
    after(async () => {
      await Promise.allSettled([pair.am.stop(), pair.mesh.stop()])
    })

    const both = async (path: string, args: readonly string[]): Promise<[CurlResult, CurlResult]> =>
      Promise.all([curl(`${pair.am.url}${path}`, args), curl(`${pair.mesh.url}${path}`, args)])

    for (const [name, args] of [
      ['no password', CA],
      ['a wrong password', [...CA, '-u', 'alice:wrong']],
      ['an unknown user', [...CA, '-u', 'mallory:secret']],
      ['a malformed Authorization header', [...CA, '-H', 'Authorization: Basic !!!']],
    ] as const) {
      it(`refuses ${name} with 401, WWW-Authenticate: Basic and the toolkit's body`, async () => {
        for (const path of ['/api/v2/status', '/metrics', '/-/healthy', '/-/ready', '/']) {
          const [am, mesh] = await both(path, args)
          assert.equal(am.status, 401, `${path} alertmanager`)
          assert.deepEqual(
            { status: mesh.status, body: mesh.body, authenticate: mesh.authenticate },
            { status: am.status, body: am.body, authenticate: am.authenticate },
            path
          )
          assert.equal(mesh.body, 'Unauthorized\n')
        }
      })
    }

    it('lets the right credentials through to every path', async () => {
      for (const path of ['/api/v2/status', '/metrics', '/-/healthy', '/-/ready', '/']) {
        const [am, mesh] = await both(path, [...CA, ...ALICE])
        assert.equal(am.status, 200, `${path} alertmanager`)
        assert.equal(mesh.status, 200, path)
      }
      const [am, mesh] = await both('/-/reload', [...CA, ...ALICE, '-X', 'POST'])
      assert.equal(mesh.status, am.status)
    })

    it('speaks HTTP/2 by ALPN, as http2 defaults to true', async () => {
      const [am, mesh] = await both('/-/healthy', [...CA, ...ALICE])
      assert.match(am.head, /^HTTP\/2 200/)
      assert.match(mesh.head, /^HTTP\/2 200/)
    })

    it('refuses TLS 1.1 (min_version defaults to TLS12) with a protocol_version alert', async () => {
      const args = [
        ...CA,
        ...ALICE,
        '--tlsv1.1',
        '--tls-max',
        '1.1',
        '--ciphers',
        'DEFAULT@SECLEVEL=0',
      ]
      const [am, mesh] = await both('/-/healthy', args)
      assert.match(am.stderr, /alert protocol version/)
      assert.match(mesh.stderr, /alert protocol version/)
      assert.equal(mesh.exit, am.exit)
    })

    it("answers plain HTTP on the TLS port with Go's 400", async () => {
      const plain = (url: string) => curl(url.replace('https:', 'http:'), ['--http1.1'])
      const [amPlain, meshPlain] = await Promise.all([plain(pair.am.url), plain(pair.mesh.url)])
      assert.equal(amPlain.status, 400)
      assert.deepEqual(
        { status: meshPlain.status, body: meshPlain.body },
        { status: amPlain.status, body: amPlain.body }
      )
      assert.equal(meshPlain.body, 'Client sent an HTTP request to an HTTPS server.\n')
    })

    it('refuses a client that does not trust the CA, the same way', async () => {
      const [am, mesh] = await both('/-/healthy', ALICE)
      assert.equal(am.exit, 60)
      assert.equal(mesh.exit, am.exit)
    })

    it('amtool --http.config.file works through TLS and basic auth', async () => {
      const httpConfig = webConfig(
        'amtool-http.yml',
        `basic_auth:\n  username: alice\n  password: secret\ntls_config:\n  ca_file: ${certs.caCert}\n`
      )
      const run = (url: string): Promise<string> =>
        new Promise((resolve, reject) => {
          execFile(
            AMTOOL,
            [`--alertmanager.url=${url}`, `--http.config.file=${httpConfig}`, 'config', 'show'],
            { timeout: 30_000 },
            (err, stdout, stderr) => {
              if (err !== null) {
                reject(new Error(`amtool: ${stderr}`, { cause: err }))
              } else {
                resolve(stdout)
              }
            }
          )
        })
      const [am, mesh] = await Promise.all([run(pair.am.url), run(pair.mesh.url)])
      assert.match(am, /receiver: r/)
      assert.match(mesh, /receiver: r/)
    })
  }
)

describe(
  '--web.config.file: client certificates, side by side with Alertmanager 0.25',
  {
    skip: haveAlertmanager,
  },
  () => {
    let pair: Pair
    const client = ['--cert', certs.clientCert, '--key', certs.clientKey]
    before(async () => {
      pair = await startPair(MTLS, [...CA, ...client])
    })
    after(async () => {
      await Promise.allSettled([pair.am.stop(), pair.mesh.stop()])
    })

    const both = async (args: readonly string[]): Promise<[CurlResult, CurlResult]> =>
      Promise.all([
        curl(`${pair.am.url}/api/v2/status`, args),
        curl(`${pair.mesh.url}/api/v2/status`, args),
      ])

    it('accepts a client certificate signed by client_ca_file', async () => {
      const [am, mesh] = await both([...CA, ...client])
      assert.equal(am.status, 200)
      assert.equal(mesh.status, 200)
    })

    // Go refuses inside the handshake with an alert; Node's TLS checks the chain after OpenSSL's
    // handshake and closes the connection, so curl's error may differ. Both answer nothing.
    for (const [name, args] of [
      ['no client certificate', CA],
      [
        'a client certificate from another CA',
        [...CA, '--cert', certs.otherClientCert, '--key', certs.otherClientKey],
      ],
      [
        'an expired client certificate',
        [...CA, '--cert', certs.expiredCert, '--key', certs.expiredKey],
      ],
    ] as const) {
      it(`refuses ${name}`, async () => {
        const [am, mesh] = await both(args)
        assert.equal(am.status, 0, `alertmanager answered: ${am.stderr}`)
        assert.notEqual(am.exit, 0)
        assert.equal(mesh.status, 0, `alertmesh answered: ${mesh.stderr}`)
        assert.notEqual(mesh.exit, 0)
      })
    }
  }
)

describe('--web.config.file: certificates on disk', { skip: haveAlertmanager }, () => {
  it('refuses an expired server certificate the same way (the client says so)', async () => {
    const config = webConfig(
      'expired.yml',
      `tls_server_config:\n  cert_file: ${certs.expiredCert}\n  key_file: ${certs.expiredKey}\n`
    )
    const pair = await startPair(config, ['-k'])
    try {
      const [am, mesh] = await Promise.all([
        curl(`${pair.am.url}/-/healthy`, CA),
        curl(`${pair.mesh.url}/-/healthy`, CA),
      ])
      assert.match(am.stderr, /certificate has expired/)
      assert.match(mesh.stderr, /certificate has expired/)
      assert.equal(mesh.exit, am.exit)
    } finally {
      await Promise.allSettled([pair.am.stop(), pair.mesh.stop()])
    }
  })

  it('serves a certificate rotated on disk from the next connection, and refuses while it is broken', async () => {
    const certFile = join(dir, 'rotating.crt')
    const keyFile = join(dir, 'rotating.key')
    copyFileSync(certs.serverCert, certFile)
    copyFileSync(certs.serverKey, keyFile)
    const config = webConfig(
      'rotating.yml',
      `tls_server_config:\n  cert_file: rotating.crt\n  key_file: rotating.key\n`
    )
    const pair = await startPair(config, CA)
    // An alertmesh node with two listeners: each must pick up the new files.
    const otherPort = await freePort()
    const twoListeners = await TestNode.start({
      config: CONFIG,
      scheme: 'https',
      args: [`--web.config.file=${config}`, `--web.listen-address=127.0.0.1:${otherPort}`],
      probe: async (base) => (await curl(`${base}/-/ready`, CA)).status === 200,
    })
    const otherUrl = `https://127.0.0.1:${otherPort}`
    const serial = (url: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const { port } = new URL(url)
        const socket = connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false })
        socket.once('secureConnect', () => {
          resolve(socket.getPeerCertificate().serialNumber)
          socket.destroy()
        })
        socket.once('error', reject)
      })
    const serialOf = async (file: string): Promise<string> => {
      const { X509Certificate } = await import('node:crypto')
      const { readFileSync } = await import('node:fs')
      return new X509Certificate(readFileSync(file)).serialNumber
    }
    try {
      const [first, second] = [await serialOf(certs.serverCert), await serialOf(certs.serverCert2)]
      assert.equal(await serial(pair.mesh.url), first)
      assert.equal(await serial(pair.am.url), first)
      assert.equal(await serial(twoListeners.url), first)
      assert.equal(await serial(otherUrl), first)
      copyFileSync(certs.serverCert2, certFile)
      copyFileSync(certs.serverKey2, keyFile)
      assert.equal(await serial(pair.am.url), second)
      assert.equal(await serial(pair.mesh.url), second)
      assert.equal(await serial(twoListeners.url), second)
      assert.equal(await serial(otherUrl), second)
      // A broken pair: the toolkit refuses every handshake until the files are fixed.
      writeFileSync(keyFile, 'not a key\n')
      const [am, mesh] = await Promise.all([
        curl(`${pair.am.url}/-/healthy`, CA),
        curl(`${pair.mesh.url}/-/healthy`, CA),
      ])
      assert.equal(am.status, 0)
      assert.equal(mesh.status, 0)
      copyFileSync(certs.serverKey2, keyFile)
      assert.equal((await curl(`${pair.mesh.url}/-/healthy`, CA)).status, 200)
      assert.equal((await curl(`${pair.am.url}/-/healthy`, CA)).status, 200)
    } finally {
      await Promise.allSettled([pair.am.stop(), pair.mesh.stop(), twoListeners.stop()])
    }
  })
})

describe('--web.config.file refused at start', () => {
  it(
    'refuses, as Alertmanager does, a cipher list without the suite HTTP/2 requires',
    {
      skip: haveAlertmanager,
    },
    async () => {
      const file = webConfig(
        'no-h2-cipher.yml',
        `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA]\n`
      )
      const message =
        'http2: TLSConfig.CipherSuites is missing an HTTP/2-required AES_128_GCM_SHA256 cipher'
      const am = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          ALERTMANAGER,
          [
            `--web.config.file=${file}`,
            '--web.listen-address=127.0.0.1:0',
            '--cluster.listen-address=',
            `--storage.path=${join(dir, 'am-refused')}`,
            `--config.file=${webConfig('am.yml', CONFIG)}`,
          ],
          { timeout: 20_000 },
          (err, stdout, stderr) => {
            resolve({ code: err === null ? 0 : Number(err.code), out: stdout + stderr })
          }
        )
      })
      assert.equal(am.code, 1)
      assert.ok(am.out.includes(message), am.out)
      const res = await runAlertmesh([
        `--web.config.file=${file}`,
        '--web.listen-address=127.0.0.1:0',
        `--config.file=${webConfig('am.yml', CONFIG)}`,
      ])
      assert.equal(res.code, 1)
      assert.ok(res.stderr.includes(message), res.stderr)
      assert.equal(res.stderr.split('\n').length, 2, res.stderr)
    }
  )

  for (const [name, text, message] of [
    [
      'an unknown field',
      `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n  bogus: 1\n`,
      /^alertmesh: error: --web\.config\.file=\S+: yaml: unmarshal errors: line 4: field bogus not found in type web\.TLSConfig\n$/,
    ],
    [
      'a bad hash',
      'basic_auth_users:\n  alice: plain\n',
      /^alertmesh: error: --web\.config\.file=\S+: crypto\/bcrypt: hashedSecret too short to be a bcrypted password\n$/,
    ],
    [
      'a missing key',
      `tls_server_config:\n  cert_file: ${certs.serverCert}\n`,
      /^alertmesh: error: --web\.config\.file=\S+: missing key_file\n$/,
    ],
  ] as const) {
    it(`exits 1 with one line for ${name}`, async () => {
      const file = webConfig(`refused-${name.replaceAll(' ', '-')}.yml`, text)
      const res = await runAlertmesh([
        `--web.config.file=${file}`,
        '--web.listen-address=127.0.0.1:0',
        `--config.file=${webConfig('am.yml', CONFIG)}`,
      ])
      assert.equal(res.code, 1)
      assert.match(res.stderr, message)
    })
  }
})

describe('scripts/cluster.mjs with --web-config and --http-config', () => {
  const clusterScript = (args: readonly string[]): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(REPO_ROOT, 'scripts', 'cluster.mjs'), ...args],
        { cwd: REPO_ROOT, env: testEnv(), timeout: 150_000 },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
          resolve({ code, out: stdout + stderr })
        }
      )
    })
  const clusterDir = join(dir, 'cluster')
  after(async () => {
    await clusterScript(['stop', '--dir', clusterDir])
  })

  it('starts nodes behind TLS and basic auth, and start and status reach them', async () => {
    const httpConfig = webConfig(
      'script-http.yml',
      `basic_auth:\n  username: alice\n  password: secret\ntls_config:\n  ca_file: ${certs.caCert}\n`
    )
    const common = ['--dir', clusterDir]
    const start = await clusterScript([
      'start',
      '--nodes',
      '2',
      ...common,
      '--web-config',
      TLS_AUTH,
      '--http-config',
      httpConfig,
    ])
    assert.equal(start.code, 0, start.out)
    assert.match(start.out, /https:\/\/127\.0\.0\.1:\d+\/api\/v2\//)
    assert.match(start.out, /--http\.config\.file=/)
    const status = await clusterScript(['status', ...common])
    assert.equal(status.code, 0, status.out)
    assert.match(status.out, /all 2 node\(s\) ready/)
    // Without credentials a node answers 401 (curl: status only).
    const url = /(https:\/\/127\.0\.0\.1:\d+)\/api\/v2\//.exec(start.out)?.[1] ?? ''
    assert.equal((await curl(`${url}/api/v2/status`, CA)).status, 401)
  })
})

describe(
  '--web.config.file: every client_auth_type, side by side with Alertmanager 0.25',
  {
    skip: haveAlertmanager,
  },
  () => {
    const clients = {
      'no certificate': [],
      'a certificate from client_ca_file': ['--cert', certs.clientCert, '--key', certs.clientKey],
      'a certificate from another CA': [
        '--cert',
        certs.otherClientCert,
        '--key',
        certs.otherClientKey,
      ],
    } as const
    for (const type of [
      'NoClientCert',
      'RequestClientCert',
      'RequireAnyClientCert',
      'VerifyClientCertIfGiven',
      'RequireAndVerifyClientCert',
    ]) {
      it(`${type}: the same clients get through`, async () => {
        const config = webConfig(
          `client-auth-${type}.yml`,
          [
            'tls_server_config:',
            `  cert_file: ${certs.serverCert}`,
            `  key_file: ${certs.serverKey}`,
            `  client_auth_type: ${type}`,
            ...(type === 'NoClientCert' ? [] : [`  client_ca_file: ${certs.caCert}`]),
            '',
          ].join('\n')
        )
        const pair = await startPair(config, [
          ...CA,
          ...clients['a certificate from client_ca_file'],
        ])
        await sameAnswers(pair, clients)
      })
    }
  }
)

describe(
  'Prometheus 2.42 sends alerts through TLS and basic auth',
  {
    skip: existsSync(PROMETHEUS_BIN) ? false : `${PROMETHEUS_BIN} is not installed`,
  },
  () => {
    it('delivers a firing rule to a node behind --web.config.file', async () => {
      const node = await TestNode.start({
        config: CONFIG,
        scheme: 'https',
        args: [`--web.config.file=${TLS_AUTH}`],
        probe: async (base) => (await curl(`${base}/-/ready`, [...CA, ...ALICE])).status === 200,
      })
      let prometheus: Prometheus | undefined
      try {
        prometheus = await Prometheus.start({
          alertmanagers: [node.url],
          rules: 'groups:\n- name: g\n  rules:\n  - alert: ThroughTLS\n    expr: vector(1)\n',
          // The first send can come before the target is discovered: resend soon.
          args: ['--rules.alert.resend-delay=1s'],
          alertmanagerClient: httpsBasicAuthClient(certs.caCert, 'alice', 'secret'),
        })
        const sent = prometheus
        await waitFor(
          'the alert at the node',
          async () => {
            const res = await curl(`${node.url}/api/v2/alerts`, [...CA, ...ALICE])
            return res.status === 200 && res.body.includes('ThroughTLS')
          },
          { timeoutMs: 30_000 }
        ).catch((err: unknown) => {
          throw new Error(`${String(err)}; prometheus output:\n${sent.output.slice(-3000)}`)
        })
      } finally {
        await Promise.allSettled([node.stop(), prometheus?.stop()])
      }
    })
  }
)

describe('--web.config.file re-read on every request', { skip: haveAlertmanager }, () => {
  it('applies a changed user list at once, and answers 500 while the file is broken', async () => {
    const file = webConfig('users-only.yml', `basic_auth_users:\n  alice: ${HASH}\n`)
    const options = (command?: string[]) => ({
      config: CONFIG,
      args: [`--web.config.file=${file}`],
      probe: async (base: string) => (await curl(`${base}/-/ready`, ALICE)).status === 200,
      ...(command === undefined ? {} : { command }),
    })
    const [am, mesh] = await Promise.all([
      TestNode.start(options([ALERTMANAGER])),
      TestNode.start(options()),
    ])
    try {
      const both = (args: readonly string[]) =>
        Promise.all([curl(`${am.url}/-/healthy`, args), curl(`${mesh.url}/-/healthy`, args)])
      writeFileSync(file, `basic_auth_users:\n  bob: ${HASH}\n`)
      for (const r of await both(ALICE)) {
        assert.equal(r.status, 401)
      }
      for (const r of await both(['-u', 'bob:secret'])) {
        assert.equal(r.status, 200)
      }
      writeFileSync(file, 'basic_auth_users: [\n')
      const [amBroken, meshBroken] = await both(['-u', 'bob:secret'])
      assert.equal(amBroken.status, 500)
      assert.deepEqual(
        { status: meshBroken.status, body: meshBroken.body },
        { status: amBroken.status, body: amBroken.body }
      )
      assert.match(mesh.output, /Unable to parse configuration/)
    } finally {
      await Promise.allSettled([am.stop(), mesh.stop()])
    }
  })
})

describe(
  '--web.config.file: versions, cipher suites and curves, side by side with Alertmanager 0.25',
  {
    skip: haveAlertmanager,
  },
  () => {
    const legacy = ['--ciphers', 'DEFAULT@SECLEVEL=0']
    const cases: readonly {
      name: string
      tls: readonly string[]
      clients: Readonly<Record<string, readonly string[]>>
    }[] = [
      {
        name: 'min_version TLS10',
        tls: ['  min_version: TLS10'],
        clients: {
          // Go's HTTP/2 refuses TLS below 1.2 (GOAWAY INADEQUATE_SECURITY); HTTP/1.1 is served.
          'TLS 1.0, HTTP/2': ['--tlsv1.0', '--tls-max', '1.0', ...legacy],
          'TLS 1.0, HTTP/1.1': ['--tlsv1.0', '--tls-max', '1.0', '--http1.1', ...legacy],
          'TLS 1.1': ['--tlsv1.1', '--tls-max', '1.1', ...legacy],
          'TLS 1.3': ['--tlsv1.3'],
        },
      },
      {
        name: 'max_version TLS12 and one cipher suite',
        tls: ['  max_version: TLS12', '  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]'],
        clients: {
          'that suite': ['--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
          'another suite': ['--ciphers', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
          'TLS 1.3 only': ['--tlsv1.3'],
        },
      },
      {
        name: 'a CBC suite HTTP/2 prohibits, next to the required one',
        tls: [
          '  max_version: TLS12',
          '  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]',
        ],
        clients: {
          // Go's HTTP/2 sends GOAWAY INADEQUATE_SECURITY for a prohibited suite.
          'CBC, HTTP/2': ['--ciphers', 'ECDHE-ECDSA-AES128-SHA'],
          'CBC, HTTP/1.1': ['--ciphers', 'ECDHE-ECDSA-AES128-SHA', '--http1.1'],
          GCM: ['--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
        },
      },
      {
        name: 'curve_preferences [CurveP384] under TLS 1.2',
        tls: ['  max_version: TLS12', '  curve_preferences: [CurveP384]'],
        clients: {
          'P-384': ['--curves', 'P-384'],
          'P-256 only': ['--curves', 'P-256'],
        },
      },
    ]
    for (const c of cases) {
      it(`${c.name}: the same clients get through`, async () => {
        const config = webConfig(
          `tls-${c.name.replace(/\W+/g, '-')}.yml`,
          [
            'tls_server_config:',
            `  cert_file: ${certs.serverCert}`,
            `  key_file: ${certs.serverKey}`,
            ...c.tls,
            '',
          ].join('\n')
        )
        const pair = await startPair(config, CA)
        await sameAnswers(pair, c.clients)
      })
    }
  }
)
