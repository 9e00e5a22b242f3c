import type { ChildProcess } from 'node:child_process'

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

  /** exited resolves with the exit code once the process ends. */
  exited(): Promise<number | null> {
    return this.#exit
  }
}
