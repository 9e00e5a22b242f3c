// Discord side by side with Alertmanager 0.25: each case is a receiver of its own, routed by
// the `case` label and sending to its own webhook path, compared path by path, byte for byte.
// No difference from 0.25 is expected; in particular 0.25 sends titles over Discord's 256
// runes and descriptions over its 4096 whole (later releases truncate them), and so does
// alertmesh (the `long` case).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { sideBySideForSuite } from '../../support/side-by-side.js'

import { alert, chatCases, TRICKY } from './alerts.js'
import {
  assertSameConfigShown,
  byPath,
  delivered,
  caseRoutes,
  failingReply,
  FAIL_BODY,
  postFiringThenResolved,
  itLogsFailuresAndCountsAlike,
} from './by-path.js'

const CONFIG = `
templates: ['custom.tmpl']
${caseRoutes(['sixty', 'custom', 'long'], ['fail', 'broken'])}
receivers:
  # Every default; resolved notifications are on by default.
  - name: defaults
    discord_configs:
      - webhook_url: '{{CAPTURE}}/api/webhooks/1/s3cr3t-defaults'
  # A group of 60 alerts, all listed by the default message.
  - name: sixty
    discord_configs:
      - webhook_url: '{{CAPTURE}}/api/webhooks/2/s3cr3t-sixty?wait=true'
  # Title and message from a template file.
  - name: custom
    discord_configs:
      - webhook_url: '{{CAPTURE}}/api/webhooks/3/s3cr3t-custom'
        title: '{{ template "custom.title" . }}'
        message: '{{ template "custom.message" . }}'
  # Over Discord's limits: 0.25 does not truncate.
  - name: long
    discord_configs:
      - webhook_url: '{{CAPTURE}}/api/webhooks/4/s3cr3t-long'
        title: '{{ range .Alerts }}{{ .Labels.long }}{{ end }}'
        message: '{{ range .Alerts }}{{ .Annotations.long }}{{ end }}'
  # Answered with a 400.
  - name: fail
    discord_configs:
      - webhook_url: '{{CAPTURE}}/fail/api/webhooks/5/s3cr3t'
  # A template that fails at notification time (the message).
  - name: broken
    discord_configs:
      - webhook_url: '{{CAPTURE}}/broken/api/webhooks/6/s3cr3t'
        message: '{{ .CommonLabels.alertname }} {{ template "nope" . }}'
`

const TEMPLATE = `
{{ define "custom.title" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join ", " }}{{ end }}
{{ define "custom.message" }}{{ range .Alerts }}* {{ .Labels.alertname }} <{{ .Labels.note }}> {{ .Annotations.summary | title }}
{{ end }}{{ end }}
`

const FIRING = [
  ...chatCases(),
  alert({ alertname: 'Custom', case: 'custom', ...TRICKY }, { summary: 'über "alles" <ok>' }),
  alert({ alertname: 'Long', case: 'long', long: 'ü😀'.repeat(200) }, { long: 'ä'.repeat(5000) }),
]

describe('side by side with Alertmanager 0.25: discord', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: { 'custom.tmpl': TEMPLATE },
    reply: failingReply,
  })

  it('shows the same config, secrets hidden, in /api/v2/status', async () => {
    await assertSameConfigShown(run())
  })

  it('sends the same requests for every case, firing and then resolved', async () => {
    // Every case is resolved too: discord sends resolved notifications by default.
    const rounds = await postFiringThenResolved(run(), FIRING, { firing: 5, total: 9 }, delivered)
    const [, mesh] = rounds.all
    const defaults = byPath(mesh).get('/api/webhooks/1/s3cr3t-defaults') ?? []
    assert.match(defaults[0]?.body.toString() ?? '', /"color":10038562\}/)
    assert.match(defaults[1]?.body.toString() ?? '', /"color":3066993\}/)
    const long = JSON.parse(
      byPath(mesh).get('/api/webhooks/4/s3cr3t-long')?.[0]?.body.toString() ?? '{}'
    ) as { embeds: { title: string; description: string }[] }
    assert.equal(Array.from(long.embeds[0]?.title ?? '').length, 400)
    assert.equal(Array.from(long.embeds[0]?.description ?? '').length, 5000)
  })

  itLogsFailuresAndCountsAlike(run, 'discord', `unexpected status code 400: ${FAIL_BODY}`)
})
