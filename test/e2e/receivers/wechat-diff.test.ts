// WeChat side by side with Alertmanager 0.25: each case is a receiver with its own api_url path,
// so one pair of nodes runs them all and the requests (the gettoken GETs and the message/send
// POSTs, the token in their query) are compared path by path, byte for byte. The capture servers
// answer gettoken with a token per receiver and count: `<path>-1`, then `<path>-2`, and so on.
// No difference from 0.25 is expected.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { assertSameNotificationMetrics } from '../../support/notification-metrics.js'
import { assertSameNotifyErrors } from '../../support/notify-errors.js'
import { assertSameShownConfig } from '../../support/shown-config.js'
import { sideBySideForSuite } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply } from '../../support/side-by-side.js'

import { alert, TRICKY } from './alerts.js'
import { assertSamePerPath, byPath, caseRoutes, startingNow } from './by-path.js'

const CONFIG = `
global:
  wechat_api_url: '{{CAPTURE}}/cgi-bin/'
  wechat_api_secret: 'global-s3cr3t'
  wechat_api_corp_id: 'corp <global>'
templates: ['custom.tmpl']
${caseRoutes(['sixty', 'markdown', 'custom', 'expired', 'errcode'], ['fail', 'broken', 'notoken', 'htmltoken', 'numtoken', 'badsecret'])}
receivers:
  # Every default: URL, secret and corp id from global, text message.
  - name: defaults
    wechat_configs:
      - send_resolved: true
  # A group of 60 alerts; api_url without its trailing slash, which config load appends.
  - name: sixty
    wechat_configs:
      - send_resolved: true
        api_url: '{{CAPTURE}}/sixty'
        message: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}{{ "\\n" }}{{ end }}'
  # Markdown with every recipient field templated, its own secret and corp id, a query kept,
  # and a path Go re-escapes once it extends it.
  - name: markdown
    wechat_configs:
      - api_url: '{{CAPTURE}}/markdown/x!y(1)%41/?z=1&a=%2F'
        api_secret: 'md secret&{{ .Receiver }}'
        corp_id: 'corp-{{ .GroupLabels.case }}'
        message_type: markdown
        message: '**{{ .Status }}** {{ range .Alerts }}<{{ .Labels.note }}> {{ end }}'
        to_user: '@all|{{ .CommonLabels.alertname }}'
        to_party: '{{ len .Alerts }}'
        to_tag: 'tag "q"'
        agent_id: '1000002'
  # The message from a template file.
  - name: custom
    wechat_configs:
      - api_url: '{{CAPTURE}}/custom/'
        message: '{{ template "wechat.custom" . }}'
  # Answered with code 42001 once: the token is dropped, fetched again, and the send retried.
  - name: expired
    wechat_configs:
      - api_url: '{{CAPTURE}}/expired/'
  # Answered with WeChat's documented errcode 42001: 0.25 reads "code", so this is a success.
  - name: errcode
    wechat_configs:
      - api_url: '{{CAPTURE}}/errcode/'
  # Answered with another code: a final failure with the answer's error.
  - name: fail
    wechat_configs:
      - api_url: '{{CAPTURE}}/fail/'
  # A template that fails at notification time, after the token was fetched.
  - name: broken
    wechat_configs:
      - api_url: '{{CAPTURE}}/broken/'
        message: '{{ template "nope" . }}'
  # gettoken answers without a token.
  - name: notoken
    wechat_configs:
      - api_url: '{{CAPTURE}}/notoken/'
        corp_id: 'corp-{{ .Receiver }}'
  # gettoken answers a 502 with an HTML page: encoding/json's error, final.
  - name: htmltoken
    wechat_configs:
      - api_url: '{{CAPTURE}}/htmltoken/'
  # gettoken answers a token that is a number: encoding/json's type error, final.
  - name: numtoken
    wechat_configs:
      - api_url: '{{CAPTURE}}/numtoken/'
  # The secret's template fails: nothing is sent.
  - name: badsecret
    wechat_configs:
      - api_url: '{{CAPTURE}}/badsecret/'
        api_secret: '{{ template "nope" . }}'
`

const TEMPLATE = `
{{ define "wechat.custom" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join ", " }}
{{ range .Alerts.Firing }}* {{ .Labels.alertname }} <{{ .Labels.note }}> {{ .StartsAt.Format "2006-01-02 15:04:05" }}
{{ end }}{{ end }}
`

/** prefix is the first path segment, which names the receiver. */
const prefix = (path: string): string => /^\/([^/?]*)/.exec(path)?.[1] ?? ''

/**
 * wechatReply answers like WeChat, per capture server (told apart by Host): gettoken with a
 * numbered token (none for notoken), message/send by receiver.
 */
function wechatReply(): (request: CapturedRequest) => Reply {
  const fetched = new Map<string, number>()
  return (request) => {
    const receiver = prefix(request.path)
    if (request.path.includes('/gettoken?')) {
      switch (receiver) {
        case 'notoken':
          return { status: 200, body: '{"errcode":40001,"errmsg":"invalid credential"}' }
        case 'htmltoken':
          return { status: 502, body: '<html>bad gateway</html>' }
        case 'numtoken':
          return { status: 200, body: '{"access_token":42}' }
      }
      const key = `${String(request.headers.host)} ${receiver}`
      const count = (fetched.get(key) ?? 0) + 1
      fetched.set(key, count)
      return {
        status: 200,
        body: JSON.stringify({
          errcode: 0,
          access_token: `${receiver}-${count}`,
          expires_in: 7200,
        }),
      }
    }
    switch (receiver) {
      case 'expired':
        return request.path.includes('access_token=expired-1&') ||
          request.path.endsWith('access_token=expired-1')
          ? { status: 200, body: '{"code":42001,"error":"access_token expired"}' }
          : { status: 200, body: '{"errcode":0,"errmsg":"ok"}' }
      case 'errcode':
        return { status: 200, body: '{"errcode":42001,"errmsg":"access_token expired"}' }
      case 'fail':
        return { status: 200, body: '{"code":40014,"error":"invalid access_token <x>"}' }
      default:
        return { status: 200, body: '{"errcode":0,"errmsg":"ok"}' }
    }
  }
}

const FIRING = [
  alert({ alertname: 'Disk<&>', case: 'defaults', ...TRICKY }, { summary: 'x < y & "z"' }),
  ...Array.from({ length: 60 }, (_, i) =>
    alert(
      { alertname: 'Many', case: 'sixty', instance: `host-${String(i).padStart(2, '0')}` },
      { summary: `büsy ${i} <${i}> "q"` }
    )
  ),
  alert({ alertname: 'Md', case: 'markdown', ...TRICKY }),
  alert({ alertname: 'Md', case: 'markdown', note: 'second' }),
  alert({ alertname: 'Custom', case: 'custom', ...TRICKY }),
  alert({ alertname: 'Expired', case: 'expired' }),
  alert({ alertname: 'Errcode', case: 'errcode' }),
  alert({ alertname: 'Fail', case: 'fail' }),
  alert({ alertname: 'Broken', case: 'broken' }),
  alert({ alertname: 'NoToken', case: 'notoken' }),
  alert({ alertname: 'HtmlToken', case: 'htmltoken' }),
  alert({ alertname: 'NumToken', case: 'numtoken' }),
  alert({ alertname: 'BadSecret', case: 'badsecret' }),
]

describe('side by side with Alertmanager 0.25: wechat', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: { 'custom.tmpl': TEMPLATE },
    reply: wechatReply(),
  })

  it('shows the same config, secrets as <secret>', async () => {
    const shown = await assertSameShownConfig(run())
    assert.ok(shown.includes('wechat_api_secret: <secret>'), shown)
    assert.ok(shown.includes('api_secret: <secret>'), shown)
    assert.ok(shown.includes('api_url: {{CAPTURE}}/sixty/'), shown)
  })

  it('sends the same requests for every case, firing and then resolved', async () => {
    const firing = startingNow(FIRING)
    await run().post(firing)
    // Two requests per receiver; expired four (a second token and send); broken, notoken,
    // htmltoken and numtoken stop after gettoken; badsecret sends nothing.
    const [firingAm, firingMesh] = await run().waitForRequests(20)
    assertSamePerPath(firingAm, firingMesh)
    const paths = [...byPath(firingAm).keys()]
    assert.deepEqual(paths.filter((p) => p.includes('message/send')).sort(), [
      '/cgi-bin/message/send?access_token=cgi-bin-1',
      '/custom/message/send?access_token=custom-1',
      '/errcode/message/send?access_token=errcode-1',
      '/expired/message/send?access_token=expired-1',
      '/expired/message/send?access_token=expired-2',
      '/fail/message/send?access_token=fail-1',
      '/markdown/x%21y%281%29A/message/send?a=%2F&access_token=markdown-1&z=1',
      '/sixty/message/send?access_token=sixty-1',
    ])
    // Only defaults and sixty send resolved notifications (send_resolved defaults to false),
    // with the token they cached.
    const endsAt = new Date().toISOString()
    await run().post(
      firing
        .filter((a) => ['defaults', 'sixty'].includes(a.labels['case'] ?? ''))
        .map((a) => ({ ...a, endsAt }))
    )
    const [am, mesh] = await run().waitForRequests(22)
    assertSamePerPath(am, mesh)
    const resolved = byPath(mesh).get('/cgi-bin/message/send?access_token=cgi-bin-1')?.at(-1)
    assert.match(resolved?.body.toString() ?? '', /\[RESOLVED\]/)
  })

  it('logs the same errors: the expired token retried, the others final', async () => {
    // expired's first attempt, fail's code, broken's and badsecret's templates, and the
    // three gettoken answers without a usable token.
    await assertSameNotifyErrors(run(), 7)
  })

  it('counts the same notifications in /metrics', async () => {
    // Twelve receivers firing, two resolved; six failed for good.
    await assertSameNotificationMetrics(run(), 'wechat', { notifications: 14, failed: 6 })
  })
})
