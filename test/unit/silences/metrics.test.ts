import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Registry } from 'prom-client'

import { createSilencesMetrics } from '#src/silences/metrics.js'

import { HOUR, MIN, T0, clock, mesh, openMemory, setAB } from './helpers.js'

/** value reads one sample from the exposition text. */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `))
  return line === undefined ? undefined : Number(line.slice(sample.length + 1))
}

describe('silences metrics', () => {
  it("registers 0.25's metric names, types and help", async () => {
    const registry = new Registry()
    createSilencesMetrics(registry, () => ({ active: 0, pending: 0, expired: 0 }))
    const text = await registry.metrics()
    // Each row: the metric family and its type, as 0.25's silence.go registers it.
    const families: [string, string, string][] = [
      ['alertmanager_silences', 'gauge', 'How many silences by state.'],
      [
        'alertmanager_silences_gc_duration_seconds',
        'summary',
        'Duration of the last silence garbage collection cycle.',
      ],
      [
        'alertmanager_silences_snapshot_duration_seconds',
        'summary',
        'Duration of the last silence snapshot.',
      ],
      [
        'alertmanager_silences_snapshot_size_bytes',
        'gauge',
        'Size of the last silence snapshot in bytes.',
      ],
      ['alertmanager_silences_queries_total', 'counter', 'How many silence queries were received.'],
      [
        'alertmanager_silences_query_errors_total',
        'counter',
        'How many silence received queries did not succeed.',
      ],
      [
        'alertmanager_silences_query_duration_seconds',
        'histogram',
        'Duration of silence query evaluation.',
      ],
      [
        'alertmanager_silences_gossip_messages_propagated_total',
        'counter',
        'Number of received gossip messages that have been further gossiped.',
      ],
    ]
    for (const [name, type, help] of families) {
      assert.match(text, new RegExp(`^# HELP ${name} ${help.replace(/\./g, '\\.')}$`, 'm'))
      assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'))
    }
    assert.match(text, /^alertmanager_silences_query_duration_seconds_bucket\{le="0\.005"\} 0$/m)
  })

  it('counts silences by state at scrape time, and queries, GC runs and propagated merges', async () => {
    const c = clock()
    const registry = new Registry()
    const s = await openMemory(c, { registry })
    await setAB(s, { endsAt: T0 + MIN })
    await setAB(s, { startsAt: T0 + HOUR, endsAt: T0 + 2 * HOUR })
    s.merge([mesh('old', { startsAt: T0 - HOUR, endsAt: T0 - MIN })])
    let text = await registry.metrics()
    assert.equal(value(text, 'alertmanager_silences{state="active"}'), 1)
    assert.equal(value(text, 'alertmanager_silences{state="pending"}'), 1)
    assert.equal(value(text, 'alertmanager_silences{state="expired"}'), 1)
    assert.equal(value(text, 'alertmanager_silences_gossip_messages_propagated_total'), 1)

    // Time alone moves the active silence to expired.
    c.add(2 * MIN)
    s.mutedBy({ a: 'b' }, 'fp')
    s.gc()
    text = await registry.metrics()
    assert.equal(value(text, 'alertmanager_silences{state="active"}'), 0)
    assert.equal(value(text, 'alertmanager_silences{state="expired"}'), 2)
    assert.equal(value(text, 'alertmanager_silences_queries_total'), 1)
    assert.equal(value(text, 'alertmanager_silences_query_duration_seconds_count'), 1)
    assert.equal(value(text, 'alertmanager_silences_gc_duration_seconds_count'), 1)
    assert.equal(value(text, 'alertmanager_silences_query_errors_total'), 0)
  })
})
