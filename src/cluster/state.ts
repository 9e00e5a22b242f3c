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
   * (counted and logged) nothing is sent; anti-entropy repairs what a peer missed. `relayed`
   * marks a change this node merged from a peer and passes on (memberlist mode only).
   */
  broadcast(data: Uint8Array, relayed?: boolean): void
}

/** PeerInfo is one cluster member as /api/v2/status lists it. */
export interface PeerInfo {
  /** The member's stable node name (--node.name). */
  readonly name: string
  /** The `host:port` the member advertises for gossip. */
  readonly address: string
}

/**
 * GossipPeer is what the node needs of its cluster peer, whichever protocol it speaks:
 * alertmesh's own mesh ({@link ClusterPeer}) or Alertmanager's memberlist
 * ({@link MemberlistPeer}, `--cluster.protocol=memberlist`).
 */
export interface GossipPeer {
  /** addState registers a replicated state by key and returns its channel. */
  addState(key: string, state: GossipState): Channel
  /** start begins to join peers and settle. */
  start(): void
  /** stop leaves the cluster; idempotent. */
  stop(): Promise<void>
  /** waitReady resolves once settled. */
  waitReady(signal: AbortSignal): Promise<void>
  /** ready tells whether the node has settled. */
  readonly ready: boolean
  /** status is `cluster.status` of /api/v2/status. */
  status(): 'settling' | 'ready'
  /** self is this node. */
  self(): PeerInfo
  /** members lists this node and its peers, sorted by name. */
  members(): PeerInfo[]
  /** position is this node's index among the members. */
  position(): number
  /** waitMs is how long the pipeline waits before notifying. */
  waitMs(): number
  /** onMembersChanged calls `listener` after each join and leave. */
  onMembersChanged(listener: () => void): () => void
  /** setDiscoveredPeers hands the peer the addresses discovery found. */
  setDiscoveredPeers(addresses: readonly string[]): void
}
