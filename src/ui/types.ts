// The shapes of Alertmanager's API v2 as this UI reads them (api/v2/openapi.yaml), plus the
// `alertmesh` section alertmesh adds to /api/v2/status.

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

export interface PeerStatus {
  readonly name: string
  readonly address: string
}

/**
 * ConfigSourceView is where a node's running config came from (alertmesh's own status section):
 * the wire shape of src/api/v2/deps.ts ConfigSourceView, which the browser bundle cannot import.
 */
export interface ConfigSourceView {
  readonly mode: 'file' | 'consul'
  readonly source: 'file' | 'consul' | 'cache'
  readonly location: string
  readonly hash: string
  readonly version?: string
  readonly appliedAt: string
  readonly error?: { readonly message: string; readonly at: string }
  readonly consul?: { readonly address: string; readonly reachable: boolean }
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
  readonly cluster: {
    readonly name?: string
    readonly status: 'ready' | 'settling' | 'disabled'
    readonly peers: readonly PeerStatus[]
  }
  readonly config: { readonly original: string }
  readonly uptime: string
  readonly versionInfo: {
    readonly version: string
    readonly revision: string
    readonly branch: string
    readonly buildUser: string
    readonly buildDate: string
    readonly goVersion: string
  }
  /** Present on alertmesh nodes only; an Alertmanager behind the same UI would not send it. */
  readonly alertmesh?: {
    readonly name: string
    readonly config: ConfigSourceView
    /** What every cluster member (self included) last reported about its config. */
    readonly nodes?: readonly NodeConfigStatus[]
  }
}
