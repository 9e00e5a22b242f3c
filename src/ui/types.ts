// The shapes of Alertmanager's API v2 as this UI reads them (api/v2/openapi.yaml), plus the
// `alertmesh` section alertmesh adds to /api/v2/status.

import type { ClusterView, ConfigSourceView, VersionInfo } from '../api/v2/wire'

export type { ConfigSourceView } from '../api/v2/wire'

export type LabelSet = Readonly<Record<string, string>>

/** Matcher is one silence or filter matcher, as the API carries it. */
export interface Matcher {
  readonly name: string
  readonly value: string
  readonly isRegex: boolean
  /** Absent means true (Alertmanager's default). */
  readonly isEqual?: boolean
}

export type SilenceState = 'active' | 'pending' | 'expired'

export interface Silence {
  readonly id: string
  readonly matchers: readonly Matcher[]
  readonly startsAt: string
  readonly endsAt: string
  readonly updatedAt: string
  readonly createdBy: string
  readonly comment: string
  readonly status: { readonly state: SilenceState }
}

/** PostableSilence is what POST /api/v2/silences takes; `id` updates (or replaces) a silence. */
export interface PostableSilence {
  readonly id?: string
  readonly matchers: readonly Matcher[]
  readonly startsAt: string
  readonly endsAt: string
  readonly createdBy: string
  readonly comment: string
}

export type AlertState = 'unprocessed' | 'active' | 'suppressed'

export interface Alert {
  readonly labels: LabelSet
  readonly annotations: LabelSet
  readonly startsAt: string
  readonly endsAt: string
  readonly updatedAt: string
  readonly fingerprint: string
  readonly generatorURL?: string
  readonly receivers: readonly { readonly name: string }[]
  readonly status: {
    readonly state: AlertState
    readonly silencedBy: readonly string[]
    readonly inhibitedBy: readonly string[]
  }
}

export interface AlertGroup {
  readonly labels: LabelSet
  readonly receiver: { readonly name: string }
  readonly alerts: readonly Alert[]
}

/** NodeConfigStatus is what a node (this one or a peer) reports about its applied config. */
export interface NodeConfigStatus {
  readonly name: string
  /** The config hash the node applied, 12 hex digits; '' when it has none yet. */
  readonly hash: string
  readonly appliedAt: string
  readonly error?: string
}

export interface Status {
  readonly cluster: ClusterView
  readonly config: { readonly original: string }
  readonly uptime: string
  readonly versionInfo: VersionInfo
  /** Present on alertmesh nodes only; an Alertmanager behind the same UI would not send it. */
  readonly alertmesh?: {
    readonly name: string
    readonly config: ConfigSourceView
    /** What every cluster member (self included) last reported about its config. */
    readonly nodes?: readonly NodeConfigStatus[]
  }
}
