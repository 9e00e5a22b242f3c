import type Logger from 'bunyan'

import type { Alert, AlertStore } from '../../alerts/index.js'
import type { LoadedConfig } from '../../config/index.js'
import type { Dispatcher, Route } from '../../dispatch/index.js'
import type { ApiMetrics } from '../metrics.js'

import type { AlertStatus } from './alert-json.js'
import type { SilenceStore } from './silences.js'

/** ApiRuntime is the config-scoped part of the node, swapped as a whole on reload. */
export interface ApiRuntime {
  readonly config: LoadedConfig
  readonly route: Route
  readonly dispatcher: Dispatcher
}

/** PeerView is one cluster member as /api/v2/status lists it. */
export interface PeerView {
  readonly name: string
  readonly address: string
}

/** ClusterView is the cluster section of /api/v2/status. */
export interface ClusterView {
  readonly name?: string
  readonly status: 'ready' | 'settling' | 'disabled'
  readonly peers: readonly PeerView[]
}

/** VersionInfo is the versionInfo section of /api/v2/status. */
export interface VersionInfo {
  readonly version: string
  readonly revision: string
  readonly branch: string
  readonly buildUser: string
  readonly buildDate: string
  readonly goVersion: string
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
  readonly version: VersionInfo
  /** Process start, epoch ms (`uptime` in /api/v2/status). */
  readonly startedAt: number
  readonly metrics: ApiMetrics
  readonly log: Logger
  readonly now: () => number
}
