// The systemd deployment files under systemd/: the units pass `systemd-analyze verify` without a
// warning, carry the hardening the runbook promises, score at most 2.0 in `systemd-analyze
// security --offline` (systemd calls up to 4.x "OK"; 2.0 is a deliberately tight bar so that
// losing a directive shows), and the flags of alertmesh.env really run alertmesh: the test
// starts nodes with exactly the unit's ExecStart and the env file's ALERTMESH_OPTS, with only
// host paths, addresses and ports swapped for temporary ones, then reloads them with the unit's
// ExecReload and stops them with its KillSignal.
//
// What this cannot prove here: the units running under systemd itself (no systemd as PID 1 on
// these machines), so the sandbox (seccomp filter, read-only file system) is checked as text and
// by systemd's analysers, not by running the node inside it.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { startConsulStandin } from '../support/consul-standin/index.js'
import type { ConsulStandin } from '../support/consul-standin/index.js'
import { REPO_ROOT, testEnv } from '../support/node-process.js'
import { freePort } from '../support/ports.js'
import {
  commentedOpts,
  directive,
  execArgv,
  flagValues,
  localise,
  parseEnvFile,
  parseUnit,
  seconds,
  splitWords,
} from '../support/systemd.js'
import type { NodeHost, UnitFile } from '../support/systemd.js'
import { exitOf, httpOk, spawnUntilReady, waitFor } from '../support/wait.js'
import type { ExitInfo } from '../support/wait.js'

const exec = promisify(execFile)

const SYSTEMD_DIR = join(REPO_ROOT, 'systemd')
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze'
/** Where alertmesh.service expects the built checkout (its ExecStart names files under it). */
const INSTALL_DIR = '/opt/alertmesh'
/** Waits on real processes get this long, for a loaded CI machine running suites side by side. */
const PATIENT = { timeoutMs: 20_000 }
/** The highest `systemd-analyze security` exposure accepted for our units. */
const MAX_EXPOSURE = 2.0

/** RunningNode is one alertmesh process started from the unit's command line. */
interface RunningNode {
  readonly child: ChildProcess
  readonly url: string
  readonly output: () => string
  readonly exited: Promise<ExitInfo>
}

const running: RunningNode[] = []

/**
 * startFromUnit runs ExecStart= as systemd would (the first word is the program, `$VAR` words
 * expand to the variable split at whitespace) and waits for /-/ready.
 */
async function startFromUnit(
  execStart: string,
  env: Readonly<Record<string, string>>,
  url: string
): Promise<RunningNode> {
  const argv = execArgv(execStart, env)
  const [program, ...args] = argv.map((word) =>
    word.startsWith(`${INSTALL_DIR}/`) ? join(REPO_ROOT, word.slice(INSTALL_DIR.length + 1)) : word
  )
  assert.ok(program !== undefined)
  let node: RunningNode | undefined
  await spawnUntilReady(program, args, {
    name: 'alertmesh',
    what: 'node ready',
    check: () => httpOk(`${url}/-/ready`),
    env: { ...testEnv(), ...env },
    // Registered before the wait, so that after() stops a node whatever happens next.
    onSpawn: (child, output) => {
      node = { child, url, output, exited: exitOf(child) }
      running.push(node)
    },
  }).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err)
    throw new Error(`${message}\nargv (paths as in the unit): ${argv.join(' ')}`, { cause: err })
  })
  assert.ok(node !== undefined)
  return node
}

/** runExecReload runs ExecReload= with $MAINPID set to the node's pid. */
async function runExecReload(execReload: string, node: RunningNode): Promise<void> {
  const pid = node.child.pid
  assert.ok(pid !== undefined)
  const [program, ...args] = splitWords(execReload).map((w) => (w === '$MAINPID' ? String(pid) : w))
  assert.ok(program !== undefined)
  await exec(program, args)
}

interface StatusBody {
  readonly cluster: { readonly status: string; readonly peers: readonly { name: string }[] }
  readonly alertmesh: {
    readonly name: string
    readonly config: { readonly mode: string; readonly source: string; readonly hash: string }
  }
}

async function status(node: RunningNode): Promise<StatusBody> {
  const res = await fetch(`${node.url}/api/v2/status`)
  assert.equal(res.status, 200)
  return (await res.json()) as StatusBody
}

describe('systemd units', () => {
  let tmp: string
  let unitDir: string
  let alertmesh: UnitFile
  let consul: UnitFile

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'alertmesh-systemd-'))
    alertmesh = parseUnit(await readFile(join(SYSTEMD_DIR, 'alertmesh.service'), 'utf8'))
    consul = parseUnit(await readFile(join(SYSTEMD_DIR, 'consul.service'), 'utf8'))
    // No consul binary can be installed here, and `verify` refuses an ExecStart= whose program
    // does not exist: the copy of consul.service that is verified runs a stub instead. Both
    // units are copied into one directory because verify resolves alertmesh.service's
    // After=consul.service from the directory the units are in.
    unitDir = join(tmp, 'units')
    await mkdir(unitDir)
    const stub = join(tmp, 'consul-stub')
    await writeFile(stub, '#!/bin/sh\nexit 0\n')
    await chmod(stub, 0o755)
    const consulText = await readFile(join(SYSTEMD_DIR, 'consul.service'), 'utf8')
    const rewritten = consulText.replace(/^ExecStart=\/usr\/bin\/consul /m, `ExecStart=${stub} `)
    assert.notEqual(rewritten, consulText, 'consul.service runs /usr/bin/consul')
    await writeFile(join(unitDir, 'consul.service'), rewritten)
    await copyFile(join(SYSTEMD_DIR, 'alertmesh.service'), join(unitDir, 'alertmesh.service'))
  })
  after(async () => {
    await rm(tmp, { recursive: true, force: true })
  })

  it('pass systemd-analyze verify without a warning about them', async () => {
    const units = ['alertmesh.service', 'consul.service'].map((u) => join(unitDir, u))
    let stderr: string
    try {
      ;({ stderr } = await exec(SYSTEMD_ANALYZE, ['verify', ...units]))
    } catch (err: unknown) {
      const e = err as { code: number; stderr: string }
      assert.fail(`systemd-analyze verify exited ${e.code}:\n${e.stderr}`)
    }
    // verify exits 0 on unknown keys and bad values too and only warns; any line naming one of
    // our units is such a warning. Lines about the host's own units are not ours to fix.
    const ours = stderr
      .split('\n')
      .filter((l) => /alertmesh\.service|consul\.service|consul-stub/.test(l))
    assert.deepEqual(ours, [])
  })

  // Each row: a directive of alertmesh.service, the value it must have, and why.
  const required: readonly (readonly [string, string, string])[] = [
    ['Type', 'exec', 'a node that cannot be executed fails the start'],
    ['User', 'alertmesh', 'its own unprivileged user'],
    ['Group', 'alertmesh', 'its own group'],
    ['EnvironmentFile', '-/etc/default/alertmesh', 'flags from the env file, optional'],
    [
      'ExecStart',
      '/usr/bin/node /opt/alertmesh/dist/bin/alertmesh.cjs $ALERTMESH_OPTS',
      'the built CLI under /opt/alertmesh, flags split into words',
    ],
    ['ExecReload', '/bin/kill -HUP $MAINPID', 'the node reloads on SIGHUP'],
    ['KillSignal', 'SIGTERM', 'SIGTERM is the clean shutdown'],
    ['Restart', 'on-failure', 'restarted when it crashes'],
    ['RestartSec', '5s', 'not in a tight loop'],
    ['LimitNOFILE', '65536', 'sockets for peers, Consul, clients and webhooks'],
    ['ReadWritePaths', '/var/lib/alertmesh', 'the storage path is the only writable place'],
    ['StateDirectory', 'alertmesh', 'systemd creates the storage path for the user'],
    ['NoNewPrivileges', 'yes', 'hardening'],
    ['ProtectSystem', 'strict', 'hardening: the whole file system read-only'],
    ['ProtectHome', 'yes', 'hardening'],
    ['PrivateTmp', 'yes', 'hardening'],
    ['PrivateDevices', 'yes', 'hardening'],
    ['ProtectKernelTunables', 'yes', 'hardening'],
    ['ProtectKernelModules', 'yes', 'hardening'],
    ['ProtectControlGroups', 'yes', 'hardening'],
    ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX', 'IP and journald only'],
    ['CapabilityBoundingSet', '', 'no capabilities at all'],
    ['LockPersonality', 'yes', 'hardening'],
    ['RestrictRealtime', 'yes', 'hardening'],
    ['SystemCallArchitectures', 'native', 'hardening'],
  ]
  for (const [key, value, why] of required) {
    it(`alertmesh.service sets ${key}=${value} (${why})`, () => {
      assert.equal(directive(alertmesh, 'Service', key), value)
    })
  }

  it('alertmesh.service starts after the network and Consul, without requiring Consul', () => {
    assert.deepEqual(directive(alertmesh, 'Unit', 'Wants')?.split(' '), ['network-online.target'])
    assert.deepEqual(directive(alertmesh, 'Unit', 'After')?.split(' '), [
      'network-online.target',
      'consul.service',
    ])
    assert.equal(directive(alertmesh, 'Unit', 'Requires'), undefined)
    assert.equal(directive(alertmesh, 'Install', 'WantedBy'), 'multi-user.target')
  })

  it('alertmesh.service leaves MemoryDenyWriteExecute unset, because V8 JITs', () => {
    assert.equal(directive(alertmesh, 'Service', 'MemoryDenyWriteExecute'), undefined)
  })

  it('alertmesh.service runs a file the build produces', async () => {
    const execStart = directive(alertmesh, 'Service', 'ExecStart') ?? ''
    const script = splitWords(execStart)[1] ?? ''
    assert.ok(script.startsWith(`${INSTALL_DIR}/`))
    // The install layout is a built checkout: the path below /opt/alertmesh exists in this one.
    await readFile(join(REPO_ROOT, script.slice(INSTALL_DIR.length + 1)))
  })

  // Each row: a directive of consul.service and its value.
  const consulRequired: readonly (readonly [string, string])[] = [
    ['Type', 'notify'],
    ['User', 'consul'],
    ['Group', 'consul'],
    ['ExecStart', '/usr/bin/consul agent -config-dir=/etc/consul.d'],
    ['ExecReload', '/bin/kill -HUP $MAINPID'],
    ['Restart', 'on-failure'],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['CapabilityBoundingSet', ''],
    // Go has no JIT, so Consul can have what alertmesh cannot.
    ['MemoryDenyWriteExecute', 'yes'],
  ]
  for (const [key, value] of consulRequired) {
    it(`consul.service sets ${key}=${value}`, () => {
      assert.equal(directive(consul, 'Service', key), value)
    })
  }

  for (const unit of ['alertmesh.service', 'consul.service']) {
    it(`${unit} has a systemd-analyze security exposure of at most ${MAX_EXPOSURE}`, async () => {
      const args = ['security', '--offline=yes', join(unitDir, unit)]
      const { stdout } = await exec(SYSTEMD_ANALYZE, args)
      const m = /Overall exposure level for \S+: (\d+\.\d) (\S+)/.exec(stdout)
      assert.ok(m !== null, stdout)
      assert.ok(Number(m[1]) <= MAX_EXPOSURE, `exposure ${m[1]} ${m[2]}:\n${stdout}`)
      // The same bar through systemd's own check (its threshold is the exposure times ten).
      await exec(SYSTEMD_ANALYZE, [...args, `--threshold=${MAX_EXPOSURE * 10}`])
    })
  }
})

describe('alertmesh.env', () => {
  let tmp: string
  let envText: string
  let env: Map<string, string>
  let unit: UnitFile
  let execStart: string
  let execReload: string
  let keyFile: string
  let tokenFile: string

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'alertmesh-env-'))
    envText = await readFile(join(SYSTEMD_DIR, 'alertmesh.env'), 'utf8')
    env = parseEnvFile(envText)
    unit = parseUnit(await readFile(join(SYSTEMD_DIR, 'alertmesh.service'), 'utf8'))
    execStart = directive(unit, 'Service', 'ExecStart') ?? ''
    execReload = directive(unit, 'Service', 'ExecReload') ?? ''
    keyFile = join(tmp, 'cluster.key')
    await writeFile(keyFile, randomBytes(32), { mode: 0o400 })
    tokenFile = join(tmp, 'consul.token')
  })
  after(async () => {
    for (const node of running) {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill('SIGKILL')
        await node.exited
      }
    }
    await rm(tmp, { recursive: true, force: true })
  })

  it('reads the same in systemd and in a shell', async () => {
    const script = 'set -a; . "$1"; env -0'
    const { stdout } = await exec(
      '/bin/sh',
      ['-c', script, 'sh', join(SYSTEMD_DIR, 'alertmesh.env')],
      {
        env: { PATH: '/usr/bin:/bin' },
      }
    )
    const shell = new Map(
      stdout
        .split('\0')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const)
    )
    assert.deepEqual([...env.keys()].sort(), ['ALERTMESH_OPTS', 'CONSUL_HTTP_TOKEN_FILE'])
    for (const [name, value] of env) {
      assert.equal(shell.get(name), value, name)
    }
  })

  it('keeps the storage path and the cluster listener where the unit allows them', () => {
    for (const opts of [env.get('ALERTMESH_OPTS') ?? '', commentedOpts(envText)]) {
      const words = splitWords(opts)
      assert.deepEqual(flagValues(words, 'storage.path'), [
        directive(unit, 'Service', 'ReadWritePaths'),
      ])
      // The unit allows no netlink socket, which listing the interfaces for a wildcard
      // listener needs.
      const [listen] = flagValues(words, 'cluster.listen-address')
      assert.ok(listen !== undefined)
      assert.doesNotMatch(listen, /^(|0\.0\.0\.0|\[::\]|::):\d+$/)
      assert.doesNotMatch(directive(unit, 'Service', 'RestrictAddressFamilies') ?? '', /AF_NETLINK/)
    }
  })

  it('runs a Consul-mode node with its ALERTMESH_OPTS, reloads it and stops it cleanly', async () => {
    const standin: ConsulStandin = await startConsulStandin({ aclTokens: ['root-token'] })
    try {
      await writeFile(tokenFile, 'root-token\n', { mode: 0o400 })
      const config = await readFile(join(REPO_ROOT, 'consul', 'alertmanager.yml'))
      const put = await fetch(`${standin.url}/v1/kv/alertmesh/config`, {
        method: 'PUT',
        body: config,
        headers: { 'X-Consul-Token': 'root-token' },
      })
      assert.equal(await put.text(), 'true')

      const opts = splitWords(env.get('ALERTMESH_OPTS') ?? '')
      assert.deepEqual(flagValues(opts, 'config.file'), [], 'Consul mode has no config file')
      assert.deepEqual(flagValues(opts, 'cluster.peer'), [], 'Consul mode finds its peers')
      const [consulAddress] = flagValues(opts, 'consul.address')
      assert.equal(consulAddress, '127.0.0.1:8500', 'the local agent of consul/client.hcl')
      const [nodeName] = flagValues(opts, 'node.name')
      const [ownCluster] = flagValues(opts, 'cluster.listen-address')
      assert.ok(nodeName !== undefined && ownCluster !== undefined)
      const clusterPort = await freePort()
      const host: NodeHost = {
        dir: join(tmp, 'consul-mode'),
        webPort: await freePort(),
        nodeName,
        clusterAddresses: new Map([[ownCluster, `127.0.0.1:${clusterPort}`]]),
        listen: `127.0.0.1:${clusterPort}`,
        keyFile,
        consulAddress: standin.address,
      }
      await mkdir(host.dir)
      const node = await startFromUnit(
        execStart,
        {
          ALERTMESH_OPTS: localise(opts, host).join('\n'),
          CONSUL_HTTP_TOKEN_FILE: tokenFile,
        },
        `http://127.0.0.1:${host.webPort}`
      )

      const s = await status(node)
      assert.equal(s.alertmesh.name, nodeName)
      assert.equal(s.alertmesh.config.mode, 'consul')
      assert.equal(s.alertmesh.config.source, 'consul')
      const serviceId = `alertmesh-${nodeName}`
      const registered = await waitFor(
        'registration in Consul',
        async () => {
          const res = await fetch(`${standin.url}/v1/agent/services`, {
            headers: { 'X-Consul-Token': 'root-token' },
          })
          const services = (await res.json()) as Record<string, { Meta: Record<string, string> }>
          return services[serviceId]
        },
        PATIENT
      )
      assert.equal(registered.Meta['cluster_address'], `127.0.0.1:${clusterPort}`)
      await waitFor(
        'status key',
        () => standin.kvSnapshot()[`alertmesh/status/${nodeName}`],
        PATIENT
      )

      // ExecReload: SIGHUP makes a Consul-mode node read its config key again at once, with a
      // plain (non-blocking) GET, next to its long-running blocking one.
      // Wait until the node's reads have settled into their long polls (config key, templates,
      // peers), so the only plain GET that can follow is the one SIGHUP causes.
      await waitFor('long polls in place', () => standin.pendingBlockingQueries >= 3, PATIENT)
      const plainGets = (): number => standin.kvGets('alertmesh/config').nonBlocking
      const before = plainGets()
      await runExecReload(execReload, node)
      await waitFor('config re-read after SIGHUP', () => plainGets() > before, PATIENT)
      assert.equal(node.child.exitCode, null, 'the node keeps running after a reload')

      // KillSignal: a clean shutdown, well inside TimeoutStopSec.
      const timeoutStopMs = seconds(directive(unit, 'Service', 'TimeoutStopSec') ?? '') * 1000
      const signal = directive(unit, 'Service', 'KillSignal') as NodeJS.Signals
      const started = performance.now()
      node.child.kill(signal)
      const { code } = await node.exited
      const tookMs = performance.now() - started
      assert.equal(code, 0, node.output())
      assert.ok(
        tookMs * 4 < timeoutStopMs,
        `shutdown took ${Math.round(tookMs)} ms; TimeoutStopSec should leave 4x that`
      )
      const left = await fetch(`${standin.url}/v1/agent/services`, {
        headers: { 'X-Consul-Token': 'root-token' },
      })
      assert.equal(((await left.json()) as Record<string, unknown>)[serviceId], undefined)
      const files = await readdir(join(host.dir, 'data'))
      for (const f of ['silences', 'nflog', 'consul-config.json']) {
        assert.ok(files.includes(f), `${f} in the storage path (${files.join(', ')})`)
      }
    } finally {
      await standin.stop()
    }
  })

  it('runs a static three-node cluster with the commented-out file-mode ALERTMESH_OPTS', async () => {
    const opts = splitWords(commentedOpts(envText))
    const peers = flagValues(opts, 'cluster.peer')
    assert.equal(peers.length, 3)
    assert.deepEqual(flagValues(opts, 'consul.address'), [])
    const [ownCluster] = flagValues(opts, 'cluster.listen-address')
    assert.ok(ownCluster !== undefined && peers.includes(ownCluster))
    const local = new Map<string, string>()
    for (const peer of peers) {
      local.set(peer, `127.0.0.1:${await freePort()}`)
    }
    const configFile = join(tmp, 'alertmanager.yml')
    await copyFile(join(REPO_ROOT, 'consul', 'alertmanager.yml'), configFile)
    // The block is written for the first host; every host runs it with its own name and
    // listener, the same peer list.
    const nodes = await Promise.all(
      peers.map(async (peer, i) => {
        const host: NodeHost = {
          dir: join(tmp, `static-${i}`),
          webPort: await freePort(),
          nodeName: `am${i + 1}`,
          clusterAddresses: local,
          listen: local.get(peer) ?? '',
          keyFile,
          configFile,
        }
        await mkdir(host.dir)
        return startFromUnit(
          execStart,
          // The env file's token variable stays set in file mode; alertmesh ignores it there.
          { ALERTMESH_OPTS: localise(opts, host).join(' '), CONSUL_HTTP_TOKEN_FILE: tokenFile },
          `http://127.0.0.1:${host.webPort}`
        )
      })
    )
    for (const node of nodes) {
      await waitFor('three members', async () => (await status(node)).cluster.peers.length === 3, {
        timeoutMs: 20_000,
      })
      const s = await status(node)
      assert.deepEqual(s.cluster.peers.map((p) => p.name).sort(), ['am1', 'am2', 'am3'])
      assert.equal(s.alertmesh.config.mode, 'file')
    }

    // ExecReload in file mode: the node reads the changed file.
    const first = nodes[0] as RunningNode
    const hashBefore = (await status(first)).alertmesh.config.hash
    await writeFile(
      configFile,
      (await readFile(configFile, 'utf8')).replace('repeat_interval: 4h', 'repeat_interval: 3h')
    )
    await runExecReload(execReload, first)
    await waitFor(
      'new config hash',
      async () => (await status(first)).alertmesh.config.hash !== hashBefore,
      PATIENT
    )

    for (const node of nodes) {
      node.child.kill('SIGTERM')
      assert.equal((await node.exited).code, 0, node.output())
    }
  })
})
