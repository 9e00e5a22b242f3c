import type Logger from 'bunyan'

import type { Channel, GossipState } from '../cluster/index.js'
import { loadNflogCodec } from '../nflog/index.js'
import type { MeshEntry, Nflog } from '../nflog/index.js'
import { decodeMeshSilences, encodeMeshSilences } from '../silences/index.js'
import type { MeshSilence, Silences } from '../silences/index.js'

/**
 * GossipBridge connects a state's change hook to its cluster channel. Local changes are
 * broadcast to every peer at once; changes that arrive by merge are not sent on, because every
 * node talks to every other node directly (a full mesh), so the sender already reached them all.
 * The channel is attached after the state exists (the state's hook is wired at open time).
 */
export class GossipBridge<T> {
  readonly #encode: (changes: readonly T[]) => Uint8Array
  #channel: Channel | undefined
  #merging = false

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
    if (!this.#merging && this.#channel !== undefined && changes.length > 0) {
      this.#channel.broadcast(this.#encode(changes))
    }
  }

  /**
   * attach sets the channel local changes go to.
   *
   * @param channel - the cluster channel of this state.
   */
  attach(channel: Channel): void {
    this.#channel = channel
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

/**
 * silencesGossipState adapts the silence store to the cluster's GossipState: Alertmanager's
 * delimited `silencepb.MeshSilence` messages both ways.
 *
 * @param silences - the store.
 * @param bridge - its bridge, so merges are not re-broadcast.
 * @param log - where undecodable records are reported.
 * @returns the state.
 */
export function silencesGossipState(
  silences: Silences,
  bridge: GossipBridge<MeshSilence>,
  log: Logger
): GossipState {
  return {
    marshalBinary: () => encodeMeshSilences(silences.meshSilences()),
    mergeBinary: (data) =>
      bridge.merging(() => {
        const decoded = decodeMeshSilences(data)
        if (decoded.problems.length > 0) {
          log.warn(
            { problems: decoded.problems.slice(0, 3).map((p) => `byte ${p.offset}: ${p.message}`) },
            'Dropped undecodable silences from a peer'
          )
        }
        return silences.merge(decoded.silences).length > 0
      }),
  }
}

/**
 * nflogGossipState adapts the notification log to the cluster's GossipState: Alertmanager's
 * delimited `nflogpb.MeshEntry` messages both ways.
 *
 * @param nflog - the log.
 * @param bridge - its bridge, so merges are not re-broadcast.
 * @param log - where undecodable records are reported.
 * @returns the state.
 */
export function nflogGossipState(
  nflog: Nflog,
  bridge: GossipBridge<MeshEntry>,
  log: Logger
): GossipState {
  return {
    marshalBinary: () => nflog.marshalBinary(),
    mergeBinary: (data) =>
      bridge.merging(() => {
        const result = nflog.mergeBinary(data)
        if (result.errors.length > 0) {
          log.warn(
            { problems: result.errors.slice(0, 3) },
            'Dropped undecodable nflog entries from a peer'
          )
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
