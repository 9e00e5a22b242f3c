// Webex side by side with Alertmanager 0.25: each case is a receiver of its own, routed by the
// `case` label and sending to its own path, compared path by path, byte for byte, the
// Authorization header included. No difference from 0.25 is expected.
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
  startingNow,
  FAIL_BODY,
  postFiringThenResolved,
  itLogsFailuresAndCountsAlike,
} from './by-path.js'

/** LONG_RECEIVER sends the alerts' `long` annotations as one message, to /long. */
const LONG_RECEIVER = `  - name: long
    webex_configs:
      - api_url: '{{CAPTURE}}/long'
        room_id: 'room-long'
        message: '{{ range .Alerts }}{{ .Annotations.long }}{{ end }}'
        http_config: { authorization: { credentials: 'b0tT0ken' } }
`

const CONFIG = `
global:
  webex_api_url: '{{CAPTURE}}/global/v1/messages'
templates: ['custom.tmpl']
${caseRoutes(['sixty', 'custom', 'long'], ['fail', 'broken'])}
receivers:
  # Every default, the URL from global; resolved notifications are on by default.
  - name: defaults
    webex_configs:
      - room_id: 'room <1> & "one"'
        http_config: { authorization: { credentials: 'b0tT0ken' } }
  # A group of 60 alerts, all listed by the default message, which then exceeds 7439 bytes.
  - name: sixty
    webex_configs:
      - api_url: '{{CAPTURE}}/sixty/v1/messages?x=1'
        room_id: 'room-60'
        http_config: { authorization: { type: 'Token', credentials: 'other' } }
  # The message from a template file, the token from a file.
  - name: custom
    webex_configs:
      - api_url: '{{CAPTURE}}/custom'
        room_id: 'room-custom'
        message: '{{ template "custom.message" . }}'
        # Relative to the config file's directory, read at each request.
        http_config: { authorization: { type: Bot, credentials_file: webex-token } }
  # Multi-byte runes across the 7439-byte limit.
${LONG_RECEIVER}  # Answered with a 400.
  - name: fail
    webex_configs:
      - api_url: '{{CAPTURE}}/fail/v1/messages'
        room_id: 'room-fail'
        http_config: { authorization: { credentials: 'b0tT0ken' } }
  # A template that fails at notification time (the message).
  - name: broken
    webex_configs:
      - api_url: '{{CAPTURE}}/broken'
        room_id: 'room-broken'
        message: '{{ .CommonLabels.alertname }} {{ template "nope" . }}'
        http_config: { authorization: { credentials: 'b0tT0ken' } }
`

const TEMPLATE = `
{{ define "custom.message" }}**[{{ .Status | toUpper }}]** {{ .GroupLabels.SortedPairs.Values | join ", " }}
{{ range .Alerts }}- {{ .Labels.alertname }} <{{ .Labels.note }}> {{ .Annotations.summary | reReplaceAll "[aeiou]" "_" }}
{{ end }}{{ end }}
`

const FIRING = [
  ...chatCases((i) => `büsy ${i} <${i}> ${'x'.repeat(100)}`),
  alert({ alertname: 'Custom', case: 'custom', ...TRICKY }, { summary: 'über "alles" <ok>' }),
  // 2-, 3- and 4-byte runes at the limit, so the cut falls inside a rune's bytes; at least
  // 7436 runes, or 0.25 crashes (see below).
  alert({ alertname: 'Long', case: 'long' }, { long: 'x'.repeat(7430) + 'é€😀'.repeat(10) }),
]

describe('side by side with Alertmanager 0.25: webex', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: { 'custom.tmpl': TEMPLATE },
    files: { 'webex-token': ' f1leT0ken\n' },
    reply: failingReply,
  })

  it('shows the same config, secrets hidden, in /api/v2/status', async () => {
    await assertSameConfigShown(run())
  })

  it('sends the same requests for every case, firing and then resolved', async () => {
    const rounds = await postFiringThenResolved(run(), FIRING, { firing: 5, total: 9 }, delivered)
    const [, mesh] = rounds.all
    const paths = byPath(mesh)
    assert.equal(paths.get('/sixty/v1/messages?x=1')?.[0]?.headers.authorization, 'Token other')
    assert.match(paths.get('/custom')?.[0]?.headers.authorization ?? '', /^Bot .*f1leT0ken/)
    // Both long messages were cut (compared above) to within 7439 bytes, ending with the marker.
    for (const path of ['/sixty/v1/messages?x=1', '/long']) {
      const body = JSON.parse(paths.get(path)?.[0]?.body.toString() ?? '{}') as {
        markdown: string
      }
      assert.ok(body.markdown.endsWith('…'), path)
      assert.ok(Buffer.byteLength(body.markdown) <= 7439, path)
    }
  })

  itLogsFailuresAndCountsAlike(run, 'webex', `unexpected status code 400: ${FAIL_BODY}`)
})

// A difference that must exist. 0.25's notify.TruncateInBytes slices the message's runes at
// 7436 before measuring bytes, so a message over 7439 bytes with fewer than 7436 runes (any
// long text in a non-Latin script) panics with "slice bounds out of range" and takes the
// whole Alertmanager process down. alertmesh sends the message cut to the longest run of
// whole runes within 7436 bytes plus the marker, as later releases do.
describe('webex: a long multi-byte message, where 0.25 crashes', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({
    config: `
route: { receiver: long, group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers:
${LONG_RECEIVER}`,
  })

  it('Alertmanager 0.25 panics; alertmesh sends the message truncated', async () => {
    await run().post(startingNow([alert({ alertname: 'Long' }, { long: 'é€😀'.repeat(900) })]))
    const exit = await run().am.node.exited()
    assert.notEqual(exit, 0)
    assert.match(run().am.node.output, /panic: runtime error: slice bounds out of range/)
    const [request] = await run().mesh.capture.waitForRequests(1)
    const { markdown } = JSON.parse(request?.body.toString() ?? '{}') as { markdown: string }
    // 826 whole 'é€😀' (9 bytes each) fill 7434 bytes; then 'é' (2 bytes) still fits 7436.
    assert.equal(markdown, 'é€😀'.repeat(826) + 'é…')
    assert.equal(run().am.capture.requests.length, 0)
  })
})
