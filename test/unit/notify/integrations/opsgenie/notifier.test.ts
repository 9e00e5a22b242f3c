// OpsGenie's own rules: 429 retried, the requests of one notification and where they stop,
// template errors, message truncation, key files, URLs and the split fields. Byte-faithfulness
// of the requests is proven against Alertmanager 0.25 in test/e2e/receivers/opsgenie-diff.test.ts.
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { groupKeyHash } from '#src/notify/integrations/fields.js'
import {
  OPSGENIE_RETRY_CODES,
  OpsGenieEndpoints,
  OpsGenieNotifier,
  safeSplit,
} from '#src/notify/integrations/opsgenie/index.js'
import type { OpsGenieConfig } from '#src/notify/integrations/opsgenie/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, UA } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])
const KEY = 'og-s3cr3t-key'

/** The config as loading `api_key` and `api_url` yields it, defaults applied. */
function opsgenieConfig(apiURL: string, overrides: Partial<OpsGenieConfig> = {}): OpsGenieConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    api_key: KEY,
    api_url: apiURL,
    message: '{{ template "opsgenie.default.message" . }}',
    description: '{{ template "opsgenie.default.description" . }}',
    source: '{{ template "opsgenie.default.source" . }}',
    update_alerts: false,
    ...overrides,
  }
}

function build(config: OpsGenieConfig, log = capture('warn').log): OpsGenieNotifier {
  return new OpsGenieNotifier({ config, template: () => TEMPLATE, log, userAgent: UA })
}

const firing = FIRING
const resolved: Alert = { ...firing, endsAt: Date.UTC(2024, 0, 1, 0, 1) }

// The conformance server answers by path prefix, so api_url is the test URL with a slash.
runNotifierConformance({
  name: 'opsgenie',
  build: (url) => {
    const [path, query] = url.split('?')
    return build(opsgenieConfig(`${path ?? ''}/?${query ?? ''}`))
  },
  retryCodes: OPSGENIE_RETRY_CODES,
  secrets: [KEY],
  messages: RETRIER_MESSAGES,
})

describe('OpsGenieNotifier', () => {
  let server: Running
  /** The status for each path, by substring; 202 otherwise. */
  let statuses: [string, number][] = []
  before(async () => {
    server = await listen((req, res) => {
      const status = statuses.find(([part]) => req.url.includes(part))?.[1] ?? 202
      if (status === 0) {
        // 0 stands for a connection reset without an answer.
        res.socket?.destroy()
        return
      }
      res.writeHead(status).end(status === 202 ? '' : `{"message":"no ${req.url}"}`)
    })
  })
  after(() => server.close())

  async function send(config: OpsGenieConfig, alerts: readonly Alert[], log = capture('warn').log) {
    const before = server.requests.length
    const notifier = build(config, log)
    try {
      await notifier.notify(context(), alerts)
    } finally {
      await notifier.close()
      statuses = []
    }
    return server.requests.slice(before)
  }

  const alias = groupKeyHash('{}:{alertname="A"}')

  it('creates, then updates message and description, with the GenieKey header', async () => {
    const sent = await send(opsgenieConfig(`${server.origin}/api/`, { update_alerts: true }), [
      firing,
    ])
    assert.deepEqual(
      sent.map((r) => [r.method, r.url]),
      [
        ['POST', '/api/v2/alerts'],
        ['PUT', `/api/v2/alerts/${alias}/message?identifierType=alias`],
        ['PUT', `/api/v2/alerts/${alias}/description?identifierType=alias`],
      ]
    )
    for (const r of sent) {
      assert.equal(r.headers.authorization, `GenieKey ${KEY}`)
      assert.equal(r.headers['content-type'], 'application/json')
      assert.equal(r.headers['user-agent'], UA)
    }
    const created = JSON.parse(sent[0]?.body.toString() ?? '') as Record<string, unknown>
    assert.equal(created['alias'], alias)
    // The common labels are the details' base.
    assert.deepEqual(created['details'], { alertname: 'A' })
  })

  it('closes by alias once every alert is resolved', async () => {
    const sent = await send(opsgenieConfig(`${server.origin}/api/`), [resolved])
    assert.deepEqual(
      sent.map((r) => [r.method, r.url]),
      [['POST', `/api/v2/alerts/${alias}/close?identifierType=alias`]]
    )
    assert.match(sent[0]?.body.toString() ?? '', /^\{"source":".*receiver=team"\}\n$/)
  })

  it('stops at the first failed request and quotes its body', async () => {
    statuses = [['/message', 422]]
    await assert.rejects(
      send(opsgenieConfig(`${server.origin}/api/`, { update_alerts: true }), [firing]),
      (err) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.message, `unexpected status code 422: {"message":"no <redacted>"}`)
        assert.equal(err.retryable, false)
        return true
      }
    )
    // The description update was not sent.
    assert.ok(!server.requests.at(-1)?.url.includes('/description'))
  })

  it('names the PUT of an update request that got no answer, and retries it', async () => {
    statuses = [['/description', 0]]
    await assert.rejects(
      send(opsgenieConfig(`${server.origin}/api/`, { update_alerts: true }), [firing]),
      (err) => {
        assert.ok(err instanceof NotifyError)
        assert.match(err.message, /^Put "<redacted>": /)
        assert.equal(err.retryable, true)
        return true
      }
    )
  })

  it('retries a 429 from the create request', async () => {
    statuses = [['/v2/alerts', 429]]
    await assert.rejects(send(opsgenieConfig(`${server.origin}/api/`), [firing]), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, true)
      return true
    })
  })

  it('fails on a template error in one field with the template message, sending nothing', async () => {
    const before = server.requests.length
    const config = opsgenieConfig(`${server.origin}/api/`, { note: '{{ template "nope" . }}' })
    await assert.rejects(send(config, [firing]), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.match(err.message, /^templating error: .*template "nope" not defined/)
      assert.equal(err.retryable, false)
      return true
    })
    assert.equal(server.requests.length, before)
  })

  it('truncates the message to 130 runes with the marker and logs it under `alert`', async () => {
    const { records, log } = capture('warn')
    const config = opsgenieConfig(`${server.origin}/api/`, { message: 'ü'.repeat(200) })
    const [created] = await send(config, [firing], log)
    const message = String(
      (JSON.parse(created?.body.toString() ?? '') as Record<string, unknown>)['message']
    )
    assert.equal(message, `${'ü'.repeat(129)}…`)
    assert.deepEqual(
      records.map((r) => [r['msg'], r['alert'], r['max_runes']]),
      [['Truncated message', '{}:{alertname="A"}', 130]]
    )
  })

  it('reads the key file untrimmed at each notification and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'og-'))
    const file = join(dir, 'key')
    await writeFile(file, 'from-file')
    const config = opsgenieConfig(`${server.origin}/api/`, { api_key_file: file })
    delete (config as { api_key?: string }).api_key
    const [created] = await send(config, [firing])
    assert.equal(created?.headers.authorization, 'GenieKey from-file')
    const missing = { ...config, api_key_file: join(dir, 'absent') }
    await assert.rejects(send(missing, [firing]), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(
        err.message,
        `read key_file error: open ${join(dir, 'absent')}: no such file or directory`
      )
      assert.equal(err.retryable, false)
      return true
    })
  })
})

describe('OpsGenieEndpoints', () => {
  it('extends the path and merges identifierType into a sorted, re-encoded query', () => {
    const endpoints = new OpsGenieEndpoints('https://api.example.com/og/?z=1&a=b%20c&x;y=2#frag')
    assert.equal(endpoints.create(), 'https://api.example.com/og/v2/alerts?z=1&a=b%20c&x;y=2')
    assert.equal(
      endpoints.byAlias('abc', 'close'),
      'https://api.example.com/og/v2/alerts/abc/close?a=b+c&identifierType=alias&z=1'
    )
  })

  it('replaces a configured identifierType', () => {
    const endpoints = new OpsGenieEndpoints('https://api.example.com/?identifierType=id')
    assert.equal(
      endpoints.byAlias('abc', 'message'),
      'https://api.example.com/v2/alerts/abc/message?identifierType=alias'
    )
  })
})

describe('safeSplit', () => {
  it('trims the whole text, splits, and drops empty items without trimming them', () => {
    assert.deepEqual(safeSplit(' a, b ,,c, ', ','), ['a', ' b ', 'c'])
    assert.deepEqual(safeSplit('   ', ','), [])
  })
})
