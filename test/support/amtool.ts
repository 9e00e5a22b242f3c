import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const exec = promisify(execFile)

/** AMTOOL is Debian's amtool 0.25 (package `prometheus-alertmanager`). */
export const AMTOOL = '/usr/bin/amtool'

/** AmtoolAnswer is what an amtool run printed and how it exited. */
export interface AmtoolAnswer {
  readonly stdout: string
  readonly code: number
}

/**
 * amtoolRoutesTest runs `amtool config routes test` offline on a config file: amtool prints the
 * receivers the labels reach, joined by `,`.
 *
 * @param configFile - the config file (the one the node under test runs).
 * @param labels - amtool's label arguments, e.g. `['service=db', 'severity="page"']`.
 * @param verifyReceivers - passed as `--verify.receivers`: amtool then also exits non-zero when
 *   its receivers differ.
 * @returns its output and exit code (a failed run is returned, not thrown).
 */
export async function amtoolRoutesTest(
  configFile: string,
  labels: readonly string[],
  verifyReceivers?: string
): Promise<AmtoolAnswer> {
  const args = [
    'config',
    'routes',
    'test',
    `--config.file=${configFile}`,
    ...(verifyReceivers === undefined ? [] : [`--verify.receivers=${verifyReceivers}`]),
    ...labels,
  ]
  try {
    const { stdout } = await exec(AMTOOL, args, { timeout: 30_000 })
    return { stdout, code: 0 }
  } catch (err: unknown) {
    const failed = err as { stdout?: string; code?: number }
    return { stdout: failed.stdout ?? '', code: failed.code ?? -1 }
  }
}
