import { InvalidArgumentError } from '../util/index.js'

import type { Channel, GossipState } from './state.js'

/**
 * NodeStatusEntry is what one cluster member last reported about itself: which config it
 * runs and whether its last one was refused. The cluster treats the strings as opaque member
 * metadata; src/cli fills them from the config source.
 */
export interface NodeStatusEntry {
  /** The member's node name (--node.name). */
  readonly name: string
  /** The applied config's hash, 12 hex digits; '' before the member applied one. */
  readonly hash: string
  /** When the member applied that config, RFC 3339; '' when unknown. */
  readonly appliedAt: string
  /** Why the member's last config was refused; absent when it was applied. */
  readonly error?: string
  /** When the member published this entry (its clock, epoch ms): last writer wins. */
  readonly updatedAtMs: number
}

/** NodeStatusReport is what a node publishes about itself; the state adds name and time. */
export type NodeStatusReport = Pick<NodeStatusEntry, 'hash' | 'appliedAt' | 'error'>

/** NodeStatusStateOptions configure a {@link NodeStatusState}. */
export interface NodeStatusStateOptions {
  /** This node's name: its entry is the only one it writes. */
  readonly self: string
  /** The clock that stamps this node's entries. */
  readonly now: () => number
  /**
   * How many entries are kept; beyond it the oldest (not this node's) are dropped. Entries of
   * members that left are never shown, so the cap only bounds memory and the full state.
   *
   * @default 1000
   */
  readonly maxEntries?: number
}

/** NODE_STATUS_KEY is the state's gossip key, next to `nfl` and `sil`. */
export const NODE_STATUS_KEY = 'nod'

const DEFAULT_MAX_ENTRIES = 1000
// Bounds of one entry's fields. A member publishes within them (the error is cut); a field
// beyond them can only come from a broken or hostile peer and the entry is ignored.
const MAX_NAME_CHARS = 256
const MAX_HASH_CHARS = 64
const MAX_TIME_CHARS = 64
const MAX_ERROR_CHARS = 2048

/**
 * NodeStatusState is the replicated map from node name to {@link NodeStatusEntry}, so every
 * node can show which config each member applied (drift between replicas). It is alertmesh's
 * own state (Alertmanager has none like it), so its encoding is JSON: an array of entries,
 * sorted by name so converged states have equal digests.
 *
 * Merge is last-writer-wins per name by `updatedAtMs`; on a tie the entry held is kept. Only
 * the named node writes its entry and it stamps each one later than the last (see
 * {@link NodeStatusState.publish}), so ties never hide a change and merging is idempotent,
 * commutative and convergent. One exception keeps a node authoritative about itself: an entry
 * for this node newer than the one it published (left by an earlier run whose clock was
 * ahead) is not taken; the node re-stamps its own entry past it and broadcasts that.
 *
 * @example
 * ```ts
 * const state = new NodeStatusState({ self: 'am-0', now: Date.now })
 * state.attach(peer.addState(NODE_STATUS_KEY, state))
 * state.publish({ hash: '00c0ffee1234', appliedAt: '2026-08-01T10:00:00.000Z' })
 * state.get('am-1')?.hash
 * ```
 */
export class NodeStatusState implements GossipState {
  readonly #self: string
  readonly #now: () => number
  readonly #maxEntries: number
  #entries = new Map<string, NodeStatusEntry>()
  #channel: Channel | undefined
  #published = false

  /**
   * NodeStatusState's constructor checks the options; the map starts empty.
   *
   * @param options - this node's name, the clock and the cap.
   * @throws InvalidArgumentError for an empty or overlong name or a cap below 1.
   */
  constructor(options: NodeStatusStateOptions) {
    if (options.self === '' || options.self.length > MAX_NAME_CHARS) {
      throw new InvalidArgumentError('NodeStatusState: self must be 1 to 256 characters')
    }
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new InvalidArgumentError(`NodeStatusState: maxEntries must be ≥ 1, got ${maxEntries}`)
    }
    this.#self = options.self
    this.#now = options.now
    this.#maxEntries = maxEntries
  }

  /**
   * attach sets the channel this node's entries are broadcast on (the peer's `addState`
   * returns it after the state exists).
   *
   * @param channel - the state's cluster channel.
   */
  attach(channel: Channel): void {
    this.#channel = channel
  }

  /**
   * publish replaces this node's entry and broadcasts it. The stamp is the clock, or 1 ms past
   * the entry held for this name when that is later, so a peer never keeps an older report.
   *
   * @param report - the applied hash, its time and the refusal, if any (cut to 2048 chars).
   * @returns the entry as stored.
   */
  publish(report: NodeStatusReport): NodeStatusEntry {
    const held = this.#entries.get(this.#self)
    const entry: NodeStatusEntry = {
      name: this.#self,
      hash: report.hash.slice(0, MAX_HASH_CHARS),
      appliedAt: report.appliedAt.slice(0, MAX_TIME_CHARS),
      ...(report.error === undefined ? {} : { error: report.error.slice(0, MAX_ERROR_CHARS) }),
      updatedAtMs: Math.max(this.#now(), (held?.updatedAtMs ?? -1) + 1),
    }
    this.#entries.set(this.#self, entry)
    this.#published = true
    this.#channel?.broadcast(encode([entry]))
    return entry
  }

  /**
   * get returns the entry a member last published.
   *
   * @param name - the member's node name.
   * @returns its entry, or undefined when none has arrived.
   */
  get(name: string): NodeStatusEntry | undefined {
    return this.#entries.get(name)
  }

  /**
   * entries lists every entry held, sorted by name.
   *
   * @returns the entries.
   */
  entries(): NodeStatusEntry[] {
    return [...this.#entries.values()].sort((a, b) => compare(a.name, b.name))
  }

  /**
   * marshalBinary encodes every entry, sorted by name (canonical, for anti-entropy digests).
   *
   * @returns the JSON array as UTF-8.
   */
  marshalBinary(): Uint8Array {
    return encode(this.entries())
  }

  /**
   * mergeBinary merges a peer's entries (one broadcast entry or its full state).
   *
   * @param data - a JSON array of entries.
   * @returns whether any entry held changed.
   * @throws Error when the bytes are not such an array; the cluster counts `merge_failed`.
   */
  mergeBinary(data: Uint8Array): boolean {
    const incoming = decode(data)
    const before = this.#entries
    const next = new Map(before)
    let reassert: number | undefined
    for (const entry of incoming) {
      const held = next.get(entry.name)
      if (held !== undefined && entry.updatedAtMs <= held.updatedAtMs) {
        continue
      }
      if (entry.name === this.#self && this.#published) {
        reassert = Math.max(reassert ?? 0, entry.updatedAtMs)
        continue
      }
      next.set(entry.name, entry)
    }
    this.#cap(next)
    this.#entries = next
    if (reassert !== undefined) {
      const own = next.get(this.#self) as NodeStatusEntry
      const entry = { ...own, updatedAtMs: reassert + 1 }
      next.set(this.#self, entry)
      this.#channel?.broadcast(encode([entry]))
    }
    return next.size !== before.size || [...next].some(([name, e]) => before.get(name) !== e)
  }

  /** cap drops the oldest entries (never this node's) beyond maxEntries. */
  #cap(entries: Map<string, NodeStatusEntry>): void {
    const excess = entries.size - this.#maxEntries
    if (excess <= 0) {
      return
    }
    const oldest = [...entries.values()]
      .filter((e) => e.name !== this.#self)
      .sort((a, b) => a.updatedAtMs - b.updatedAtMs || compare(a.name, b.name))
      .slice(0, excess)
    for (const e of oldest) {
      entries.delete(e.name)
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function encode(entries: readonly NodeStatusEntry[]): Uint8Array {
  // Built field by field so the key order, and with it the digest, is the same on every node.
  const plain = entries.map((e) => ({
    name: e.name,
    hash: e.hash,
    appliedAt: e.appliedAt,
    ...(e.error === undefined ? {} : { error: e.error }),
    updatedAtMs: e.updatedAtMs,
  }))
  return Buffer.from(JSON.stringify(plain), 'utf8')
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * decode reads a JSON array of entries. A value of the wrong shape makes the whole message
 * garbage (thrown); an entry whose fields are merely too long, or whose name is empty, is
 * skipped so the rest still merge.
 */
function decode(data: Uint8Array): NodeStatusEntry[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(UTF8.decode(data))
  } catch (err: unknown) {
    throw new Error('node status: not a JSON document', { cause: err })
  }
  if (!Array.isArray(parsed)) {
    throw new Error('node status: not a JSON array of entries')
  }
  const entries: NodeStatusEntry[] = []
  for (const [i, value] of (parsed as unknown[]).entries()) {
    const entry = entryOf(value)
    if (entry === undefined) {
      throw new Error(`node status: entry ${i} is not {name, hash, appliedAt, updatedAtMs}`)
    }
    if (withinBounds(entry)) {
      entries.push(entry)
    }
  }
  return entries
}

function entryOf(value: unknown): NodeStatusEntry | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined
  }
  const o = value as Record<string, unknown>
  const { name, hash, appliedAt, error, updatedAtMs } = o
  if (
    typeof name !== 'string' ||
    typeof hash !== 'string' ||
    typeof appliedAt !== 'string' ||
    (error !== undefined && typeof error !== 'string') ||
    typeof updatedAtMs !== 'number' ||
    !Number.isSafeInteger(updatedAtMs) ||
    updatedAtMs < 0
  ) {
    return undefined
  }
  return { name, hash, appliedAt, ...(error === undefined ? {} : { error }), updatedAtMs }
}

function withinBounds(e: NodeStatusEntry): boolean {
  return (
    e.name !== '' &&
    e.name.length <= MAX_NAME_CHARS &&
    e.hash.length <= MAX_HASH_CHARS &&
    e.appliedAt.length <= MAX_TIME_CHARS &&
    (e.error ?? '').length <= MAX_ERROR_CHARS
  )
}
