import type { NflogReceiver, NotificationLog } from '../dependencies.js'

import type { DedupedContext } from './dedup.js'

/**
 * setNotifies records a successful notification in the nflog (Alertmanager's
 * SetNotifiesStage); the entry expires after twice the repeat interval.
 *
 * @param nflog - the notification log.
 * @param receiver - the integration's identity in the log.
 * @param ctx - the flush context with the hashes the dedup stage computed.
 */
export function setNotifies(
  nflog: NotificationLog,
  receiver: NflogReceiver,
  ctx: DedupedContext
): void {
  nflog.log(receiver, ctx.groupKey, ctx.firing, ctx.resolved, 2 * ctx.repeatIntervalMs)
}
