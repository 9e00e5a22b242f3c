/**
 * DecisionKind names what one node's pipeline did with a flush of one aggregation group, for
 * one receiver or one of its integrations.
 */
export type DecisionKind =
  | 'sent'
  | 'deduplicated'
  | 'waited'
  | 'silenced'
  | 'inhibited'
  | 'muted-by-time'
  | 'outside-active-time'
  | 'failed'
  | 'abandoned'

/** DECISION_KINDS lists every kind, for validating what a peer sends. */
export const DECISION_KINDS: readonly DecisionKind[] = [
  'sent',
  'deduplicated',
  'waited',
  'silenced',
  'inhibited',
  'muted-by-time',
  'outside-active-time',
  'failed',
  'abandoned',
]

/** Decision is one recorded pipeline decision. Times are epoch ms. */
export interface Decision {
  readonly at: number
  /** The node that decided. */
  readonly node: string
  readonly groupKey: string
  readonly receiver: string
  /** `webhook[0]` for an integration's step; '' for a step of the whole receiver. */
  readonly integration: string
  readonly kind: DecisionKind
  /** What happened, in words: "same alerts already notified, repeat_interval not passed". */
  readonly detail: string
  /**
   * The nflog entry's time behind the decision: the entry that made a notification
   * unnecessary (`deduplicated`, `abandoned`) or the one this node wrote (`sent`).
   */
  readonly notifiedAt?: number
}

/** NewDecision is a decision as a stage reports it; the ring adds this node's name. */
export type NewDecision = Omit<Decision, 'node'>

/**
 * Ring keeps the newest `capacity` items in insertion order, overwriting the oldest: memory
 * stays bounded however busy the node is.
 */
export class Ring<T> {
  readonly #items: (T | undefined)[]
  #next = 0
  #size = 0

  /**
   * Ring's constructor allocates the slots.
   *
   * @param capacity - how many items are kept; at least 1.
   */
  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(Math.max(1, capacity)).fill(undefined)
  }

  /** push adds an item, dropping the oldest when full. */
  push(item: T): void {
    this.#items[this.#next] = item
    this.#next = (this.#next + 1) % this.#items.length
    this.#size = Math.min(this.#size + 1, this.#items.length)
  }

  /** size is how many items are held. */
  get size(): number {
    return this.#size
  }

  /**
   * filter returns the held items that pass, oldest first.
   *
   * @param keep - the test.
   * @returns the items.
   */
  filter(keep: (item: T) => boolean): T[] {
    const out: T[] = []
    const length = this.#items.length
    const start = this.#size < length ? 0 : this.#next
    for (let i = 0; i < this.#size; i++) {
      const item = this.#items[(start + i) % length] as T
      if (keep(item)) {
        out.push(item)
      }
    }
    return out
  }
}

/** DecisionLogOptions configure a {@link DecisionLog}. */
export interface DecisionLogOptions {
  /** This node's name, stamped on every decision. */
  readonly node: string
  /**
   * How many decisions are kept, over all groups.
   *
   * @default DEFAULT_DECISIONS (10,000)
   */
  readonly capacity?: number
}

/** DEFAULT_DECISIONS is how many recent decisions a node keeps (about 3 MB at most). */
export const DEFAULT_DECISIONS = 10_000

/**
 * DecisionLog is this node's recent pipeline decisions, in memory only: why it sent, waited,
 * or stayed quiet. It answers "why did this node not notify?" for the alert story, locally and
 * for peers that ask. Lost at restart by design: it explains recent behaviour, the nflog is
 * the durable record of what was sent.
 */
export class DecisionLog {
  readonly #node: string
  readonly #ring: Ring<Decision>

  /**
   * DecisionLog's constructor takes the node name and capacity.
   *
   * @param options - node name and capacity.
   */
  constructor(options: DecisionLogOptions) {
    this.#node = options.node
    this.#ring = new Ring<Decision>(options.capacity ?? DEFAULT_DECISIONS)
  }

  /**
   * record keeps a decision (notify's DecisionRecorder).
   *
   * @param decision - what a stage decided.
   */
  record(decision: NewDecision): void {
    this.#ring.push({ ...decision, node: this.#node })
  }

  /**
   * forGroups returns the decisions about the given groups, oldest first.
   *
   * @param groupKeys - the aggregation groups' keys.
   * @returns the decisions.
   */
  forGroups(groupKeys: ReadonlySet<string>): Decision[] {
    return this.#ring.filter((d) => groupKeys.has(d.groupKey))
  }

  /** size is how many decisions are held. */
  get size(): number {
    return this.#ring.size
  }
}
