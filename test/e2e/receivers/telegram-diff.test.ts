// Telegram side by side with Alertmanager 0.25: the sendMessage requests (path with the bot
// token, headers, telebot's JSON body) match byte for byte for every parse mode, the global
// API URL, a custom template file, a template that fails half-way, firing then resolved, and
// a group of 60 alerts whose message is cut to 4096 runes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { assertSameRequests, sideBySideForSuite } from '../../support/side-by-side.js'
import type { CapturedRequest } from '../../support/side-by-side.js'
import { waitFor } from '../../support/wait.js'

// Each receiver has its own bot token, so the request path says which receiver sent it.
const CONFIG = `
global:
  telegram_api_url: '{{CAPTURE}}'
route:
  receiver: html
  group_by: [case]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - {matchers: [case="markdown"], receiver: markdown}
    - {matchers: [case="markdownv2"], receiver: markdownv2}
    - {matchers: [case="plain"], receiver: plain}
    - {matchers: [case="custom"], receiver: custom}
    - {matchers: [case="broken"], receiver: broken}
    - {matchers: [case="unparsable"], receiver: unparsable}
    - {matchers: [case="big"], receiver: big}
templates: ['custom.tmpl']
receivers:
  - name: html
    telegram_configs:
      - {bot_token: '111:html', chat_id: -1001234567890}
  - name: markdown
    telegram_configs:
      - {bot_token: '222:markdown', chat_id: 42, parse_mode: Markdown, disable_notifications: true}
  - name: markdownv2
    telegram_configs:
      - {bot_token: '333:markdownv2', chat_id: 42, parse_mode: MarkdownV2}
  - name: plain
    telegram_configs:
      - {api_url: '{{CAPTURE}}/proxy/', bot_token: '444:plain', chat_id: 42, parse_mode: ''}
  - name: custom
    telegram_configs:
      - bot_token: '555:custom'
        chat_id: 42
        message: '{{ template "custom.message" . }}'
  - name: broken
    telegram_configs:
      - bot_token: '666:broken'
        chat_id: 42
        parse_mode: ''
        message: 'before {{ template "custom.broken" . }} after'
  - name: unparsable
    telegram_configs:
      - {bot_token: '777:unparsable', chat_id: 42, message: '{{ .Status '}
  - name: big
    telegram_configs:
      - {bot_token: '888:big', chat_id: 42}
`

const TEMPLATES = {
  'custom.tmpl': `{{ define "custom.message" }}<b>{{ .Status | toUpper }}</b> {{ .CommonLabels.alertname }}
{{ range .Alerts }}- {{ .Labels.note }} <i>{{ .Annotations.summary }}</i>
{{ end }}{{ end }}
{{ define "custom.broken" }}{{ len .Alerts }} alerts, {{ index .Alerts.Firing 5 }}{{ end }}`,
}

// A start within group_wait of now: 0.25 flushes a group at once when an alert started more
// than group_wait ago, which would race the ingestion of the 60 alerts.
let startsAt = ''
const NASTY = {
  alertname: 'Disk<&>',
  note: 'é "q" \'s\' 😀 <b>bold</b> & `code` *star* _under_ [link](x)',
}
const ANNOTATIONS = { summary: 'x < y & "z" </i>', description: 'ünï\ncode\u2028sep' }

function alertsFor(kase: string): object[] {
  return [{ labels: { ...NASTY, case: kase, instance: 'a' }, annotations: ANNOTATIONS, startsAt }]
}

const firing = (): object[] => [
  ...['html', 'markdown', 'markdownv2', 'plain', 'custom', 'broken', 'unparsable'].flatMap(
    alertsFor
  ),
  ...Array.from({ length: 60 }, (_, i) => ({
    labels: { alertname: 'Many', case: 'big', instance: `host-${String(i).padStart(2, '0')}` },
    annotations: { summary: `disk ${i} is <full> & "slow"` },
    startsAt,
  })),
]

/** TOKEN_PATH finds the bot token in a request path (`…/bot<token>/sendMessage`). */
const TOKEN_PATH = /\/bot([^/]+)\/sendMessage$/

/** byToken groups one side's requests per receiver, each in arrival order. */
function byToken(requests: readonly CapturedRequest[]): Map<string, CapturedRequest[]> {
  const map = new Map<string, CapturedRequest[]>()
  for (const request of requests) {
    const token = TOKEN_PATH.exec(request.path)?.[1] ?? request.path
    map.set(token, [...(map.get(token) ?? []), request])
  }
  return map
}

function assertSamePerReceiver(
  am: readonly CapturedRequest[],
  mesh: readonly CapturedRequest[]
): void {
  const a = byToken(am)
  const m = byToken(mesh)
  assert.deepEqual([...m.keys()].sort(), [...a.keys()].sort())
  for (const [token, requests] of a) {
    assertSameRequests(requests, m.get(token) ?? [])
  }
}

// Telegram answers sendMessage with the message it created; 0.25 reads its id for a log line.
const OK = JSON.stringify({
  ok: true,
  result: { message_id: 7, date: 1709287200, chat: { id: 42, type: 'private' }, text: 'x' },
})

describe('side by side with Alertmanager 0.25: telegram', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: TEMPLATES,
    reply: () => ({ status: 200, body: OK, headers: { 'content-type': 'application/json' } }),
  })

  it('sends the same sendMessage requests, firing and then resolved', async () => {
    startsAt = new Date().toISOString()
    await run().post(firing())
    const cases = 8
    const [firingAm, firingMesh] = await run().waitForRequests(cases)
    assertSamePerReceiver(firingAm, firingMesh)

    // The 60-alert message is over Telegram's limit: both cut it to 4096 runes ending in `…`.
    const big = byToken(firingAm).get('888:big')?.[0]
    const text = (JSON.parse(big?.body.toString('utf8') ?? '{}') as { text?: string }).text ?? ''
    assert.equal(Array.from(text).length, 4096)
    assert.ok(text.endsWith('…'))

    // A template failing half-way: 0.25 ignores the error and sends what was written so far;
    // a template that does not parse sends an empty text.
    const broken = byToken(firingAm).get('666:broken')?.[0]?.body.toString('utf8') ?? ''
    assert.match(broken, /"text":"before 1 alerts, "/)
    const unparsable = byToken(firingAm).get('777:unparsable')?.[0]?.body.toString('utf8') ?? ''
    assert.match(unparsable, /"text":""/)

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(alertsFor('html').map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run().waitForRequests(cases + 1)
    assertSamePerReceiver(am, mesh)
  })
})

// Telegram's errors: both retry a 400 (0.25 treats every Telegram error as retryable) and log
// the same telebot text for it, the known description shortened and the unknown one whole.
const ERROR_CONFIG = `
route:
  receiver: known
  group_by: [case]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - {matchers: [case="unknown"], receiver: unknown}
receivers:
  - name: known
    telegram_configs:
      - {api_url: '{{CAPTURE}}', bot_token: '901:known', chat_id: 42}
  - name: unknown
    telegram_configs:
      - {api_url: '{{CAPTURE}}', bot_token: '902:unknown', chat_id: 42}
`

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '901:known': 'Bad Request: chat not found',
  '902:unknown': 'Bad Request: message text is empty',
}

describe('side by side with Alertmanager 0.25: telegram errors', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite({
    config: ERROR_CONFIG,
    reply: (request) => {
      const token = TOKEN_PATH.exec(request.path)?.[1] ?? ''
      return {
        status: 400,
        body: JSON.stringify({
          ok: false,
          error_code: 400,
          description: DESCRIPTIONS[token] ?? 'Bad Request: unexpected',
        }),
        headers: { 'content-type': 'application/json' },
      }
    },
  })

  it('retries a 400 and logs the same error for it', async () => {
    startsAt = new Date().toISOString()
    await run().post([...alertsFor('known'), ...alertsFor('unknown')])
    // Two sends per receiver: the first attempt and at least one retry, on both sides.
    for (const capture of [run().am.capture, run().mesh.capture]) {
      await waitFor(
        'a retry per receiver',
        () => {
          const sent = byToken(capture.requests)
          return sent.size === 2 && [...sent.values()].every((r) => r.length >= 2)
        },
        { timeoutMs: 30_000 }
      )
    }
    const am = byToken(run().am.capture.requests)
    const mesh = byToken(run().mesh.capture.requests)
    for (const [token, requests] of am) {
      assertSameRequests(requests.slice(0, 2), (mesh.get(token) ?? []).slice(0, 2))
    }
    for (const text of [
      'telegram: chat not found (400)',
      'telegram: Bad Request: message text is empty (400)',
    ]) {
      assert.ok(run().am.node.output.includes(text), `Alertmanager did not log ${text}`)
      assert.ok(run().mesh.node.output.includes(text), `alertmesh did not log ${text}`)
    }
  })
})
