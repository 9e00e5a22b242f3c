// What the pipeline hands a receiver kind and what each kind implements: the facts of one flush
// (NotifyContext), a Notifier and an Integration (notify/notify.go's Notifier and Integration).
import type { Alert } from '../alerts/index.js'
import type { LabelSet } from '../labels/index.js'

/**
 * NotifyContext carries the facts about one flush of one aggregation group through the
 * pipeline (Alertmanager's context values, typed and immutable). Everything a stage needs is
 * required at construction, so "group key missing" cannot happen.
 */
export interface NotifyContext {
  readonly receiver: string
  readonly groupKey: string
  readonly groupLabels: LabelSet
  readonly repeatIntervalMs: number
  /** The flush instant (epoch ms); mute and dedup decisions use it, not the wall clock. */
  readonly now: number
  /** Aborted on the flush deadline, on reload and on shutdown. */
  readonly signal: AbortSignal
  readonly muteTimeIntervals: readonly string[]
  readonly activeTimeIntervals: readonly string[]
  /**
   * Why this flush notifies, as the dedup stage decided: set for every notification the
   * pipeline sends. Newer Alertmanager hands it to notifiers (incidentio's payload carries it);
   * absent it reads as `unknown`, as notify.GetTemplateData says then.
   */
  readonly notificationReason?: NotificationReason
}

/**
 * NotificationReason is newer Alertmanager's NotifyReason.String() (notify/notify.go at
 * 68fb2d5): what the dedup stage saw that made this flush notify.
 */
export type NotificationReason =
  | 'none'
  | 'first notification'
  | 'new alerts added'
  | 'some alerts resolved'
  | 'all alerts resolved'
  | 'repeat interval elapsed'
  | 'unknown'

/**
 * Notifier sends one notification attempt for a group. It throws a NotifyError on failure;
 * the retry stage decides about further attempts from `retryable`.
 */
export interface Notifier {
  notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void>
  /** Releases connections; called when a reload retires the notifier. */
  close?(): Promise<void>
}

/**
 * Integration is one configured entry of a receiver (e.g. its second webhook_config), the unit
 * the nflog keys on: `<receiver>/<name>/<index>`.
 */
export interface Integration {
  readonly name: string
  readonly index: number
  readonly sendResolved: boolean
  readonly notifier: Notifier
}
