import type Logger from 'bunyan'

import type { Alert, AlertStore } from '../../alerts/index.js'
import type { LoadedConfig } from '../../config/index.js'
import type { Dispatcher, Route } from '../../dispatch/index.js'
import type { Decision, Notification } from '../../history/index.js'
import type { ApiMetrics } from '../metrics.js'

import type { AlertStatus } from './alert-json.js'
import type { SilenceStore } from './silences.js'
import type { ClusterView, ConfigSourceView, MemberConfigView, VersionInfo } from './wire.js'

export type {
  ClusterView,
  ConfigSourceView,
  MemberConfigView,
  PeerView,
  VersionInfo,
} from './wire.js'

/** ApiRuntime is the config-scoped part of the node, swapped as a whole on reload. */
export interface ApiRuntime {
  readonly config: LoadedConfig
  readonly route: Route
  readonly dispatcher: Dispatcher
}

/**
 * HistorySource is the node's memory of recent notification work, for alertmesh's own API:
 * this node's decisions and timeline, and its peers' decisions on request.
 */
export interface HistorySource {
  decisions(groupKeys: ReadonlySet<string>): Decision[]
  notifications(groupKeys: ReadonlySet<string>): Notification[]
  /** Asks every peer; resolves within about a second whatever they do. */
  peerDecisions(groupKeys: ReadonlySet<string>): Promise<{
    readonly decisions: readonly Decision[]
    readonly unanswered: readonly { readonly peer: string; readonly error: string }[]
  }>
}

/** ApiDeps are what the API handlers read and call; the composition root provides them. */
export interface ApiDeps {
  readonly store: AlertStore
  readonly silences: SilenceStore
  readonly runtime: () => ApiRuntime
  /** Re-reads and applies the config; rejects with the reason when it was refused. */
  readonly reload: () => Promise<void>
  /** The alert's current status, recomputed (silences and inhibitions may change any time). */
  readonly alertStatus: (alert: Alert) => AlertStatus
  readonly cluster: () => ClusterView
  /** Recent decisions and notifications (alertmesh's own API); absent in API-only tests. */
  readonly history?: HistorySource
  /** This node's name and its config source, for the `alertmesh` section of /api/v2/status. */
  readonly node: () => { readonly name: string; readonly config: ConfigSourceView }
  /**
   * What a cluster member last reported about its config, by node name, for `alertmesh.nodes`;
   * undefined before its report arrived. Never asked about this node, whose own view is used.
   */
  readonly memberConfig: (name: string) => MemberConfigView | undefined
  readonly version: VersionInfo
  /** Process start, epoch ms (`uptime` in /api/v2/status). */
  readonly startedAt: number
  readonly metrics: ApiMetrics
  readonly log: Logger
  readonly now: () => number
}
