// The notification errors both nodes of a side-by-side run logged, so the differential tests
// compare the reasons (status, response text, template message) next to the requests.
import assert from 'node:assert/strict'

import type { SideBySide } from './side-by-side.js'
import { waitFor } from './wait.js'

/** The two log lines of 0.25's notify pipeline that carry an integration's error. */
const MESSAGES = ['msg="Notify for alerts failed"', 'msg="Notify attempt failed, will retry later"']

/**
 * notifyErrors takes the `err` value of every failed-notification line of a node's logfmt
 * output (0.25's dispatcher and RetryStage lines), sorted: groups fail concurrently.
 *
 * @param output - the node's stdout and stderr.
 * @returns the error texts.
 */
export function notifyErrors(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => MESSAGES.some((m) => line.includes(m)))
    .map((line) => /\berr="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line)
    .sort()
}

/**
 * assertSameNotifyErrors waits until both nodes logged the same notification errors, and at
 * least `count` of them.
 *
 * @param run - the side-by-side run.
 * @param count - how many errors Alertmanager logs.
 */
export async function assertSameNotifyErrors(run: SideBySide, count: number): Promise<void> {
  let last: { am: string[]; mesh: string[] } | undefined
  try {
    await waitFor('the same notification errors', () => {
      const [am, mesh] = [notifyErrors(run.am.node.output), notifyErrors(run.mesh.node.output)]
      last = { am, mesh }
      return am.length >= count && JSON.stringify(am) === JSON.stringify(mesh) ? true : undefined
    })
  } catch {
    assert.deepEqual(last?.mesh, last?.am, `notification errors (want ${count})`)
    assert.fail(`fewer than ${count} notification errors: ${JSON.stringify(last)}`)
  }
}
