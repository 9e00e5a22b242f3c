// The chat receivers' differential tests run one case per receiver, each sending to its own
// path; groups flush concurrently, so requests are compared path by path.
import assert from 'node:assert/strict'
import { it } from 'node:test'

import { assertSameRequests } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply, SideBySide } from '../../support/side-by-side.js'
import { waitFor } from '../../support/wait.js'

/**
 * byPath groups one side's requests by path (and query), in arrival order.
 *
 * @param requests - what one capture server received.
 * @returns the requests per path.
 */
export function byPath(requests: readonly CapturedRequest[]): Map<string, CapturedRequest[]> {
  const paths = new Map<string, CapturedRequest[]>()
  for (const request of requests) {
    paths.set(request.path, [...(paths.get(request.path) ?? []), request])
  }
  return paths
}

/**
 * assertSamePerPath checks that both sides used the same paths and, on each, sent the same
 * requests in the same order (see assertSameRequests).
 *
 * @param am - Alertmanager's requests.
 * @param mesh - alertmesh's requests.
 * @param headers - header names to compare, by default assertSameRequests' own.
 */
export function assertSamePerPath(
  am: readonly CapturedRequest[],
  mesh: readonly CapturedRequest[],
  headers?: readonly string[]
): void {
  const amPaths = byPath(am)
  const meshPaths = byPath(mesh)
  assert.deepEqual([...meshPaths.keys()].sort(), [...amPaths.keys()].sort(), 'paths')
  for (const [path, requests] of amPaths) {
    assertSameRequests(requests, meshPaths.get(path) ?? [], headers)
  }
}

/**
 * assertSameConfigShown checks that both nodes show the same `config.original` in
 * GET /api/v2/status (secrets as `<secret>`, defaults filled in, 0.25's key order), once each
 * side's capture URL and directory are put back as `{{CAPTURE}}` and `{{DIR}}`.
 *
 * @param run - the two nodes.
 */
export async function assertSameConfigShown(run: SideBySide): Promise<void> {
  const [am, mesh] = await Promise.all(
    [run.am, run.mesh].map(async (side) => {
      const response = await fetch(`${side.node.url}/api/v2/status`)
      const status = (await response.json()) as { config: { original: string } }
      return status.config.original
        .replaceAll(side.capture.url, '{{CAPTURE}}')
        .replaceAll(side.node.dir, '{{DIR}}')
    })
  )
  assert.equal(mesh, am)
}

/**
 * assertSameNotificationCounts checks that both nodes count the same notifications and
 * failures for an integration (`alertmanager_notifications_total` and
 * `alertmanager_notifications_failed_total`, with their labels), and that both observed the
 * same number of latencies.
 *
 * @param run - the two nodes.
 * @param integration - the integration label value, e.g. `slack`.
 */
export async function assertSameNotificationCounts(
  run: SideBySide,
  integration: string
): Promise<void> {
  const pattern = new RegExp(
    `^alertmanager_(notifications_total|notifications_failed_total|notification_latency_seconds_count)\\{[^}]*integration="${integration}"[^}]*\\} .*$`,
    'gm'
  )
  const [am, mesh] = await Promise.all(
    [run.am, run.mesh].map(async (side) => {
      const text = await (await fetch(`${side.node.url}/metrics`)).text()
      return [...text.matchAll(pattern)].map((m) => m[0]).sort()
    })
  )
  assert.ok(am !== undefined && am.length > 0, `no ${integration} metrics from Alertmanager`)
  assert.deepEqual(mesh, am)
}

/**
 * caseRoutes is the `route` block of a test whose cases are receivers picked by the `case`
 * label: one group per alertname and case, flushed after 1 s and again every second; the cases
 * in `once` get one attempt only (a failed flush is retried at every group_interval).
 *
 * @param cases - the routed cases (the rest go to `defaults`).
 * @param once - the cases that fail on purpose, routed after the others.
 * @returns the YAML, from `route:` to the last route.
 */
export function caseRoutes(cases: readonly string[], once: readonly string[]): string {
  const route = (c: string, extra = '') =>
    `    - { matchers: ['case="${c}"'], receiver: ${c}${extra} }`
  return [
    'route:',
    '  receiver: defaults',
    '  group_by: [alertname, case]',
    '  group_wait: 1s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    '  routes:',
    ...cases.map((c) => route(c)),
    ...once.map((c) => route(c, ', group_interval: 1h')),
  ].join('\n')
}

/**
 * fanOutRoutes is the `route` block of a test that sends every group to several receivers:
 * each route but the last continues, so each alert reaches all of them.
 *
 * @param receivers - the receivers, the first also the root's.
 * @param timing - the group_wait, group_interval and (if any) repeat_interval lines' values.
 * @returns the YAML, from `route:` to the last route.
 */
export function fanOutRoutes(
  receivers: readonly string[],
  timing: { readonly wait: string; readonly interval: string; readonly repeat?: string }
): string {
  return [
    'route:',
    `  receiver: ${receivers[0] ?? ''}`,
    '  group_by: [alertname]',
    `  group_wait: ${timing.wait}`,
    `  group_interval: ${timing.interval}`,
    ...(timing.repeat === undefined ? [] : [`  repeat_interval: ${timing.repeat}`]),
    '  routes:',
    ...receivers.map(
      (r, i) => `    - {receiver: ${r}${i < receivers.length - 1 ? ', continue: true' : ''}}`
    ),
  ].join('\n')
}

/** FAIL_PATH_PREFIX marks the paths {@link failingReply} answers with a final 400. */
export const FAIL_PATH_PREFIX = '/fail'

/** FAIL_BODY is the 400's body, quoted back in both nodes' errors. */
export const FAIL_BODY = 'invalid_payload <for> "you"'

/**
 * failingReply answers 400 with {@link FAIL_BODY} under {@link FAIL_PATH_PREFIX}, else 200.
 *
 * @param request - the captured request.
 * @returns the answer.
 */
export function failingReply(request: CapturedRequest): Reply {
  return request.path.startsWith(FAIL_PATH_PREFIX)
    ? { status: 400, body: FAIL_BODY }
    : { status: 200 }
}

/**
 * assertSameFailureLogged checks that both nodes logged the given error text for a failed
 * notification.
 *
 * @param run - the two nodes.
 * @param message - the notifier's error, e.g. `unexpected status code 400: …`.
 */
export async function assertSameFailureLogged(run: SideBySide, message: string): Promise<void> {
  // logfmt and JSON both backslash-escape quotes; neither escapes anything else used here.
  const quoted = JSON.stringify(message).slice(1, -1)
  for (const side of [run.am, run.mesh]) {
    await waitFor(`${side.name} logging ${message}`, () =>
      side.node.output.includes(quoted) ? true : undefined
    )
  }
}

/** PostableAlert is the part of a postable alert the differential tests vary. */
export interface PostableAlert {
  readonly labels: Record<string, string>
  readonly annotations: Record<string, string>
}

/**
 * startingNow gives alerts a `startsAt` of now. Post them at once: both nodes flush a new
 * group immediately when its first alert is already older than group_wait, which would race
 * the rest of the POST; a fresh `startsAt` keeps group_wait in force.
 *
 * @param alerts - the alerts.
 * @returns the alerts with `startsAt`.
 */
export function startingNow<T extends PostableAlert>(
  alerts: readonly T[]
): (T & { startsAt: string })[] {
  const startsAt = new Date().toISOString()
  return alerts.map((a) => ({ ...a, startsAt }))
}

/**
 * delivered picks the alerts of every case but `fail` and `broken`, whose flush fails for good:
 * those resolve in a second round.
 *
 * @param alert - an alert with a `case` label.
 * @returns whether its case delivers.
 */
export function delivered(alert: PostableAlert): boolean {
  return !['fail', 'broken'].includes(alert.labels['case'] ?? '')
}

/** Requests is what both capture servers got, Alertmanager's first. */
type Requests = [CapturedRequest[], CapturedRequest[]]

/**
 * postFiringThenResolved runs a chat test's two rounds: it posts `alerts` starting now, waits
 * for `counts.firing` requests on each side and compares them path by path, then posts the
 * alerts `resolves` picks again with `endsAt` now, waits for `counts.total` requests and
 * compares them all.
 *
 * @param run - the two nodes.
 * @param alerts - every case's alerts.
 * @param counts - the requests each side has after the firing round and after both.
 * @param resolves - which alerts are resolved in the second round.
 * @returns each side's requests after the firing round and after both rounds.
 */
export async function postFiringThenResolved<T extends PostableAlert>(
  run: SideBySide,
  alerts: readonly T[],
  counts: { readonly firing: number; readonly total: number },
  resolves: (alert: T) => boolean
): Promise<{ readonly firing: Requests; readonly all: Requests }> {
  const firingAlerts = startingNow(alerts)
  await run.post(firingAlerts)
  const firing = await run.waitForRequests(counts.firing)
  assertSamePerPath(...firing)
  const endsAt = new Date().toISOString()
  await run.post(firingAlerts.filter(resolves).map((a) => ({ ...a, endsAt })))
  const all = await run.waitForRequests(counts.total)
  assertSamePerPath(...all)
  return { firing, all }
}

/**
 * assertSameErrorLogged waits for Alertmanager to log a notification error containing
 * `marker`, takes the error as it logged it, and checks that alertmesh logged the same text:
 * for errors whose exact words come from elsewhere (Go's template engine), so the test does
 * not type them by hand.
 *
 * @param run - the two nodes.
 * @param marker - a fragment of the error, as logged.
 */
export async function assertSameErrorLogged(run: SideBySide, marker: string): Promise<void> {
  // logfmt: err="<receiver>/<kind>[i]: notify retry canceled ... attempts: <message>"
  const logged = await waitFor(`Alertmanager logging ${marker}`, () => {
    const line = run.am.node.output.split('\n').find((l) => l.includes(marker))
    return line === undefined ? undefined : /attempts: (.*)"$/.exec(line)?.[1]
  })
  await waitFor(`alertmesh logging ${logged}`, () =>
    run.mesh.node.output.includes(logged) ? true : undefined
  )
}

/**
 * itLogsFailuresAndCountsAlike adds the tests a chat receiver's suite ends with, once its
 * cases were sent: the `fail` case's 400 and the `broken` case's template error (a
 * `{{ template "nope" . }}`) logged alike on both sides, and the same notification counts.
 *
 * @param run - the suite's run.
 * @param integration - the integration label of the counts, e.g. `slack`.
 * @param failure - the error the 400 is logged with.
 * @param broken - what the broken template is, for the test's name.
 */
export function itLogsFailuresAndCountsAlike(
  run: () => SideBySide,
  integration: string,
  failure: string,
  broken = 'a template'
): void {
  it('gives up on a 400 at once, logging the same error', async () => {
    await assertSameFailureLogged(run(), failure)
  })

  it(`fails for good on ${broken} error, logging the same error`, async () => {
    await assertSameErrorLogged(run(), 'template \\"nope\\" not defined')
  })

  it('counts the same notifications in /metrics', async () => {
    await assertSameNotificationCounts(run(), integration)
  })
}
