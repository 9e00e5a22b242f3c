// The wire shapes of GET /api/alertmesh/v1/alerts/{fingerprint}/story and /groups: types only,
// with no import, so that the browser bundle (src/ui) reads the same types the handlers write.
// src/history's Decision and Notification are assignable to these; the compiler checks it.

/** DecisionJson is one node's pipeline decision about a flush. Times are epoch ms. */
export interface DecisionJson {
  readonly at: number
  /** The node that decided. */
  readonly node: string
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
  /** The nflog entry's time behind the decision: the one written, or the one that made it moot. */
  readonly notifiedAt?: number
  /** For `deduplicated` and `abandoned`: the node whose notification made sending moot. */
  readonly notifiedBy?: string
  /** How many times the node made this same decision since `at`, when more than once. */
  readonly repeats?: number
  /** When the last repeat was made. */
  readonly lastAt?: number
}

/** NotificationJson is one notification a node saw enter its nflog. */
export interface NotificationJson {
  /** When it was sent, epoch ms. */
  readonly at: number
  readonly groupKey: string
  readonly receiver: string
  /** `webhook[0]`. */
  readonly integration: string
  readonly firing: number
  readonly resolved: number
  /** The node that sent it, when known. */
  readonly node?: string
  /** How the answering node learned of it: it sent it, the sender told it, or a full state. */
  readonly learned:
    { readonly via: 'self' } | { readonly via: 'update' | 'full_state'; readonly peer: string }
}

/** GroupStoryJson is one aggregation group of the alert with its notification history. */
export interface GroupStoryJson {
  readonly groupKey: string
  readonly receiver: string
  readonly labels: Readonly<Record<string, string>>
  /** Notifications the answering node saw enter the nflog, oldest first. */
  readonly notifications: readonly NotificationJson[]
  /** The decisions of the answering node and every peer that answered, oldest first. */
  readonly decisions: readonly DecisionJson[]
}

/** SilenceRefJson is a silence that mutes the alert, as /api/v2/silence/{id} has it. */
export interface SilenceRefJson {
  readonly id: string
  readonly matchers: readonly {
    readonly name: string
    readonly value: string
    readonly isRegex: boolean
    readonly isEqual: boolean
  }[]
  readonly createdBy: string
  readonly comment: string
  readonly startsAt: string
  readonly endsAt: string
  readonly status: { readonly state: string }
}

/** AlertStoryJson is the answer of GET /api/alertmesh/v1/alerts/{fingerprint}/story. */
export interface AlertStoryJson {
  /** The node that answered. */
  readonly node: string
  /** The alert as GET /api/v2/alerts shows it. */
  readonly alert: {
    readonly fingerprint: string
    readonly labels: Readonly<Record<string, string>>
    readonly annotations: Readonly<Record<string, string>>
    readonly startsAt: string
    readonly endsAt: string
    readonly updatedAt: string
    readonly generatorURL?: string
    readonly receivers: readonly { readonly name: string }[]
    readonly status: {
      readonly state: string
      readonly silencedBy: readonly string[]
      readonly inhibitedBy: readonly string[]
    }
  }
  /** The routes it matches and their receivers, as `amtool config routes test` gives them. */
  readonly routes: readonly { readonly path: readonly number[]; readonly receiver: string }[]
  readonly receivers: readonly string[]
  /** The active silences that mute it. */
  readonly silences: readonly SilenceRefJson[]
  /** The alerts that inhibit it, with their labels when the node still holds them. */
  readonly inhibitedBy: readonly {
    readonly fingerprint: string
    readonly labels: Readonly<Record<string, string>> | null
  }[]
  readonly groups: readonly GroupStoryJson[]
  readonly cluster: {
    readonly status: 'ready' | 'settling' | 'disabled'
    /** Members by position: the first one notifies first. */
    readonly members: readonly string[]
    /** Peers whose decisions are missing, and why. */
    readonly unanswered: readonly { readonly peer: string; readonly error: string }[]
  }
}

/** GroupNotifiedJson is one entry of GET /api/alertmesh/v1/groups. */
export interface GroupNotifiedJson {
  readonly groupKey: string
  readonly receiver: string
  readonly labels: Readonly<Record<string, string>>
  /** The group's newest notification the node knows of. */
  readonly lastNotified: NotificationJson
}
