import type { Alert } from '../../alerts/index.js'
import { labelsHash } from '../../labels/index.js'
import type { NflogEntry, NflogReceiver, NotificationLog } from '../interfaces.js'
import type { StageResult } from '../stage.js'
import type { NotifyContext } from '../types.js'

/** DedupedContext is a NotifyContext with the alert hashes the dedup stage computed. */
export interface DedupedContext extends NotifyContext {
  /** xxHash64 of the labels of the firing alerts in this flush. */
  readonly firing: readonly bigint[]
  /** xxHash64 of the labels of the resolved alerts in this flush. */
  readonly resolved: readonly bigint[]
}

/** DedupOptions configure the dedup stage of one integration. */
export interface DedupOptions {
  readonly nflog: NotificationLog
  readonly receiver: NflogReceiver
  readonly sendResolved: boolean
  /** Wall clock: Alertmanager compares the repeat interval with the current time, not the tick. */
  readonly now: () => number
}

/**
 * dedupStage decides from the notification log whether this integration must notify
 * (Alertmanager's DedupStage, plus: an entry logged after the flush began wins); it always records the firing and resolved hash sets in the
 * context, and passes no alert on when nothing needs sending.
 *
 * @param options - the integration's nflog identity and send_resolved.
 * @returns the stage function.
 */
export function dedupStage(
  options: DedupOptions
): (ctx: NotifyContext, alerts: readonly Alert[]) => StageResult<DedupedContext> {
  return (ctx, alerts) => {
    const firing: bigint[] = []
    const resolved: bigint[] = []
    for (const alert of alerts) {
      // Flush copies carry endsAt 0 for firing alerts, so a set end means resolved.
      ;(alert.endsAt === 0 ? firing : resolved).push(labelsHash(alert.labels))
    }
    const next: DedupedContext = { ...ctx, firing, resolved }
    const entry = options.nflog.query(options.receiver, ctx.groupKey)
    if (entry !== undefined && entry.timestamp > ctx.now) {
      // Logged after this flush began: a peer notified from a newer view of the group while
      // this node waited its turn (position × peer_timeout). This flush's older snapshot must
      // not override it; Alertmanager would re-send "firing" for a group a peer had just
      // notified as resolved. The next flush compares again, so nothing is lost.
      return { ctx: next, alerts: [] }
    }
    const send = needsUpdate(
      entry,
      firing,
      resolved,
      options.sendResolved,
      options.now() - ctx.repeatIntervalMs
    )
    return { ctx: next, alerts: send ? alerts : [] }
  }
}

/**
 * needsUpdate is Alertmanager 0.25's DedupStage.needsUpdate.
 *
 * @param entry - the last notification of this group to this integration, if any.
 * @param firing - hashes of the firing alerts now.
 * @param resolved - hashes of the resolved alerts now.
 * @param sendResolved - the integration's send_resolved.
 * @param repeatCutoff - now minus repeat_interval, epoch ms.
 * @returns true when a notification must be sent.
 */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: readonly bigint[],
  resolved: readonly bigint[],
  sendResolved: boolean,
  repeatCutoff: number
): boolean {
  if (entry === undefined) {
    // Never notified: only a group with firing alerts is worth a first notification.
    return firing.length > 0
  }
  if (!isSubset(firing, entry.firingAlerts)) {
    return true
  }
  if (firing.length === 0) {
    // All resolved: notify (even without send_resolved) so the log stops listing them as firing,
    // unless the last notification listed none either.
    return entry.firingAlerts.length > 0
  }
  if (sendResolved && !isSubset(resolved, entry.resolvedAlerts)) {
    return true
  }
  return entry.timestamp < repeatCutoff
}

function isSubset(subset: readonly bigint[], of: readonly bigint[]): boolean {
  if (subset.length === 0) {
    return true
  }
  const set = new Set(of)
  return subset.every((hash) => set.has(hash))
}
