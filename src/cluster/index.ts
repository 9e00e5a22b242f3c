/**
 * @module cluster
 * Gossip of the replicated states (silences, nflog) between alertmesh nodes: one authenticated
 * TCP connection per pair of peers (a full mesh), immediate broadcast of every local change,
 * digest-based anti-entropy, settle before notifying, and the peer position that orders
 * notifications. Imports only src/util, node builtins, protobufjs, prom-client and bunyan's
 * types; it knows no domain type: states plug in through {@link GossipState}, which the
 * silences and nflog satisfy structurally.
 */
export { ClusterPeer } from './peer.js'
export type { ClusterPeerOptions } from './peer.js'
export type { Channel, GossipState, PeerInfo } from './state.js'
export { ClusterListenError, DROP_REASONS } from './errors.js'
export type { DropReason } from './errors.js'
export type { SettleReason } from './settle.js'
