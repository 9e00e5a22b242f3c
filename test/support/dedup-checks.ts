// The cluster tests that count notifications must wait until no node is still about to send a
// duplicate. Every node's dedup stage looks the nflog up once per integration of a flushed
// group (Alertmanager's nflog.Log.Query, counted in alertmanager_nflog_queries_total); a node at
// a later position does so only after its peer wait. Awaiting that lookup replaces sleeping out
// the longest position's wait with a margin.
import { setTimeout as sleep } from 'node:timers/promises'

import { sampleValue } from './prometheus.js'
import { waitFor } from './wait.js'

const NFLOG_QUERIES = 'alertmanager_nflog_queries_total'

/**
 * SEND_GRACE_MS is how long a notification a node decided to send at its nflog lookup may take
 * to reach a local capture server on a loaded 2-core machine.
 */
const SEND_GRACE_MS = 1000

/** A node whose /metrics the helpers read. */
export interface MetricsNode {
  readonly url: string
}

/**
 * nflogQueries reads each node's nflog lookup count.
 *
 * @param nodes - the nodes.
 * @returns their counts, in order.
 */
export function nflogQueries(nodes: readonly MetricsNode[]): Promise<number[]> {
  return Promise.all(nodes.map((node) => sampleValue(node.url, NFLOG_QUERIES)))
}

/**
 * afterDedupChecks waits until every node has looked the nflog up at least `lookups` more times
 * than `before` (e.g. the integrations of the groups it flushed), then for a send decided at
 * that lookup to arrive: after it, a node that was going to send a duplicate has sent it.
 *
 * @param nodes - the nodes whose decisions matter.
 * @param before - their counts before the alerts were sent (from {@link nflogQueries}).
 * @param lookups - how many more lookups each node makes before it has decided.
 * @param timeoutMs - how long the lookups may take.
 */
export async function afterDedupChecks(
  nodes: readonly MetricsNode[],
  before: readonly number[],
  lookups: number,
  timeoutMs = 60_000
): Promise<void> {
  await waitFor(
    `${lookups} nflog lookups on each of ${nodes.length} nodes`,
    async () => {
      const now = await nflogQueries(nodes)
      return now.every((n, i) => n >= (before[i] ?? 0) + lookups)
    },
    { timeoutMs, intervalMs: 200 }
  )
  await sleep(SEND_GRACE_MS)
}
