// Discord side by side with Alertmanager 0.25: each case is a receiver of its own, routed by
// the `case` label and sending to its own webhook path, compared path by path, byte for byte.
// No difference from 0.25 is expected; in particular 0.25 sends titles over Discord's 256
// runes and descriptions over its 4096 whole (later releases truncate them), and so does
// alertmesh (the `long` case).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { SideBySide } from '../../support/side-by-side.js'

import { alert, TRICKY } from './alerts.js'
import {
  assertSameConfigShown,
  assertSameErrorLogged,
  assertSameFailureLogged,
  assertSameNotificationCounts,
  byPath,
  delivered,
  caseRoutes,
  failingReply,
  FAIL_BODY,
  postFiringThenResolved,
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
  alert({ alertname: 'Fail', case: 'fail' }),
  alert({ alertname: 'Broken', case: 'broken' }),
  alert({ alertname: 'Disk<&>', case: 'defaults', ...TRICKY }, { summary: 'x < y & "z"' }),
  ...Array.from({ length: 60 }, (_, i) =>
    alert(
      { alertname: 'Many', case: 'sixty', instance: `host-${String(i).padStart(2, '0')}` },
      { summary: `büsy ${i} <${i}>` }
    )
  ),
  alert({ alertname: 'Custom', case: 'custom', ...TRICKY }, { summary: 'über "alles" <ok>' }),
  alert({ alertname: 'Long', case: 'long', long: 'ü😀'.repeat(200) }, { long: 'ä'.repeat(5000) }),
]

describe('side by side with Alertmanager 0.25: discord', { timeout: 120_000 }, () => {
  let run: SideBySide
  before(async () => {
    run = await SideBySide.start({
      config: CONFIG,
      templates: { 'custom.tmpl': TEMPLATE },
      reply: failingReply,
    })
  })
  after(() => run.stop())

  it('shows the same config, secrets hidden, in /api/v2/status', async () => {
    await assertSameConfigShown(run)
  })

  it('sends the same requests for every case, firing and then resolved', async () => {
    // Every case is resolved too: discord sends resolved notifications by default.
    const rounds = await postFiringThenResolved(run, FIRING, { firing: 5, total: 9 }, delivered)
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

  it('gives up on a 400 at once, logging the same error', async () => {
    await assertSameFailureLogged(run, `unexpected status code 400: ${FAIL_BODY}`)
  })

  it('fails for good on a template error, logging the same error', async () => {
    await assertSameErrorLogged(run, 'template \\"nope\\" not defined')
  })

  it('counts the same notifications in /metrics', async () => {
    await assertSameNotificationCounts(run, 'discord')
  })
})
