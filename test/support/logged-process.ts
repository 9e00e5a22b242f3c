import type { ChildProcess } from 'node:child_process'

import { untilReady } from './wait.js'

/** LogRecord is one bunyan JSON log line as tests read it. */
export interface LogRecord {
  readonly msg: string
  readonly level: number
  readonly component?: string
  readonly aggrGroup?: string
  readonly [field: string]: unknown
}

/**
 * LoggedProcess is a child process whose stdout and stderr are kept as `output` (for failure
 * messages) and whose exit can be awaited; the test launchers build on it.
 */
export class LoggedProcess {
  readonly process: ChildProcess
  output = ''
  readonly #exit: Promise<number | null>

  /**
   * LoggedProcess's constructor starts collecting the child's output at once, so nothing it
   * prints before its launcher returns is lost.
   *
   * @param child - a process spawned with piped stdout and stderr.
   */
  constructor(child: ChildProcess) {
    this.process = child
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()))
    this.#exit = new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve(code)
      })
    )
  }

  /**
   * logRecords parses the JSON log lines (`--log.format=json`) the process printed, skipping
   * anything else; `fromOffset` (a length of `output` taken earlier) keeps only later lines.
   *
   * @param fromOffset - where in `output` to start.
   * @returns the records, in order.
   */
  logRecords(fromOffset = 0): LogRecord[] {
    return this.output
      .slice(fromOffset)
      .split('\n')
      .flatMap((line) => {
        if (!line.startsWith('{')) {
          return []
        }
        try {
          return [JSON.parse(line) as LogRecord]
        } catch {
          return []
        }
      })
  }

  /** exited resolves with the exit code once the process ends. */
  exited(): Promise<number | null> {
    return this.#exit
  }

  /**
   * untilReady waits until `check` holds, failing at once if the process exits first. A process
   * still running when the wait fails is released with `release` (a server that never got ready
   * would outlive the test file and keep the runner waiting), and the error carries the end of its
   * output, which says why it did not get ready.
   *
   * @param name - what the process is, in messages ("node", "prometheus").
   * @param what - the condition, in messages.
   * @param check - polled until it returns true.
   * @param release - stops a process that did not get ready.
   */
  protected async untilReady(
    name: string,
    what: string,
    check: () => Promise<boolean>,
    release: () => Promise<unknown>
  ): Promise<void> {
    try {
      await untilReady(this.process, { name, what, check, output: () => this.output })
    } catch (err: unknown) {
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        throw err
      }
      await release()
      const message = err instanceof Error ? err.message : String(err)
      throw new Error(`${message}; ${name} output:\n${this.output.slice(-4000)}`, { cause: err })
    }
  }
}

/**
 * flushCount counts a node's "flushing" debug records (`--log.level=debug --log.format=json`)
 * for the group of `alertname` under a route grouped by alertname alone.
 *
 * @param process - the node.
 * @param alertname - the group's alertname.
 * @param fromOffset - a length of `output` taken earlier: count only later flushes.
 * @returns how many flushes of the group began.
 */
export function flushCount(process: LoggedProcess, alertname: string, fromOffset = 0): number {
  const key = `{}:{alertname="${alertname}"}`
  return process.logRecords(fromOffset).filter((r) => r.msg === 'flushing' && r.aggrGroup === key)
    .length
}
