/**
 * retransmitLimit is memberlist's retransmitLimit: how many times a broadcast is sent,
 * `mult × ⌈log10(n + 1)⌉`.
 *
 * @param mult - the retransmit multiplier.
 * @param nodes - the number of members.
 * @returns the limit.
 */
export function retransmitLimit(mult: number, nodes: number): number {
  return mult * Math.ceil(Math.log10(nodes + 1))
}

interface Item {
  readonly message: Uint8Array
  /** Broadcasts about the same node replace each other (memberlist's Invalidates). */
  readonly about: string | undefined
  transmits: number
  readonly id: number
}

/**
 * BroadcastQueue is memberlist's TransmitLimitedQueue: broadcasts piggyback on gossip packets,
 * least-sent first, until each was sent retransmitLimit times.
 */
export class BroadcastQueue {
  readonly #items: Item[] = []
  readonly #mult: number
  readonly #nodes: () => number
  #id = 0

  /**
   * BroadcastQueue's constructor.
   *
   * @param mult - the retransmit multiplier (memberlist: 4; Alertmanager's own queue: at least 3).
   * @param nodes - the current member count.
   */
  constructor(mult: number, nodes: () => number) {
    this.#mult = mult
    this.#nodes = nodes
  }

  /**
   * queue adds a broadcast; one about the same node replaces any older one.
   *
   * @param message - the encoded message (type byte included).
   * @param about - the node it concerns, for node messages.
   */
  queue(message: Uint8Array, about?: string): void {
    if (about !== undefined) {
      const i = this.#items.findIndex((it) => it.about === about)
      if (i >= 0) {
        this.#items.splice(i, 1)
      }
    }
    this.#items.push({ message, about, transmits: 0, id: this.#id++ })
  }

  /** length is the number of queued broadcasts. */
  get length(): number {
    return this.#items.length
  }

  /**
   * take returns broadcasts that fit in `limit` bytes with `overhead` bytes each, counting one
   * transmit for each and dropping those sent often enough.
   *
   * @param overhead - the framing bytes per message.
   * @param limit - the bytes available.
   * @returns the messages.
   */
  take(overhead: number, limit: number): Uint8Array[] {
    const max = retransmitLimit(this.#mult, this.#nodes())
    const ordered = [...this.#items].sort((a, b) => a.transmits - b.transmits || b.id - a.id)
    const out: Uint8Array[] = []
    let used = 0
    for (const it of ordered) {
      if (used + overhead + it.message.length > limit) {
        continue
      }
      used += overhead + it.message.length
      out.push(it.message)
      it.transmits++
      if (it.transmits >= max) {
        this.#items.splice(this.#items.indexOf(it), 1)
      }
    }
    return out
  }
}
