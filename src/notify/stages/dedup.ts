import type Logger from 'bunyan'

import type { Alert } from '../../alerts/index.js'
import { labelsHash } from '../../labels/index.js'
import type { NflogEntry, NflogReceiver, NotificationLog } from '../dependencies.js'
import type { NotificationReason, NotifyContext } from '../notifier.js'
import type { StageResult } from '../stage.js'

/**
 * DedupedContext is a NotifyContext with the alert hashes the dedup stage computed; the stage
 * also sets `notificationReason`.
 */
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
  /** The integration's logger: each decision is logged at debug with its reason. */
  readonly log: Logger
  /** Told of each flush it stops (not when asked `'quiet'`), with the nflog entry's time. */
  readonly onSkip?: (ctx: NotifyContext, why: string, notifiedAt: number | undefined) => void
}

/**
 * dedupStage decides from the notification log whether this integration must notify
 * (Alertmanager's DedupStage, plus: an entry logged after the flush began wins); it always
 * records the firing and resolved hash sets in the context, and passes no alert on when nothing
 * needs sending. Each decision is logged at debug with its reason, unless called `'quiet'`
 * (the retry stage asking again).
 *
 * @param options - the integration's nflog identity, send_resolved and logger.
 * @returns the stage function.
 */
export function dedupStage(
  options: DedupOptions
): (ctx: NotifyContext, alerts: readonly Alert[], quiet?: 'quiet') => StageResult<DedupedContext> {
  return (ctx, alerts, quiet) => {
    const log = quiet === undefined ? options.log : undefined
    const firing: bigint[] = []
    const resolved: bigint[] = []
    for (const alert of alerts) {
      // Flush copies carry endsAt 0 for firing alerts, so a set end means resolved.
      ;(alert.endsAt === 0 ? firing : resolved).push(labelsHash(alert.labels))
    }
    const entry = options.nflog.query(options.receiver, ctx.groupKey)
    if (entry !== undefined && entry.timestamp > ctx.now) {
      // Logged after this flush began: a peer notified from a newer view of the group while
      // this node waited its turn (position × peer_timeout). This flush's older snapshot must
      // not override it; Alertmanager would re-send "firing" for a group a peer had just
      // notified as resolved. The next flush compares again, so nothing is lost.
      logDecision(log, ctx, entry, 'notified after this flush began')
      if (quiet === undefined) {
        options.onSkip?.(ctx, 'notified after this flush began', entry.timestamp)
      }
      return { ctx: { ...ctx, firing, resolved, notificationReason: 'none' }, alerts: [] }
    }
    const reason = updateReason(
      entry,
      firing,
      resolved,
      options.sendResolved,
      options.now() - ctx.repeatIntervalMs
    )
    logDecision(log, ctx, entry, reason)
    if (!reason.send && quiet === undefined) {
      options.onSkip?.(ctx, reason.why, entry?.timestamp)
    }
    const next: DedupedContext = { ...ctx, firing, resolved, notificationReason: reason.reason }
    return { ctx: next, alerts: reason.send ? alerts : [] }
  }
}

/**
 * UpdateReason is the dedup stage's verdict, why (for the debug log), and the reason newer
 * Alertmanager gives notifiers (NotifyReason.String(), notify/notify.go at 68fb2d5).
 */
export type UpdateReason =
  | { readonly send: true; readonly why: string; readonly reason: NotificationReason }
  | { readonly send: false; readonly why: string; readonly reason: 'none' }

const SEND = {
  firstNotification: { send: true, why: 'never notified', reason: 'first notification' },
  newFiring: { send: true, why: 'firing alerts not yet notified', reason: 'new alerts added' },
  // Newer Alertmanager calls firing alerts after a notification that listed none a first one.
  firingAfterResolved: {
    send: true,
    why: 'firing alerts not yet notified',
    reason: 'first notification',
  },
  allResolved: {
    send: true,
    why: 'all alerts resolved since the last notification',
    reason: 'all alerts resolved',
  },
  newResolved: {
    send: true,
    why: 'resolved alerts not yet notified',
    reason: 'some alerts resolved',
  },
  repeat: { send: true, why: 'repeat_interval passed', reason: 'repeat interval elapsed' },
} as const satisfies Record<string, UpdateReason>

const SKIP = {
  nothingFiring: { send: false, why: 'no firing alert to notify', reason: 'none' },
  stillResolved: { send: false, why: 'already notified as resolved', reason: 'none' },
  unchanged: {
    send: false,
    why: 'same alerts already notified, repeat_interval not passed',
    reason: 'none',
  },
} as const satisfies Record<string, UpdateReason>

function logDecision(
  log: Logger | undefined,
  ctx: NotifyContext,
  entry: NflogEntry | undefined,
  reason: UpdateReason | string
): void {
  // bunyan's debug() without arguments says whether debug is on: nothing is built otherwise.
  if (log?.debug() !== true) {
    return
  }
  const send = typeof reason !== 'string' && reason.send
  const fields = {
    aggrGroup: ctx.groupKey,
    reason: typeof reason === 'string' ? reason : reason.why,
    ...(entry === undefined ? {} : { lastNotified: new Date(entry.timestamp).toISOString() }),
  }
  log.debug(fields, send ? 'Notification needed' : 'Notification already sent')
}

/**
 * updateReason is Alertmanager 0.25's DedupStage.needsUpdate with the reason of its verdict.
 *
 * @param entry - the last notification of this group to this integration, if any.
 * @param firing - hashes of the firing alerts now.
 * @param resolved - hashes of the resolved alerts now.
 * @param sendResolved - the integration's send_resolved.
 * @param repeatCutoff - now minus repeat_interval, epoch ms.
 * @returns whether a notification must be sent, and why.
 */
export function updateReason(
  entry: NflogEntry | undefined,
  firing: readonly bigint[],
  resolved: readonly bigint[],
  sendResolved: boolean,
  repeatCutoff: number
): UpdateReason {
  if (entry === undefined) {
    // Never notified: only a group with firing alerts is worth a first notification.
    return firing.length > 0 ? SEND.firstNotification : SKIP.nothingFiring
  }
  if (!isSubset(firing, entry.firingAlerts)) {
    return entry.firingAlerts.length === 0 ? SEND.firingAfterResolved : SEND.newFiring
  }
  if (firing.length === 0) {
    // All resolved: notify (even without send_resolved) so the log stops listing them as firing,
    // unless the last notification listed none either.
    return entry.firingAlerts.length > 0 ? SEND.allResolved : SKIP.stillResolved
  }
  if (sendResolved && !isSubset(resolved, entry.resolvedAlerts)) {
    return SEND.newResolved
  }
  return entry.timestamp < repeatCutoff ? SEND.repeat : SKIP.unchanged
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
  return updateReason(entry, firing, resolved, sendResolved, repeatCutoff).send
}

function isSubset(subset: readonly bigint[], of: readonly bigint[]): boolean {
  if (subset.length === 0) {
    return true
  }
  const set = new Set(of)
  return subset.every((hash) => set.has(hash))
}
