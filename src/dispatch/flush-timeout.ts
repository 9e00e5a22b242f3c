/**
 * MIN_FLUSH_TIMEOUT_MS is the least time one flush gets, whatever its group_interval
 * (Alertmanager's notify.MinTimeout).
 */
export const MIN_FLUSH_TIMEOUT_MS = 10_000

/**
 * flushTimeoutMs is the deadline of one aggregation group flush, Alertmanager 0.25's timeout
 * func (cmd/alertmanager/main.go): max(group_interval, 10 s) plus this node's cluster wait
 * (position × peer_timeout). The wait is added because the pipeline spends it before the first
 * send: without it a node at position p ≥ 1 with p × peer_timeout ≥ the floor never sends at
 * all, so it could never take over from a position 0 that cannot reach the receiver.
 *
 * @param groupIntervalMs - the route's group_interval.
 * @param clusterWaitMs - this node's wait before notifying, read at the start of the flush.
 * @returns the flush deadline in milliseconds.
 */
export function flushTimeoutMs(groupIntervalMs: number, clusterWaitMs: number): number {
  return Math.max(groupIntervalMs, MIN_FLUSH_TIMEOUT_MS) + clusterWaitMs
}
