// The operator scripts, run as an operator runs them: scripts/cluster.mjs starts a Consul-mode
// cluster with the stand-in (detached processes recorded in pids.json), reports it, refuses a
// second start and stops everything; scripts/push-config.mjs refuses an invalid config before it
// reaches Consul and waits for the nodes to apply a valid one; scripts/dedup-experiment.mjs
// finds exactly one notification for an alert sent to all three nodes.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { REPO_ROOT, testEnv } from '../support/node-process.js'
import { waitFor } from '../support/wait.js'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The parts of DIR/pids.json (written by scripts/lib/cluster.mjs) the tests read. */
interface ClusterRecord {
  prefix: string
  configHash: string | null
  consul: { address: string; standin: boolean; pid: number | null }
  nodes: { name: string; pid: number; url: string; webPort: number; clusterPort: number }[]
}

interface Status {
  cluster: { status: string; peers: { name: string }[] }
  alertmesh: { config: { hash: string }; nodes: { name: string; hash: string }[] }
}

/**
 * script runs one of scripts/*.mjs from the repository root, as an operator would, and
 * collects its output. A script still running after `timeoutMs` gets SIGTERM (the scripts stop
 * what they started on it) and fails the test.
 */
function script(name: string, args: readonly string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', name), ...args], {
      cwd: REPO_ROOT,
      env: testEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(
        new Error(
          `${name} ${args.join(' ')} still running after ${timeoutMs} ms:\n${stdout}${stderr}`
        )
      )
    }, timeoutMs)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** gone tells whether a pid no longer runs (a zombie waiting for its reaper counts as gone). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return true
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')
  } catch {
    return true
  }
}

/** refused tells whether nothing listens on a port of 127.0.0.1 any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => {
      resolve(true)
    })
  })
}

async function readRecord(dir: string): Promise<ClusterRecord> {
  return JSON.parse(await readFile(join(dir, 'pids.json'), 'utf8')) as ClusterRecord
}

/**
 * killLeftovers is the safety net of after(): whatever pids.json still records and still runs
 * (a test failed before `stop`) gets SIGKILL, so no node outlives the test file.
 */
async function killLeftovers(dir: string, seen: ClusterRecord | undefined): Promise<void> {
  let record = seen
  try {
    record = await readRecord(dir)
  } catch {
    // stopped cleanly: no pids.json
  }
  const pids = [
    ...(record?.nodes.map((n) => n.pid) ?? []),
    ...(record?.consul.pid == null ? [] : [record.consul.pid]),
  ]
  for (const pid of pids.filter((p) => !gone(p))) {
    process.kill(pid, 'SIGKILL')
  }
}

async function status(url: string): Promise<Status> {
  const res = await fetch(`${url}/api/v2/status`)
  assert.equal(res.status, 200)
  return (await res.json()) as Status
}

async function kvConfig(address: string): Promise<string> {
  const res = await fetch(`http://${address}/v1/kv/alertmesh/config?raw`)
  assert.equal(res.status, 200)
  return res.text()
}

// The two suites start their own clusters (own directories, stand-ins and free ports) and
// mostly wait on them, so they run side by side; the tests within each one run in order.
describe('the operator scripts', { concurrency: true }, () => {
  describe('scripts/cluster.mjs and scripts/push-config.mjs', { concurrency: 1 }, () => {
    let dir: string
    let started: Run
    let record: ClusterRecord | undefined

    before(
      async () => {
        dir = await mkdtemp(join(tmpdir(), 'alertmesh-scripts-'))
        started = await script('cluster.mjs', ['start', '--nodes', '3', '--dir', dir])
        assert.equal(started.code, 0, `start failed:\n${started.stdout}${started.stderr}`)
        record = await readRecord(dir)
      },
      { timeout: 150_000 }
    )
    after(
      async () => {
        await script('cluster.mjs', ['stop', '--dir', dir], 60_000).catch(() => undefined)
        await killLeftovers(dir, record)
        await rm(dir, { recursive: true, force: true })
      },
      { timeout: 90_000 }
    )

    it('starts three nodes on free ports that each list three peers and run the pushed config', async () => {
      assert.ok(record !== undefined)
      assert.equal(record.consul.standin, true)
      assert.deepEqual(
        record.nodes.map((n) => n.name),
        ['n0', 'n1', 'n2']
      )
      const ports = record.nodes.flatMap((n) => [n.webPort, n.clusterPort])
      assert.equal(new Set(ports).size, 6, `ports must differ: ${ports.join(', ')}`)
      assert.match(record.configHash ?? '', /^[0-9a-f]{12}$/)
      for (const node of record.nodes) {
        // The output names each node's UI and API.
        assert.ok(started.stdout.includes(`${node.url}/api/v2/`), started.stdout)
        const s = await status(node.url)
        assert.equal(s.cluster.status, 'ready')
        assert.deepEqual(s.cluster.peers.map((p) => p.name).sort(), ['n0', 'n1', 'n2'])
        assert.equal(s.alertmesh.config.hash, record.configHash)
      }
      // The config came from Consul, as the stand-in holds the example config.
      assert.equal(
        await kvConfig(record.consul.address),
        await readFile(join(REPO_ROOT, 'scripts', 'example', 'alertmanager.yml'), 'utf8')
      )
    })

    it('status lists every node with its peers and config hash', async () => {
      assert.ok(record !== undefined)
      const run = await script('cluster.mjs', ['status', '--dir', dir])
      assert.equal(run.code, 0, run.stdout + run.stderr)
      for (const node of record.nodes) {
        const row = run.stdout.split('\n').find((l) => l.trim().startsWith(`${node.name} `))
        assert.ok(row !== undefined, run.stdout)
        assert.match(
          row,
          new RegExp(
            `${node.pid}\\s+running\\s+${node.url}/\\s+3/3\\s+ready\\s+${record.configHash ?? ''}`
          )
        )
      }
      assert.match(run.stdout, /all 3 node\(s\) ready/)
    })

    it('refuses a second start in the same directory and leaves the running cluster alone', async () => {
      const recorded = await readFile(join(dir, 'pids.json'), 'utf8')
      const run = await script('cluster.mjs', ['start', '--nodes', '3', '--dir', dir])
      assert.equal(run.code, 1)
      assert.match(
        run.stderr,
        /already running in .*; stop it with `node scripts\/cluster\.mjs stop --dir /
      )
      assert.equal(await readFile(join(dir, 'pids.json'), 'utf8'), recorded)
      assert.ok(record?.nodes.every((n) => !gone(n.pid)))
    })

    it('push-config refuses an invalid file, naming file, line and field, and leaves Consul unchanged', async () => {
      assert.ok(record !== undefined)
      const kvBefore = await kvConfig(record.consul.address)
      const file = join(dir, 'bad.yml')
      await writeFile(file, 'route:\n  receiver: r\n  group_wait: soon\nreceivers:\n  - name: r\n')
      const run = await script('push-config.mjs', [file, '--consul', record.consul.address])
      assert.equal(run.code, 1)
      assert.match(run.stderr, /bad\.yml: line 3: route\.group_wait: .*"soon"/)
      assert.match(run.stderr, /Nothing was pushed/)
      assert.doesNotMatch(run.stdout, /alertmesh config push/)
      assert.equal(await kvConfig(record.consul.address), kvBefore)
    })

    it('push-config --wait pushes a valid file and waits until every node applied it', async () => {
      assert.ok(record !== undefined)
      const example = await readFile(
        join(REPO_ROOT, 'scripts', 'example', 'alertmanager.yml'),
        'utf8'
      )
      const changed = example.replace('repeat_interval: 4h', 'repeat_interval: 3h')
      assert.notEqual(changed, example)
      const file = join(dir, 'good.yml')
      await writeFile(file, changed)
      const run = await script('push-config.mjs', [
        file,
        '--consul',
        record.consul.address,
        '--wait',
      ])
      assert.equal(run.code, 0, run.stdout + run.stderr)
      const hash = /\(hash ([0-9a-f]{12})\)/.exec(run.stdout)?.[1]
      assert.ok(hash !== undefined && hash !== record.configHash, run.stdout)
      assert.match(run.stdout, new RegExp(`3/3 nodes on ${hash}`))
      assert.equal(await kvConfig(record.consul.address), changed)
      // --wait returned only once every node reported the hash: they run it now.
      for (const node of record.nodes) {
        assert.equal((await status(node.url)).alertmesh.config.hash, hash)
      }
    })

    it('stop ends every process and removes pids.json; a second stop is harmless', async () => {
      assert.ok(record !== undefined)
      const run = await script('cluster.mjs', ['stop', '--dir', dir], 60_000)
      assert.equal(run.code, 0, run.stdout + run.stderr)
      for (const pid of [...record.nodes.map((n) => n.pid), record.consul.pid ?? 0]) {
        await waitFor(`pid ${pid} gone`, () => gone(pid), { timeoutMs: 5000 })
      }
      for (const node of record.nodes) {
        assert.ok(await refused(node.webPort), `${node.name} still listens on ${node.webPort}`)
      }
      await assert.rejects(readFile(join(dir, 'pids.json')), { code: 'ENOENT' })
      const again = await script('cluster.mjs', ['stop', '--dir', dir])
      assert.equal(again.code, 0, again.stdout + again.stderr)
      assert.match(again.stdout, /nothing to stop/)
    })
  })

  describe('scripts/dedup-experiment.mjs', { concurrency: 1 }, () => {
    let dir: string

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'alertmesh-dedup-'))
    })
    after(
      async () => {
        await script('cluster.mjs', ['stop', '--dir', dir], 60_000).catch(() => undefined)
        await killLeftovers(dir, undefined)
        await rm(dir, { recursive: true, force: true })
      },
      { timeout: 90_000 }
    )

    it(
      'counts exactly one firing and one resolved notification for an alert sent to all three nodes',
      { timeout: 240_000 },
      async () => {
        // A 2 s peer_timeout (the script's default is 3 s, Alertmanager's 15 s) still leaves
        // position 1 two seconds for position 0's nflog entry to arrive by gossip, and shortens
        // each phase's quiet window from 10 s to 7 s.
        const run = await script(
          'dedup-experiment.mjs',
          ['--nodes', '3', '--peer-timeout', '2s', '--dir', dir],
          220_000
        )
        assert.equal(run.code, 0, run.stdout + run.stderr)
        assert.match(run.stdout, /a1\s+\{alertname="DedupExperiment", alert="a1"\}\s+1\s+1\s+n\d/)
        assert.match(run.stdout, /total\s+1\s+1\n/)
        assert.match(run.stdout, /exactly once: one firing and one resolved notification per group/)
        // Everything it started is stopped again.
        assert.match(run.stdout, /stopped; removed /)
        await assert.rejects(readFile(join(dir, 'pids.json')), { code: 'ENOENT' })
      }
    )
  })
})
