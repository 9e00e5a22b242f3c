import type Logger from 'bunyan'

import type { Channel, GossipState, MergeOrigin } from '../cluster/index.js'
import { loadNflogCodec } from '../nflog/index.js'
import type { MeshEntry } from '../nflog/index.js'

/**
 * GossipBridge connects a state's change hook to its cluster channel. Local changes are
 * broadcast to every peer at once; changes that arrive by merge are not sent on, because every
 * node talks to every other node directly (a full mesh), so the sender already reached them all.
 * Memberlist gossips to a few random members instead, so there merged changes are relayed, as
 * Alertmanager's silences and nflog re-broadcast what a merge changed.
 * The channel is attached after the state exists (the state's hook is wired at open time).
 */
export class GossipBridge<T> {
  readonly #encode: (changes: readonly T[]) => Uint8Array
  #channel: Channel | undefined
  #merging = false
  #relayMerges = false

  /**
   * GossipBridge's constructor takes the encoder of a change set.
   *
   * @param encode - encodes changed items as the gossip payload.
   */
  constructor(encode: (changes: readonly T[]) => Uint8Array) {
    this.#encode = encode
  }

  /** onChange is the state's change hook. */
  readonly onChange = (changes: readonly T[]): void => {
    if (
      (this.#relayMerges || !this.#merging) &&
      this.#channel !== undefined &&
      changes.length > 0
    ) {
      this.#channel.broadcast(this.#encode(changes), this.#merging)
    }
  }

  /**
   * attach sets the channel local changes go to.
   *
   * @param channel - the cluster channel of this state.
   * @param relayMerges - whether changes a merge made are broadcast too (memberlist mode).
   */
  attach(channel: Channel, relayMerges = false): void {
    this.#channel = channel
    this.#relayMerges = relayMerges
  }

  /** isMerging says whether the change being reported came from a peer. */
  get isMerging(): boolean {
    return this.#merging
  }

  /**
   * merging runs a merge without broadcasting what it changes.
   *
   * @param merge - the merge.
   * @returns its result.
   */
  merging<R>(merge: () => R): R {
    this.#merging = true
    try {
      return merge()
    } finally {
      this.#merging = false
    }
  }
}

/** BinaryState is a replicated state that encodes and decodes its own gossip. */
export interface BinaryState<A = unknown> {
  /** marshalBinary encodes the whole state (full-state gossip). */
  marshalBinary(): Uint8Array
  /** mergeBinary decodes and merges a peer's message; unreadable records come back as errors. */
  mergeBinary(data: Uint8Array): {
    readonly accepted: readonly A[]
    readonly errors: readonly string[]
  }
}

/**
 * gossipState adapts a state to the cluster's GossipState. Records a peer sent that cannot be
 * decoded are dropped by the state and logged here with the first three offsets.
 *
 * @param state - the silences or the notification log.
 * @param bridge - its bridge, so merges are not re-broadcast.
 * @param log - where undecodable records are reported.
 * @param dropped - the log message for undecodable records.
 * @param onMerged - told of the records a peer's message changed, and where it came from.
 * @returns the state.
 */
export function gossipState<T, A = unknown>(
  state: BinaryState<A>,
  bridge: GossipBridge<T>,
  log: Logger,
  dropped: string,
  onMerged?: (accepted: readonly A[], origin: MergeOrigin | undefined) => void
): GossipState {
  return {
    marshalBinary: () => state.marshalBinary(),
    mergeBinary: (data, origin) =>
      bridge.merging(() => {
        const result = state.mergeBinary(data)
        if (result.errors.length > 0) {
          log.warn({ problems: result.errors.slice(0, 3) }, dropped)
        }
        if (result.accepted.length > 0) {
          onMerged?.(result.accepted, origin)
        }
        return result.accepted.length > 0
      }),
  }
}

/**
 * nflogBridge makes the nflog's bridge, encoding change sets with the nflog codec.
 *
 * @returns the bridge.
 */
export async function nflogBridge(): Promise<GossipBridge<MeshEntry>> {
  const codec = await loadNflogCodec()
  return new GossipBridge<MeshEntry>((entries) => codec.encode(entries))
}
