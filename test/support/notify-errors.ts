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

/** The fields of 0.25's truncation warnings, in the order they are compared. */
const TRUNCATION_FIELDS = ['msg', 'key', 'incident', 'alert', 'max_runes', 'max_bytes']

/**
 * truncationWarnings takes every `Truncated …` warning of a node's logfmt output as its message
 * and the group key and limit it names (the fields 0.25's notifiers log), sorted.
 *
 * @param output - the node's stdout and stderr.
 * @returns one line per warning.
 */
export function truncationWarnings(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('msg="Truncated '))
    .map((line) =>
      TRUNCATION_FIELDS.flatMap((field) => {
        const value = new RegExp(`(?:^| )${field}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(line)?.[1]
        return value === undefined ? [] : [`${field}=${value}`]
      }).join(' ')
    )
    .sort()
}

/**
 * assertSameTruncationWarnings checks that both nodes logged the same truncation warnings, at
 * least `count` of them.
 *
 * @param run - the side-by-side run.
 * @param count - how many warnings Alertmanager logs at least.
 */
export async function assertSameTruncationWarnings(run: SideBySide, count: number): Promise<void> {
  let last: { am: string[]; mesh: string[] } | undefined
  try {
    await waitFor('the same truncation warnings', () => {
      const am = truncationWarnings(run.am.node.output)
      const mesh = truncationWarnings(run.mesh.node.output)
      last = { am, mesh }
      return am.length >= count && JSON.stringify(am) === JSON.stringify(mesh) ? true : undefined
    })
  } catch {
    assert.deepEqual(last?.mesh, last?.am, `truncation warnings (want ${count})`)
    assert.fail(`fewer than ${count} truncation warnings: ${JSON.stringify(last)}`)
  }
}
