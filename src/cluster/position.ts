import { compareGoStrings } from '../util/index.js'

import type { PeerInfo } from './state.js'

/**
 * sortMembers orders members by name as Alertmanager's `Peer.Position` does (Go's `<` on
 * strings: UTF-8 byte order), so every node computes the same order.
 *
 * @param members - self and the connected peers.
 * @returns a new sorted array.
 */
export function sortMembers(members: Iterable<PeerInfo>): PeerInfo[] {
  return [...members].sort((a, b) => compareGoStrings(a.name, b.name))
}

/**
 * positionOf is a node's index among the sorted members (cluster/cluster.go Position): 0 sends at once, p waits
 * p × peer_timeout.
 *
 * @param sorted - members sorted by {@link sortMembers}.
 * @param name - the node.
 * @returns its index; the member count when it is absent, as Alertmanager's loop falls through.
 */
export function positionOf(sorted: readonly PeerInfo[], name: string): number {
  const i = sorted.findIndex((m) => m.name === name)
  return i < 0 ? sorted.length : i
}
