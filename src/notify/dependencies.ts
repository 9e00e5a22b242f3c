// What the pipeline needs from other folders, declared here by its consumer as Alertmanager
// declares them in notify/notify.go and notify/mute.go: the notification log, muters, the peer,
// time intervals. src/cli hands in the implementations (src/nflog, src/silences, src/inhibit).
import type { LabelSet } from '../labels/index.js'

/**
 * NflogReceiver identifies one integration of one receiver in the notification log, as
 * Alertmanager's nflogpb.Receiver.
 */
export interface NflogReceiver {
  readonly groupName: string
  readonly integration: string
  readonly idx: number
}

/** NflogEntry is the part of a notification log entry the dedup stage reads. */
export interface NflogEntry {
  /** When the notification was sent, epoch ms. */
  readonly timestamp: number
  readonly firingAlerts: readonly bigint[]
  readonly resolvedAlerts: readonly bigint[]
}

/**
 * NotificationLog is what the pipeline needs of the nflog (declared here, implemented by
 * src/nflog without importing this file).
 */
export interface NotificationLog {
  query(receiver: NflogReceiver, groupKey: string): NflogEntry | undefined
  /** Records a notification; returns the entry's time when it was written. */
  log(
    receiver: NflogReceiver,
    groupKey: string,
    firing: readonly bigint[],
    resolved: readonly bigint[],
    expiryMs: number
  ): number | undefined
}

/** Muter decides whether an alert is muted (inhibitor, silencer). */
export interface Muter {
  /**
   * mutes is asked once per alert per flush. The alert's fingerprint comes along because the
   * silencer needs it and would otherwise hash the labels again each time.
   */
  mutes(labels: LabelSet, fingerprint: string): boolean
}

/**
 * Peer is what the pipeline needs of the cluster: to wait until gossip settled and to know this
 * node's wait before sending.
 */
export interface Peer {
  /** Resolves once the node may notify; rejects when `signal` aborts first. */
  waitReady(signal: AbortSignal): Promise<void>
}

/** TimeIntervalChecker tells whether an instant lies within a named time interval. */
export type TimeIntervalChecker = (name: string, instantMs: number) => boolean

/**
 * PipelineDecision is what a stage reports about one flush, for the node's decision history
 * (alertmesh's own; src/history keeps them). Times are epoch ms.
 */
export interface PipelineDecision {
  readonly at: number
  readonly groupKey: string
  readonly receiver: string
  /** `webhook[0]` for an integration's step; '' for a step of the whole receiver. */
  readonly integration: string
  readonly kind:
    | 'sent'
    | 'deduplicated'
    | 'waited'
    | 'silenced'
    | 'inhibited'
    | 'muted-by-time'
    | 'outside-active-time'
    | 'failed'
    | 'abandoned'
  readonly detail: string
  /** The nflog entry's time behind the decision (the one that made it moot, or the one written). */
  readonly notifiedAt?: number
}

/** DecisionRecorder keeps pipeline decisions; recording never throws and never blocks. */
export interface DecisionRecorder {
  record(decision: PipelineDecision): void
}
