import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { LoggedProcess } from './logged-process.js'
import { getJson, postAlerts, postSilence, reload } from './node-api.js'
import { freePort } from './ports.js'

/** REPO_ROOT is the repository root (tests run from dist/test/...). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..')

/** MAIN_JS is the built CLI entry point. */
export const MAIN_JS = join(REPO_ROOT, 'dist', 'bin', 'alertmesh.cjs')

/**
 * testEnv is the environment for child processes: the test machine's CONSUL_HTTP_* variables
 * must not turn a file-mode node into a Consul one.
 *
 * @returns process.env without CONSUL_* variables.
 */
export function testEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONSUL_')))
}

/** CommandRun is how one `alertmesh` command ended and what it printed. */
export interface CommandRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * runAlertmesh runs the built `alertmesh` command (e.g. `config push`) to its end.
 *
 * @param args - its arguments.
 * @param env - variables added to {@link testEnv}.
 * @returns its exit code and output.
 */
export function runAlertmesh(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {}
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], {
      env: { ...testEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      resolve({ code, stdout, stderr })
    })
  })
}

/** NodeOptions configure one alertmesh (or Alertmanager) process for a test. */
export interface NodeOptions {
  /** YAML config text (written to the config file; unused in Consul mode). */
  readonly config: string
  /**
   * Consul mode: the node reads its config from this Consul (host:port) instead of the config
   * file, under `kvPrefix`, reporting as `nodeName`.
   */
  readonly consul?: {
    readonly address: string
    readonly nodeName: string
    readonly kvPrefix?: string
  }
  /**
   * Cluster flags (--cluster.listen-address and the rest) replacing the default
   * `--cluster.listen-address=` that disables clustering.
   */
  readonly clusterArgs?: readonly string[]
  /**
   * Whether start waits for /-/ready (default) or only for /-/healthy (a node that waits for
   * its first config).
   *
   * @default true
   */
  readonly waitReady?: boolean
  /** Extra flags. */
  readonly args?: readonly string[]
  /** Route prefix the node serves under (must match a --web.route-prefix in args). */
  readonly routePrefix?: string
  /** Command to run instead of alertmesh (e.g. Debian's Alertmanager for differential tests). */
  readonly command?: readonly string[]
  /** Reuse this node directory (config and storage) instead of a fresh one: a restart. */
  readonly dir?: string
  /**
   * The address the API listens on (a fault test's node has its own in its network namespace).
   *
   * @default '127.0.0.1'
   */
  readonly host?: string
  /** The URL scheme (`https` for a node started with a TLS --web.config.file). */
  readonly scheme?: 'http' | 'https'
  /**
   * How start learns the node is up, given its base URL (e.g. with curl, a CA and credentials
   * for a node behind --web.config.file).
   *
   * @default fetch of /-/ready (or /-/healthy) answering 2xx
   */
  readonly probe?: (base: string) => Promise<boolean>
}

/**
 * TestNode is a real node process (on 127.0.0.1 unless told otherwise) with its own config file
 * and storage dir.
 */
export class TestNode extends LoggedProcess {
  readonly url: string
  readonly dir: string
  readonly configFile: string

  private constructor(url: string, dir: string, configFile: string, child: ChildProcess) {
    super(child)
    this.url = url
    this.dir = dir
    this.configFile = configFile
  }

  /**
   * start spawns a node and waits until it answers /-/ready.
   *
   * @param options - config and flags.
   * @returns the running node.
   */
  static async start(options: NodeOptions): Promise<TestNode> {
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'alertmesh-test-')))
    const configFile = join(dir, 'alertmanager.yml')
    await writeFile(configFile, options.config)
    const port = await freePort()
    const command = options.command ?? [process.execPath, MAIN_JS]
    const child = spawn(
      command[0] as string,
      [
        ...command.slice(1),
        ...(options.consul === undefined
          ? [`--config.file=${configFile}`]
          : [
              `--consul.address=${options.consul.address}`,
              `--node.name=${options.consul.nodeName}`,
              ...(options.consul.kvPrefix === undefined
                ? []
                : [`--consul.kv-prefix=${options.consul.kvPrefix}`]),
            ]),
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=${options.host ?? '127.0.0.1'}:${port}`,
        ...(options.clusterArgs ?? ['--cluster.listen-address=']),
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: testEnv() }
    )
    const base = `${options.scheme ?? 'http'}://${options.host ?? '127.0.0.1'}:${port}${options.routePrefix ?? ''}`
    const node = new TestNode(base, dir, configFile, child)
    const probe = options.waitReady === false ? 'healthy' : 'ready'
    await node.untilReady(
      'node',
      `node ${probe}`,
      async () =>
        options.probe === undefined
          ? (await fetch(`${base}/-/${probe}`)).ok
          : await options.probe(base),
      () => node.kill()
    )
    return node
  }

  /**
   * postAlerts sends alerts to POST /api/v2/alerts.
   *
   * @param alerts - the body (serialised as JSON).
   * @returns the response.
   */
  postAlerts(alerts: unknown): Promise<Response> {
    return postAlerts(this.url, alerts)
  }

  /**
   * postSilence creates or updates a silence through POST /api/v2/silences.
   *
   * @param silence - the body.
   * @returns the response.
   */
  postSilence(silence: unknown): Promise<Response> {
    return postSilence(this.url, silence)
  }

  /**
   * get fetches a path under the node's URL and parses JSON.
   *
   * @param path - e.g. `/api/v2/alerts?active=false`.
   * @returns the parsed body.
   */
  getJson<T = unknown>(path: string): Promise<T> {
    return getJson<T>(this.url, path)
  }

  /**
   * writeConfig replaces the config file (a reload applies it).
   *
   * @param config - the YAML text.
   */
  async writeConfig(config: string): Promise<void> {
    await writeFile(this.configFile, config)
  }

  /** reload asks for POST /-/reload and returns the response. */
  reload(): Promise<Response> {
    return reload(this.url)
  }

  /**
   * kill sends a signal (SIGKILL by default) and waits for the exit, keeping the node's
   * directory so a restart can reuse it.
   *
   * @param signal - the signal.
   * @returns the exit code, or the signal name when killed by one.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string | null> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill(signal)
    }
    const code = await this.exited()
    return code ?? this.process.signalCode
  }

  /**
   * stop sends a signal (SIGTERM by default), waits for the exit and removes the temp dir.
   *
   * @param signal - the signal.
   * @returns the exit code.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill(signal)
    }
    const code = await this.exited()
    await rm(this.dir, { recursive: true, force: true })
    return code
  }
}
