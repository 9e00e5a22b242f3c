import { setTimeout as sleep } from 'node:timers/promises'

import type Logger from 'bunyan'

import type { Alert } from '../../alerts/index.js'
import { ExponentialBackoff, errorMessage } from '../../util/index.js'
import type { NotifyMetrics } from '../metrics.js'
import type { Integration } from '../notifier.js'
import { NotifyError } from '../notify-error.js'

import type { DedupedContext } from './dedup.js'

/** How often an attempt still out asks the nflog whether a peer has sent the notification. */
const PEER_CHECK_MS = 250

/** RetryOptions configure the retry stage of one integration. */
export interface RetryOptions {
  readonly integration: Integration
  readonly receiverName: string
  readonly metrics: NotifyMetrics
  /** The integration's logger, with its `receiver` and `integration` fields. */
  readonly log: Logger
  /**
   * Asked before each retry (never before the first attempt, which the dedup stage just
   * cleared) and every 250 ms while an attempt is out: false when the notification log now shows
   * that a peer sent this notification meanwhile, so going on would only repeat it.
   */
  readonly stillNeeded: (ctx: DedupedContext, alerts: readonly Alert[]) => boolean
  /** Told of each failed attempt that will be retried (the decision history). */
  readonly onAttemptFailed?: (ctx: DedupedContext, attempts: number, message: string) => void
}

/**
 * RetryOutcome is how a notification ended without an error: `sent` by this node (the nflog
 * records it), or `notified-by-peer` while this node was retrying (the peer's entry stands).
 */
export type RetryOutcome = 'sent' | 'notified-by-peer'

/**
 * retryStage sends a notification through the integration, retrying with Alertmanager's
 * exponential backoff until it succeeds, fails for good, or the flush deadline passes
 * (Alertmanager's RetryStage). An integration without send_resolved sends only the firing
 * alerts, and nothing at all when none fires (the nflog still records the flush).
 *
 * Unlike Alertmanager, it stops retrying once a peer's nflog entry shows the notification was
 * sent meanwhile: a position-0 node that cannot reach the receiver would otherwise keep
 * retrying past the peer that took over and repeat the notification when it gets through.
 *
 * @param options - the integration and where to report.
 * @returns the stage function; it rejects when the notification was not delivered.
 */
export function retryStage(
  options: RetryOptions
): (ctx: DedupedContext, alerts: readonly Alert[]) => Promise<RetryOutcome> {
  const { integration, metrics } = options
  const label = { integration: integration.name }
  const name = `${options.receiverName}/${integration.name}[${integration.index}]`
  const log = options.log

  /**
   * attempt sends once. While the request is out, the nflog is checked every PEER_CHECK_MS: an
   * attempt that hangs (a route that came back mid-connect, a receiver that stalls) is abandoned
   * once a peer's entry shows the notification went out, before it can get through as a repeat.
   *
   * @returns 'sent', or 'notified-by-peer' when abandoned for a peer's entry.
   */
  async function attempt(
    ctx: DedupedContext,
    sent: readonly Alert[],
    alerts: readonly Alert[]
  ): Promise<RetryOutcome> {
    const started = performance.now()
    // The attempt's signal: the flush's, or a peer's entry, whichever comes first.
    const attemptAbort = new AbortController()
    const peer = { notified: false }
    const onFlushAbort = (): void => {
      attemptAbort.abort(ctx.signal.reason)
    }
    ctx.signal.addEventListener('abort', onFlushAbort, { once: true })
    let check: NodeJS.Timeout | undefined
    const schedule = (): void => {
      check = setTimeout(() => {
        if (options.stillNeeded(ctx, alerts)) {
          schedule()
        } else {
          peer.notified = true
          attemptAbort.abort(new DOMException('notified by a peer', 'AbortError'))
        }
      }, PEER_CHECK_MS)
    }
    schedule()
    try {
      await integration.notifier.notify({ ...ctx, signal: attemptAbort.signal }, sent)
      return 'sent'
    } catch (err: unknown) {
      if (peer.notified && !ctx.signal.aborted) {
        return 'notified-by-peer'
      }
      metrics.requestsFailed.inc(label)
      throw err
    } finally {
      clearTimeout(check)
      ctx.signal.removeEventListener('abort', onFlushAbort)
      metrics.latencySeconds.observe(label, (performance.now() - started) / 1000)
      metrics.requests.inc(label)
    }
  }

  async function send(ctx: DedupedContext, alerts: readonly Alert[]): Promise<RetryOutcome> {
    let sent = alerts
    if (!integration.sendResolved) {
      if (ctx.firing.length === 0) {
        return 'sent'
      }
      sent = alerts.filter((alert) => alert.endsAt === 0)
    }
    const backoff = new ExponentialBackoff()
    let lastError: unknown
    for (let attempts = 1; ; attempts++) {
      if (ctx.signal.aborted) {
        throw canceled(name, attempts, lastError ?? ctx.signal.reason)
      }
      if (attempts > 1 && !options.stillNeeded(ctx, alerts)) {
        log.info(
          { aggrGroup: ctx.groupKey, attempts: attempts - 1, err: errorMessage(lastError) },
          'Notification sent by a peer while retrying, retries stopped'
        )
        return 'notified-by-peer'
      }
      try {
        if (log.debug()) {
          log.debug({ aggrGroup: ctx.groupKey, attempts, alerts: sent.length }, 'Notify attempt')
        }
        if ((await attempt(ctx, sent, alerts)) === 'notified-by-peer') {
          log.info(
            { aggrGroup: ctx.groupKey, attempts },
            'Notification sent by a peer while this attempt was out, attempt abandoned'
          )
          return 'notified-by-peer'
        }
        if (attempts > 1) {
          log.info({ aggrGroup: ctx.groupKey, attempts }, 'Notify success')
        } else {
          log.debug({ aggrGroup: ctx.groupKey, attempts }, 'Notify success')
        }
        return 'sent'
      } catch (err: unknown) {
        if (!(err instanceof NotifyError) || !err.retryable) {
          throw new NotifyError(
            `${name}: notify retry canceled due to unrecoverable error after ${attempts} attempts: ${errorMessage(err)}`,
            {
              retryable: false,
              reason: err instanceof NotifyError ? err.reason : 'other',
              cause: err,
            }
          )
        }
        if (
          !isAborted(ctx.signal) &&
          (lastError === undefined || errorMessage(lastError) !== err.message)
        ) {
          log.warn(
            { aggrGroup: ctx.groupKey, attempts, err: err.message },
            'Notify attempt failed, will retry later'
          )
        }
        if (!isAborted(ctx.signal)) {
          options.onAttemptFailed?.(ctx, attempts, err.message)
        }
        lastError = err
      }
      try {
        await sleep(backoff.next(), undefined, { signal: ctx.signal })
      } catch {
        throw canceled(name, attempts + 1, lastError)
      }
    }
  }

  return async (ctx, alerts) => {
    metrics.notifications.inc(label)
    try {
      return await send(ctx, alerts)
    } catch (err: unknown) {
      metrics.notificationsFailed.inc(label)
      throw err
    }
  }
}

function canceled(name: string, attempts: number, cause: unknown): NotifyError {
  return new NotifyError(
    `${name}: notify retry canceled after ${attempts} attempts: ${errorMessage(cause)}`,
    {
      retryable: false,
      reason: 'timeout',
      cause,
    }
  )
}

// Read through a call: the signal can abort during an await, which narrowing cannot see.
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted
}
