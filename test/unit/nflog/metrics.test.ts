import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'
import { Registry } from 'prom-client'

import { Nflog } from '#src/nflog/index.js'
import { createNflogMetrics } from '#src/nflog/metrics.js'

const RECEIVER = { groupName: 'r', integration: 'webhook', idx: 0 }

/** value reads one sample from the registry's text exposition. */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `))
  assert.ok(line, `no sample ${sample}`)
  return Number(line.slice(sample.length + 1))
}

describe('nflog metrics', () => {
  it("registers Alertmanager 0.25's seven nflog metrics with their types", async () => {
    const registry = new Registry()
    createNflogMetrics(registry)
    const types = (await registry.getMetricsAsJSON()).map((m) => [m.name, m.type])
    assert.deepEqual(types, [
      ['alertmanager_nflog_gc_duration_seconds', 'summary'],
      ['alertmanager_nflog_snapshot_duration_seconds', 'summary'],
      ['alertmanager_nflog_snapshot_size_bytes', 'gauge'],
      ['alertmanager_nflog_queries_total', 'counter'],
      ['alertmanager_nflog_query_errors_total', 'counter'],
      ['alertmanager_nflog_query_duration_seconds', 'histogram'],
      ['alertmanager_nflog_gossip_messages_propagated_total', 'counter'],
    ])
  })

  it('counts queries (misses as errors), gc, snapshots and propagated gossip', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nflog-metrics-'))
    const registry = new Registry()
    const log = bunyan.createLogger({ name: 't', level: 'fatal' })
    const nflog = await Nflog.open({ retentionMs: 3_600_000, snapshotDir: dir, log, registry })
    const peer = await Nflog.open({ retentionMs: 3_600_000, log })
    peer.log(RECEIVER, 'gossiped', [1n], [], 0)
    nflog.mergeBinary(peer.marshalBinary())
    nflog.log(RECEIVER, 'g', [1n], [], 0)
    nflog.query(RECEIVER, 'g')
    nflog.query(RECEIVER, 'missing')
    const { sizeBytes } = await nflog.maintenance()
    const text = await registry.metrics()
    const want: [string, number][] = [
      // One hit and one miss; Alertmanager counts the miss as an error.
      ['alertmanager_nflog_queries_total', 2],
      ['alertmanager_nflog_query_errors_total', 1],
      ['alertmanager_nflog_query_duration_seconds_count', 2],
      // maintenance() ran one gc and one snapshot.
      ['alertmanager_nflog_gc_duration_seconds_count', 1],
      ['alertmanager_nflog_snapshot_duration_seconds_count', 1],
      ['alertmanager_nflog_snapshot_size_bytes', (await stat(join(dir, 'nflog'))).size],
      // The gossip message was new and small: passed on once.
      ['alertmanager_nflog_gossip_messages_propagated_total', 1],
    ]
    assert.deepEqual(
      want.map(([sample]) => [sample, value(text, sample)]),
      want
    )
    assert.ok(sizeBytes > 0)
    await Promise.all([nflog.close(), peer.close()])
    await rm(dir, { recursive: true, force: true })
  })
})
