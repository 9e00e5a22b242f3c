// Starting a process and waiting until it is ready, for the tests, the benchmarks and the
// scripts alike: one poll loop (waitFor), one race of a readiness check against the child's
// exit (untilReady), and one spawn that collects the child's output and kills it when it never
// gets ready (spawnUntilReady). Plain JavaScript, so that scripts run from a clean clone before
// anything is compiled; ready.d.mts types it for TypeScript, which imports it as
// `#scripts/lib/ready.mjs` (package.json "imports").
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

/** OUTPUT_TAIL_CHARS is how much of a child's output a readiness failure quotes. */
const OUTPUT_TAIL_CHARS = 4000

/**
 * waitFor polls a condition until it holds, for events that have no callback to await (a
 * process becoming ready, a file appearing). A check that throws counts as not yet, and its
 * last error is named in the timeout. Fails with `what` after `timeoutMs`, or as soon as
 * `signal` aborts: a poll raced against a process exit must not keep the caller alive for the
 * rest of its timeout once the race is lost.
 *
 * @template T
 * @param {string} what - described in the failure.
 * @param {() => T | undefined | false | Promise<T | undefined | false>} check - returns a
 *   truthy value when done.
 * @param {{timeoutMs?: number, intervalMs?: number, signal?: AbortSignal}} [options] - timeout
 *   (default 10 s), poll interval (default 25 ms) and abort signal.
 * @returns {Promise<T>} the first value other than undefined and false.
 */
export async function waitFor(what, check, options = {}) {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  /** @type {unknown} */
  let lastError
  for (;;) {
    options.signal?.throwIfAborted()
    try {
      const value = await check()
      if (value !== undefined && value !== false) {
        return value
      }
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out waiting for ${what}${detail}`)
    }
    await sleep(options.intervalMs ?? 25)
  }
}

/**
 * httpOk asks once whether a URL answers 2xx, reading the body so the connection is reused.
 *
 * @param {string} url - e.g. `http://127.0.0.1:9093/-/ready`.
 * @param {number} [timeoutMs] - how long the one request may take (default 2 s).
 * @returns {Promise<boolean>} whether it answered 2xx; false when it could not be reached.
 */
export async function httpOk(url, timeoutMs = 2000) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    await res.arrayBuffer()
    return res.ok
  } catch {
    return false
  }
}

/**
 * exitOf resolves when a child process has exited, at once when it already has.
 *
 * @param {import('node:child_process').ChildProcess} child - the process.
 * @returns {Promise<{code: number | null, signal: NodeJS.Signals | null}>} how it ended.
 */
export function exitOf(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal })
    })
  })
}

/**
 * untilReady waits until `check` holds, failing at once when the child exits first (the error
 * quotes its output). It does not stop the child; spawnUntilReady does.
 *
 * @param {import('node:child_process').ChildProcess} child - the process.
 * @param {object} options - what to wait for.
 * @param {string} options.name - what the process is, in messages (`node`, `alertmanager`).
 * @param {() => Promise<boolean> | boolean} options.check - polled until it returns true.
 * @param {string} [options.what] - the condition, in messages (default `<name> ready`).
 * @param {() => string} [options.output] - the child's output so far, for messages.
 * @param {number} [options.timeoutMs] - default 30 s.
 * @param {number} [options.intervalMs] - default 25 ms.
 * @returns {Promise<void>} once ready.
 */
export async function untilReady(child, options) {
  const output = options.output ?? (() => '')
  const exited = exitOf(child).then(({ code, signal }) => {
    throw new Error(
      `${options.name} exited with ${code ?? signal} before it was ready:\n${output()}`
    )
  })
  // The poll stops once the race is decided, so an early exit does not hold the caller open.
  const polling = new AbortController()
  try {
    await Promise.race([
      exited,
      waitFor(options.what ?? `${options.name} ready`, async () => await options.check(), {
        timeoutMs: options.timeoutMs ?? 30_000,
        intervalMs: options.intervalMs ?? 25,
        signal: polling.signal,
      }),
    ])
  } finally {
    polling.abort()
    exited.catch(() => undefined)
  }
}

/**
 * spawnUntilReady spawns a command with its stdout and stderr collected, and waits until
 * `check` holds. A child that exits first, or is not ready in time, fails the call with the end
 * of its output; one still running then is killed with SIGKILL first, so it cannot outlive the
 * caller.
 *
 * @param {string} command - the executable (no shell).
 * @param {readonly string[]} args - its arguments.
 * @param {object} options - how to run it and what ready means.
 * @param {string} options.name - what the process is, in messages.
 * @param {(output: string) => Promise<boolean> | boolean} options.check - polled with the
 *   output collected so far until it returns true: an HTTP probe, or a line the child logs.
 * @param {string} [options.what] - the condition, in messages.
 * @param {NodeJS.ProcessEnv} [options.env] - the environment (default this process's).
 * @param {string} [options.cwd] - the working directory.
 * @param {number} [options.timeoutMs] - default 30 s.
 * @param {number} [options.intervalMs] - default 25 ms.
 * @param {(child: import('node:child_process').ChildProcess, output: () => string) => void}
 *   [options.onSpawn] - told of the child and its output before the wait, e.g. to register it
 *   for clean-up.
 * @returns {Promise<{child: import('node:child_process').ChildProcessByStdio<null,
 *   import('node:stream').Readable, import('node:stream').Readable>, output: () => string,
 *   exited: Promise<{code: number | null, signal: NodeJS.Signals | null}>}>} the running child,
 *   its output so far, and its exit.
 */
export async function spawnUntilReady(command, args, options) {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  })
  let text = ''
  const output = () => text
  child.stdout.on('data', (chunk) => (text += String(chunk)))
  child.stderr.on('data', (chunk) => (text += String(chunk)))
  // A command that cannot be run emits 'error' and never 'exit'.
  const spawnError = await new Promise((resolve) => {
    child.once('spawn', () => {
      resolve(undefined)
    })
    child.once('error', resolve)
  })
  if (spawnError !== undefined) {
    throw new Error(
      `${options.name}: cannot run ${[command, ...args].join(' ')}: ${spawnError instanceof Error ? spawnError.message : String(spawnError)}`,
      { cause: spawnError }
    )
  }
  const exited = exitOf(child)
  options.onSpawn?.(child, output)
  try {
    await untilReady(child, { ...options, check: () => options.check(text), output })
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
    }
    await exited
    const message = err instanceof Error ? err.message : String(err)
    throw new Error(
      `${message}\ncommand: ${[command, ...args].join(' ')}\n${options.name} output:\n${text.slice(-OUTPUT_TAIL_CHARS)}`,
      { cause: err }
    )
  }
  return { child, output, exited }
}
