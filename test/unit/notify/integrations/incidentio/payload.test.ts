// The incident.io message against Go: no Alertmanager with incidentio runs here, so the oracle
// is newer Alertmanager's Message and template.Data structs, truncateAlerts and encodeMessage,
// compiled from a copy (test/support/incidentio-oracle), in the same test run. The size cases
// port TestIncidentIOPayloadTruncation and TestIncidentIOPayloadTruncationWithLabelTruncation;
// the max_alerts cases TestIncidentIOTruncateAlerts.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import {
  buildIncidentioMessage,
  INCIDENTIO_MAX_PAYLOAD_BYTES,
} from '#src/notify/integrations/incidentio/index.js'
import type { IncidentioMessageInput } from '#src/notify/integrations/incidentio/index.js'
import { truncateAlerts } from '#src/notify/integrations/template-data.js'

import { runIncidentioOracle } from '../../../../support/incidentio-oracle.js'
import type { IncidentioMessage } from '../../../../support/incidentio-oracle.js'

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0, 123)
const NOW = Date.UTC(2024, 0, 1, 0, 5)

function alert(labels: Record<string, string>, fields: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: {},
    startsAt: T0,
    endsAt: 0,
    generatorURL: 'http://prom:9090/graph?g0.expr=up&x=<1>',
    updatedAt: T0,
    timeout: false,
    fingerprint: '0123456789abcdef',
    ...fields,
  }
}

function message(overrides: Partial<IncidentioMessageInput>): IncidentioMessageInput {
  return {
    receiver: 'team-io',
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    externalURL: 'http://am.example.com:9093',
    notificationReason: 'first notification',
    maxAlerts: 0,
    alerts: [alert({ alertname: 'A' })],
    now: NOW,
    ...overrides,
  }
}

/** letters is TestIncidentIOPayloadTruncation's large annotation: a..z repeated. */
function letters(n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) {
    s += String.fromCharCode(97 + (i % 26))
  }
  return s
}

const big = letters(100 * 1024)
const xs = 'x'.repeat(1024)

/** manyLabels is TestIncidentIOPayloadTruncationWithLabelTruncation's alert `i`. */
function manyLabels(i: number): Alert {
  const labels: Record<string, string> = {
    alertname: `TestAlert${String.fromCharCode(48 + (i % 10))}`,
    severity: 'critical',
    job: 'test-job',
    instance: 'test-instance',
  }
  for (let j = 0; j < 50; j++) {
    labels[
      `label_${String.fromCharCode(97 + (j % 26))}_${String.fromCharCode(48 + Math.floor(j / 26))}`
    ] = xs
  }
  return alert(labels, { generatorURL: '', fingerprint: `f${i}` })
}

const CASES: readonly (readonly [string, IncidentioMessageInput])[] = [
  // One firing alert, the default shape.
  ['one firing alert', message({})],
  // Firing and resolved together: status firing, per-alert status, common pairs.
  [
    'firing and resolved',
    message({
      notificationReason: 'some alerts resolved',
      alerts: [
        alert({ alertname: 'A', i: '1' }, { annotations: { s: 'x', t: 'y' } }),
        alert(
          { alertname: 'A', i: '2' },
          { annotations: { s: 'x', t: 'z' }, endsAt: NOW - 1000, fingerprint: 'fedcba9876543210' }
        ),
      ],
    }),
  ],
  // All resolved: status resolved.
  [
    'all resolved',
    message({
      notificationReason: 'all alerts resolved',
      alerts: [alert({ alertname: 'A' }, { endsAt: NOW })],
    }),
  ],
  // max_alerts 2 of 5: truncatedAlerts 3, common pairs from the two kept.
  [
    'max_alerts',
    message({
      maxAlerts: 2,
      alerts: [1, 2, 3, 4, 5].map((i) =>
        alert({ alertname: 'A', i: String(i), k: i < 3 ? 'v' : 'w' })
      ),
    }),
  ],
  // max_alerts above the count: nothing cut.
  ['max_alerts above the count', message({ maxAlerts: 100 })],
  // Escaping in every string: HTML-sensitive, quotes, controls, U+2028, non-BMP, regexp metas.
  [
    'escaping',
    message({
      receiver: 'team.io (prod)+[x]{y}^$|?*\\',
      groupKey: '{}/{}:{alertname="<&>"}',
      groupLabels: { alertname: '<&>', é: '\u2028\u2029 😀' },
      externalURL: 'http://am/?a=1&b=<2>',
      notificationReason: 'repeat interval elapsed',
      alerts: [
        alert(
          { alertname: '<&>', q: '"\\\u0001\u007f' },
          { annotations: { d: 'line\nnext\t\r' }, generatorURL: '' }
        ),
      ],
    }),
  ],
  // An unknown reason (no dedup stage ran) and no group labels.
  ['no group labels, reason unknown', message({ groupLabels: {}, notificationReason: 'unknown' })],
  // TestIncidentIOPayloadTruncation: 10 alerts with 2 × 100 KiB annotations, cut to 1.
  [
    'over 512 KiB, cut to the first alert',
    message({
      groupKey: 'test-group',
      alerts: Array.from({ length: 10 }, (_, i) =>
        alert(
          {
            alertname: `TestAlert${String.fromCharCode(48 + i)}`,
            severity: 'critical',
            job: 'test-job',
            instance: 'test-instance',
            env: 'production',
            team: 'sre',
          },
          {
            annotations: {
              description: big,
              runbook: big,
              summary: 'This is a test alert with very large annotations',
            },
          }
        )
      ),
    }),
  ],
  // TestIncidentIOPayloadTruncationWithLabelTruncation: 100 alerts × 50 labels of 1 KiB.
  [
    'many large labels, cut to the first alert',
    message({
      groupKey: 'test-group',
      alerts: Array.from({ length: 100 }, (_, i) => manyLabels(i)),
    }),
  ],
  // Even the first alert alone is too large: sent anyway, logged as an error.
  [
    'still too large after the cut',
    message({
      alerts: [
        alert({ alertname: 'A' }, { annotations: { a: 'é'.repeat(300 * 1024) } }),
        alert({ alertname: 'B' }),
      ],
    }),
  ],
]

describe('buildIncidentioMessage encodes what the incidentio notifier encodes', () => {
  let go: IncidentioMessage[]
  before(() => {
    go = runIncidentioOracle(CASES.map(([, c]) => c)).messages
  })
  CASES.forEach(([name, c], i) => {
    it(`for ${name}`, () => {
      const ours = buildIncidentioMessage(c)
      const theirs = go[i]
      assert.ok(theirs !== undefined)
      // Compared as strings: a mismatch in a 1 MiB body still shows where.
      assert.equal(ours.body, theirs.body)
      const level = ours.cut === undefined ? '' : ours.cut.stillTooLarge ? 'error' : 'warn'
      assert.equal(level, theirs.log)
    })
  })

  it('keeps the cut body under 512 KiB with exactly one alert (TestIncidentIOPayloadTruncation)', () => {
    const [, input] = CASES.find(([n]) => n.startsWith('over 512 KiB')) ?? []
    assert.ok(input !== undefined)
    const out = buildIncidentioMessage(input)
    assert.ok(Buffer.byteLength(out.body) <= INCIDENTIO_MAX_PAYLOAD_BYTES)
    const decoded = JSON.parse(out.body) as { alerts: unknown[]; truncatedAlerts: number }
    assert.equal(decoded.alerts.length, 1)
    assert.equal(decoded.truncatedAlerts, 0)
    assert.ok(out.cut !== undefined && !out.cut.stillTooLarge)
    assert.ok(out.cut.originalSize > INCIDENTIO_MAX_PAYLOAD_BYTES)
    assert.equal(out.cut.finalSize, Buffer.byteLength(out.body))
  })

  it('keeps the essential labels of what remains (TestIncidentIOPayloadTruncationWithLabelTruncation)', () => {
    const [, input] = CASES.find(([n]) => n.startsWith('many large labels')) ?? []
    assert.ok(input !== undefined)
    const out = buildIncidentioMessage(input)
    assert.ok(Buffer.byteLength(out.body) <= INCIDENTIO_MAX_PAYLOAD_BYTES)
    const decoded = JSON.parse(out.body) as { alerts: { labels: Record<string, string> }[] }
    assert.ok(decoded.alerts.length <= 100)
    for (const a of decoded.alerts) {
      assert.ok(a.labels['alertname']?.includes('TestAlert'))
      assert.equal(a.labels['severity'], 'critical')
      assert.equal(a.labels['job'], 'test-job')
      assert.equal(a.labels['instance'], 'test-instance')
    }
  })
})

describe('truncateAlerts (TestIncidentIOTruncateAlerts)', () => {
  const ten = Array.from({ length: 10 }, (_, i) => i)
  // [max_alerts, kept, truncated]
  const rows: readonly (readonly [number, number, number])[] = [
    [0, 10, 0],
    [4, 4, 6],
    [100, 10, 0],
  ]
  for (const [max, kept, truncated] of rows) {
    it(`keeps ${kept} and counts ${truncated} with max_alerts ${max}`, () => {
      const got = truncateAlerts(max, ten)
      assert.equal(got.alerts.length, kept)
      assert.equal(got.truncated, truncated)
    })
  }
})
