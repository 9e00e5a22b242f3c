import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { truncateAlerts } from '#src/notify/integrations/template-data.js'
import { buildWebhookPayload } from '#src/notify/integrations/webhook/payload.js'

import { GOLDEN_CASES, GOLDEN_NOW, loadGolden } from './fixtures.js'

/** alert builds a firing flush-copy alert with the given labels and annotations. */
function alert(
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
  extra: Partial<Alert> = {}
): Alert {
  return {
    labels,
    annotations,
    startsAt: Date.UTC(2024, 0, 1),
    endsAt: 0,
    generatorURL: '',
    updatedAt: Date.UTC(2024, 0, 1),
    timeout: false,
    fingerprint: '0000000000000000',
    ...extra,
  }
}

/** build renders a payload for a plain group around the given alerts. */
function build(alerts: readonly Alert[], maxAlerts = 0, now = Date.UTC(2025, 0, 1)) {
  const text = buildWebhookPayload({
    receiver: 'r',
    groupKey: '{}:{}',
    groupLabels: {},
    externalURL: 'http://am',
    maxAlerts,
    alerts,
    now,
  })
  return { text, json: JSON.parse(text) as Record<string, unknown> }
}

describe('buildWebhookPayload', () => {
  for (const name of GOLDEN_CASES) {
    it(`matches the bytes Alertmanager 0.25 sent: ${name}`, () => {
      const golden = loadGolden(name)
      const body = buildWebhookPayload({
        receiver: golden.receiver,
        groupKey: golden.groupKey,
        groupLabels: golden.groupLabels,
        externalURL: golden.externalURL,
        maxAlerts: golden.maxAlerts,
        alerts: golden.alerts,
        now: GOLDEN_NOW,
      })
      assert.equal(body, golden.body.toString('utf8'), golden.description)
      assert.ok(Buffer.from(body, 'utf8').equals(golden.body))
    })
  }

  it('sets the group status from the sent alerts', () => {
    const now = Date.UTC(2025, 0, 1)
    const resolved = alert({ a: '1' }, {}, { endsAt: now - 1 })
    const firing = alert({ a: '2' })
    const cases = [
      // One firing alert makes the notification firing.
      { alerts: [resolved, firing], status: 'firing', each: ['resolved', 'firing'] },
      // Only resolved alerts: resolved.
      { alerts: [resolved], status: 'resolved', each: ['resolved'] },
      // endsAt exactly now counts as resolved (Go: !EndsAt.After(now)).
      { alerts: [alert({ a: '3' }, {}, { endsAt: now })], status: 'resolved', each: ['resolved'] },
      // endsAt in the future is firing, and its time is rendered (not the zero time).
      {
        alerts: [alert({ a: '4' }, {}, { endsAt: now + 1000 })],
        status: 'firing',
        each: ['firing'],
      },
    ]
    for (const c of cases) {
      const { json } = build(c.alerts, 0, now)
      assert.equal(json['status'], c.status)
      assert.deepEqual(
        (json['alerts'] as { status: string }[]).map((a) => a.status),
        c.each
      )
    }
    const { json } = build([alert({ a: '4' }, {}, { endsAt: now + 1000 })], 0, now)
    assert.equal((json['alerts'] as { endsAt: string }[])[0]?.endsAt, '2025-01-01T00:00:01Z')
  })

  it('truncates to max_alerts and computes common labels and annotations over what is sent', () => {
    const alerts = [
      alert({ alertname: 'A', job: 'x', i: '1' }, { summary: 's', only: 'first' }),
      alert({ alertname: 'A', job: 'x', i: '2' }, { summary: 's', only: 'first' }),
      alert({ alertname: 'A', job: 'y', i: '3' }, { summary: 's' }),
    ]
    const cases = [
      // Unlimited: job and "only" differ across the three.
      { max: 0, truncated: 0, sent: 3, labels: { alertname: 'A' }, annotations: { summary: 's' } },
      // Two sent: job and "only" are common to them.
      {
        max: 2,
        truncated: 1,
        sent: 2,
        labels: { alertname: 'A', job: 'x' },
        annotations: { only: 'first', summary: 's' },
      },
      // max_alerts above the count cuts nothing.
      { max: 10, truncated: 0, sent: 3, labels: { alertname: 'A' }, annotations: { summary: 's' } },
      // One sent: everything of that alert is common.
      {
        max: 1,
        truncated: 2,
        sent: 1,
        labels: { alertname: 'A', i: '1', job: 'x' },
        annotations: { only: 'first', summary: 's' },
      },
    ]
    for (const c of cases) {
      const { json } = build(alerts, c.max)
      assert.equal(json['truncatedAlerts'], c.truncated, String(c.max))
      assert.equal((json['alerts'] as unknown[]).length, c.sent)
      assert.deepEqual(json['commonLabels'], c.labels)
      assert.deepEqual(json['commonAnnotations'], c.annotations)
    }
  })

  it('treats a missing key as "" when computing common pairs, like a Go map lookup', () => {
    // The empty annotation of the first alert matches the absent one of the second.
    const { json } = build([alert({ a: '1' }, { empty: '' }), alert({ a: '1' }, {})])
    assert.deepEqual(json['commonAnnotations'], { empty: '' })
  })

  it('renders an empty flush with [] and {} as Go does', () => {
    const { text } = build([])
    assert.equal(
      text,
      '{"receiver":"r","status":"resolved","alerts":[],"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","version":"4","groupKey":"{}:{}","truncatedAlerts":0}\n'
    )
  })

  it('keeps a label named __proto__ as an ordinary key', () => {
    const labels = JSON.parse('{"__proto__":"p","a":"1"}') as Record<string, string>
    const { text } = build([alert(labels)])
    assert.ok(text.includes('"labels":{"__proto__":"p","a":"1"}'), text)
    assert.ok(text.includes('"commonLabels":{"__proto__":"p","a":"1"}'), text)
  })
})

describe('truncateAlerts', () => {
  it('keeps the first max alerts and counts the rest', () => {
    const cases = [
      // 0 means unlimited.
      { max: 0, input: [1, 2, 3], alerts: [1, 2, 3], truncated: 0 },
      // Cut to two.
      { max: 2, input: [1, 2, 3], alerts: [1, 2], truncated: 1 },
      // Exactly at the limit.
      { max: 3, input: [1, 2, 3], alerts: [1, 2, 3], truncated: 0 },
    ]
    for (const c of cases) {
      assert.deepEqual(truncateAlerts(c.max, c.input), { alerts: c.alerts, truncated: c.truncated })
    }
  })
})
