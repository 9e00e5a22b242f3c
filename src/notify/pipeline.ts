import type Logger from 'bunyan'

import { Decisions } from './decisions.js'
import type {
  DecisionRecorder,
  Muter,
  NotificationLog,
  Peer,
  TimeIntervalChecker,
} from './dependencies.js'
import type { NotifyMetrics } from './metrics.js'
import type { Integration } from './notifier.js'
import { byReceiver, fanout, sequence } from './stage.js'
import type { Stage } from './stage.js'
import { integrationStage } from './stages/integration.js'
import { muteStage } from './stages/mute.js'
import { settleStage } from './stages/settle.js'
import { timeActiveStage, timeMuteStage } from './stages/time-intervals.js'
import type { WaitChanges } from './stages/wait.js'

/** PipelineOptions are everything the notification pipeline of one config needs. */
export interface PipelineOptions {
  /** Integrations per receiver name (only receivers that routes reference). */
  readonly receivers: ReadonlyMap<string, readonly Integration[]>
  readonly inhibitor: Muter
  readonly silencer: Muter
  readonly withinTimeInterval: TimeIntervalChecker
  readonly nflog: NotificationLog
  /** The cluster peer; undefined when clustering is off. */
  readonly peer: Peer | undefined
  /** This node's wait before sending (position × peer_timeout; 0 alone). */
  readonly waitMs: () => number
  /** Subscribes to changes of `waitMs` (peers joining or leaving), in a cluster. */
  readonly waitChanges?: WaitChanges
  /** This node's position in the cluster, for the decision history. */
  readonly position?: () => number
  /** Keeps each stage's decision (sent, waited, deduplicated, muted...); none when absent. */
  readonly decisions?: DecisionRecorder
  readonly metrics: NotifyMetrics
  readonly log: Logger
  /** @default Date.now */
  readonly now?: () => number
}

/**
 * buildPipeline assembles the notification pipeline in Alertmanager 0.25's order
 * (notify.PipelineBuilder.New):
 *
 *   settle → inhibit → time-active → time-mute → silence →
 *     fan-out over the receiver's integrations: wait → dedup → retry → set-notifies
 *
 * @param options - the collaborators.
 * @returns one stage that routes each flush by its receiver.
 */
export function buildPipeline(options: PipelineOptions): Stage {
  const log = options.log
  const now = options.now ?? Date.now
  const decisions = new Decisions(options.decisions, now)
  const settle = settleStage(options.peer)
  const inhibit = muteStage(options.inhibitor, 'inhibited', decisions)
  const timeActive = timeActiveStage(options.withinTimeInterval, log, decisions)
  const timeMute = timeMuteStage(options.withinTimeInterval, log, decisions)
  const silence = muteStage(options.silencer, 'silenced', decisions)
  const stages = new Map<string, Stage>()
  for (const [receiverName, integrations] of options.receivers) {
    const branches = integrations.map((integration) =>
      integrationStage({
        receiverName,
        integration,
        nflog: options.nflog,
        waitMs: options.waitMs,
        ...(options.waitChanges === undefined ? {} : { waitChanges: options.waitChanges }),
        ...(options.position === undefined ? {} : { position: options.position }),
        metrics: options.metrics,
        log,
        now,
        decisions,
      })
    )
    stages.set(
      receiverName,
      sequence(settle, inhibit, timeActive, timeMute, silence, fanout(branches))
    )
  }
  return byReceiver(stages)
}
