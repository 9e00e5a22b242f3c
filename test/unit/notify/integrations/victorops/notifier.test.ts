// The VictorOps notifier's own cases: what 0.25's request bodies are is proven against the real
// binary by test/e2e/receivers/victorops-diff.test.ts; here the error paths (which are final
// and which retried, as 0.25's Notify returns them), the message type rules, the state_message
// truncation, api_key_file and the body's JSON rules.
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { groupKeyHash } from '#src/notify/integrations/fields.js'
import {
  VICTOROPS_RETRY_CODES,
  VictorOpsNotifier,
} from '#src/notify/integrations/victorops/index.js'
import type { VictorOpsConfig } from '#src/notify/integrations/victorops/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, NOW, UA } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])

/** withSlash is `api_url` as the config leaves it: its path ends with `/`. */
function withSlash(url: string): string {
  const u = new URL(url)
  if (!u.pathname.endsWith('/')) {
    u.pathname += '/'
  }
  return u.href
}

/** victorOpsConfig is DefaultVictorOpsConfig (config/notifiers.go) with the given overrides. */
function victorOpsConfig(overrides: Partial<VictorOpsConfig> = {}): VictorOpsConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    api_key: 'apik3y',
    api_url: 'http://127.0.0.1:1/',
    routing_key: 'team',
    message_type: 'CRITICAL',
    state_message: '{{ template "victorops.default.state_message" . }}',
    entity_display_name: '{{ template "victorops.default.entity_display_name" . }}',
    monitoring_tool: '{{ template "victorops.default.monitoring_tool" . }}',
    ...overrides,
  }
}

function notifier(config: VictorOpsConfig, log = capture('warn').log): VictorOpsNotifier {
  return new VictorOpsNotifier({ config, template: () => TEMPLATE, log, userAgent: UA })
}

const firing: Alert = { ...FIRING, annotations: { summary: 'x', description: 'y' } }
const resolved: Alert = { ...firing, endsAt: NOW - 1000 }

// Status mapping, redaction (the API key is in the path), network errors, the flush deadline
// and close(), with 0.25's texts: neither status nor transport errors are wrapped.
runNotifierConformance({
  name: 'victorops',
  build: (url) => notifier(victorOpsConfig({ api_url: withSlash(url) })),
  retryCodes: VICTOROPS_RETRY_CODES,
  secrets: ['apik3y'],
  messages: RETRIER_MESSAGES,
})

describe('VictorOpsNotifier', () => {
  let server: Running
  const notifiers: VictorOpsNotifier[] = []
  /** fromFile is a config whose API key is read from `file`. */
  const fromFile = (file: string): VictorOpsNotifier => {
    const { api_key: _inline, ...rest } = victorOpsConfig({ api_url: `${server.origin}/api/` })
    const n = notifier({ ...rest, api_key_file: file })
    notifiers.push(n)
    return n
  }
  const build = (
    overrides: Partial<VictorOpsConfig>,
    log = capture('warn').log
  ): VictorOpsNotifier => {
    const n = notifier(victorOpsConfig({ api_url: `${server.origin}/api/`, ...overrides }), log)
    notifiers.push(n)
    return n
  }
  const last = () => {
    const seen = server.requests.at(-1)
    assert.ok(seen)
    return seen
  }
  const lastBody = (): Record<string, unknown> =>
    JSON.parse(last().body.toString()) as Record<string, unknown>
  /** rejects checks the error of a notification that must send nothing. */
  const rejects = async (
    n: VictorOpsNotifier,
    alerts: readonly Alert[],
    check: (err: NotifyError) => void
  ): Promise<void> => {
    const before = server.requests.length
    await assert.rejects(n.notify(context(), alerts), (err: unknown) => {
      assert.ok(err instanceof NotifyError, String(err))
      check(err)
      return true
    })
    assert.equal(server.requests.length, before)
  }

  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end('{"result":"success"}')
    })
  })
  after(async () => {
    await Promise.all(notifiers.map((n) => n.close()))
    await server.close()
  })

  it('POSTs JSON to <api_url><api_key>/<routing_key>, ending with the encoder newline', async () => {
    await build({ routing_key: 'rk-{{ .GroupLabels.alertname }}' }).notify(context(), [firing])
    const seen = last()
    assert.equal(seen.method, 'POST')
    assert.equal(seen.url, '/api/apik3y/rk-A')
    assert.equal(seen.headers['content-type'], 'application/json')
    assert.equal(seen.headers['user-agent'], UA)
    assert.ok(seen.body.toString().endsWith('}\n'))
  })

  it('escapes the routing key into the path as Go does, keeping the query', async () => {
    await build({ api_url: `${server.origin}/api/?x=1&y=%20z`, routing_key: 'a b/é?#' }).notify(
      context(),
      [firing]
    )
    assert.equal(last().url, '/api/apik3y/a%20b/%C3%A9%3F%23?x=1&y=%20z')
  })

  it('sends the fixed fields sorted, entity_id the SHA-256 of the group key', async () => {
    await build({}).notify(context(), [firing])
    const body = lastBody()
    assert.deepEqual(Object.keys(body), [
      'entity_display_name',
      'entity_id',
      'message_type',
      'monitoring_tool',
      'state_message',
    ])
    assert.equal(body['entity_id'], groupKeyHash('{}:{alertname="A"}'))
    assert.equal(body['message_type'], 'CRITICAL')
    // The default state message starts with the common annotations' values, sorted by name.
    assert.ok(String(body['state_message']).startsWith('y x\nAlerts Firing:\n'))
  })

  it('sorts custom fields among the fixed ones and renders them', async () => {
    await build({ custom_fields: { zz: '{{ .Status }}', aa: '<{{ .Receiver }}>&' } }).notify(
      context(),
      [firing]
    )
    const raw = last().body.toString()
    assert.ok(raw.startsWith('{"aa":"\\u003cteam\\u003e\\u0026","entity_display_name":'), raw)
    assert.ok(raw.endsWith(',"zz":"firing"}\n'), raw)
  })

  // Each row: the configured message_type, the alerts, what is sent.
  const messageTypes: [string, string, readonly Alert[], string][] = [
    ['INFO is kept while firing', 'INFO', [firing], 'INFO'],
    ['WARNING is kept while firing', 'WARNING', [firing], 'WARNING'],
    [
      'a template may choose it',
      '{{ if eq .Status "firing" }}WARNING{{ end }}',
      [firing],
      'WARNING',
    ],
    ['anything else becomes CRITICAL', 'ACKNOWLEDGEMENT', [firing], 'CRITICAL'],
    ['the check is case-sensitive', 'info', [firing], 'CRITICAL'],
    ['one firing alert keeps the group firing', 'INFO', [firing, resolved], 'INFO'],
    ['a resolved group is always RECOVERY', 'INFO', [resolved], 'RECOVERY'],
  ]
  for (const [what, messageType, alerts, sent] of messageTypes) {
    it(`message_type: ${what}`, async () => {
      await build({ message_type: messageType }).notify(context(), alerts)
      assert.equal(lastBody()['message_type'], sent)
    })
  }

  it('truncates state_message to 20480 runes with the marker and warns with the incident', async () => {
    const { records, log } = capture('warn')
    await build({ state_message: '{{ .Status }}' + '😀'.repeat(20480) }, log).notify(context(), [
      firing,
    ])
    const message = lastBody()['state_message'] as string
    assert.equal(Array.from(message).length, 20480)
    assert.ok(message.startsWith('firing😀') && message.endsWith('😀…'))
    assert.deepEqual(
      records.map((r) => [r['msg'], r['incident'], r['max_runes']]),
      [['Truncated state_message', '{}:{alertname="A"}', 20480]]
    )
    // Exactly 20480 runes is left alone.
    const quiet = capture('warn')
    await build({ state_message: 'é'.repeat(20480) }, quiet.log).notify(context(), [firing])
    assert.equal(lastBody()['state_message'], 'é'.repeat(20480))
    assert.deepEqual(quiet.records, [])
  })

  it('reads api_key_file at each notification, trimmed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'victorops-'))
    const file = join(dir, 'key')
    await writeFile(file, ' \tkey-1\n')
    const n = fromFile(file)
    await n.notify(context(), [firing])
    assert.equal(last().url, '/api/key-1/team')
    await writeFile(file, 'key-2')
    await n.notify(context(), [firing])
    assert.equal(last().url, '/api/key-2/team')
  })

  it('fails for good, in Go words, when api_key_file cannot be read', async () => {
    const file = join(tmpdir(), 'victorops-no-such-key')
    const n = fromFile(file)
    await rejects(n, [firing], (err) => {
      assert.equal(err.retryable, false)
      assert.equal(
        err.message,
        `failed to read API key from file: open ${file}: no such file or directory`
      )
    })
  })

  it('fails for good on a routing key template error, before the body renders', async () => {
    const n = build({
      routing_key: '{{ template "nope" . }}',
      state_message: '{{ template "other" . }}',
    })
    await rejects(n, [firing], (err) => {
      assert.equal(err.retryable, false)
      assert.match(err.message, /^templating error: .*template "nope"/)
    })
  })

  // 0.25 returns `true` with every error of createVictorOpsPayload: a broken body template is
  // retried until the flush gives up. Each row: the field that fails.
  const bodyFields: [string, Partial<VictorOpsConfig>][] = [
    ['message_type', { message_type: '{{ template "nope" . }}' }],
    ['state_message', { state_message: '{{ template "nope" . }}' }],
    ['entity_display_name', { entity_display_name: '{{ template "nope" . }}' }],
    ['monitoring_tool', { monitoring_tool: '{{ template "nope" . }}' }],
    ['a custom field', { custom_fields: { ok: 'fine', bad: '{{ template "nope" . }}' } }],
  ]
  for (const [field, overrides] of bodyFields) {
    it(`retries a template error in ${field}, sending nothing`, async () => {
      await rejects(build(overrides), [firing], (err) => {
        assert.equal(err.retryable, true)
        assert.match(err.message, /^templating error: .*template "nope"/)
      })
    })
  }

  it('reports the first failing body field, in 0.25 order', async () => {
    const n = build({
      state_message: '{{ template "first" . }}',
      monitoring_tool: '{{ template "second" . }}',
      custom_fields: { a: '{{ template "third" . }}' },
    })
    await rejects(n, [firing], (err) => {
      assert.match(err.message, /template "first"/)
    })
  })

  it('keeps a custom field named __proto__ as an ordinary key', async () => {
    await build({
      custom_fields: JSON.parse('{"__proto__":"p"}') as Record<string, string>,
    }).notify(context(), [firing])
    assert.ok(last().body.toString().startsWith('{"__proto__":"p",'))
  })
})
