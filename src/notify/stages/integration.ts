import type Logger from 'bunyan'

import { Decisions } from '../decisions.js'
import type { NflogReceiver, NotificationLog } from '../dependencies.js'
import type { NotifyMetrics } from '../metrics.js'
import type { Integration } from '../notifier.js'
import { NotifyError } from '../notify-error.js'
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
  /** This node's position in the cluster, said in the `waited` decision. */
  readonly position?: () => number
  readonly metrics: NotifyMetrics
  readonly log: Logger
  readonly now: () => number
  /** Where each step's decision is reported. @default records nothing */
  readonly decisions?: Decisions
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
  const named = `${integration.name}[${integration.index}]`
  const decisions = options.decisions ?? new Decisions(undefined, options.now)
  const wait = waitStage(options.waitMs, log, options.waitChanges)
  const dedup = dedupStage({
    nflog: options.nflog,
    receiver,
    sendResolved: integration.sendResolved,
    now: options.now,
    log,
    onSkip: (ctx, why, notifiedAt) => {
      decisions.deduplicated(ctx, named, why, notifiedAt)
    },
  })
  const retry = retryStage({
    integration,
    receiverName: options.receiverName,
    metrics: options.metrics,
    log,
    // Asked again before each retry; only a changed verdict is worth a log line, and the
    // retry stage logs that one.
    stillNeeded: (ctx, alerts) => dedup(ctx, alerts, 'quiet').alerts.length > 0,
    onAttemptFailed: (ctx, attempts, message) => {
      decisions.outcome(ctx, named, 'failed', `attempt ${attempts} failed: ${message}; retrying`)
    },
  })
  return {
    async exec(ctx, alerts) {
      // The position the wait began at: it ends early when a lower position leaves.
      const position = options.waitMs() > 0 ? options.position?.() : undefined
      const started = performance.now()
      const waited = await wait.exec(ctx, alerts)
      if (position !== undefined) {
        decisions.waited(ctx, named, performance.now() - started, position)
      }
      const deduped = dedup(waited.ctx, waited.alerts)
      if (deduped.alerts.length === 0) {
        return deduped
      }
      let outcome
      try {
        outcome = await retry(deduped.ctx, deduped.alerts)
      } catch (err: unknown) {
        decisions.outcome(deduped.ctx, named, 'failed', failure(err))
        throw err
      }
      if (outcome === 'sent') {
        const loggedAt = setNotifies(options.nflog, receiver, deduped.ctx)
        const { firing, resolved } = deduped.ctx
        decisions.outcome(
          deduped.ctx,
          named,
          'sent',
          `notified ${firing.length} firing and ${resolved.length} resolved`,
          loggedAt
        )
      } else {
        // Rare (a retry a peer made moot): one more lookup names the peer's entry.
        decisions.outcome(
          deduped.ctx,
          named,
          'abandoned',
          'a peer notified while this node was still trying: stopped',
          options.nflog.query(receiver, deduped.ctx.groupKey)?.timestamp
        )
      }
      return deduped
    },
  }
}

function failure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return err instanceof NotifyError && !err.retryable ? `gave up: ${message}` : message
}
