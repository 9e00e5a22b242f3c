import type Logger from 'bunyan'

import type { NflogReceiver, NotificationLog } from '../dependencies.js'
import type { NotifyMetrics } from '../metrics.js'
import type { Integration } from '../notifier.js'
import type { Stage } from '../stage.js'

import { dedupStage } from './dedup.js'
import { retryStage } from './retry.js'
import { setNotifies } from './set-notifies.js'
import { waitStage } from './wait.js'
import type { WaitChanges } from './wait.js'

/** IntegrationStageOptions are what one integration's branch of the fan-out needs. */
export interface IntegrationStageOptions {
  readonly receiverName: string
  readonly integration: Integration
  readonly nflog: NotificationLog
  readonly waitMs: () => number
  /** Subscribes to changes of `waitMs` (peers joining or leaving), if it can change. */
  readonly waitChanges?: WaitChanges
  readonly metrics: NotifyMetrics
  readonly log: Logger
  readonly now: () => number
}

/**
 * integrationStage is one branch of a receiver's fan-out, in Alertmanager's order:
 * wait (position × peer_timeout) → dedup (nflog) → retry (send) → set-notifies (nflog write).
 * Retries ask the dedup stage again, so a peer's notification sent meanwhile ends them.
 * The dedup result travels in a narrower context type, so the later steps cannot run without it.
 *
 * @param options - the integration and its collaborators.
 * @returns the stage.
 */
export function integrationStage(options: IntegrationStageOptions): Stage {
  const { integration } = options
  const receiver: NflogReceiver = {
    groupName: options.receiverName,
    integration: integration.name,
    idx: integration.index,
  }
  // Alertmanager's RetryStage logs with these two fields; every step of the branch does here.
  const log = options.log.child({
    receiver: options.receiverName,
    integration: `${integration.name}[${integration.index}]`,
  })
  const wait = waitStage(options.waitMs, log, options.waitChanges)
  const dedup = dedupStage({
    nflog: options.nflog,
    receiver,
    sendResolved: integration.sendResolved,
    now: options.now,
    log,
  })
  const retry = retryStage({
    integration,
    receiverName: options.receiverName,
    metrics: options.metrics,
    log,
    // Asked again before each retry; only a changed verdict is worth a log line, and the
    // retry stage logs that one.
    stillNeeded: (ctx, alerts) => dedup(ctx, alerts, 'quiet').alerts.length > 0,
  })
  return {
    async exec(ctx, alerts) {
      const waited = await wait.exec(ctx, alerts)
      const deduped = dedup(waited.ctx, waited.alerts)
      if (deduped.alerts.length === 0) {
        return deduped
      }
      if ((await retry(deduped.ctx, deduped.alerts)) === 'sent') {
        setNotifies(options.nflog, receiver, deduped.ctx)
      }
      return deduped
    },
  }
}
