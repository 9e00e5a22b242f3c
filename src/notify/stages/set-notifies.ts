import type { NflogReceiver, NotificationLog } from '../dependencies.js'

import type { DedupedContext } from './dedup.js'

/**
 * setNotifies records a successful notification in the nflog (Alertmanager's
 * SetNotifiesStage); the entry expires after twice the repeat interval.
 *
 * @param nflog - the notification log.
 * @param receiver - the integration's identity in the log.
 * @param ctx - the flush context with the hashes the dedup stage computed.
 * @returns the entry's time, for the decision history; undefined when a peer's newer entry stood.
 */
export function setNotifies(
  nflog: NotificationLog,
  receiver: NflogReceiver,
  ctx: DedupedContext
): number | undefined {
  return nflog.log(receiver, ctx.groupKey, ctx.firing, ctx.resolved, 2 * ctx.repeatIntervalMs)
}
