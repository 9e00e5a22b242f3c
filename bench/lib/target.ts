/**
 * Starts a benchmark target (Alertmanager or alertmesh) the way an operator would: a temp
 * folder with a config file and a storage dir, a free port on 127.0.0.1, the Alertmanager
 * flags, then GET /-/ready until it answers 200. Stops it with SIGTERM (SIGKILL after a grace
 * period) and removes the temp folder. Children still alive when the benchmark exits are
 * killed, so an interrupted run leaves no process behind.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { freePort } from '#scripts/lib/ports.mjs'
import { httpOk, untilReady } from '#scripts/lib/ready.mjs'

import { readMemory } from './proc.js'
import type { MemorySample } from './proc.js'

/** TargetName names the two implementations the benchmark compares. */
export type TargetName = 'alertmanager' | 'alertmesh'

/** TARGET_NAMES lists every target, in the order they run. */
export const TARGET_NAMES: readonly TargetName[] = ['alertmanager', 'alertmesh']

/** TargetSpec says how to launch one target; the Alertmanager flags are appended to `args`. */
export interface TargetSpec {
  readonly name: TargetName
  /** Executable to spawn (no shell). */
  readonly command: string
  /** Arguments before the Alertmanager flags, e.g. the script path for `node`. */
  readonly args: readonly string[]
  /** A file that must exist before starting, with the hint printed when it does not. */
  readonly requires?: { readonly path: string; readonly hint: string }
}

/**
 * StartOptions configures startTarget: either the webhook sink of the default config
 * (benchConfig), or a whole config of the benchmark's own (the notify benchmark needs email
 * and Slack receivers).
 */
export type StartOptions = {
  /** How long to wait for GET /-/ready to answer 200. */
  readonly readyTimeoutMs: number
  /**
   * Cluster flags in place of the default `--cluster.listen-address=` (clustering off), for
   * benchmarks that run a cluster (Alertmanager refuses a flag given twice).
   */
  readonly clusterArgs?: readonly string[]
} & (
  | {
      /** URL of the webhook sink the target's only receiver posts to. */
      readonly webhookUrl: string
    }
  | {
      /** The config file's text, written as it is. */
      readonly config: string
    }
)

/** ExitInfo is how a target process ended. */
export interface ExitInfo {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** STOP_GRACE_MS is how long a target gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 15_000

/** TAIL_BYTES is how much of a target's stdout+stderr is kept for error messages. */
const TAIL_BYTES = 16_384

/** TAIL_LINES is how many trailing lines of output an error message shows. */
const TAIL_LINES = 25

/** live holds every spawned child and its temp folder, for cleanup at exit. */
const live = new Map<ChildProcess, string>()

/**
 * TargetError reports a target that could not start or died; its message names the command
 * and ends with the tail of the target's output.
 */
export class TargetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TargetError'
  }
}

/** TargetBinaries are the flags that say which binaries a benchmark runs. */
export interface TargetBinaries {
  readonly alertmanagerBin: string
  readonly alertmeshMain: string
  readonly logLevel: 'info' | 'debug'
}

/**
 * targetSpec says how to launch a target, the way an operator starts it.
 *
 * @param name - which one.
 * @param binaries - the Alertmanager binary, alertmesh's command and the log level.
 * @returns the spec.
 */
export function targetSpec(name: TargetName, binaries: TargetBinaries): TargetSpec {
  switch (name) {
    case 'alertmanager':
      return {
        name,
        command: binaries.alertmanagerBin,
        args: [`--log.level=${binaries.logLevel}`],
      }
    case 'alertmesh':
      return {
        name,
        command: process.execPath,
        args: [binaries.alertmeshMain, `--log.level=${binaries.logLevel}`],
        requires: {
          path: binaries.alertmeshMain,
          hint: 'build alertmesh first: npx tsc -p tsconfig.json && node scripts/build-bundle.mjs',
        },
      }
  }
}

/**
 * benchConfig renders the target's Alertmanager configuration: one route grouping by
 * alertname, one webhook receiver, default group_wait (30s) so few notifications happen
 * during a short run.
 *
 * @param webhookUrl - the sink URL.
 * @returns YAML text.
 */
export function benchConfig(webhookUrl: string): string {
  return [
    'global:',
    '  resolve_timeout: 5m',
    'route:',
    '  receiver: bench-sink',
    '  group_by: [alertname]',
    'receivers:',
    '  - name: bench-sink',
    '    webhook_configs:',
    `      - url: ${webhookUrl}`,
    '',
  ].join('\n')
}

/**
 * RunningTarget is one live target process.
 */
export class RunningTarget {
  readonly name: TargetName
  readonly pid: number
  readonly baseUrl: string
  /** The full command line, for messages and the JSON record. */
  readonly commandLine: string
  readonly #child: ChildProcess
  readonly #dir: string
  readonly #exited: Promise<ExitInfo>
  #exit: ExitInfo | undefined
  #output = ''
  #stopping = false

  constructor(name: TargetName, child: ChildProcess, dir: string, port: number, cmd: string) {
    if (child.pid === undefined) {
      throw new TargetError(`${name}: spawned process has no pid`)
    }
    this.name = name
    this.pid = child.pid
    this.baseUrl = `http://127.0.0.1:${port}`
    this.commandLine = cmd
    this.#child = child
    this.#dir = dir
    const keep = (chunk: string): void => {
      this.#output = (this.#output + chunk).slice(-TAIL_BYTES)
    }
    child.stdout?.setEncoding('utf8').on('data', keep)
    child.stderr?.setEncoding('utf8').on('data', keep)
    child.on('error', (err) => {
      keep(`\n[bench] process error: ${err.message}\n`)
    })
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal }
        live.delete(child)
        resolve(this.#exit)
      })
    })
  }

  /** exitInfo is how the process ended, or undefined while it runs. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exit
  }

  /**
   * outputTail returns the last lines the process printed on stdout and stderr.
   *
   * @returns up to TAIL_LINES lines.
   */
  outputTail(): string {
    return this.#output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n')
  }

  /**
   * failure builds a TargetError naming the command, why it failed and the output tail.
   *
   * @param what - what went wrong.
   * @param cause - the underlying error, if any.
   * @returns the error.
   */
  failure(what: string, cause?: unknown): TargetError {
    const tail = this.outputTail()
    return new TargetError(
      `${this.name}: ${what}\n  command: ${this.commandLine}\n  output tail:\n${
        tail === '' ? '    (no output)' : tail.replace(/^/gm, '    ')
      }`,
      cause === undefined ? undefined : { cause }
    )
  }

  /**
   * assertAlive throws when the process has exited, e.g. because it crashed under load.
   *
   * @throws TargetError naming the exit code and the output tail.
   */
  assertAlive(): void {
    if (this.#exit !== undefined && !this.#stopping) {
      throw this.failure(
        `process exited unexpectedly (code ${String(this.#exit.code)}, signal ${String(this.#exit.signal)})`
      )
    }
  }

  /**
   * memory reads the process's RSS from /proc.
   *
   * @returns the sample.
   * @throws TargetError when the process is gone.
   */
  async memory(): Promise<MemorySample> {
    this.assertAlive()
    return readMemory(this.pid)
  }

  /**
   * waitReady polls GET /-/ready until it answers 200.
   *
   * @param timeoutMs - how long to wait.
   * @throws TargetError when the process exits first or the time runs out.
   */
  async waitReady(timeoutMs: number): Promise<void> {
    try {
      await untilReady(this.#child, {
        name: this.name,
        check: () => httpOk(`${this.baseUrl}/-/ready`, 1000),
        timeoutMs,
        intervalMs: 100,
      })
    } catch (err) {
      const exit = this.#exit
      throw this.failure(
        exit === undefined
          ? `not ready after ${timeoutMs} ms (${err instanceof Error ? err.message : String(err)})`
          : `exited before becoming ready (code ${String(exit.code)}, signal ${String(exit.signal)})`,
        err
      )
    }
  }

  /**
   * stop sends SIGTERM, waits up to STOP_GRACE_MS, then SIGKILL; removes the temp folder.
   * Idempotent.
   *
   * @returns how the process ended and whether SIGKILL was needed.
   */
  async stop(): Promise<ExitInfo & { readonly killed: boolean }> {
    this.#stopping = true
    let killed = false
    if (this.#exit === undefined) {
      this.#child.kill('SIGTERM')
      const grace = sleep(STOP_GRACE_MS, 'timeout' as const)
      if ((await Promise.race([this.#exited, grace])) === 'timeout') {
        killed = true
        this.#child.kill('SIGKILL')
      }
    }
    const exit = await this.#exited
    await rm(this.#dir, { recursive: true, force: true })
    return { ...exit, killed }
  }
}

/**
 * startTarget writes the config into a fresh temp folder, spawns the target with the
 * Alertmanager flags and waits until it is ready.
 *
 * @param spec - how to launch it.
 * @param opts - see StartOptions.
 * @returns the running target.
 * @throws TargetError naming the command and the output tail when it does not start.
 */
export async function startTarget(spec: TargetSpec, opts: StartOptions): Promise<RunningTarget> {
  if (spec.requires !== undefined && !existsSync(spec.requires.path)) {
    throw new TargetError(
      `${spec.name}: ${spec.requires.path} does not exist (${spec.requires.hint})`
    )
  }
  const dir = await mkdtemp(join(tmpdir(), `alertmesh-bench-${spec.name}-`))
  const configFile = join(dir, 'config.yml')
  const storage = join(dir, 'data')
  await writeFile(configFile, 'config' in opts ? opts.config : benchConfig(opts.webhookUrl))
  await mkdir(storage)
  const port = await freePort()
  const args = [
    ...spec.args,
    `--config.file=${configFile}`,
    `--storage.path=${storage}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(opts.clusterArgs ?? ['--cluster.listen-address=']),
  ]
  const commandLine = [spec.command, ...args].join(' ')
  const child = spawn(spec.command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  live.set(child, dir)
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => {
      resolve(undefined)
    })
    child.once('error', resolve)
  })
  if (spawned !== undefined) {
    live.delete(child)
    await rm(dir, { recursive: true, force: true })
    throw new TargetError(`${spec.name}: cannot run ${commandLine}: ${spawned.message}`, {
      cause: spawned,
    })
  }
  const target = new RunningTarget(spec.name, child, dir, port, commandLine)
  try {
    await target.waitReady(opts.readyTimeoutMs)
  } catch (err) {
    await target.stop()
    throw err
  }
  return target
}

/**
 * installCleanup kills every live target when the benchmark exits or is interrupted, and
 * removes their temp folders.
 */
export function installCleanup(): void {
  const killAll = (): void => {
    for (const [child, dir] of live) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
    live.clear()
  }
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\ninterrupted by ${signal}: killing targets`)
      killAll()
      process.exit(130)
    })
  }
}
