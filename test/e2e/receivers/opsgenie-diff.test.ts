// OpsGenie requests from alertmesh match Alertmanager 0.25's byte for byte, every request of a
// notification in order (create, then with update_alerts the message and description updates;
// close once resolved): with the defaults, with every optional field set, with a custom template
// file, with the global URL and key, with a key file, with a message past 130 runes and with an
// empty description; groups of 1 and 60 alerts with unicode, quotes and HTML in their labels.
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { assertSameNotificationMetrics } from '../../support/notification-metrics.js'
import {
  assertSameNotifyErrors,
  assertSameTruncationWarnings,
} from '../../support/notify-errors.js'
import { assertSameShownConfig } from '../../support/shown-config.js'
import { assertSameRequests, sideBySideForSuite } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply } from '../../support/side-by-side.js'

import { oneAndSixty } from './alerts.js'
import { fanOutRoutes } from './by-path.js'

const CUSTOM_TMPL = `{{ define "og.custom" }}{{ .Status | toUpper }} <{{ .CommonLabels.alertname }}> {{ range .Alerts }}{{ .Labels.instance }} {{ end }}{{ end }}`

function config(keyFile: string): string {
  return `
global:
  opsgenie_api_url: '{{CAPTURE}}/global/'
  opsgenie_api_key: 'global-key'
templates: ['custom.tmpl']
${fanOutRoutes(['defaults', 'full', 'custom', 'global', 'keyfile', 'long', 'updates'], { wait: '3s', interval: '3s', repeat: '1h' })}
receivers:
  - name: defaults
    opsgenie_configs:
      - api_url: '{{CAPTURE}}/defaults'
        api_key: 'key-defaults'
  - name: full
    opsgenie_configs:
      - api_url: '{{CAPTURE}}/full/?x=1&a=b%20c'
        api_key: 'key-{{ .GroupLabels.alertname | len }}'
        message: '{{ .Status }}: {{ .CommonLabels.alertname }} é "q"'
        description: '<{{ len .Alerts }}> alerts & more'
        source: 'src {{ .Receiver }}'
        details:
          extra: '<b>{{ .Status }}</b> & "q" ✓'
          instance: 'overridden'
        entity: 'ent é'
        responders:
          - {id: 'id-{{ .GroupLabels.alertname }}', type: team}
          - {name: 'Ops <1>', type: 'Team'}
          - {username: 'a@b.example', type: user}
          - {name: 'alpha, beta,,gamma ', type: teams}
          - {name: '{{ .CommonLabels.nothere }}', type: '{{ .CommonLabels.nothere }}'}
          - {name: 'esc', type: '{{ "escalation" }}'}
        actions: 'restart,page'
        tags: ' a, b ,{{ .CommonLabels.alertname }},, '
        note: 'note "1" <x>'
        priority: 'P1'
        update_alerts: true
  - name: custom
    opsgenie_configs:
      - api_url: '{{CAPTURE}}/custom/'
        api_key: 'key-custom'
        message: '{{ template "og.custom" . }}'
        description: '{{ template "og.custom" . }}'
  - name: global
    opsgenie_configs:
      - send_resolved: true
  - name: keyfile
    opsgenie_configs:
      - api_url: '{{CAPTURE}}/keyfile/'
        api_key_file: '${keyFile}'
  - name: long
    opsgenie_configs:
      - api_url: '{{CAPTURE}}/long/'
        api_key: 'key-long'
        message: '{{ range .Alerts }}{{ .Labels.instance }} « {{ .Labels.note }} » {{ end }}'
  - name: updates
    opsgenie_configs:
      - api_url: '{{CAPTURE}}/updates/'
        api_key: 'key-updates'
        description: ''
        update_alerts: true
`
}

/** Requests per notification of each receiver while firing (update_alerts adds two). */
const PER_FIRING: Readonly<Record<string, number>> = {
  defaults: 1,
  full: 3,
  custom: 1,
  global: 1,
  keyfile: 1,
  long: 1,
  updates: 3,
}
const FIRING_REQUESTS = 2 * Object.values(PER_FIRING).reduce((a, b) => a + b, 0)
const RESOLVED_REQUESTS = 2 * Object.keys(PER_FIRING).length

/** notification names a request by its receiver (first path segment) and alert alias. */
function notification(request: CapturedRequest): string {
  const receiver = request.path.split('/')[1] ?? ''
  const inPath = /\/v2\/alerts\/([0-9a-f]{64})\//.exec(request.path)?.[1]
  const alias =
    inPath ??
    String((JSON.parse(request.body.toString('utf8')) as Record<string, unknown>)['alias'])
  return `${receiver} ${alias}`
}

/**
 * assertSameNotifications compares the requests of each notification in their order: groups
 * and receivers flush concurrently, so the two nodes may interleave them differently, but the
 * requests of one notification are sent one after the other.
 */
function assertSameNotifications(am: readonly CapturedRequest[], mesh: readonly CapturedRequest[]) {
  const group = (requests: readonly CapturedRequest[]) => {
    const groups = new Map<string, CapturedRequest[]>()
    for (const r of requests) {
      groups.set(notification(r), [...(groups.get(notification(r)) ?? []), r])
    }
    return groups
  }
  const [amGroups, meshGroups] = [group(am), group(mesh)]
  assert.deepEqual([...meshGroups.keys()].sort(), [...amGroups.keys()].sort())
  for (const [key, requests] of amGroups) {
    assertSameRequests(requests, meshGroups.get(key) ?? [])
  }
  return amGroups
}

describe('side by side with Alertmanager 0.25: opsgenie', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'og-diff-'))
    const keyFile = join(dir, 'api.key')
    // No newline: 0.25 sends the file's content untrimmed, and a newline in a header value
    // fails the request on both sides (with different texts).
    await writeFile(keyFile, 'key-from-file')
    return {
      config: config(keyFile),
      templates: { 'custom.tmpl': CUSTOM_TMPL },
    }
  })

  it('sends the same requests, in order, firing and then resolved', async () => {
    const firing = oneAndSixty(new Date().toISOString())
    await run().post(firing)
    const [firingAm, firingMesh] = await run().waitForRequests(FIRING_REQUESTS)
    const groups = assertSameNotifications(firingAm, firingMesh)
    for (const [key, requests] of groups) {
      const receiver = key.split(' ')[0] ?? ''
      assert.equal(requests.length, PER_FIRING[receiver], key)
    }
    // The update requests are PUTs, the message past 130 runes is cut with the marker.
    assert.ok(firingAm.some((r) => r.method === 'PUT' && r.path.startsWith('/full/')))
    assert.ok(firingAm.some((r) => r.path.startsWith('/long/') && r.body.includes('…')))

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(firing.map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run().waitForRequests(FIRING_REQUESTS + RESOLVED_REQUESTS)
    const closes = am.slice(FIRING_REQUESTS)
    assertSameNotifications(closes, mesh.slice(FIRING_REQUESTS))
    assert.ok(closes.every((r) => r.path.includes('/close?')))
    await assertSameNotificationMetrics(run(), 'opsgenie', { notifications: 28, failed: 0 })
    // The message past 130 runes, logged under `alert`.
    await assertSameTruncationWarnings(run(), 1)
  })

  it('shows the same config, keys as <secret>', async () => {
    const shown = await assertSameShownConfig(run())
    assert.ok(shown.includes('opsgenie_api_key: <secret>'), shown)
    assert.ok(shown.includes('api_key: <secret>'), shown)
  })
})

/**
 * rateLimitedOnce answers 429 to the first request to /limited/ of each capture server (told
 * apart by the Host header), and 422 to every request to /invalid/.
 */
function rateLimitedOnce(): (request: CapturedRequest) => Reply {
  const limited = new Set<string>()
  return (request) => {
    if (request.path.startsWith('/invalid/')) {
      return { status: 422, body: '{"message":"Request body is not processable."}' }
    }
    const server = String(request.headers.host)
    if (request.path.startsWith('/limited/') && !limited.has(server)) {
      limited.add(server)
      return { status: 429, body: '{"message":"rate limited"}' }
    }
    return { status: 202, body: '{"result":"Request will be processed"}' }
  }
}

describe('side by side with Alertmanager 0.25: opsgenie errors', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite({
    config: `
${fanOutRoutes(['limited', 'invalid', 'broken'], { wait: '1s', interval: '1h' })}
receivers:
  - name: broken
    opsgenie_configs:
      - {api_url: '{{CAPTURE}}/broken/', api_key: k, note: '{{ template "nope" . }}'}
  - name: limited
    opsgenie_configs:
      - {api_url: '{{CAPTURE}}/limited/', api_key: k, update_alerts: true}
  - name: invalid
    opsgenie_configs:
      - {api_url: '{{CAPTURE}}/invalid/', api_key: k, update_alerts: true}
`,
    reply: rateLimitedOnce(),
  })

  it('retries a 429 from the start, stops at a 422 and at a template error, counting alike', async () => {
    await run().post(oneAndSixty(new Date().toISOString()).slice(0, 1))
    // limited: the create answered 429, then create, message and description; invalid: the
    // create alone, as the first failure ends the attempt and 422 is not retried; broken:
    // nothing, its note fails to render.
    const [am, mesh] = await run().waitForRequests(5)
    const under = (requests: readonly CapturedRequest[], prefix: string) =>
      requests.filter((r) => r.path.startsWith(prefix))
    assertSameRequests(under(am, '/limited/'), under(mesh, '/limited/'))
    assertSameRequests(under(am, '/invalid/'), under(mesh, '/invalid/'))
    assert.deepEqual(
      under(am, '/limited/').map((r) => r.method),
      ['POST', 'POST', 'PUT', 'PUT']
    )
    await assertSameNotificationMetrics(run(), 'opsgenie', { notifications: 3, failed: 2 })
    // The 429 attempt, the final refusal and the template error, in the same words.
    await assertSameNotifyErrors(run(), 3)
    assert.equal(under(am, '/broken/').length, 0)
    assert.equal(under(mesh, '/broken/').length, 0)
  })
})
