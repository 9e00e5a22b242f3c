// Types of ready.mjs (see there) for the TypeScript tests and benchmarks.
import type { ChildProcess, ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'

/** WaitOptions bound a waitFor poll. */
export interface WaitOptions {
  /** @defaultValue 10_000 */
  readonly timeoutMs?: number
  /** @defaultValue 25 */
  readonly intervalMs?: number
  readonly signal?: AbortSignal
}

/** ExitInfo is how a child process ended. */
export interface ExitInfo {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** ReadyOptions say what ready means for untilReady. */
export interface ReadyOptions {
  /** What the process is, in messages. */
  readonly name: string
  /** Polled until it returns true. */
  readonly check: () => Promise<boolean> | boolean
  /** The condition, in messages; default `<name> ready`. */
  readonly what?: string
  /** The child's output so far, for messages. */
  readonly output?: () => string
  /** @defaultValue 30_000 */
  readonly timeoutMs?: number
  /** @defaultValue 25 */
  readonly intervalMs?: number
}

/** SpawnReadyOptions say how spawnUntilReady runs a command and what ready means. */
export interface SpawnReadyOptions extends Omit<ReadyOptions, 'output' | 'check'> {
  /** Polled with the output so far until it returns true: an HTTP probe or a logged line. */
  readonly check: (output: string) => Promise<boolean> | boolean
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Told of the child and its output before the wait, e.g. to register it for clean-up. */
  readonly onSpawn?: (child: ChildProcess, output: () => string) => void
}

/** ReadyChild is a child that got ready: the process, its output so far, and its exit. */
export interface ReadyChild {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly output: () => string
  readonly exited: Promise<ExitInfo>
}

export function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options?: WaitOptions
): Promise<T>
export function httpOk(url: string, timeoutMs?: number): Promise<boolean>
export function exitOf(child: ChildProcess): Promise<ExitInfo>
export function untilReady(child: ChildProcess, options: ReadyOptions): Promise<void>
export function spawnUntilReady(
  command: string,
  args: readonly string[],
  options: SpawnReadyOptions
): Promise<ReadyChild>
