/** NflogReceiver identifies an integration of a receiver (nflogpb.Receiver). */
export interface NflogReceiver {
  readonly groupName: string
  readonly integration: string
  readonly idx: number
}

/** NflogEntry is one notification as logged (nflogpb.Entry). Times are epoch ms. */
export interface NflogEntry {
  readonly groupKey: string
  readonly receiver: NflogReceiver
  readonly timestamp: number
  readonly firingAlerts: readonly bigint[]
  readonly resolvedAlerts: readonly bigint[]
}

/** MeshEntry is an entry with its expiry (nflogpb.MeshEntry), the unit of merge and snapshot. */
export interface MeshEntry {
  readonly entry: NflogEntry
  readonly expiresAt: number
}

/** NflogOptions configure a notification log; its zero value is a safe default. */
export interface NflogOptions {
  /** --data.retention: the longest an entry is kept. @default 120 h */
  readonly retentionMs?: number
  /** @default Date.now */
  readonly now?: () => number
  /** Called after every local change or accepted merge, with the changed entries. */
  readonly onChange?: (entries: readonly MeshEntry[]) => void
}

/**
 * stateKey is the nflog key of an entry: `<group key>:<receiver>/<integration>/<idx>`.
 *
 * @param groupKey - the aggregation group's key.
 * @param receiver - the integration's identity.
 * @returns the key.
 */
export function stateKey(groupKey: string, receiver: NflogReceiver): string {
  return `${groupKey}:${receiver.groupName}/${receiver.integration}/${receiver.idx}`
}

/**
 * Nflog is the notification log (Alertmanager's nflog.Log): the last notification per group
 * and integration, which the dedup stage reads to decide whether to send. Entries merge by
 * last-writer-wins on their timestamp, so every node converges on the same log.
 */
export class Nflog {
  readonly #entries = new Map<string, MeshEntry>()
  readonly #retentionMs: number
  readonly #now: () => number
  readonly #onChange: ((entries: readonly MeshEntry[]) => void) | undefined

  constructor(options: NflogOptions = {}) {
    this.#retentionMs = options.retentionMs ?? 120 * 3_600_000
    this.#now = options.now ?? Date.now
    this.#onChange = options.onChange
  }

  /**
   * query returns the entry of a group for one integration.
   *
   * @param receiver - the integration's identity.
   * @param groupKey - the aggregation group's key.
   * @returns the entry, or undefined when the group was never notified (or it expired).
   */
  query(receiver: NflogReceiver, groupKey: string): NflogEntry | undefined {
    return this.#entries.get(stateKey(groupKey, receiver))?.entry
  }

  /**
   * log records a notification. The entry lives `expiryMs` (2 × repeat_interval) when that is
   * shorter than the retention.
   *
   * @param receiver - the integration's identity.
   * @param groupKey - the aggregation group's key.
   * @param firing - hashes of the firing alerts notified.
   * @param resolved - hashes of the resolved alerts notified.
   * @param expiryMs - the entry's wanted lifetime; 0 for the retention.
   */
  log(
    receiver: NflogReceiver,
    groupKey: string,
    firing: readonly bigint[],
    resolved: readonly bigint[],
    expiryMs: number
  ): void {
    const key = stateKey(groupKey, receiver)
    const now = this.#now()
    const existing = this.#entries.get(key)
    if (existing !== undefined && existing.entry.timestamp > now) {
      return
    }
    const lifetime = expiryMs > 0 && this.#retentionMs > expiryMs ? expiryMs : this.#retentionMs
    const mesh: MeshEntry = {
      entry: { groupKey, receiver, timestamp: now, firingAlerts: firing, resolvedAlerts: resolved },
      expiresAt: now + lifetime,
    }
    this.#entries.set(key, mesh)
    this.#onChange?.([mesh])
  }

  /**
   * merge applies entries from a peer or a snapshot: expired ones are dropped, and an entry
   * replaces the local one only when its timestamp is strictly later.
   *
   * @param entries - the incoming entries.
   * @returns the entries that changed the log.
   */
  merge(entries: readonly MeshEntry[]): MeshEntry[] {
    const now = this.#now()
    const accepted: MeshEntry[] = []
    for (const mesh of entries) {
      if (mesh.expiresAt < now) {
        continue
      }
      const key = stateKey(mesh.entry.groupKey, mesh.entry.receiver)
      const existing = this.#entries.get(key)
      if (existing === undefined || existing.entry.timestamp < mesh.entry.timestamp) {
        this.#entries.set(key, mesh)
        accepted.push(mesh)
      }
    }
    if (accepted.length > 0) {
      this.#onChange?.(accepted)
    }
    return accepted
  }

  /** entries iterates over all entries, expired ones included until the next gc(). */
  entries(): IterableIterator<MeshEntry> {
    return this.#entries.values()
  }

  /** size is the number of entries. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * gc deletes every entry whose expiry has passed.
   *
   * @returns the number of entries deleted.
   */
  gc(): number {
    const now = this.#now()
    let removed = 0
    for (const [key, mesh] of this.#entries) {
      if (mesh.expiresAt <= now) {
        this.#entries.delete(key)
        removed++
      }
    }
    return removed
  }
}
