// Pushover messages from alertmesh match Alertmanager 0.25's byte for byte. 0.25 sends every
// message to Pushover's fixed https endpoint (no api_url in 0.25), with the parameters
// form-encoded in the query string and an empty text/plain body: each node reaches the endpoint
// through its capture server as `proxy_url`, which terminates the CONNECT tunnel with a
// certificate for api.pushover.net from a CA both nodes trust via ca_file. Covered: the
// defaults, every field templated, html, a custom template file, titles, messages and URLs past
// their rune limits, a blank message, fractional retry/expire, send_resolved off; groups of 1
// and 60 alerts with unicode, quotes and HTML in their labels; firing, then resolved; a 5xx
// retried, a 4xx given up on and a template error, with the same logs and metrics.
// No difference from 0.25 is expected.
import assert from 'node:assert/strict'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { assertSameNotificationMetrics } from '../../support/notification-metrics.js'
import {
  assertSameNotifyErrors,
  assertSameTruncationWarnings,
} from '../../support/notify-errors.js'
import { assertSameShownConfig } from '../../support/shown-config.js'
import { assertSameRequest, sideBySideForSuite } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply } from '../../support/side-by-side.js'
import { tunnelCertificate } from '../../support/tunnel-certificate.js'

import { oneAndSixty } from './alerts.js'
import { fanOutRoutes } from './by-path.js'

/** The headers compared: those of notify.PostText, the tunnelled Host and the empty body's. */
const HEADERS = ['content-type', 'user-agent', 'authorization', 'content-length', 'host']

const ENDPOINT = '/1/messages.json?'

const CUSTOM_TMPL = `{{ define "po.title" }}{{ .Status | toUpper }} <{{ .CommonLabels.alertname }}>{{ end }}
{{ define "po.message" }}{{ range .Alerts }}{{ .Labels.instance }}={{ .Annotations.summary }} « {{ .Labels.note }} »
{{ end }}{{ end }}`

function config(caFile: string): string {
  const http = `http_config: {proxy_url: '{{CAPTURE}}', tls_config: {ca_file: '${caFile}'}}`
  // Every user key names its receiver and group, so each request tells which it is.
  const user = (receiver: string): string => `'uk-${receiver}-{{ .GroupLabels.alertname }}'`
  return `
templates: ['custom.tmpl']
${fanOutRoutes(['defaults', 'full', 'html', 'custom', 'long', 'blank', 'noresolve'], { wait: '3s', interval: '3s', repeat: '1h' })}
receivers:
  - name: defaults
    pushover_configs:
      - user_key: ${user('defaults')}
        token: 'tk-defaults'
        ${http}
  - name: full
    pushover_configs:
      - user_key: ${user('full')}
        token: 'tk-{{ .Receiver }}'
        title: '{{ .CommonLabels.alertname }} & "{{ .Status }}" <{{ len .Alerts }}>'
        message: '{{ range .Alerts }}{{ .Labels.instance }} {{ .Labels.note }}; {{ end }}'
        url: 'https://example.com/?a=1&b={{ .GroupLabels.alertname | urlquery }}'
        url_title: 'Runbook é <{{ .Receiver }}>'
        sound: 'siren-{{ .Status }}'
        priority: '{{ if eq .Status "firing" }}1{{ else }}-1{{ end }}'
        retry: 90s
        expire: 2h30m
        ${http}
  - name: html
    pushover_configs:
      - user_key: ${user('html')}
        token: 'tk-html'
        html: true
        message: '<b>{{ .CommonLabels.alertname }}</b> {{ range .Alerts }}{{ .Labels.note }} {{ .Annotations.summary }}{{ end }}'
        ${http}
  - name: custom
    pushover_configs:
      - user_key: ${user('custom')}
        token: 'tk-custom'
        title: '{{ template "po.title" . }}'
        message: '{{ template "po.message" . }}'
        ${http}
  - name: long
    pushover_configs:
      - user_key: ${user('long')}
        token: 'tk-long'
        title: '{{ range .Alerts }}{{ .Labels.instance }} « {{ .Labels.note }} » {{ end }}'
        message: '{{ range .Alerts }}{{ .Labels.note }} 😀 {{ .Annotations.summary }} {{ end }}'
        url: 'https://example.com/{{ range .Alerts }}{{ .Labels.instance }}/{{ .Labels.note }}/{{ end }}'
        ${http}
  - name: blank
    pushover_configs:
      - user_key: ${user('blank')}
        token: 'tk-blank'
        message: '{{ "  \\n\\t " }}'
        retry: 1500ms
        expire: 59.999s
        ${http}
  - name: noresolve
    pushover_configs:
      - user_key: ${user('noresolve')}
        token: 'tk-noresolve'
        send_resolved: false
        ${http}
`
}

/** parameter reads one parameter of a captured message's query. */
function parameter(request: CapturedRequest, name: string): string {
  return new URLSearchParams(request.path.slice(request.path.indexOf('?') + 1)).get(name) ?? ''
}

/** messageKey names a message by its user key (receiver and group) and its token. */
function messageKey(request: CapturedRequest): string {
  return `${parameter(request, 'user')} ${parameter(request, 'token')}`
}

/**
 * assertSameMessages compares the messages one by one, matched by user key: groups flush
 * concurrently, so the two nodes may send them in different orders.
 */
function assertSameMessages(am: readonly CapturedRequest[], mesh: readonly CapturedRequest[]) {
  const byKey = (requests: readonly CapturedRequest[]) =>
    new Map(requests.map((r) => [messageKey(r), r]))
  const [amMessages, meshMessages] = [byKey(am), byKey(mesh)]
  assert.equal(amMessages.size, am.length, 'Alertmanager sent a message twice')
  assert.deepEqual([...meshMessages.keys()].sort(), [...amMessages.keys()].sort())
  for (const [key, request] of amMessages) {
    assertSameRequest(request, meshMessages.get(key) as CapturedRequest, HEADERS, key)
  }
}

describe('side by side with Alertmanager 0.25: pushover', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'po-diff-'))
    const { caFile, ...connectTLS } = await tunnelCertificate(dir, ['api.pushover.net'])
    return {
      config: config(caFile),
      templates: { 'custom.tmpl': CUSTOM_TMPL },
      connectTLS,
    }
  })

  it('shows the same config before any message, keys and tokens as <secret>', async () => {
    const shown = await assertSameShownConfig(run())
    assert.ok(shown.includes('user_key: <secret>'), shown)
    assert.ok(shown.includes('token: <secret>'), shown)
  })

  it('sends the same messages, firing and then resolved', async () => {
    const firing = oneAndSixty(new Date().toISOString())
    await run().post(firing)
    // Seven receivers, two groups each.
    const [firingAm, firingMesh] = await run().waitForRequests(14)
    assertSameMessages(firingAm, firingMesh)
    assert.ok(firingAm.every((r) => r.method === 'POST' && r.path.startsWith(ENDPOINT)))
    assert.ok(firingAm.every((r) => r.body.length === 0))
    // The limits cut with the marker, the blank message replaced, the durations in seconds.
    const long = firingAm.filter((r) => parameter(r, 'user') === 'uk-long-Many')
    assert.deepEqual(
      long.map((r) => ['title', 'message', 'url'].map((p) => Array.from(parameter(r, p)).length)),
      [[250, 1024, 512]]
    )
    assert.ok(long.every((r) => parameter(r, 'title').endsWith('…')))
    const blank = firingAm.filter((r) => parameter(r, 'token') === 'tk-blank')
    assert.deepEqual(
      blank.map((r) => [parameter(r, 'message'), parameter(r, 'retry'), parameter(r, 'expire')]),
      [
        ['(no details)', '1', '59'],
        ['(no details)', '1', '59'],
      ]
    )

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(firing.map((a) => ({ ...a, endsAt })))
    // Six receivers resolve, two groups each; noresolve stays quiet.
    const [am, mesh] = await run().waitForRequests(26)
    assertSameMessages(am.slice(14), mesh.slice(14))
    assert.ok(am.slice(14).every((r) => parameter(r, 'token') !== 'tk-noresolve'))
    // 0.25 counts noresolve's resolved flushes as notifications although it sends nothing.
    await assertSameNotificationMetrics(run(), 'pushover', { notifications: 28, failed: 0 })
    await assertSameTruncationWarnings(run(), 12)
  })
})

/**
 * failingReply answers 500 to the first message for user `uk-retry` that each capture server
 * gets (`sideOf` tells the servers apart: both see the same Host), 400 with Pushover's JSON to
 * every message for `uk-invalid`, and Pushover's success JSON to the rest.
 */
function failingReply(sideOf: (request: CapturedRequest) => string): (r: CapturedRequest) => Reply {
  const retried = new Set<string>()
  return (request) => {
    const user = parameter(request, 'user')
    if (user === 'uk-invalid') {
      return {
        status: 400,
        body: '{"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0,"request":"5042853c"}',
      }
    }
    if (user === 'uk-retry' && !retried.has(sideOf(request))) {
      retried.add(sideOf(request))
      return { status: 500, body: 'upstream <b>down</b>' }
    }
    return { status: 200, body: '{"status":1,"request":"647d2300"}' }
  }
}

describe('side by side with Alertmanager 0.25: pushover errors', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'po-err-'))
    const { caFile, ...connectTLS } = await tunnelCertificate(dir, ['api.pushover.net'])
    const http = `http_config: {proxy_url: '{{CAPTURE}}', tls_config: {ca_file: '${caFile}'}}`
    return {
      config: `
${fanOutRoutes(['retry', 'invalid', 'broken'], { wait: '1s', interval: '1h' })}
receivers:
  - name: retry
    pushover_configs: [{user_key: uk-retry, token: tk, ${http}}]
  - name: invalid
    pushover_configs: [{user_key: uk-invalid, token: tk, ${http}}]
  - name: broken
    pushover_configs:
      - {user_key: uk-broken, token: tk, sound: '{{ template "nope" . }}', url_title: '{{ .Nope }}', ${http}}
`,
      // A request is in its server's list before the reply is asked for.
      reply: failingReply((r) => (run().am.capture.requests.includes(r) ? 'am' : 'mesh')),
      connectTLS,
    }
  })

  it('retries a 5xx, gives up on a 4xx and on a template error, and counts them alike', async () => {
    await run().post(oneAndSixty(new Date().toISOString()).slice(0, 1))
    // retry: the 500 and its retry; invalid: one request; broken: none, its sound fails.
    const [am, mesh] = await run().waitForRequests(3)
    const byUser = (requests: readonly CapturedRequest[], user: string) =>
      requests.filter((r) => parameter(r, 'user') === user)
    for (const user of ['uk-retry', 'uk-invalid']) {
      const [a, m] = [byUser(am, user), byUser(mesh, user)]
      assert.equal(m.length, a.length, user)
      a.forEach((r, i) => {
        assertSameRequest(r, m[i] as CapturedRequest, HEADERS, `${user} ${i}`)
      })
    }
    assert.equal(byUser(am, 'uk-retry').length, 2)
    await assertSameNotificationMetrics(run(), 'pushover', { notifications: 3, failed: 2 })
    // The 500 attempt, the final 400 with Pushover's JSON and the template error, alike.
    await assertSameNotifyErrors(run(), 3)
    assert.equal(byUser(am, 'uk-broken').length, 0)
    assert.equal(byUser(mesh, 'uk-broken').length, 0)
  })
})
