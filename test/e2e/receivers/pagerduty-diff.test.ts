/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
// PagerDuty events from alertmesh match Alertmanager 0.25's byte for byte: Events API v2 with
// the defaults, with every optional field set, with a custom template file, with the global
// pagerduty_url, with a routing key file and with a summary past 1024 runes; groups of 1 and 60
// alerts with unicode, quotes and HTML in their labels; firing, then resolved.
//
// Not compared here: Events API v1 (`service_key`), which 0.25 sends to PagerDuty's fixed
// https endpoint, where no capture server can stand; its body is built by the same encoder and
// checked in test/unit/notify/integrations/pagerduty/notifier.test.ts.
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { SideBySide, assertSameRequest } from '../../support/side-by-side.js'
import type { CapturedRequest } from '../../support/side-by-side.js'

const CUSTOM_TMPL = `{{ define "pd.custom" }}{{ .Status | toUpper }} <{{ .CommonLabels.alertname }}> {{ range .Alerts }}{{ .Labels.instance }}={{ .Annotations.summary }} {{ end }}{{ end }}
{{ define "pd.details" }}{{ range .Alerts.Firing }}{{ .Labels.note }};{{ end }}{{ end }}`

function config(keyFile: string): string {
  return `
global:
  pagerduty_url: '{{CAPTURE}}/global/enqueue'
templates: ['custom.tmpl']
route:
  receiver: defaults
  group_by: [alertname]
  group_wait: 3s
  group_interval: 3s
  repeat_interval: 1h
  routes:
    - {receiver: defaults, continue: true}
    - {receiver: full, continue: true}
    - {receiver: custom, continue: true}
    - {receiver: global, continue: true}
    - {receiver: keyfile, continue: true}
    - {receiver: long}
receivers:
  - name: defaults
    pagerduty_configs:
      - url: '{{CAPTURE}}/defaults'
        routing_key: 'rk-defaults'
  - name: full
    pagerduty_configs:
      - url: '{{CAPTURE}}/full?x=1&y=%20z'
        routing_key: 'rk-{{ .CommonLabels.alertname }}'
        client: 'Client "{{ .Receiver }}" <&>'
        client_url: '{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}'
        description: '{{ .Status }}: {{ .CommonLabels.alertname }} ({{ len .Alerts }})'
        details:
          firing: '{{ .Alerts.Firing | len }}'
          extra: '<b>{{ .GroupLabels.alertname }}</b> & "q" ✓'
          empty: ''
        images:
          - {src: 'https://img.example/{{ .GroupLabels.alertname }}.png', alt: 'chart é', href: 'https://h.example/?a=1&b=2'}
          - {src: '', alt: 'dropped because src is empty'}
        links:
          - {href: 'https://runbook.example/{{ .Status }}', text: 'runbook <1>'}
          - {href: '', text: 'dropped because href is empty'}
        source: 'src-{{ .Receiver }}'
        severity: '{{ if eq .Status "firing" }}critical{{ else }}info{{ end }}'
        class: 'disk'
        component: 'storage é'
        group: 'prod'
        send_resolved: true
        http_config:
          authorization: {credentials: 'pd-token'}
  - name: custom
    pagerduty_configs:
      - url: '{{CAPTURE}}/custom'
        routing_key: 'rk-custom'
        description: '{{ template "pd.custom" . }}'
        details:
          notes: '{{ template "pd.details" . }}'
  - name: global
    pagerduty_configs:
      - routing_key: 'rk-global'
  - name: keyfile
    pagerduty_configs:
      - url: '{{CAPTURE}}/keyfile'
        routing_key_file: '${keyFile}'
  - name: long
    pagerduty_configs:
      - url: '{{CAPTURE}}/long'
        routing_key: 'rk-long'
        description: '{{ range .Alerts }}{{ .Labels.instance }} « {{ .Labels.note }} » {{ end }}'
`
}

/**
 * alerts is a group of 1 and a group of 60. They start now: 0.25 flushes a new group at once
 * when its first alert started more than group_wait ago, racing the rest of the POST (seen as
 * [FIRING:27] of 60); a fresh start makes both nodes wait group_wait (3s) for the whole batch.
 * The resolved alerts are posted right after a flush, so the next one is group_interval away.
 */
function alerts(startsAt: string) {
  const single = {
    labels: { alertname: 'Disk<&>', instance: 'a', note: 'é "q" 😀 <b>' },
    annotations: { summary: 'x < y & "z"' },
    startsAt,
  }
  const sixty = Array.from({ length: 60 }, (_, i) => ({
    labels: {
      alertname: 'Many',
      instance: `host-${String(i).padStart(2, '0')}`,
      note: `n°${i} ✓`,
    },
    annotations: { summary: `load ${i} > 1` },
    startsAt,
  }))
  return [single, ...sixty]
}
const PATHS = ['/defaults', '/full?x=1&y=%20z', '/custom', '/global/enqueue', '/keyfile', '/long']

/** eventKey names a request by its path, its dedup key (the group) and its action. */
function eventKey(request: CapturedRequest): string {
  const event = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
  return `${request.path} ${String(event['dedup_key'])} ${String(event['event_action'])}`
}

/**
 * assertSameEvents compares the requests event by event: groups flush concurrently, so the two
 * nodes may send them in different orders.
 */
function assertSameEvents(am: readonly CapturedRequest[], mesh: readonly CapturedRequest[]) {
  const byKey = (requests: readonly CapturedRequest[]) =>
    new Map(requests.map((r) => [eventKey(r), r]))
  const [amEvents, meshEvents] = [byKey(am), byKey(mesh)]
  assert.equal(amEvents.size, am.length, 'Alertmanager sent an event twice')
  assert.deepEqual([...meshEvents.keys()].sort(), [...amEvents.keys()].sort())
  for (const [key, request] of amEvents) {
    assertSameRequest(request, meshEvents.get(key) as CapturedRequest, undefined, key)
  }
}

describe('side by side with Alertmanager 0.25: pagerduty', { timeout: 180_000 }, () => {
  let run: SideBySide
  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-diff-'))
    const keyFile = join(dir, 'routing.key')
    await writeFile(keyFile, ' rk-from-file \n')
    run = await SideBySide.start({
      config: config(keyFile),
      templates: { 'custom.tmpl': CUSTOM_TMPL },
    })
  })
  after(() => run.stop())

  it('sends the same v2 events, firing and then resolved', async () => {
    const firing = alerts(new Date().toISOString())
    await run.post(firing)
    // Six receivers, two groups each.
    const [firingAm, firingMesh] = await run.waitForRequests(12)
    assertSameEvents(firingAm, firingMesh)
    assert.deepEqual([...new Set(firingAm.map((r) => r.path))].sort(), [...PATHS].sort())
    // The summary past 1024 runes is cut with the marker on both.
    assert.ok(firingAm.some((r) => r.path === '/long' && r.body.toString('utf8').includes('…')))

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run.post(firing.map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run.waitForRequests(24)
    assertSameEvents(am.slice(12), mesh.slice(12))
    assert.ok(am.slice(12).every((r) => eventKey(r).endsWith(' resolve')))
  })
})
