// A local alertmesh cluster of detached processes, as scripts/cluster.mjs and
// scripts/dedup-experiment.mjs run it: N nodes in Consul mode on 127.0.0.1 (and the Consul
// stand-in when no Consul is given), each with its log in DIR/<name>.log, recorded in
// DIR/pids.json so a later `stop` or `status` finds them.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'

import { MAIN_JS, STANDIN_JS, ROOT } from './alertmesh.mjs'
import { detail, ScriptError, seconds, step, table } from './cli.mjs'
import { checkAndPush, configStatus } from './config-push.mjs'
import { get, loadHttpClient, PLAIN, webScheme } from './http-client.mjs'
import { freePorts, portFree } from './ports.mjs'

/** DEFAULT_DIR is where a cluster lives unless --dir says otherwise. */
export const DEFAULT_DIR = join(ROOT, '.tmp', 'cluster')

/** DEFAULT_CONFIG is the config pushed unless --config says otherwise. */
export const DEFAULT_CONFIG = join(ROOT, 'scripts', 'example', 'alertmanager.yml')

/**
 * @typedef {object} NodeRecord
 * @property {string} name - n0, n1, ...
 * @property {number} pid - its process.
 * @property {string} url - `http://127.0.0.1:WEB` (UI at `/`, API under `/api/v2`).
 * @property {number} webPort - the web port.
 * @property {number} clusterPort - the gossip port.
 * @property {string} storage - its --storage.path.
 * @property {string} log - its log file.
 * @property {string[]} markers - arguments its command line must contain (see isRunning).
 */

/**
 * @typedef {object} ClusterRecord
 * @property {string} startedAt - when `start` ran.
 * @property {string} dir - the cluster's directory.
 * @property {string} prefix - the KV prefix (and the service name the nodes register as).
 * @property {{address: string, standin: boolean, pid: number | null, log: string | null,
 *   markers: string[]}} consul - the Consul the nodes use; pid and log for the stand-in.
 * @property {NodeRecord[]} nodes - the nodes.
 * @property {string} [webConfig] - the --web.config.file every node got, if any.
 * @property {string} [httpConfig] - the client config the script reaches the nodes with.
 * @property {string | null} configHash - the hash pushed at start, or null with --no-push.
 */

/**
 * shown renders a path relative to the working directory when it lies below it.
 *
 * @param {string} path - an absolute path.
 * @returns {string} the path to print.
 */
export function shown(path) {
  const rel = relative(process.cwd(), path)
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

/**
 * script names one of the scripts as the operator would type it from the working directory.
 *
 * @param {string} name - e.g. `cluster.mjs`.
 * @returns {string} e.g. `scripts/cluster.mjs`.
 */
export function script(name) {
  return shown(join(ROOT, 'scripts', name))
}

/**
 * stopCommand is the command that stops the cluster in `dir`.
 *
 * @param {string} dir - the cluster's directory.
 * @returns {string} e.g. `node scripts/cluster.mjs stop --dir /tmp/x`.
 */
export function stopCommand(dir) {
  return `node ${script('cluster.mjs')} stop${dir === DEFAULT_DIR ? '' : ` --dir ${shown(dir)}`}`
}

/**
 * isRunning tells whether a recorded process still runs. On Linux its command line must still
 * contain the recorded markers, so a pid the kernel has since given to another program is not
 * mistaken for ours (and never signalled); a zombie counts as gone.
 *
 * @param {number | null} pid - the pid.
 * @param {string[]} markers - arguments its command line must contain.
 * @returns {boolean} whether it runs.
 */
export function isRunning(pid, markers) {
  if (pid === null) {
    return false
  }
  try {
    process.kill(pid, 0)
  } catch {
    // ESRCH: gone; EPERM: another user's process, so not one we started.
    return false
  }
  if (!existsSync('/proc/self/cmdline')) {
    return true
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    if (stat.includes(') Z ')) {
      return false
    }
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    return markers.every((m) => argv.includes(m))
  } catch {
    return false
  }
}

/**
 * readRecord reads DIR/pids.json.
 *
 * @param {string} dir - the cluster's directory.
 * @returns {Promise<ClusterRecord | undefined>} the record, or undefined when there is none.
 */
export async function readRecord(dir) {
  let text
  try {
    text = await readFile(join(dir, 'pids.json'), 'utf8')
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') {
      return undefined
    }
    throw err
  }
  try {
    return /** @type {ClusterRecord} */ (JSON.parse(text))
  } catch {
    throw new ScriptError(
      `${shown(join(dir, 'pids.json'))} is not valid JSON; stop its processes by hand and delete it`
    )
  }
}

/**
 * liveProcesses lists the recorded processes that still run.
 *
 * @param {ClusterRecord} record - the record.
 * @returns {{name: string, pid: number}[]} nodes first, then the stand-in.
 */
export function liveProcesses(record) {
  const all = [
    ...record.nodes.map((n) => ({ name: n.name, pid: n.pid, markers: n.markers })),
    ...(record.consul.pid === null
      ? []
      : [{ name: 'consul stand-in', pid: record.consul.pid, markers: record.consul.markers }]),
  ]
  return all.filter((p) => isRunning(p.pid, p.markers)).map(({ name, pid }) => ({ name, pid }))
}

/**
 * assertNotRunning refuses when DIR/pids.json records processes that still run, and removes a
 * stale record.
 *
 * @param {string} dir - the cluster's directory.
 */
export async function assertNotRunning(dir) {
  const record = await readRecord(dir)
  if (record === undefined) {
    return
  }
  const live = liveProcesses(record)
  if (live.length > 0) {
    throw new ScriptError(
      `a cluster is already running in ${shown(dir)} (${live.map((p) => `${p.name} pid ${p.pid}`).join(', ')}); stop it with \`${stopCommand(dir)}\``
    )
  }
  step(`removing the stale ${shown(join(dir, 'pids.json'))} (none of its processes runs)`)
  await rm(join(dir, 'pids.json'), { force: true })
}

/**
 * choosePorts picks the web and cluster ports of every node, and the stand-in's port: from
 * --base-port (web base..base+N-1, cluster base+N..base+2N-1, stand-in base+2N), checked to be
 * free, or free ports from the kernel.
 *
 * @param {number} nodes - how many nodes.
 * @param {number | undefined} basePort - --base-port.
 * @param {boolean} standin - whether the stand-in needs a port.
 * @returns {Promise<{web: number[], cluster: number[], standin: number | undefined}>} ports.
 */
async function choosePorts(nodes, basePort, standin) {
  const count = 2 * nodes + (standin ? 1 : 0)
  let ports
  if (basePort === undefined) {
    ports = await freePorts(count)
  } else {
    ports = Array.from({ length: count }, (_, i) => basePort + i)
    if ((ports.at(-1) ?? 0) > 65535) {
      throw new ScriptError(`--base-port ${basePort} leaves no room for ${count} ports`)
    }
    for (const port of ports) {
      if (!(await portFree(port))) {
        throw new ScriptError(
          `port ${port} on 127.0.0.1 is in use; choose another --base-port, or leave it out to use free ports`
        )
      }
    }
  }
  return {
    web: ports.slice(0, nodes),
    cluster: ports.slice(nodes, 2 * nodes),
    standin: standin ? ports[2 * nodes] : undefined,
  }
}

/**
 * withoutConsulEnv drops CONSUL_* variables, so a shell's CONSUL_HTTP_TOKEN or TLS settings for
 * a real Consul do not reach processes that talk to the stand-in.
 *
 * @returns {NodeJS.ProcessEnv} the environment.
 */
function withoutConsulEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONSUL_')))
}

/**
 * spawnDetached starts a process in its own process group with its output in `log`, so it
 * outlives this script and a Ctrl-C in this terminal.
 *
 * @param {string[]} args - node's arguments.
 * @param {string} log - the log file (truncated).
 * @param {NodeJS.ProcessEnv} env - the environment.
 * @returns {{pid: number, exited: () => string | undefined}} the pid, and how it ended if it did.
 */
function spawnDetached(args, log, env) {
  const fd = openSync(log, 'w')
  try {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
    })
    /** @type {string | undefined} */
    let ended
    child.once('exit', (code, signal) => {
      ended = signal === null ? `exit code ${code}` : `signal ${signal}`
    })
    child.once('error', (err) => {
      ended = err.message
    })
    child.unref()
    if (child.pid === undefined) {
      throw new ScriptError(`could not start node ${args.join(' ')}`)
    }
    return { pid: child.pid, exited: () => ended }
  } finally {
    closeSync(fd)
  }
}

/**
 * logTail returns the last lines of a log, for a failure message.
 *
 * @param {string} log - the file.
 * @param {number} lines - how many.
 * @returns {string} the lines, indented.
 */
function logTail(log, lines = 15) {
  try {
    const text = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines)
    return text.map((l) => `    ${l}`).join('\n')
  } catch {
    return '    (no log)'
  }
}

/**
 * getJson fetches JSON with a short timeout.
 *
 * @param {string} url - the URL.
 * @param {import('./http-client.mjs').HttpClient} [client] - credentials and CA for the nodes.
 * @returns {Promise<{status: number, body: unknown}>} the status and parsed body (or undefined).
 */
async function getJson(url, client = PLAIN) {
  const { status, text } = await get(url, client)
  let body
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status, body }
}

/**
 * @typedef {object} NodeProbe
 * @property {'down' | 'waiting' | 'ready'} state - not answering, answering but not ready
 *   (no config yet), or ready.
 * @property {string[]} peers - peer names.
 * @property {string} clusterStatus - `ready`, `settling` or `disabled`.
 * @property {string} hash - the config hash it applied.
 * @property {{name: string, hash: string}[]} members - every member's config hash, as it sees it.
 */

/**
 * probeNode asks a node for /-/ready and /api/v2/status.
 *
 * @param {NodeRecord} node - the node.
 * @param {import('./http-client.mjs').HttpClient} [client] - credentials and CA (for nodes
 *   behind --web.config.file).
 * @returns {Promise<NodeProbe>} what it says.
 */
export async function probeNode(node, client = PLAIN) {
  /** @type {NodeProbe} */
  const probe = { state: 'down', peers: [], clusterStatus: '', hash: '', members: [] }
  try {
    const ready = await get(`${node.url}/-/ready`, client)
    const ok = ready.status >= 200 && ready.status < 300
    probe.state = ok ? 'ready' : 'waiting'
    if (!ok) {
      return probe
    }
    const { body } = await getJson(`${node.url}/api/v2/status`, client)
    const status = /** @type {any} */ (body)
    probe.peers = (status?.cluster?.peers ?? []).map((/** @type {any} */ p) => String(p.name))
    probe.clusterStatus = String(status?.cluster?.status ?? '')
    probe.hash = String(status?.alertmesh?.config?.hash ?? '')
    probe.members = (status?.alertmesh?.nodes ?? []).map((/** @type {any} */ m) => ({
      name: String(m.name),
      hash: String(m.hash),
    }))
  } catch {
    // Not listening yet (or not any more), or too slow to answer: reported as its state.
  }
  return probe
}

/**
 * describeProbe renders one node's state for progress lines.
 *
 * @param {NodeRecord} node - the node.
 * @param {NodeProbe} probe - its state.
 * @param {number} size - the cluster size.
 * @returns {string} e.g. `n0 ready, 2/3 peers`.
 */
function describeProbe(node, probe, size) {
  switch (probe.state) {
    case 'down':
      return `${node.name} starting`
    case 'waiting':
      return `${node.name} waiting for its config`
    default:
      return `${node.name} ${probe.clusterStatus === 'ready' ? 'ready' : probe.clusterStatus}, ${probe.peers.length}/${size} peers`
  }
}

/**
 * @typedef {object} StartOptions
 * @property {number} nodes - how many nodes.
 * @property {string | undefined} consul - an existing Consul's address, or undefined for the
 *   stand-in.
 * @property {string} config - the config file to push.
 * @property {string[]} templates - template files to push with it.
 * @property {boolean} push - whether to push the config (always true with the stand-in).
 * @property {string} dir - the cluster's directory.
 * @property {number | undefined} basePort - the first port, or undefined for free ports.
 * @property {string} prefix - the KV prefix, also the service name the nodes register as.
 * @property {string[]} nodeArgs - extra flags for every node.
 * @property {string} [webConfig] - a --web.config.file for every node (TLS, basic auth).
 * @property {string} [httpConfig] - how the script reaches such nodes (amtool's
 *   --http.config.file format: basic_auth, tls_config).
 * @property {number} timeoutMs - how long to wait for the cluster to form.
 * @property {AbortSignal} [signal] - aborts the start (Ctrl-C): what started is stopped.
 */

/**
 * startCluster starts the stand-in (without --consul), pushes the config, starts the nodes
 * detached and waits until every node is ready, sees all N peers and runs the same config.
 * When anything fails, what it started is stopped again and pids.json removed.
 *
 * @param {StartOptions} options - what to start.
 * @returns {Promise<ClusterRecord>} the running cluster, as recorded in pids.json.
 */
export async function startCluster(options) {
  const { dir, nodes: size } = options
  await mkdir(dir, { recursive: true })
  await assertNotRunning(dir)
  const standin = options.consul === undefined
  const ports = await choosePorts(size, options.basePort, standin)
  const env = standin ? withoutConsulEnv() : process.env
  /** @type {ClusterRecord} */
  const record = {
    startedAt: new Date().toISOString(),
    dir,
    prefix: options.prefix,
    consul: {
      address: options.consul ?? `127.0.0.1:${ports.standin}`,
      standin,
      pid: null,
      log: null,
      markers: [],
    },
    nodes: [],
    configHash: null,
    ...(options.webConfig === undefined ? {} : { webConfig: options.webConfig }),
    ...(options.httpConfig === undefined ? {} : { httpConfig: options.httpConfig }),
  }
  const client = loadHttpClient(options.httpConfig)
  const scheme = webScheme(options.webConfig)
  const save = () => writeFile(join(dir, 'pids.json'), `${JSON.stringify(record, null, 2)}\n`)
  /** @type {Map<string, () => string | undefined>} */
  const exits = new Map()
  const started = Date.now()
  try {
    if (standin) {
      const log = join(dir, 'consul.log')
      const listen = `127.0.0.1:${ports.standin}`
      step(`starting the Consul stand-in on ${listen} (log ${shown(log)})`)
      const { pid, exited } = spawnDetached([STANDIN_JS, '--listen', listen], log, env)
      record.consul = { ...record.consul, pid, log, markers: [STANDIN_JS, listen] }
      exits.set('consul stand-in', exited)
      await save()
      await waitUntil(options, 15_000, async () => {
        const end = exited()
        if (end !== undefined) {
          throw new ScriptError(`the Consul stand-in ended (${end}):\n${logTail(log)}`)
        }
        try {
          return (await getJson(`http://${listen}/v1/status/leader`)).status === 200
        } catch {
          return false
        }
      })
    } else {
      step(`using Consul at ${record.consul.address} (KV prefix ${options.prefix})`)
    }
    if (standin || options.push) {
      record.configHash = await checkAndPush(shown(options.config), options.templates, {
        address: record.consul.address,
        prefix: options.prefix,
        env,
      })
      await save()
    }
    step(
      `starting ${size} node(s): web ports ${ports.web.join(', ')}, cluster ports ${ports.cluster.join(', ')}`
    )
    for (let i = 0; i < size; i++) {
      const name = `n${i}`
      const webPort = /** @type {number} */ (ports.web[i])
      const clusterPort = /** @type {number} */ (ports.cluster[i])
      const storage = join(dir, name)
      const log = join(dir, `${name}.log`)
      const url = `${scheme}://127.0.0.1:${webPort}`
      const storageFlag = `--storage.path=${storage}`
      const args = [
        MAIN_JS,
        `--consul.address=${record.consul.address}`,
        `--consul.kv-prefix=${options.prefix}`,
        `--consul.service-name=${options.prefix}`,
        `--node.name=${name}`,
        storageFlag,
        `--web.listen-address=127.0.0.1:${webPort}`,
        `--web.external-url=${url}/`,
        `--cluster.listen-address=127.0.0.1:${clusterPort}`,
        ...(options.webConfig === undefined ? [] : [`--web.config.file=${options.webConfig}`]),
        ...options.nodeArgs,
      ]
      const { pid, exited } = spawnDetached(args, log, env)
      exits.set(name, exited)
      record.nodes.push({
        name,
        pid,
        url,
        webPort,
        clusterPort,
        storage,
        log,
        markers: [MAIN_JS, storageFlag],
      })
      detail(`${name}: pid ${pid}, ${url}/, cluster 127.0.0.1:${clusterPort}, log ${shown(log)}`)
    }
    await save()
    step(
      `waiting up to ${seconds(options.timeoutMs)} for ${size} ready node(s) that each see ${size} peer(s) and run the same config`
    )
    let last = ''
    await waitUntil(options, options.timeoutMs, async () => {
      for (const node of record.nodes) {
        const end = exits.get(node.name)?.()
        if (end !== undefined) {
          throw new ScriptError(`${node.name} ended (${end}); its log:\n${logTail(node.log)}`)
        }
      }
      const probes = await Promise.all(record.nodes.map((n) => probeNode(n, client)))
      const line = record.nodes.map((n, i) => describeProbe(n, probes[i], size)).join('; ')
      if (line !== last) {
        detail(`+${seconds(Date.now() - started)}  ${line}`)
        last = line
      }
      const hashes = new Set(probes.map((p) => p.hash))
      return probes.every(
        (p) => p.state === 'ready' && p.clusterStatus === 'ready' && p.peers.length === size
      ) &&
        hashes.size === 1 &&
        (record.configHash === null || hashes.has(record.configHash))
        ? true
        : line
    }).catch((err) => {
      if (err instanceof TimeoutError) {
        const waiting = last.includes('waiting for its config')
          ? `; nodes wait for a config at ${options.prefix}/config: push one with \`node ${script('push-config.mjs')} FILE --consul ${record.consul.address}${options.prefix === 'alertmesh' ? '' : ` --prefix ${options.prefix}`}\``
          : ''
        throw new ScriptError(
          `the cluster did not form within ${seconds(options.timeoutMs)} (${last})${waiting}; logs in ${shown(dir)}/n*.log`
        )
      }
      throw err
    })
    step(`cluster of ${size} node(s) is up after ${seconds(Date.now() - started)}`)
    return record
  } catch (err) {
    const aborted = options.signal?.aborted === true
    process.stderr.write(
      `${aborted ? 'interrupted' : 'start failed'}: stopping what was started (logs stay in ${shown(dir)})\n`
    )
    await stopRecorded(record, 10_000)
    await rm(join(dir, 'pids.json'), { force: true })
    throw err
  }
}

/** TimeoutError is waitUntil's timeout, told apart from the check's own failures. */
class TimeoutError extends Error {
  name = 'TimeoutError'
}

/**
 * waitUntil polls `check` every 250 ms until it returns true.
 *
 * @param {{signal?: AbortSignal}} options - the abort signal.
 * @param {number} timeoutMs - the deadline.
 * @param {() => Promise<unknown>} check - true when done; anything else is progress.
 */
async function waitUntil(options, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (options.signal?.aborted === true) {
      throw new ScriptError('interrupted')
    }
    if ((await check()) === true) {
      return
    }
    if (Date.now() > deadline) {
      throw new TimeoutError(`timed out after ${seconds(timeoutMs)}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

/**
 * terminate sends SIGTERM to processes, waits for them to exit, and sends SIGKILL to those
 * still running after `timeoutMs`.
 *
 * @param {{name: string, pid: number, markers: string[]}[]} procs - the processes.
 * @param {number} timeoutMs - the grace period.
 */
async function terminate(procs, timeoutMs) {
  const live = procs.filter((p) => isRunning(p.pid, p.markers))
  if (live.length === 0) {
    return
  }
  step(`stopping ${live.map((p) => `${p.name} (pid ${p.pid})`).join(', ')} with SIGTERM`)
  for (const p of live) {
    try {
      process.kill(p.pid, 'SIGTERM')
    } catch {
      // exited meanwhile
    }
  }
  const start = Date.now()
  let remaining = live
  let lastExitMs = 0
  while (remaining.length > 0 && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 100))
    const before = remaining.length
    remaining = remaining.filter((p) => isRunning(p.pid, p.markers))
    if (remaining.length < before) {
      lastExitMs = Date.now() - start
    }
  }
  const stopped = live.filter((p) => !remaining.includes(p))
  if (stopped.length > 0) {
    detail(`${stopped.map((p) => p.name).join(', ')} exited within ${seconds(lastExitMs)}`)
  }
  if (remaining.length === 0) {
    return
  }
  detail(
    `${remaining.map((p) => `${p.name} (pid ${p.pid})`).join(', ')} still running ${seconds(timeoutMs)} after SIGTERM: sending SIGKILL`
  )
  for (const p of remaining) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {
      // exited meanwhile
    }
  }
  const killStart = Date.now()
  while (remaining.length > 0 && Date.now() - killStart < 5000) {
    await new Promise((r) => setTimeout(r, 100))
    remaining = remaining.filter((p) => isRunning(p.pid, p.markers))
  }
  if (remaining.length > 0) {
    throw new ScriptError(
      `${remaining.map((p) => `pid ${p.pid}`).join(', ')} survived SIGKILL; check them with ps`
    )
  }
}

/**
 * stopRecorded stops the recorded nodes first (each deregisters from Consul on SIGTERM), then
 * the stand-in.
 *
 * @param {ClusterRecord} record - the cluster.
 * @param {number} timeoutMs - the grace period before SIGKILL.
 */
async function stopRecorded(record, timeoutMs) {
  await terminate(record.nodes, timeoutMs)
  if (record.consul.pid !== null) {
    await terminate(
      [{ name: 'consul stand-in', pid: record.consul.pid, markers: record.consul.markers }],
      timeoutMs
    )
  }
}

/**
 * stopCluster stops everything DIR/pids.json records and removes it. Idempotent: without a
 * record, or with nothing left running, it only says so.
 *
 * @param {string} dir - the cluster's directory.
 * @param {number} timeoutMs - the grace period before SIGKILL.
 */
export async function stopCluster(dir, timeoutMs) {
  const record = await readRecord(dir)
  if (record === undefined) {
    step(`nothing to stop: no ${shown(join(dir, 'pids.json'))}`)
    return
  }
  if (liveProcesses(record).length === 0) {
    step('none of the recorded processes is running')
  }
  await stopRecorded(record, timeoutMs)
  await rm(join(dir, 'pids.json'), { force: true })
  step(
    `stopped; removed ${shown(join(dir, 'pids.json'))} (logs and node storage stay in ${shown(dir)})`
  )
}

/**
 * printCluster prints the cluster's URLs and what to try with it.
 *
 * @param {ClusterRecord} record - the cluster.
 */
export function printCluster(record) {
  const first = record.nodes[0]
  detail(
    table([
      ['NODE', 'UI', 'API', 'CLUSTER', 'PID', 'LOG'],
      ...record.nodes.map((n) => [
        n.name,
        `${n.url}/`,
        `${n.url}/api/v2/`,
        `127.0.0.1:${n.clusterPort}`,
        String(n.pid),
        shown(n.log),
      ]),
    ])
  )
  detail(
    record.consul.standin
      ? `Consul stand-in: http://${record.consul.address} (pid ${record.consul.pid}, log ${shown(record.consul.log ?? '')})`
      : `Consul: ${record.consul.address}`
  )
  if (record.configHash !== null) {
    detail(`config: ${record.prefix}/config, hash ${record.configHash}`)
  }
  const dirFlag = record.dir === DEFAULT_DIR ? '' : ` --dir ${shown(record.dir)}`
  const prefixFlag = record.prefix === 'alertmesh' ? '' : ` --prefix ${record.prefix}`
  const httpFlag =
    record.httpConfig === undefined ? '' : ` --http.config.file=${shown(record.httpConfig)}`
  const curlNote =
    record.httpConfig === undefined
      ? ''
      : `   # with the credentials and CA of ${shown(record.httpConfig)}`
  process.stdout.write(
    [
      '',
      'Try:',
      `  amtool --alertmanager.url=${first?.url ?? ''}${httpFlag} alert add alertname=Test severity=critical`,
      `  amtool --alertmanager.url=${first?.url ?? ''}${httpFlag} cluster show`,
      `  curl -s ${first?.url ?? ''}/api/v2/status${curlNote}`,
      `  node ${script('push-config.mjs')} ${shown(DEFAULT_CONFIG)} --consul ${record.consul.address}${prefixFlag} --wait`,
      `  node ${script('cluster.mjs')} status${dirFlag}`,
      `  ${stopCommand(record.dir)}`,
      '',
    ].join('\n')
  )
}

/**
 * clusterStatus prints every recorded process and what each node reports, then
 * `alertmesh config status`.
 *
 * @param {string} dir - the cluster's directory.
 * @returns {Promise<number>} 0 when every process runs and the nodes agree, else 1.
 */
export async function clusterStatus(dir) {
  const record = await readRecord(dir)
  if (record === undefined) {
    step(
      `no cluster recorded in ${shown(dir)} (no pids.json); start one with \`node ${script('cluster.mjs')} start\``
    )
    return 1
  }
  const size = record.nodes.length
  const client = loadHttpClient(record.httpConfig)
  step(
    `cluster in ${shown(dir)}, started ${record.startedAt}; Consul ${record.consul.standin ? 'stand-in ' : ''}at ${record.consul.address}, prefix ${record.prefix}`
  )
  const probes = await Promise.all(
    record.nodes.map((n) =>
      isRunning(n.pid, n.markers)
        ? probeNode(n, client)
        : Promise.resolve(/** @type {NodeProbe | undefined} */ (undefined))
    )
  )
  const rows = record.nodes.map((n, i) => {
    const p = probes[i]
    return [
      n.name,
      String(n.pid),
      p === undefined ? 'exited' : p.state === 'down' ? 'not answering' : 'running',
      `${n.url}/`,
      p === undefined || p.state !== 'ready' ? '-' : `${p.peers.length}/${size}`,
      p === undefined
        ? '-'
        : p.state === 'waiting'
          ? 'waiting for config'
          : p.state === 'ready'
            ? p.clusterStatus
            : '-',
      p?.hash === '' || p === undefined ? '-' : p.hash,
    ]
  })
  const consulRunning =
    !record.consul.standin || isRunning(record.consul.pid, record.consul.markers)
  if (record.consul.standin) {
    rows.push([
      'consul',
      String(record.consul.pid),
      consulRunning ? 'running' : 'exited',
      `http://${record.consul.address}/`,
      '',
      '',
      '',
    ])
  }
  detail(table([['NAME', 'PID', 'PROCESS', 'URL', 'PEERS', 'CLUSTER', 'CONFIG'], ...rows]))
  const hashes = new Set(probes.map((p) => p?.hash))
  const healthy =
    consulRunning &&
    probes.every(
      (p) => p?.state === 'ready' && p.clusterStatus === 'ready' && p.peers.length === size
    ) &&
    hashes.size === 1
  if (consulRunning) {
    const status = await configStatus({
      address: record.consul.address,
      prefix: record.prefix,
      env: record.consul.standin ? withoutConsulEnv() : process.env,
    })
    step('alertmesh config status')
    detail(status.text)
  }
  step(
    healthy
      ? `all ${size} node(s) ready, each with ${size} peer(s), on config ${[...hashes][0] ?? ''}`
      : 'not healthy: see the table above and the logs in ' + shown(dir)
  )
  return healthy ? 0 : 1
}

/**
 * resolvePath resolves a path given on the command line against the working directory.
 *
 * @param {string} path - the argument.
 * @returns {string} the absolute path.
 */
export function resolvePath(path) {
  return resolve(process.cwd(), path)
}
