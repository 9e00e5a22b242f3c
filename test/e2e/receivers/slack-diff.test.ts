// Slack side by side with Alertmanager 0.25: each case is a receiver of its own, routed by the
// `case` label and sending to its own path, so one pair of nodes runs them all and the requests
// are compared path by path, byte for byte. No difference from 0.25 is expected.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { sideBySideForSuite } from '../../support/side-by-side.js'

import { alert, chatCases, TRICKY } from './alerts.js'
import {
  assertSameConfigShown,
  byPath,
  caseRoutes,
  failingReply,
  FAIL_BODY,
  postFiringThenResolved,
  itLogsFailuresAndCountsAlike,
} from './by-path.js'

const CONFIG = `
global:
  slack_api_url: '{{CAPTURE}}/global/s3cr3t'
templates: ['custom.tmpl']
${caseRoutes(['sixty', 'every', 'custom', 'long'], ['fail', 'broken'])}
receivers:
  # Every default, the URL from global, resolved notifications on.
  - name: defaults
    slack_configs:
      - send_resolved: true
  # A group of 60 alerts, the text listing each.
  - name: sixty
    slack_configs:
      - api_url: '{{CAPTURE}}/sixty'
        text: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}{{ "\\n" }}{{ end }}'
  # Every field set, templated, with fields (short per field and by default) and actions.
  - name: every
    slack_configs:
      - api_url: '{{CAPTURE}}/every?token=x'
        channel: '#ops-{{ .GroupLabels.alertname }}'
        username: 'am <{{ .Receiver }}>'
        color: '{{ if eq .Status "firing" }}#ff0000{{ else }}#00ff00{{ end }}'
        title: '{{ .CommonLabels.alertname }} & "{{ .Status }}"'
        title_link: 'https://example.com/?a=1&b={{ .GroupLabels.alertname | urlquery }}'
        pretext: 'pre {{ len .Alerts }}'
        text: '{{ range .Alerts }}{{ .Labels.note }} <{{ .Annotations.summary }}>{{ end }}'
        fields:
          - { title: 'Severity', value: '{{ .CommonLabels.severity }}', short: false }
          - { title: 'Notes {{ len .Alerts }}', value: '{{ .CommonAnnotations.summary }}' }
          - { title: 'Short', value: 'yes', short: true }
        short_fields: true
        footer: 'footer {{ .ExternalURL }}'
        fallback: 'fallback {{ .Status }}'
        callback_id: 'cb-{{ .GroupLabels.alertname }}'
        icon_emoji: ':fire:'
        icon_url: 'https://example.com/icon.png?x={{ .Status }}'
        image_url: 'https://example.com/image.png'
        thumb_url: 'https://example.com/thumb.png?{{ .Receiver }}'
        link_names: true
        mrkdwn_in: [text, title]
        actions:
          - type: button
            text: 'Runbook {{ .GroupLabels.alertname }}'
            url: 'https://runbook.example.com/{{ .CommonLabels.alertname | urlquery }}'
            style: primary
            name: ignored because url is set
          - type: button
            text: 'Silence'
            name: silence
            value: '{{ .GroupLabels.alertname }}'
            style: danger
            confirm:
              title: 'Really <silence>?'
              text: 'Silence {{ len .Alerts }} "alerts"'
              ok_text: 'Yes'
              dismiss_text: 'No'
          - type: button
            text: 'Minimal confirm'
            name: minimal
            confirm: { text: 'ok?' }
  # Title and text from a template file; the URL from a file.
  - name: custom
    slack_configs:
      - api_url_file: '{{DIR}}/slack-url'
        title: '{{ template "custom.title" . }}'
        text: '{{ template "custom.text" . }}'
  # A title over 1024 runes, truncated with the marker.
  - name: long
    slack_configs:
      - api_url: '{{CAPTURE}}/long'
        title: '{{ range .Alerts }}{{ .Labels.long }}{{ end }}'
  # Answered with a 400.
  - name: fail
    slack_configs:
      - api_url: '{{CAPTURE}}/fail/s3cr3t'
        channel: '#fail'
  # A template that fails at notification time (footer), after the title rendered.
  - name: broken
    slack_configs:
      - api_url: '{{CAPTURE}}/broken'
        footer: '{{ template "nope" . }}'
`

const TEMPLATE = `
{{ define "custom.title" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join ", " }}{{ end }}
{{ define "custom.text" }}{{ range .Alerts.Firing }}* {{ .Labels.alertname }} <{{ .Labels.note }}> {{ .StartsAt.Format "2006-01-02 15:04:05" }}
{{ end }}{{ end }}
`

const FIRING = [
  ...chatCases(),
  alert(
    { alertname: 'Every', case: 'every', severity: 'page', ...TRICKY },
    { summary: 'shared <summary>' }
  ),
  alert(
    { alertname: 'Every', case: 'every', severity: 'page', note: 'second' },
    {
      summary: 'shared <summary>',
    }
  ),
  alert({ alertname: 'Custom', case: 'custom', ...TRICKY }),
  alert({ alertname: 'Long', case: 'long', long: 'ü😀'.repeat(600) }),
]

describe('side by side with Alertmanager 0.25: slack', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: { 'custom.tmpl': TEMPLATE },
    reply: failingReply,
    files: { 'slack-url': '  {{CAPTURE}}/custom\n' },
  })

  it('shows the same config, secrets hidden, in /api/v2/status', async () => {
    await assertSameConfigShown(run())
  })

  it('sends the same requests for every case, firing and then resolved', async () => {
    // Only the defaults receiver sends resolved notifications (send_resolved defaults to false).
    const {
      firing: [firingAm],
      all: [, mesh],
    } = await postFiringThenResolved(
      run(),
      FIRING,
      { firing: 6, total: 7 },
      (a) => a.labels['case'] === 'defaults'
    )
    assert.deepEqual([...byPath(firingAm).keys()].sort(), [
      '/custom',
      '/every?token=x',
      '/fail/s3cr3t',
      '/global/s3cr3t',
      '/long',
      '/sixty',
    ])
    const resolved = byPath(mesh).get('/global/s3cr3t')?.at(-1)
    assert.match(resolved?.body.toString() ?? '', /"color":"good"/)
    // The long title was truncated on both sides (compared above), to 1024 runes.
    const long = JSON.parse(byPath(mesh).get('/long')?.[0]?.body.toString() ?? '{}') as {
      attachments: { title: string }[]
    }
    assert.equal(Array.from(long.attachments[0]?.title ?? '').length, 1024)
  })

  itLogsFailuresAndCountsAlike(
    run,
    'slack',
    `channel "#fail": unexpected status code 400: ${FAIL_BODY}`
  )
})
