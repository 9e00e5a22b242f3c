// The KV table, after Consul's agent/consul/state/kvs.go. Indexes follow the state store:
// - a single key answers with its ModifyIndex, or with the table index when it is missing;
// - a prefix answers with the highest ModifyIndex of its entries or of its tombstones, falling
//   back to the table index when neither exists (the empty prefix always uses the table index);
// - the table index is the larger of the `kvs` and `tombstones` table indexes, so deletions move
//   it forward.
// An unchanged write (same value, flags and session) keeps its ModifyIndex, as kvsSetTxn skips it.

import type { RaftIndex } from './blocking.js'

/** KvEntry is one stored key, Consul's structs.DirEntry. */
export interface KvEntry {
  readonly key: string
  /** null for an empty value: Consul stores a nil []byte, which JSON shows as null. */
  readonly value: Buffer | null
  readonly flags: bigint
  readonly lockIndex: number
  readonly session: string
  readonly createIndex: number
  readonly modifyIndex: number
}

/** KvRead is what a read returns: the index for X-Consul-Index and the matching entries. */
export interface KvRead<T> {
  readonly index: number
  readonly result: T
}

function byteOrder(a: string, b: string): number {
  // memdb's radix tree iterates in byte order, which differs from UTF-16 order for astral chars.
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/**
 * KvStore holds the KV table, its tombstones (Consul's graveyard) and its table indexes.
 */
export class KvStore {
  readonly #raft: RaftIndex
  readonly #entries = new Map<string, KvEntry>()
  /** Tombstones by key (a recursive delete leaves one at its prefix), with their delete index. */
  readonly #tombstones = new Map<string, number>()
  #kvsIndex = 0
  #tombstonesIndex = 0

  /**
   * Creates an empty table that takes write indexes from `raft`.
   *
   * @param raft - the shared Raft index.
   */
  constructor(raft: RaftIndex) {
    this.#raft = raft
  }

  /** tableIndex is max(kvs, tombstones): Consul's kvsMaxIndex. */
  tableIndex(): number {
    return Math.max(this.#kvsIndex, this.#tombstonesIndex)
  }

  /**
   * get reads one key.
   *
   * @param key - the key.
   * @returns the entry (undefined when missing) and the index to report.
   */
  get(key: string): KvRead<KvEntry | undefined> {
    const entry = this.#entries.get(key)
    return { index: entry?.modifyIndex ?? this.tableIndex(), result: entry }
  }

  /**
   * list reads every key under a prefix, in byte order.
   *
   * @param prefix - the prefix ('' for all).
   * @param visible - ACL filter; filtered keys still count toward the index, as in Consul.
   * @returns the entries and the index to report.
   */
  list(prefix: string, visible: (key: string) => boolean = () => true): KvRead<KvEntry[]> {
    const matching = this.#matching(prefix)
    return {
      index: this.#prefixIndex(prefix, matching),
      result: matching.filter((e) => visible(e.key)),
    }
  }

  /**
   * keys lists key names under a prefix, folding everything after the first `separator` past the
   * prefix into one `folder/` entry (KVSListKeys).
   *
   * @param prefix - the prefix.
   * @param separator - '' for no folding.
   * @param visible - ACL filter.
   * @returns the names and the index to report.
   */
  keys(
    prefix: string,
    separator: string,
    visible: (key: string) => boolean = () => true
  ): KvRead<string[]> {
    const matching = this.#matching(prefix)
    const keys: string[] = []
    let last = ''
    for (const entry of matching) {
      if (!visible(entry.key)) {
        continue
      }
      if (separator === '') {
        keys.push(entry.key)
        continue
      }
      const cut = entry.key.indexOf(separator, prefix.length)
      if (cut === -1) {
        keys.push(entry.key)
        continue
      }
      const folder = entry.key.slice(0, cut + separator.length)
      if (folder !== last) {
        keys.push(folder)
        last = folder
      }
    }
    return { index: this.#prefixIndex(prefix, matching), result: keys }
  }

  /**
   * set writes a key unconditionally (api.KVSet).
   *
   * @param key - the key.
   * @param value - the value (null when empty).
   * @param flags - opaque uint64 flags.
   */
  set(key: string, value: Buffer | null, flags: bigint): void {
    this.#write(this.#raft.next(), key, value, flags)
  }

  /**
   * cas writes only if `cas` matches: 0 means "only if absent", otherwise the ModifyIndex must
   * equal it (kvsSetCASTxn). A refused CAS still consumes a Raft index, as the apply happened.
   *
   * @param key - the key.
   * @param value - the value.
   * @param flags - flags.
   * @param cas - the expected ModifyIndex.
   * @returns whether the write happened.
   */
  cas(key: string, value: Buffer | null, flags: bigint, cas: bigint): boolean {
    const idx = this.#raft.next()
    const existing = this.#entries.get(key)
    if (cas === 0n ? existing !== undefined : existing?.modifyIndex !== Number(cas)) {
      return false
    }
    this.#write(idx, key, value, flags)
    return true
  }

  /**
   * delete removes one key and leaves a tombstone; deleting a missing key changes nothing.
   *
   * @param key - the key.
   */
  delete(key: string): void {
    const idx = this.#raft.next()
    if (this.#entries.has(key)) {
      this.#remove(idx, key)
    }
  }

  /**
   * deleteCas removes a key only if its ModifyIndex equals `cas`. As kvsDeleteCASTxn does, it
   * reports success for a key that does not exist, and a cas of 0 never deletes anything.
   *
   * @param key - the key.
   * @param cas - the expected ModifyIndex.
   * @returns whether the delete counts as done.
   */
  deleteCas(key: string, cas: bigint): boolean {
    const idx = this.#raft.next()
    const existing = this.#entries.get(key)
    if (existing === undefined) {
      return true
    }
    if (BigInt(existing.modifyIndex) !== cas) {
      return false
    }
    this.#remove(idx, key)
    return true
  }

  /**
   * deleteTree removes every key under a prefix. Like kvsDeleteTreeTxn it leaves one tombstone
   * at the prefix itself (none for the empty prefix) and only moves indexes when it removed
   * something.
   *
   * @param prefix - the prefix ('' for everything).
   */
  deleteTree(prefix: string): void {
    const idx = this.#raft.next()
    const doomed = this.#matching(prefix)
    if (doomed.length === 0) {
      return
    }
    for (const entry of doomed) {
      this.#entries.delete(entry.key)
    }
    if (prefix !== '') {
      this.#tombstones.set(prefix, idx)
      this.#tombstonesIndex = idx
    }
    this.#kvsIndex = idx
  }

  /**
   * reapTombstones drops every tombstone, as Consul's tombstone GC does once tombstone_ttl has
   * passed. A prefix whose highest index was a deletion then reports a lower index: the case
   * blocking.mdx tells clients to handle by resetting their index.
   */
  reapTombstones(): void {
    this.#raft.next()
    this.#tombstones.clear()
  }

  /**
   * clampIndexes rewrites every index above `to` down to `to`, so reads after an index reset
   * report lower indexes, as after a snapshot restore.
   *
   * @param to - the highest index that may remain.
   */
  clampIndexes(to: number): void {
    for (const [key, entry] of this.#entries) {
      this.#entries.set(key, {
        ...entry,
        createIndex: Math.min(entry.createIndex, to),
        modifyIndex: Math.min(entry.modifyIndex, to),
      })
    }
    for (const [key, idx] of this.#tombstones) {
      this.#tombstones.set(key, Math.min(idx, to))
    }
    this.#kvsIndex = Math.min(this.#kvsIndex, to)
    this.#tombstonesIndex = Math.min(this.#tombstonesIndex, to)
  }

  /** clear forgets everything (a restart that loses state). */
  clear(): void {
    this.#entries.clear()
    this.#tombstones.clear()
    this.#kvsIndex = 0
    this.#tombstonesIndex = 0
  }

  /** all returns every entry in byte order. */
  all(): KvEntry[] {
    return this.#matching('')
  }

  #matching(prefix: string): KvEntry[] {
    const out: KvEntry[] = []
    for (const entry of this.#entries.values()) {
      if (entry.key.startsWith(prefix)) {
        out.push(entry)
      }
    }
    return out.sort((a, b) => byteOrder(a.key, b.key))
  }

  #prefixIndex(prefix: string, matching: readonly KvEntry[]): number {
    if (prefix === '') {
      return this.tableIndex()
    }
    let lindex = 0
    for (const entry of matching) {
      lindex = Math.max(lindex, entry.modifyIndex)
    }
    for (const [key, idx] of this.#tombstones) {
      if (key.startsWith(prefix)) {
        lindex = Math.max(lindex, idx)
      }
    }
    return lindex !== 0 ? lindex : this.tableIndex()
  }

  #write(idx: number, key: string, value: Buffer | null, flags: bigint): void {
    const existing = this.#entries.get(key)
    const sameValue =
      existing?.value === null ? value === null : value !== null && existing?.value.equals(value)
    if (existing?.flags === flags && sameValue === true) {
      return
    }
    this.#entries.set(key, {
      key,
      value,
      flags,
      lockIndex: existing?.lockIndex ?? 0,
      session: existing?.session ?? '',
      createIndex: existing?.createIndex ?? idx,
      modifyIndex: idx,
    })
    this.#kvsIndex = idx
  }

  #remove(idx: number, key: string): void {
    this.#entries.delete(key)
    this.#tombstones.set(key, idx)
    this.#tombstonesIndex = idx
    this.#kvsIndex = idx
  }
}
