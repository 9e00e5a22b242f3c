// VictorOps side by side with Alertmanager 0.25: each case is a receiver of its own, routed by
// the `case` label and sending to its own path (the API key and routing key are path
// segments), so one pair of nodes runs them all and the requests are compared path by path,
// byte for byte, firing and then resolved. No difference from 0.25 is expected.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { assertSameTruncationWarnings, notifyErrors } from '../../support/notify-errors.js'
import { sideBySideForSuite } from '../../support/side-by-side.js'
import { waitFor } from '../../support/wait.js'

import { alert, chatCases, TRICKY } from './alerts.js'
import {
  assertSameConfigShown,
  byPath,
  caseRoutes,
  failingReply,
  startingNow,
  FAIL_BODY,
  postFiringThenResolved,
  itLogsFailuresAndCountsAlike,
} from './by-path.js'

const CONFIG = `
global:
  # No trailing slash: both append one.
  victorops_api_url: '{{CAPTURE}}/global'
  victorops_api_key: 'global-s3cr3t'
templates: ['custom.tmpl']
${caseRoutes(['sixty', 'every', 'custom', 'long', 'bogus'], ['fail', 'broken'])}
receivers:
  # Every default: URL and API key from global, resolved notifications on.
  - name: defaults
    victorops_configs:
      - routing_key: 'rk-defaults'
  # A group of 60 alerts in the default state message; a routing key Go escapes in the path.
  - name: sixty
    victorops_configs:
      - api_url: '{{CAPTURE}}/sixty/'
        api_key: 'sixty-key'
        routing_key: 'rk {{ .GroupLabels.alertname }} é'
  # Every field set and templated, custom fields sorted among the fixed ones.
  - name: every
    victorops_configs:
      - api_url: '{{CAPTURE}}/every?token=x&y=%20z'
        api_key: 'every-key'
        routing_key: '{{ .CommonLabels.team }}/<{{ .Status }}>?'
        message_type: '{{ if eq .Status "firing" }}WARNING{{ else }}INFO{{ end }}'
        state_message: '{{ range .Alerts }}{{ .Labels.note }} <{{ .Annotations.summary }}>{{ "\\n" }}{{ end }}'
        entity_display_name: '{{ .CommonLabels.alertname }} & "{{ .Status }}"'
        monitoring_tool: 'am {{ .ExternalURL }}'
        custom_fields:
          aa_first: '{{ .Receiver }} <{{ len .Alerts }}>'
          zz_last: '{{ .GroupLabels.SortedPairs.Values | join "," }}'
          empty: ''
          runbook: 'https://runbook.example/{{ .CommonLabels.alertname | urlquery }}'
        http_config:
          authorization: { credentials: 'vo-token' }
  # Fields from a template file; the API key from a file.
  - name: custom
    victorops_configs:
      - api_url: '{{CAPTURE}}/custom'
        api_key_file: '{{DIR}}/vo-key'
        routing_key: 'rk-custom'
        state_message: '{{ template "custom.state" . }}'
        entity_display_name: '{{ template "custom.title" . }}'
        custom_fields: { notes: '{{ template "custom.notes" . }}' }
  # A state message over 20480 runes, truncated with the marker.
  - name: long
    victorops_configs:
      - api_url: '{{CAPTURE}}/long'
        api_key: 'long-key'
        routing_key: 'rk-long'
        state_message: '{{ range .Alerts }}{{ .Labels.long }}{{ end }}'
  # A message type VictorOps does not take for a firing alert: CRITICAL is sent.
  - name: bogus
    victorops_configs:
      - api_url: '{{CAPTURE}}/bogus'
        api_key: 'bogus-key'
        routing_key: 'rk-bogus'
        message_type: 'ACKNOWLEDGEMENT'
        send_resolved: false
  # Answered with a 400.
  - name: fail
    victorops_configs:
      - api_url: '{{CAPTURE}}/fail/'
        api_key: 'fail-s3cr3t'
        routing_key: 'rk-fail'
  # A routing key that fails at notification time: final, nothing sent.
  - name: broken
    victorops_configs:
      - api_url: '{{CAPTURE}}/broken'
        api_key: 'broken-key'
        routing_key: '{{ template "nope" . }}'
`

const TEMPLATE = `
{{ define "custom.title" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join ", " }}{{ end }}
{{ define "custom.state" }}{{ range .Alerts.Firing }}* {{ .Labels.alertname }} <{{ .Labels.note }}> {{ .StartsAt.Format "2006-01-02 15:04:05" }}
{{ end }}{{ range .Alerts.Resolved }}resolved {{ .Labels.quote }}{{ end }}{{ end }}
{{ define "custom.notes" }}{{ .CommonLabels.note }} & {{ .ExternalURL }}{{ end }}
`

const FIRING = [
  ...chatCases(undefined, (i) => ({ note: `n°${i} ✓ "q" <b>` })),
  alert({ alertname: 'Every', case: 'every', team: 'ops é', ...TRICKY }, { summary: 'one <s>' }),
  alert({ alertname: 'Every', case: 'every', team: 'ops é', note: 'second' }, { summary: '2' }),
  alert({ alertname: 'Custom', case: 'custom', ...TRICKY }),
  alert({ alertname: 'Long', case: 'long', long: 'ü😀'.repeat(11_000) }),
  alert({ alertname: 'Bogus', case: 'bogus' }),
]

/** The cases that flush again once resolved (fail and broken wait an hour). */
const RESOLVING = new Set(['defaults', 'sixty', 'every', 'custom', 'long', 'bogus'])

describe('side by side with Alertmanager 0.25: victorops', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: { 'custom.tmpl': TEMPLATE },
    reply: failingReply,
    files: { 'vo-key': '  file-key\n' },
  })

  it('shows the same config, API keys as <secret>, in /api/v2/status', async () => {
    await assertSameConfigShown(run())
    const status = (await (await fetch(`${run().mesh.node.url}/api/v2/status`)).json()) as {
      config: { original: string }
    }
    assert.ok(status.config.original.includes('victorops_api_key: <secret>'))
    assert.ok(status.config.original.includes('api_key: <secret>'))
    assert.ok(!status.config.original.includes('s3cr3t'))
  })

  it('sends the same requests for every case, firing and then resolved', async () => {
    // Resolved notifications are on by default; the bogus case turned them off.
    const {
      firing: [firingAm],
      all: [am, mesh],
    } = await postFiringThenResolved(run(), FIRING, { firing: 7, total: 12 }, (a) =>
      RESOLVING.has(a.labels['case'] ?? '')
    )
    assert.deepEqual([...byPath(firingAm).keys()].sort(), [
      '/bogus/bogus-key/rk-bogus',
      '/custom/file-key/rk-custom',
      '/every/every-key/ops%20%C3%A9/%3Cfiring%3E%3F?token=x&y=%20z',
      '/fail/fail-s3cr3t/rk-fail',
      '/global/global-s3cr3t/rk-defaults',
      '/long/long-key/rk-long',
      '/sixty/sixty-key/rk%20Many%20%C3%A9',
    ])
    const resolved = am.slice(7).map((r) => JSON.parse(r.body.toString()) as Record<string, string>)
    assert.ok(resolved.every((body) => body['message_type'] === 'RECOVERY'))
    // Both cut the state message to 20480 runes with the marker, and warned twice alike.
    const long = JSON.parse(
      byPath(mesh).get('/long/long-key/rk-long')?.[0]?.body.toString() ?? '{}'
    ) as {
      state_message: string
    }
    assert.equal(Array.from(long.state_message).length, 20480)
    await assertSameTruncationWarnings(run(), 2)
  })

  itLogsFailuresAndCountsAlike(
    run,
    'victorops',
    `unexpected status code 400: ${FAIL_BODY}`,
    'a routing key template'
  )
})

// 0.25 retries a template error in the body (createVictorOpsPayload's errors come back with
// retry=true), unlike most notifiers; both nodes then log it on every attempt. The attempt
// count depends on backoff timing, so this runs apart from the metrics comparison above.
describe(
  'side by side with Alertmanager 0.25: victorops body template error',
  { timeout: 120_000 },
  () => {
    const run = sideBySideForSuite({
      config: `
route:
  receiver: broken
  group_wait: 1s
  group_interval: 1h
receivers:
  - name: broken
    victorops_configs:
      - api_url: '{{CAPTURE}}/'
        api_key: k
        routing_key: rk
        state_message: '{{ template "nope" . }}'
`,
    })

    it('retries it, logging the same error once and sending nothing', async () => {
      await run().post(startingNow([alert({ alertname: 'Body' })]))
      // Both log a retried error again only when its text changes, so once here.
      const errors = await Promise.all(
        [run().am, run().mesh].map((side) =>
          waitFor(`${side.name} retrying the template error`, () => {
            const retried = notifyErrors(side.node.output)
            return retried.length >= 1 ? retried : undefined
          })
        )
      )
      const [am, mesh] = errors
      assert.deepEqual(mesh, am)
      assert.match(am?.[0] ?? '', /^templating error: .*template \\"nope\\" not defined/)
      // Each attempt is timed: a second observation shows the retry on both.
      for (const side of [run().am, run().mesh]) {
        await waitFor(`${side.name} attempting twice`, async () => {
          const metrics = await (await fetch(`${side.node.url}/metrics`)).text()
          const count =
            /^alertmanager_notification_latency_seconds_count\{integration="victorops"\} (\d+)$/m.exec(
              metrics
            )?.[1]
          return Number(count ?? 0) >= 2 ? true : undefined
        })
      }
      assert.equal(run().am.capture.requests.length, 0)
      assert.equal(run().mesh.capture.requests.length, 0)
    })
  }
)
