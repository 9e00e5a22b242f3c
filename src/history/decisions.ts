import type { PipelineDecision } from '../notify/index.js'

/**
 * DecisionKind names what one node's pipeline did with a flush of one aggregation group, for
 * one receiver or one of its integrations (the pipeline's own list, src/notify).
 */
export type DecisionKind = PipelineDecision['kind']

// Every kind once; a kind the pipeline adds fails to compile here until it is listed.
const KIND_SET: Readonly<Record<DecisionKind, true>> = {
  sent: true,
  deduplicated: true,
  waited: true,
  silenced: true,
  inhibited: true,
  'muted-by-time': true,
  'outside-active-time': true,
  failed: true,
  abandoned: true,
}

/** DECISION_KINDS lists every kind, for validating what a peer sends. */
export const DECISION_KINDS = Object.keys(KIND_SET) as readonly DecisionKind[]

/** Decision is one recorded pipeline decision, with the node that made it. Times are epoch ms. */
export interface Decision extends PipelineDecision {
  /** The node that decided. */
  readonly node: string
  /**
   * How many times the node made this same decision (same group, integration, kind, words and
   * nflog entry) since `at`: a group that stays notified is deduplicated every group_interval.
   * Absent for one.
   */
  readonly repeats?: number
  /** When the last of the repeats was made. */
  readonly lastAt?: number
}

/** NewDecision is a decision as a stage reports it; the log adds this node's name. */
export type NewDecision = PipelineDecision

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

  /**
   * push adds an item, dropping the oldest when full.
   *
   * @param item - the new item.
   * @returns the item dropped to make room, if any.
   */
  push(item: T): T | undefined {
    const dropped = this.#items[this.#next]
    this.#items[this.#next] = item
    this.#next = (this.#next + 1) % this.#items.length
    this.#size = Math.min(this.#size + 1, this.#items.length)
    return dropped
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
  readonly #ring: Ring<Held>
  /** The held decision each repeatable decision folds into, while it is in the ring. */
  readonly #latest = new Map<string, Held>()

  /**
   * DecisionLog's constructor takes the node name and capacity.
   *
   * @param options - node name and capacity.
   */
  constructor(options: DecisionLogOptions) {
    this.#node = options.node
    this.#ring = new Ring<Held>(options.capacity ?? DEFAULT_DECISIONS)
  }

  /**
   * record keeps a decision (notify's DecisionRecorder). The same decision made again (a group
   * deduplicated every group_interval against the same entry) is counted on the one held, so
   * a steady cluster does not push every other decision out of the log.
   *
   * @param decision - what a stage decided.
   */
  record(decision: NewDecision): void {
    const key = repeatKey(decision)
    const held = this.#latest.get(key)
    if (held !== undefined) {
      held.repeats++
      held.lastAt = decision.at
      return
    }
    const fresh: Held = {
      decision: { ...decision, node: this.#node },
      key,
      repeats: 1,
      lastAt: decision.at,
    }
    const dropped = this.#ring.push(fresh)
    if (dropped !== undefined && this.#latest.get(dropped.key) === dropped) {
      this.#latest.delete(dropped.key)
    }
    this.#latest.set(key, fresh)
  }

  /**
   * forGroups returns the decisions about the given groups, oldest first.
   *
   * @param groupKeys - the aggregation groups' keys.
   * @returns the decisions.
   */
  forGroups(groupKeys: ReadonlySet<string>): Decision[] {
    return this.#ring
      .filter((held) => groupKeys.has(held.decision.groupKey))
      .map(({ decision, repeats, lastAt }) =>
        repeats === 1 ? decision : { ...decision, repeats, lastAt }
      )
  }

  /** size is how many decisions are held. */
  get size(): number {
    return this.#ring.size
  }
}

/** Held is a decision in the log with its repeat count. */
interface Held {
  readonly decision: Decision
  readonly key: string
  repeats: number
  lastAt: number
}

/** repeatKey is what makes two decisions the same one made again. */
function repeatKey(d: NewDecision): string {
  return [d.groupKey, d.receiver, d.integration, d.kind, d.detail, d.notifiedAt ?? ''].join(
    '\u0000'
  )
}
