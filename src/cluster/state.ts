/**
 * GossipState is one replicated state as the cluster sees it: the silences (`sil`) or the nflog
 * (`nfl`). Its bytes are Alertmanager's protobuf encodings and stay opaque here, so the cluster
 * imports no domain type (Alertmanager's `cluster.State`: `MarshalBinary` + `Merge`). The
 * silences and nflog satisfy it structurally; src/cli adapts them.
 */
export interface GossipState {
  /** marshalBinary encodes the full state, for the exchange on connect and for anti-entropy. */
  marshalBinary(): Uint8Array
  /**
   * mergeBinary merges bytes from a peer: a broadcast change set or a full state. It returns
   * whether anything changed. It may throw on bytes it cannot read; the cluster catches, counts
   * the message as dropped (`reason="merge_failed"`) and keeps the connection.
   */
  mergeBinary(data: Uint8Array, origin?: MergeOrigin): boolean
}

/**
 * MergeOrigin says where merged bytes came from. An `update` is the sender's own change in
 * alertmesh's full mesh (each node broadcasts its changes to every peer), so its first arrival
 * names the node that made it; a `full_state` (connect, anti-entropy) may relay others' changes.
 */
export interface MergeOrigin {
  /** The sending peer's node name. */
  readonly peer: string
  readonly via: 'update' | 'full_state'
}

/**
 * Channel is what `ClusterPeer.addState` hands back to a state: the way to send a local
 * change to the cluster.
 */
export interface Channel {
  /**
   * broadcast sends a local change to every connected peer at once, as one UPDATE frame each.
   * It never throws: without peers, after stop, or when the message exceeds `maxMessageBytes`
   * (counted and logged) nothing is sent; anti-entropy repairs what a peer missed.
   */
  broadcast(data: Uint8Array): void
}

/** PeerInfo is one cluster member as /api/v2/status lists it. */
export interface PeerInfo {
  /** The member's stable node name (--node.name). */
  readonly name: string
  /** The `host:port` the member advertises for gossip. */
  readonly address: string
}
