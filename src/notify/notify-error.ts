import { AlertmeshError } from '../util/index.js'

/**
 * FailureReason is the `reason` label of `alertmanager_notifications_failed_total` (as in later
 * Alertmanager releases); 0.25 has no such label, so alertmesh only uses it in logs for now.
 */
export type FailureReason = 'clientError' | 'serverError' | 'connectionError' | 'timeout' | 'other'

/**
 * NotifyError is what a Notifier throws when one attempt failed. `retryable` drives the retry
 * stage exactly like the first return value of Alertmanager's `Notifier.Notify`.
 */
export class NotifyError extends AlertmeshError {
  readonly retryable: boolean
  readonly reason: FailureReason

  constructor(
    message: string,
    options: { retryable: boolean; reason: FailureReason; cause?: unknown }
  ) {
    super(
      'AM_NOTIFY_FAILED',
      message,
      options.cause === undefined ? undefined : { cause: options.cause }
    )
    this.retryable = options.retryable
    this.reason = options.reason
  }
}
