// PagerDuty's own rules: which API a config uses, its retry codes, the 400 reason, template
// errors, truncation, the size limit and key files. Byte-faithfulness of the events is proven
// against Alertmanager 0.25 in test/e2e/receivers/pagerduty-diff.test.ts.
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { groupKeyHash } from '#src/notify/integrations/fields.js'
import {
  metricBytes,
  PAGERDUTY_V1_RETRY_CODES,
  PAGERDUTY_V2_RETRY_CODES,
  PagerdutyNotifier,
  pagerdutyErrorDetails,
} from '#src/notify/integrations/pagerduty/index.js'
import type { PagerdutyConfig } from '#src/notify/integrations/pagerduty/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, UA } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])

/** The config as loading `routing_key: rk` (or `service_key`) yields it, defaults applied. */
function pagerdutyConfig(url: string, overrides: Partial<PagerdutyConfig> = {}): PagerdutyConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    routing_key: 'rk-s3cr3t-key',
    url,
    client: '{{ template "pagerduty.default.client" . }}',
    client_url: '{{ template "pagerduty.default.clientURL" . }}',
    description: '{{ template "pagerduty.default.description" .}}',
    details: {
      firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
      resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
      num_firing: '{{ .Alerts.Firing | len }}',
      num_resolved: '{{ .Alerts.Resolved | len }}',
    },
    source: '{{ template "pagerduty.default.client" . }}',
    ...overrides,
  }
}

function build(
  config: PagerdutyConfig,
  log = capture('warn').log,
  v1URL?: string
): PagerdutyNotifier {
  return new PagerdutyNotifier({
    config,
    template: () => TEMPLATE,
    log,
    userAgent: UA,
    ...(v1URL === undefined ? {} : { v1URL }),
  })
}

const firing = FIRING
const resolved: Alert = { ...firing, endsAt: Date.UTC(2024, 0, 1, 0, 1) }

// v2: 429 is PagerDuty's rate limit; other bodies are never quoted, so the exact text is known.
runNotifierConformance({
  name: 'pagerduty v2',
  build: (url) => build(pagerdutyConfig(url)),
  retryCodes: PAGERDUTY_V2_RETRY_CODES,
  secrets: ['rk-s3cr3t-key'],
  messages: {
    status: (code) => `unexpected status code ${code}`,
    deadline: 'failed to post message to PagerDuty: Post "<redacted>": context deadline exceeded',
    canceled: 'failed to post message to PagerDuty: Post "<redacted>": context canceled',
  },
})

// v1: the fixed endpoint replaced as 0.25's tests do; 403 is v1's rate limit.
runNotifierConformance({
  name: 'pagerduty v1',
  build: (url) =>
    build(
      pagerdutyConfig('http://127.0.0.1:1/unused', { routing_key: '', service_key: 'sk-s3cr3t' }),
      capture('warn').log,
      url
    ),
  retryCodes: PAGERDUTY_V1_RETRY_CODES,
  secrets: ['sk-s3cr3t'],
  messages: {
    status: (code) => `unexpected status code ${code}`,
    deadline:
      'failed to post message to PagerDuty v1: Post "<redacted>": context deadline exceeded',
  },
})

describe('PagerdutyNotifier', () => {
  let server: Running
  let reply: { status: number; body: string } = { status: 202, body: '' }
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(reply.status).end(reply.body)
    })
  })
  after(() => server.close())

  async function send(
    config: PagerdutyConfig,
    alerts: readonly Alert[],
    log = capture('warn').log
  ) {
    const notifier = build(config, log)
    try {
      await notifier.notify(context(), alerts)
    } finally {
      await notifier.close()
    }
    return JSON.parse(server.requests.at(-1)?.body.toString() ?? '') as Record<string, unknown>
  }

  it('triggers and resolves with the group key hash as dedup key', async () => {
    const trigger = await send(pagerdutyConfig(`${server.origin}/v2`), [firing])
    assert.equal(trigger['event_action'], 'trigger')
    assert.equal(trigger['dedup_key'], groupKeyHash('{}:{alertname="A"}'))
    assert.equal(trigger['routing_key'], 'rk-s3cr3t-key')
    const resolve = await send(pagerdutyConfig(`${server.origin}/v2`), [resolved])
    assert.equal(resolve['event_action'], 'resolve')
    assert.equal(resolve['dedup_key'], trigger['dedup_key'])
    const seen = server.requests.at(-1)!
    assert.equal(seen.headers['content-type'], 'application/json')
    assert.equal(seen.headers['user-agent'], UA)
  })

  it('quotes the message and errors of a 400 JSON answer, and does not retry it', async () => {
    reply = {
      status: 400,
      body: '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'routing_key\' is incorrect (should be 32 characters)"]}',
    }
    try {
      await assert.rejects(send(pagerdutyConfig(`${server.origin}/v2`), [firing]), (err) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(
          err.message,
          "unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)"
        )
        assert.equal(err.retryable, false)
        return true
      })
    } finally {
      reply = { status: 202, body: '' }
    }
  })

  it('fails on a template error in one field with the template message, sending nothing', async () => {
    const before = server.requests.length
    const config = pagerdutyConfig(`${server.origin}/v2`, { component: '{{ template "nope" . }}' })
    await assert.rejects(send(config, [firing]), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.match(
        err.message,
        /^failed to template PagerDuty v2 message: .*template "nope" not defined/
      )
      assert.equal(err.retryable, false)
      return true
    })
    assert.equal(server.requests.length, before)
  })

  it('fails on a details template error naming the key and text', async () => {
    const config = pagerdutyConfig(`${server.origin}/v2`, { details: { bad: '{{ .Nope.X }}' } })
    await assert.rejects(send(config, [firing]), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.ok(err.message.startsWith('"bad": failed to template "{{ .Nope.X }}": '), err.message)
      assert.equal(err.retryable, false)
      return true
    })
  })

  it('truncates the summary to 1024 runes with the marker and logs it', async () => {
    const { records, log } = capture('warn')
    const config = pagerdutyConfig(`${server.origin}/v2`, { description: 'é'.repeat(2000) })
    const event = await send(config, [firing], log)
    const summary = (event['payload'] as Record<string, string>)['summary'] ?? ''
    assert.equal(Array.from(summary).length, 1024)
    assert.ok(summary.endsWith('é…'))
    assert.deepEqual(
      records.map((r) => [r['msg'], r['key'], r['max_runes']]),
      [['Truncated summary', '{}:{alertname="A"}', 1024]]
    )
  })

  it('truncates the v1 description to 1024 runes and logs it', async () => {
    const { records, log } = capture('warn')
    const config = pagerdutyConfig('http://127.0.0.1:1/', {
      routing_key: '',
      service_key: 'sk',
      description: 'x'.repeat(1025),
    })
    const notifier = build(config, log, `${server.origin}/v1`)
    await notifier.notify(context(), [firing])
    await notifier.close()
    const event = JSON.parse(server.requests.at(-1)?.body.toString() ?? '') as Record<
      string,
      unknown
    >
    assert.equal(event['description'], `${'x'.repeat(1023)}…`)
    assert.equal(event['incident_key'], groupKeyHash('{}:{alertname="A"}'))
    assert.equal(records[0]?.['msg'], 'Truncated description')
  })

  it('drops custom details from an event above 512000 bytes and says why', async () => {
    const { records, log } = capture('warn')
    const config = pagerdutyConfig(`${server.origin}/v2`, { details: { big: 'x'.repeat(600_000) } })
    const event = await send(config, [firing], log)
    assert.deepEqual((event['payload'] as Record<string, unknown>)['custom_details'], {
      error:
        'Custom details have been removed because the original event exceeds the maximum size of 512KB',
    })
    assert.match(
      String(records[0]?.['msg']),
      /^Truncated Details because message of size 600KB\d+B exceeds limit 512KB$/
    )
  })

  it('reads the routing key file at each notification, trimmed, and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-'))
    const file = join(dir, 'key')
    await writeFile(file, '  from-file\n')
    const config = pagerdutyConfig(`${server.origin}/v2`, {
      routing_key: '',
      routing_key_file: file,
    })
    assert.equal((await send(config, [firing]))['routing_key'], 'from-file')
    const missing = { ...config, routing_key_file: join(dir, 'absent') }
    await assert.rejects(send(missing, [firing]), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(
        err.message,
        `failed to read routing key from file: open ${join(dir, 'absent')}: no such file or directory`
      )
      assert.equal(err.retryable, false)
      return true
    })
  })

  it('refuses a routing key that templates to nothing', async () => {
    const config = pagerdutyConfig(`${server.origin}/v2`, { routing_key: '{{ "" }}' })
    await assert.rejects(send(config, [firing]), { message: 'routing key cannot be empty' })
  })
})

describe('pagerdutyErrorDetails', () => {
  const cases: [string, number, string, string][] = [
    // PagerDuty's documented answer.
    ['a 400 answer', 400, '{"status":"x","message":"m","errors":["a","b"]}', 'm: a,b'],
    // Other statuses never quote the body.
    ['a 500', 500, '{"message":"m","errors":["a"]}', ''],
    // Not JSON.
    ['text', 400, 'bad request', ''],
    // Keys match case-insensitively, as encoding/json does.
    ['upper-case keys', 400, '{"MESSAGE":"m","Errors":["e"]}', 'm: e'],
    // Missing fields are empty.
    ['an empty object', 400, '{}', ': '],
    // A field of the wrong type fails the decode.
    ['a numeric message', 400, '{"message":1}', ''],
    // JSON null decodes to the zero value.
    ['null', 400, 'null', ': '],
  ]
  for (const [what, status, body, expected] of cases) {
    it(`reads ${what}`, () => {
      assert.equal(pagerdutyErrorDetails(status, body), expected)
    })
  }
})

describe('metricBytes', () => {
  it('prints alecthomas/units MetricBytes', () => {
    assert.equal(metricBytes(512_000), '512KB')
    assert.equal(metricBytes(600_123), '600KB123B')
    assert.equal(metricBytes(1_000_001), '1MB1B')
    assert.equal(metricBytes(999), '999B')
  })
})
