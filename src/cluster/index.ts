/**
 * @module cluster
 * Gossip of the replicated states (silences, nflog, node status) between alertmesh nodes: one
 * authenticated TCP connection per pair of peers (a full mesh), optionally inside mutual TLS
 * with settings handed in per connection ({@link GossipTls}), immediate broadcast of every
 * local change, digest-based anti-entropy, settle before notifying, and the peer position that
 * orders notifications. With `--cluster.protocol=memberlist` the peer is a {@link MemberlistPeer}
 * instead, which speaks hashicorp/memberlist as Alertmanager 0.25 does and joins a Go cluster.
 * Imports only src/util, node builtins, protobufjs, prom-client and
 * bunyan's types; it knows no domain type: states plug in through {@link GossipState}, which
 * the silences and nflog satisfy structurally. Its one state of its own,
 * {@link NodeStatusState}, carries opaque per-member metadata (which config each member
 * applied).
 */
export { ClusterPeer } from './peer.js'
export type { ClusterPeerOptions } from './peer-options.js'
export type { Channel, GossipPeer, GossipState, MergeOrigin, PeerInfo } from './state.js'
export type { PeerAnswer, QueryHandler } from './queries.js'
export { MemberlistPeer } from './memberlist/peer.js'
export type { MemberlistPeerOptions } from './memberlist/peer.js'
export { NODE_STATUS_KEY, NodeStatusState } from './node-status.js'
export type { NodeStatusEntry, NodeStatusReport, NodeStatusStateOptions } from './node-status.js'
export { ClusterListenError, DROP_REASONS } from './errors.js'
export type { DropReason } from './errors.js'
export type { SettleReason } from './settle.js'
export type { GossipServerTls, GossipTls } from './tls.js'
