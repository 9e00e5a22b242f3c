// The incidentio notifier, porting notify/incidentio/incidentio_test.go (68fb2d5):
// TestIncidentIORetry, TestIncidentIORedactedURL, TestIncidentIOURLFromFile,
// TestIncidentIONotify and TestIncidentIORetryScenarios (4 cases), plus the request against
// the Go oracle, the token header, the timeout and the size-cut log.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { HttpConfigError } from '#src/notify/http/index.js'
import { NotifyError } from '#src/notify/index.js'
import type { IncidentioConfig } from '#src/notify/integrations/incidentio/index.js'
import {
  INCIDENTIO_RETRY_CODES,
  IncidentioNotifier,
} from '#src/notify/integrations/incidentio/index.js'

import { runIncidentioOracle } from '../../../../support/incidentio-oracle.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, NOW, UA, lastRequest, assertPostJSON } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

const EXTERNAL_URL = 'http://am.example.com:9093'

function ioConfig(overrides: Partial<IncidentioConfig> = {}): IncidentioConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    alert_source_token: 'test-token',
    max_alerts: 0,
    timeout: 0,
    ...overrides,
  }
}

function notifier(
  overrides: Partial<IncidentioConfig>,
  log = capture('fatal').log
): IncidentioNotifier {
  return new IncidentioNotifier({
    config: ioConfig(overrides),
    receiverName: 'team',
    externalURL: EXTERNAL_URL,
    userAgent: UA,
    log,
  })
}

function alert(labels: Record<string, string>, fields: Partial<Alert> = {}): Alert {
  return { ...FIRING, labels, ...fields }
}

// TestIncidentIORetry (5xx and 429) and TestIncidentIORedactedURL, with newer Alertmanager's
// Retrier text: these bodies are not incident.io JSON, so errDetails adds nothing.
runNotifierConformance({
  name: 'incidentio',
  build: (url) => notifier({ url }),
  retryCodes: INCIDENTIO_RETRY_CODES,
  secrets: ['test-token'],
  statusErrorQuotesURL: false,
  messages: {
    status: (code) => `unexpected status code ${code}`,
    deadline: 'Post "<redacted>": context deadline exceeded',
    canceled: 'Post "<redacted>": context canceled',
  },
})

describe('IncidentioNotifier', () => {
  let server: Running
  let answer: { status: number; body: string } = { status: 200, body: '' }
  before(async () => {
    server = await listen((req, res) => {
      if (req.url.startsWith('/hang')) {
        return
      }
      res.writeHead(answer.status).end(answer.body)
    })
  })
  after(() => server.close())

  const last = () => lastRequest(server)

  it('retries 5xx and 429 only (TestIncidentIORetry)', () => {
    assert.deepEqual(INCIDENTIO_RETRY_CODES, [429])
  })

  // TestIncidentIONotify, with the body against the Go oracle.
  it('POSTs the message Go encodes, with the token as Bearer and PostJSON headers', async () => {
    answer = { status: 200, body: '' }
    const n = notifier({ url: `${server.origin}/v2/alert_events/http/01ABC` })
    const alerts = [
      alert({ alertname: 'TestAlert', severity: 'critical' }),
      alert({ alertname: 'TestAlert', severity: 'warning' }, { endsAt: NOW - 1000 }),
    ]
    await n.notify(context({ notificationReason: 'new alerts added' }), alerts)
    const request = last()
    assertPostJSON(request, '/v2/alert_events/http/01ABC')
    assert.equal(request.headers.authorization, 'Bearer test-token')
    const [expected] = runIncidentioOracle([
      {
        receiver: 'team',
        groupLabels: context().groupLabels,
        externalURL: EXTERNAL_URL,
        notificationReason: 'new alerts added',
        groupKey: context().groupKey,
        maxAlerts: 0,
        now: NOW,
        alerts,
      },
    ]).messages
    assert.equal(request.body.toString('utf8'), expected?.body)
    const msg = JSON.parse(request.body.toString('utf8')) as { version: string; groupKey: string }
    assert.equal(msg.version, '1')
    assert.notEqual(msg.groupKey, '')
    await n.close()
  })

  it('says "unknown" when no dedup stage gave a notification reason', async () => {
    answer = { status: 200, body: '' }
    const n = notifier({ url: `${server.origin}/x` })
    await n.notify(context(), [FIRING])
    assert.match(last().body.toString(), /"notification_reason":"unknown"/)
    await n.close()
  })

  it('cuts max_alerts and counts them in truncatedAlerts', async () => {
    answer = { status: 200, body: '' }
    const n = notifier({ url: `${server.origin}/x`, max_alerts: 1 })
    await n.notify(context(), [
      alert({ alertname: 'A', i: '1' }),
      alert({ alertname: 'A', i: '2' }),
    ])
    const msg = JSON.parse(last().body.toString()) as { alerts: unknown[]; truncatedAlerts: number }
    assert.equal(msg.alerts.length, 1)
    assert.equal(msg.truncatedAlerts, 1)
    await n.close()
  })

  // TestIncidentIORetryScenarios: [name, status, body, retryable or undefined for success, text].
  const scenarios: readonly (readonly [string, number, string, boolean | undefined, string])[] = [
    // success response.
    ['success response', 200, '{"status":"success"}', undefined, ''],
    // rate limit response.
    [
      'rate limit response',
      429,
      '{"error":"rate limit exceeded","message":"Too many requests"}',
      true,
      'unexpected status code 429: Too many requests: rate limit exceeded',
    ],
    // server error response.
    [
      'server error response',
      500,
      '{"error":"internal error"}',
      true,
      'unexpected status code 500: internal error',
    ],
    // client error response.
    [
      'client error response',
      400,
      '{"error":"invalid request","message":"Invalid payload format"}',
      false,
      'unexpected status code 400: Invalid payload format: invalid request',
    ],
  ]
  for (const [name, status, body, retryable, text] of scenarios) {
    it(`answers a ${name} as upstream`, async () => {
      answer = { status, body }
      const n = notifier({ url: `${server.origin}/x` })
      const sent = n.notify(context(), [alert({ alertname: 'TestAlert', severity: 'critical' })])
      if (retryable === undefined) {
        await sent
      } else {
        await assert.rejects(sent, (err: unknown) => {
          assert.ok(err instanceof NotifyError)
          assert.equal(err.retryable, retryable)
          assert.equal(err.message, text)
          return true
        })
      }
      await n.close()
    })
  }

  it('redacts the URL where incident.io echoes it in its error', async () => {
    const url = `${server.origin}/v2/alert_events/http/s3cr3t`
    answer = { status: 400, body: JSON.stringify({ error: `no source at ${url}` }) }
    const n = notifier({ url })
    await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.message, 'unexpected status code 400: no source at <redacted>')
      return true
    })
    await n.close()
  })

  // TestIncidentIOURLFromFile: the file ends with a newline, which is trimmed.
  it('reads url_file at each notification, trimmed', async () => {
    answer = { status: 200, body: '' }
    const dir = mkdtempSync(join(tmpdir(), 'incidentio-'))
    const file = join(dir, 'url')
    writeFileSync(file, `${server.origin}/first\n`)
    const n = notifier({ url_file: file })
    await n.notify(context(), [FIRING])
    assert.equal(last().url, '/first')
    writeFileSync(file, ` ${server.origin}/second`)
    await n.notify(context(), [FIRING])
    assert.equal(last().url, '/second')
    await n.close()
  })

  it("fails for good when url_file cannot be read, in Go's words", async () => {
    const n = notifier({ url_file: '/nonexistent/incidentio-url' })
    await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(
        err.message,
        'read url_file: open /nonexistent/incidentio-url: no such file or directory'
      )
      assert.equal(err.retryable, false)
      return true
    })
    await n.close()
  })

  it('reads alert_source_token_file once, when built, trimmed', async () => {
    answer = { status: 200, body: '' }
    const dir = mkdtempSync(join(tmpdir(), 'incidentio-'))
    const file = join(dir, 'token')
    writeFileSync(file, 'from-file\n')
    const { alert_source_token: _unused, ...rest } = ioConfig({ url: `${server.origin}/x` })
    const n = new IncidentioNotifier({
      config: { ...rest, alert_source_token_file: file },
      receiverName: 'team',
      externalURL: EXTERNAL_URL,
      userAgent: UA,
      log: capture('fatal').log,
    })
    writeFileSync(file, 'changed')
    await n.notify(context(), [FIRING])
    assert.equal(last().headers.authorization, 'Bearer from-file')
    await n.close()
  })

  it('fails to build when alert_source_token_file cannot be read, as New does', () => {
    assert.throws(
      () => notifier({ alert_source_token_file: '/nonexistent/token', url: 'http://x.example/' }),
      (err: unknown) => {
        assert.ok(err instanceof HttpConfigError)
        assert.equal(
          err.message,
          'failed to read alert_source_token_file: open /nonexistent/token: no such file or directory'
        )
        return true
      }
    )
  })

  it("lets the token replace the (global) http_config's authorization", async () => {
    answer = { status: 200, body: '' }
    const shared = {
      ...httpConfig(),
      authorization: { type: 'Bearer', credentials: 'global' },
    }
    const n = notifier({ url: `${server.origin}/x`, http_config: shared })
    await n.notify(context(), [FIRING])
    assert.equal(last().headers.authorization, 'Bearer test-token')
    assert.equal(shared.authorization.credentials, 'global')
    await n.close()
    // Without a token, http_config authenticates.
    const plain = notifier({
      url: `${server.origin}/x`,
      http_config: shared,
      alert_source_token: '',
    })
    await plain.notify(context(), [FIRING])
    assert.equal(last().headers.authorization, 'Bearer global')
    await plain.close()
  })

  it('gives up an attempt at its own timeout, as a retryable deadline', async () => {
    const n = notifier({ url: `${server.origin}/hang`, timeout: 100 })
    const started = performance.now()
    await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, true)
      assert.equal(err.message, 'Post "<redacted>": context deadline exceeded')
      return true
    })
    assert.ok(performance.now() - started < 2_000)
    await n.close()
  })

  it('logs the 512 KiB cut at warn, with the sizes', async () => {
    answer = { status: 200, body: '' }
    const { records, log } = capture('warn')
    const n = notifier({ url: `${server.origin}/x` }, log)
    // Different annotations: a common one would stay in commonAnnotations after the cut.
    await n.notify(context(), [
      alert({ alertname: 'A', i: '1' }, { annotations: { d: 'a'.repeat(300 * 1024) } }),
      alert({ alertname: 'A', i: '2' }, { annotations: { d: 'b'.repeat(300 * 1024) } }),
    ])
    const msg = JSON.parse(last().body.toString()) as { alerts: unknown[] }
    assert.equal(msg.alerts.length, 1)
    const [record] = records
    assert.equal(records.length, 1)
    assert.ok(record !== undefined)
    assert.equal(record['msg'], 'Truncated alert content due to incident.io payload size limit')
    assert.equal(record['level'], 40)
    assert.equal(record['max_size'], 512 * 1024)
    assert.equal(record['final_size'], last().body.length)
    assert.ok(Number(record['original_size']) > 600 * 1024)
    await n.close()
  })
})
