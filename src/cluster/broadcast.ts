import { encodePart } from './messages.js'
import type { Channel } from './state.js'
import type { Connection } from './transport.js'

/**
 * StateChannel is the {@link Channel} of one state: each local change goes to every connected
 * peer at once as an UPDATE frame, whatever its size up to `maxMessageBytes`. Alertmanager
 * queues small messages for piggybacking on the next gossip round (200 ms, a few peers at a
 * time) and sends only large ones directly; with one TCP connection per peer, sending every
 * message directly is both simpler and faster. Receivers do not pass an update on: every node
 * is connected to every other (full mesh), so the sender already reached them all, and a peer
 * that missed it is repaired by anti-entropy.
 */
export class StateChannel implements Channel {
  readonly #key: string
  readonly #peers: () => Iterable<Connection>

  /**
   * StateChannel's constructor takes the state key and the live peer connections.
   *
   * @param key - the state's key, e.g. `sil` or `nfl`.
   * @param peers - the established connections, one per peer, read at each broadcast.
   */
  constructor(key: string, peers: () => Iterable<Connection>) {
    this.#key = key
    this.#peers = peers
  }

  /**
   * broadcast sends `data` to every connected peer now.
   *
   * @param data - the state's encoded change set.
   */
  broadcast(data: Uint8Array): void {
    let payload: Uint8Array | undefined
    for (const conn of this.#peers()) {
      payload ??= encodePart({ key: this.#key, data })
      conn.send('update', payload)
    }
  }
}
