// PagerDuty events from alertmesh match Alertmanager 0.25's byte for byte: Events API v2 with
// the defaults, with every optional field set, with a custom template file, with the global
// pagerduty_url, with a routing key file, with a summary past 1024 runes and with details too
// big for an event; groups of 1 and 60 alerts with unicode, quotes and HTML in their labels;
// firing, then resolved.
//
// Events API v1 (`service_key`, inline or from a file) goes to PagerDuty's fixed https endpoint:
// each node reaches it through its capture server as `proxy_url`, which terminates the CONNECT
// tunnel with a certificate for events.pagerduty.com from a CA both nodes trust via ca_file.
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
import { assertSameShownConfig, shownConfigs } from '../../support/shown-config.js'
import {
  assertSameRequest,
  assertSameRequests,
  sideBySideForSuite,
} from '../../support/side-by-side.js'
import type { CapturedRequest, Reply } from '../../support/side-by-side.js'
import { tunnelCertificate } from '../../support/tunnel-certificate.js'

import { oneAndSixty } from './alerts.js'
import { fanOutRoutes } from './by-path.js'

const CUSTOM_TMPL = `{{ define "pd.custom" }}{{ .Status | toUpper }} <{{ .CommonLabels.alertname }}> {{ range .Alerts }}{{ .Labels.instance }}={{ .Annotations.summary }} {{ end }}{{ end }}
{{ define "pd.details" }}{{ range .Alerts.Firing }}{{ .Labels.note }};{{ end }}{{ end }}`

function config(keyFile: string): string {
  return `
global:
  pagerduty_url: '{{CAPTURE}}/global/enqueue'
templates: ['custom.tmpl']
${fanOutRoutes(['defaults', 'full', 'custom', 'global', 'keyfile', 'long', 'huge'], { wait: '3s', interval: '3s', repeat: '1h' })}
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
  - name: huge
    pagerduty_configs:
      - url: '{{CAPTURE}}/huge'
        routing_key: 'rk-huge'
        details: {big: '${'é'.repeat(260_000)}'}
`
}

const PATHS = [
  '/defaults',
  '/full?x=1&y=%20z',
  '/custom',
  '/global/enqueue',
  '/keyfile',
  '/long',
  '/huge',
]

/**
 * eventKey names a request by its path, its routing or service key, its dedup key (the group:
 * v2's dedup_key, v1's incident_key) and its action.
 */
function eventKey(request: CapturedRequest): string {
  const event = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
  const group = event['dedup_key'] ?? event['incident_key']
  const action = event['event_action'] === '' ? event['event_type'] : event['event_action']
  // Routes without matchers share a key, so the group is only unique with the receiver's key.
  const key = event['routing_key'] ?? event['service_key']
  return `${request.path} ${String(key)} ${String(group)} ${String(action)}`
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
  const run = sideBySideForSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-diff-'))
    const keyFile = join(dir, 'routing.key')
    await writeFile(keyFile, ' rk-from-file \n')
    return {
      config: config(keyFile),
      templates: { 'custom.tmpl': CUSTOM_TMPL },
    }
  })

  it('shows the same config before any event, keys as <secret>', async () => {
    const shown = await assertSameShownConfig(run())
    assert.ok(shown.includes('routing_key: <secret>'), shown)
  })

  it('sends the same v2 events, firing and then resolved', async () => {
    const firing = oneAndSixty(new Date().toISOString())
    await run().post(firing)
    // Seven receivers, two groups each.
    const [firingAm, firingMesh] = await run().waitForRequests(14)
    assertSameEvents(firingAm, firingMesh)
    assert.deepEqual([...new Set(firingAm.map((r) => r.path))].sort(), [...PATHS].sort())
    // The summary past 1024 runes is cut with the marker on both.
    assert.ok(firingAm.some((r) => r.path === '/long' && r.body.toString('utf8').includes('…')))
    // Details of 520000 bytes make the event too big: both replace them with the same notice.
    const huge = firingAm.filter((r) => r.path === '/huge')
    assert.ok(huge.every((r) => r.body.includes('Custom details have been removed')))

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(firing.map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run().waitForRequests(28)
    assertSameEvents(am.slice(14), mesh.slice(14))
    await assertSameNotificationMetrics(run(), 'pagerduty', { notifications: 28, failed: 0 })
    // Summaries past 1024 runes and events past 512000 bytes, firing and resolved alike.
    await assertSameTruncationWarnings(run(), 8)
    assert.ok(am.slice(14).every((r) => eventKey(r).endsWith(' resolve')))
  })

  // Known difference: 0.25's notifyV2 defaults the severity by writing `error` into the live
  // config (n.conf.Severity), so once a v2 event went out its /api/v2/status shows
  // `severity: error` in every v2 entry that had none; alertmesh's shown config stays as loaded.
  it('shows the same config but for the severity 0.25 writes into it when sending', async () => {
    const [am, mesh] = await shownConfigs(run())
    const written = '    severity: error\n'
    assert.ok(am.includes(written))
    assert.equal(mesh, am.replaceAll(written, ''))
  })
})

function v1Config(caFile: string, keyFile: string): string {
  const http = `http_config: {proxy_url: '{{CAPTURE}}', tls_config: {ca_file: '${caFile}'}}`
  return `
templates: ['custom.tmpl']
${fanOutRoutes(['v1', 'v1full', 'v1file'], { wait: '3s', interval: '3s', repeat: '1h' })}
receivers:
  - name: v1
    pagerduty_configs:
      - service_key: 'sk-defaults'
        ${http}
  - name: v1full
    pagerduty_configs:
      - service_key: 'sk-{{ .GroupLabels.alertname }}'
        client: 'Client "{{ .Receiver }}" <&>'
        client_url: '{{ .ExternalURL }}/?r={{ .Receiver | urlquery }}'
        description: '{{ range .Alerts }}{{ .Labels.instance }} « {{ .Labels.note }} » {{ end }}'
        details:
          custom: '{{ template "pd.custom" . }}'
          empty: ''
        # v2-only fields, ignored by v1.
        severity: critical
        class: disk
        ${http}
  - name: v1file
    pagerduty_configs:
      - service_key_file: '${keyFile}'
        ${http}
`
}

describe('side by side with Alertmanager 0.25: pagerduty v1', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-v1-diff-'))
    const { caFile, ...connectTLS } = await tunnelCertificate(dir, ['events.pagerduty.com'])
    const keyFile = join(dir, 'service.key')
    await writeFile(keyFile, '\tsk-from-file\n')
    return {
      config: v1Config(caFile, keyFile),
      templates: { 'custom.tmpl': CUSTOM_TMPL },
      connectTLS,
    }
  })

  it('sends the same v1 events to the fixed endpoint, firing and then resolved', async () => {
    const firing = oneAndSixty(new Date().toISOString())
    await run().post(firing)
    // Three receivers, two groups each.
    const [firingAm, firingMesh] = await run().waitForRequests(6)
    assertSameEvents(firingAm, firingMesh)
    assert.ok(firingAm.every((r) => r.path === '/generic/2010-04-15/create_event.json'))
    assert.ok(firingAm.some((r) => r.body.toString('utf8').includes('…')))

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(firing.map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run().waitForRequests(12)
    assertSameEvents(am.slice(6), mesh.slice(6))
    await assertSameNotificationMetrics(run(), 'pagerduty', { notifications: 12, failed: 0 })
    // The v1 description past 1024 runes.
    await assertSameTruncationWarnings(run(), 2)
    assert.ok(am.slice(6).every((r) => eventKey(r).endsWith(' resolve')))
  })

  it('shows the same config, keys as <secret>', async () => {
    const shown = await assertSameShownConfig(run())
    assert.ok(shown.includes('service_key: <secret>'), shown)
  })
})

/**
 * rateLimitedOnce answers 429 to the first request to /limited of each capture server (told
 * apart by the Host header), and 400 with PagerDuty's JSON to every request to /invalid.
 */
function rateLimitedOnce(): (request: CapturedRequest) => Reply {
  const limited = new Set<string>()
  return (request) => {
    if (request.path.startsWith('/invalid')) {
      return {
        status: 400,
        body: '{"status":"invalid event","message":"Event object is invalid","errors":["\'routing_key\' is invalid"]}',
      }
    }
    const server = String(request.headers.host)
    if (request.path.startsWith('/limited') && !limited.has(server)) {
      limited.add(server)
      return {
        status: 429,
        body: '{"status":"throttle event","message":"Requests for this service are arriving too quickly."}',
      }
    }
    return { status: 202, body: '{"status":"success","message":"Event processed"}' }
  }
}

describe('side by side with Alertmanager 0.25: pagerduty errors', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite({
    config: `
${fanOutRoutes(['limited', 'invalid', 'broken'], { wait: '1s', interval: '1h' })}
receivers:
  - name: broken
    pagerduty_configs:
      - {url: '{{CAPTURE}}/broken', routing_key: rk, class: '{{ template "nope" . }}'}
  - name: limited
    pagerduty_configs: [{url: '{{CAPTURE}}/limited', routing_key: rk-limited}]
  - name: invalid
    pagerduty_configs: [{url: '{{CAPTURE}}/invalid', routing_key: rk-invalid}]
`,
    reply: rateLimitedOnce(),
  })

  it('retries a 429, gives up on a 400 and on a template error, and counts them alike', async () => {
    await run().post(oneAndSixty(new Date().toISOString()).slice(0, 1))
    // limited: the 429 and its retry; invalid: one request; broken: none, its class fails.
    const [am, mesh] = await run().waitForRequests(3)
    const byPath = (requests: readonly CapturedRequest[], path: string) =>
      requests.filter((r) => r.path === path)
    assertSameRequests(byPath(am, '/limited'), byPath(mesh, '/limited'))
    assertSameRequests(byPath(am, '/invalid'), byPath(mesh, '/invalid'))
    assert.equal(byPath(am, '/limited').length, 2)
    await assertSameNotificationMetrics(run(), 'pagerduty', { notifications: 3, failed: 2 })
    // The 429 attempt, the final refusal and the template error, in the same words.
    await assertSameNotifyErrors(run(), 3)
    assert.equal(byPath(am, '/broken').length, 0)
    assert.equal(byPath(mesh, '/broken').length, 0)
  })
})
