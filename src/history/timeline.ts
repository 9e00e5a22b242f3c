import { Ring } from './decisions.js'

/** NotifiedEntry is the part of an nflog entry the timeline reads (nflogpb.Entry). */
export interface NotifiedEntry {
  readonly groupKey: string
  readonly receiver: {
    readonly groupName: string
    readonly integration: string
    readonly idx: number
  }
  /** When it was sent, epoch ms. */
  readonly timestamp: number
  readonly firingAlerts: readonly unknown[]
  readonly resolvedAlerts: readonly unknown[]
}

/**
 * LearnedFrom says how this node learned of a notification: it sent it (`self`), the sender's
 * own broadcast brought it (`update`: in alertmesh's full mesh a node broadcasts its changes to
 * every peer itself), or a peer's full state did (`full_state`: that peer may only relay it).
 */
export type LearnedFrom =
  { readonly via: 'self' } | { readonly via: 'update' | 'full_state'; readonly peer: string }

/** Notification is one notification in the timeline. */
export interface Notification {
  /** When it was sent (the nflog entry's timestamp), epoch ms. */
  readonly at: number
  readonly groupKey: string
  readonly receiver: string
  /** `webhook[0]`. */
  readonly integration: string
  readonly firing: number
  readonly resolved: number
  /** The node that sent it, when known: this node, or the peer whose update brought it. */
  readonly node?: string
  readonly learned: LearnedFrom
}

/** DEFAULT_NOTIFICATIONS is how many notifications a node keeps in its timeline. */
export const DEFAULT_NOTIFICATIONS = 10_000

/**
 * NotificationTimeline keeps the notifications this node saw enter its nflog, newest
 * `capacity` of them, in memory. The nflog holds only the last notification per group and
 * integration; the timeline keeps the earlier ones, and who sent each.
 */
export class NotificationTimeline {
  readonly #self: string
  readonly #ring: Ring<Notification>

  /**
   * NotificationTimeline's constructor takes this node's name and the capacity.
   *
   * @param self - this node's name.
   * @param capacity - how many notifications are kept.
   */
  constructor(self: string, capacity = DEFAULT_NOTIFICATIONS) {
    this.#self = self
    this.#ring = new Ring<Notification>(capacity)
  }

  /**
   * add records nflog entries that just changed the log.
   *
   * @param entries - the accepted entries.
   * @param learned - how they arrived.
   */
  add(entries: readonly NotifiedEntry[], learned: LearnedFrom): void {
    const node =
      learned.via === 'self' ? this.#self : learned.via === 'update' ? learned.peer : undefined
    for (const entry of entries) {
      this.#ring.push({
        at: entry.timestamp,
        groupKey: entry.groupKey,
        receiver: entry.receiver.groupName,
        integration: `${entry.receiver.integration}[${entry.receiver.idx}]`,
        firing: entry.firingAlerts.length,
        resolved: entry.resolvedAlerts.length,
        ...(node === undefined ? {} : { node }),
        learned,
      })
    }
  }

  /**
   * forGroups returns the notifications of the given groups, oldest first.
   *
   * @param groupKeys - the aggregation groups' keys.
   * @returns the notifications.
   */
  forGroups(groupKeys: ReadonlySet<string>): Notification[] {
    return this.#ring.filter((n) => groupKeys.has(n.groupKey))
  }
}
