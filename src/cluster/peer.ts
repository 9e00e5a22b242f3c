import { performance } from 'node:perf_hooks'

import type Logger from 'bunyan'
import { Registry } from 'prom-client'

import { WarnLimiter, ClosedError, InvalidArgumentError } from '../util/index.js'

import { AntiEntropy } from './anti-entropy.js'
import { StateChannel } from './broadcast.js'
import { Discovery } from './discovery.js'
import { Mesh, bindListener } from './mesh.js'
import type { Listener, StateMessage } from './mesh.js'
import { encodeMembers, encodeParts, encodeStateRequest } from './messages.js'
import type { Hello } from './messages.js'
import { createClusterMetrics, messageCounter } from './metrics.js'
import { settingsOf } from './peer-options.js'
import type { ClusterPeerOptions, Settings } from './peer-options.js'
import { positionOf, sortMembers } from './position.js'
import { QueryBroker } from './queries.js'
import type { PeerAnswer, QueryHandler } from './queries.js'
import { SettleGate } from './settle-gate.js'
import type { Channel, GossipState, PeerInfo } from './state.js'
import type { Connection } from './transport.js'

// DESIGN: node names are stable (--node.name), where Alertmanager draws a fresh ULID at every
// start (cluster/cluster.go Create). Alertmanager does that so a restarted replica is a new member and, its
// ULID being the newest, sorts last: it cannot take position 0 and notify at once with an
// empty nflog, duplicating what its peers already sent. Here that risk is removed at its root
// instead: a restarting node settles (pulls the nflog and silences from a peer, see settle-gate.ts)
// before its pipeline may notify, so by the time it acts at its old position it knows every
// notification the others logged, and keeping the position cannot cause a duplicate. In return
// positions are deterministic (n0 is always first, whatever the restart order), /api/v2/status
// and the metrics stay readable across restarts, and peers can dedupe connections by name.
// Two live nodes with the same name would break positions, so a peer claiming ours is refused.

/** At most one warning per reason in this period; the rest are counted in the next one. */
const WARN_INTERVAL_MS = 10_000
/** How often the node checks that it has been running; see ClusterPeer.#checkStall. */
const STALL_CHECK_MS = 250

/**
 * ClusterPeer is this node's member of the gossip cluster: it listens for peers, dials the
 * known ones, keeps one authenticated TCP connection per peer (a full mesh), sends every local
 * change of a registered state to all peers at once, repairs gaps with periodic digests, and
 * tells the notification pipeline when it has settled and which position it holds.
 *
 * It wires three parts, one per concern: a {@link Mesh} owns the connections (accepting,
 * dialling and redialling, one connection per peer, liveness pings), a {@link Discovery} owns
 * the addresses to join (--cluster.peer with DNS re-resolution, and the discovered list), and
 * a {@link SettleGate} decides when the node has settled. The peer itself keeps the registered
 * states and routes state messages between the mesh and {@link AntiEntropy}.
 *
 * Wire protocol (one TCP connection per pair of nodes): frames of a 4-byte big-endian length,
 * a type byte and a protobuf payload (`Part` and `FullState` as in Alertmanager's clusterpb),
 * followed after a keyed handshake by an HMAC-SHA256 over (frame counter, type, payload).
 * Both sides open with HELLO {version, name, address, nonce, auth}; with a key each answers
 * with AUTH {HMAC(key, peer HELLO ‖ own HELLO)}. Then each sends MEMBERS (so a node started
 * with one --cluster.peer learns and dials the whole mesh) and FULL_STATE, and afterwards
 * UPDATE for each local change, DIGEST every pushPullInterval (STATE_REQUEST/FULL_STATE on a
 * mismatch) and PING every second.
 *
 * @example
 * ```ts
 * const peer = await ClusterPeer.create({
 *   name: 'am-0',
 *   listenAddress: '0.0.0.0:9094',
 *   knownPeers: ['am-1:9094', 'am-2:9094'],
 *   log,
 *   registry,
 * })
 * silences.setBroadcast(peer.addState('sil', silencesState).broadcast)
 * peer.start()
 * await peer.waitReady(signal) // the settle stage
 * const waitMs = peer.waitMs() // the wait stage
 * await peer.stop()
 * ```
 */
export class ClusterPeer {
  readonly #membersListeners = new Set<() => void>()
  readonly #settings: Settings
  readonly #log: Logger
  readonly #self: PeerInfo
  readonly #states = new Map<string, GossipState>()
  readonly #antiEntropy: AntiEntropy
  readonly #mesh: Mesh
  readonly #discovery: Discovery
  readonly #settle: SettleGate
  readonly #queries = new QueryBroker()
  #digests: NodeJS.Timeout | undefined
  #stallCheck: NodeJS.Timeout | undefined
  #lastTickAt = performance.now()
  #started = false
  #stopping: Promise<void> | undefined

  /**
   * create checks the options and binds the cluster listener; nothing is dialled before
   * {@link ClusterPeer.start}.
   *
   * @param options - identity, addresses, timings, key, logger and registry.
   * @returns the peer, listening.
   * @throws InvalidArgumentError naming an option out of range or an address without a port.
   * @throws ClusterListenError naming the address when it cannot be bound (e.g. in use).
   */
  static async create(options: ClusterPeerOptions): Promise<ClusterPeer> {
    const settings = settingsOf(options)
    const listener = await bindListener(options.listenAddress, options.advertiseAddress)
    try {
      return new ClusterPeer(options, settings, listener)
    } catch (err: unknown) {
      // E.g. the registry already holds cluster metrics: do not leave the port bound.
      listener.server.close()
      throw err
    }
  }

  // `private` because a constructor cannot be #private: the listener must be bound (async)
  // before the peer exists, so construction goes through create().
  private constructor(options: ClusterPeerOptions, settings: Settings, listener: Listener) {
    this.#settings = settings
    this.#log = options.log
    this.#self = Object.freeze({ name: options.name, address: listener.advertise })
    const now = options.now ?? (() => performance.now())
    const warn = new WarnLimiter(this.#log, WARN_INTERVAL_MS, now)
    const metrics = createClusterMetrics(options.registry ?? new Registry(), options.name, {
      members: () => this.#mesh.peers().size + this.#mesh.lapsed().size + 1,
      position: () => this.position(),
      failedPeers: () => this.#mesh.dialer.failedCount(),
    })
    const counter = messageCounter(metrics)
    this.#mesh = new Mesh({
      listener,
      self: this.#self,
      key: options.key,
      tls: options.tls,
      settings,
      now,
      log: this.#log,
      warn,
      metrics,
      counter,
      standing: () => ({ position: this.position(), waitMs: this.waitMs() }),
      onPeer: (conn) => {
        this.#onPeer(conn)
      },
      onMembersChanged: () => {
        for (const listener of this.#membersListeners) {
          listener()
        }
      },
      onMessage: (conn, message) => {
        this.#onMessage(conn, message)
      },
    })
    this.#discovery = new Discovery({
      knownPeers: [...(options.knownPeers ?? [])],
      expectDiscovered: options.expectDiscoveredPeers ?? false,
      setSource: (source, addresses) => {
        this.#mesh.dialer.setSource(source, addresses)
      },
      onResolved: () => {
        this.#settle.check()
      },
      warn,
    })
    this.#settle = new SettleGate({
      timeoutMs: settings.settleTimeoutMs,
      sourcesKnown: () => this.#discovery.sourcesKnown,
      peers: () => this.#mesh.peers(),
      handshaking: () => this.#mesh.handshaking(),
      targets: this.#mesh.dialer,
      now,
      log: this.#log,
    })
    this.#antiEntropy = new AntiEntropy({ states: this.#states, counter, warn, log: this.#log })
  }

  /**
   * addState registers a replicated state under its key (Alertmanager's `AddState`): peers
   * get its full state on connect and in anti-entropy, and its channel sends local changes.
   *
   * @param key - `sil`, `nfl`, or any key every node registers alike.
   * @param state - the state.
   * @returns the channel the state broadcasts its local changes on.
   * @throws InvalidArgumentError after start() or for a key already registered.
   * @throws ClosedError after stop().
   */
  addState(key: string, state: GossipState): Channel {
    if (this.#stopping !== undefined) {
      throw new ClosedError('cluster peer')
    }
    if (this.#started) {
      throw new InvalidArgumentError(`ClusterPeer: addState('${key}') after start()`)
    }
    if (this.#states.has(key)) {
      throw new InvalidArgumentError(`ClusterPeer: state '${key}' is already registered`)
    }
    this.#states.set(key, state)
    return new StateChannel(key, () => this.#mesh.peers().values())
  }

  /**
   * addQuery registers the answer to a read-only question peers may ask this node with
   * {@link ClusterPeer.ask} (alertmesh's own; e.g. its recent pipeline decisions).
   *
   * @param key - the question's name; every node registers the same ones.
   * @param handler - answers from local memory, synchronously.
   */
  addQuery(key: string, handler: QueryHandler): void {
    this.#queries.handle(key, handler)
  }

  /**
   * ask puts a question to every connected peer. It never rejects: a peer that does not answer
   * within `timeoutMs`, runs an older version or fails to answer gets an error answer.
   *
   * @param key - the question's name.
   * @param data - the question.
   * @param timeoutMs - how long to wait for each peer.
   * @returns one answer per connected peer.
   */
  ask(key: string, data: Uint8Array, timeoutMs: number): Promise<PeerAnswer[]> {
    if (this.#stopping !== undefined) {
      return Promise.resolve([])
    }
    return this.#queries.ask(this.#mesh.peers(), key, data, timeoutMs)
  }

  /**
   * setDiscoveredPeers replaces the peers found by discovery (Consul's passing instances); the
   * --cluster.peer list stays. Addresses that leave the set are no longer dialled, but an open
   * connection stays until it fails. Ignored after stop(), since discovery may deliver while
   * the node shuts down.
   *
   * @param addresses - `host:port` each; names are resolved, invalid entries skipped.
   */
  setDiscoveredPeers(addresses: readonly string[]): void {
    if (this.#stopping !== undefined) {
      return
    }
    this.#discovery.setDiscovered(addresses)
  }

  /**
   * start begins dialling the known peers and the settle phase; with no --cluster.peer and no
   * discovery expected the node is ready at once. Calling it again does nothing.
   *
   * @throws ClosedError after stop().
   */
  start(): void {
    if (this.#stopping !== undefined) {
      throw new ClosedError('cluster peer')
    }
    if (this.#started) {
      return
    }
    this.#started = true
    this.#settle.start(this.#discovery.expectsPeers)
    this.#mesh.start()
    this.#digests = setInterval(() => {
      this.#sendDigests()
    }, this.#settings.pushPullIntervalMs)
    this.#digests.unref()
    this.#lastTickAt = performance.now()
    this.#stallCheck = setInterval(() => {
      this.#checkStall()
    }, STALL_CHECK_MS)
    this.#stallCheck.unref()
    this.#discovery.start()
  }

  /**
   * waitReady resolves once the node has settled (notify's `Peer.waitReady`).
   *
   * @param signal - aborts the wait.
   * @returns resolves when ready; rejects with the signal's reason, or a ClosedError when the
   *   peer stops first.
   */
  waitReady(signal: AbortSignal): Promise<void> {
    // A flush whose timer ran before the stall check (both were overdue when the loop came back)
    // must not slip through on the old, settled state.
    this.#checkStall()
    return this.#settle.waitReady(signal)
  }

  /** ready tells whether the node has settled. */
  get ready(): boolean {
    return this.#settle.ready
  }

  /**
   * status is the `cluster.status` of /api/v2/status.
   *
   * @returns `ready` once settled, else `settling`.
   */
  status(): 'settling' | 'ready' {
    return this.#settle.ready ? 'ready' : 'settling'
  }

  /**
   * self is this node as peers see it.
   *
   * @returns the name and the advertised address (with the bound port when listening on 0).
   */
  self(): PeerInfo {
    return this.#self
  }

  /**
   * members lists this node and every peer with an open, authenticated connection, sorted by
   * name (the `peers` of /api/v2/status). A peer whose connection is lost stays in the list
   * while it is redialled, 0.3 s after a close and a ping interval after a ping timeout, and
   * leaves unless a redial reaches it (see {@link Mesh.lapsed}); when discovery is the only
   * source of peers, one that fails its health check leaves too (see
   * {@link Discovery.healthyAddresses}).
   *
   * @returns the members.
   */
  members(): PeerInfo[] {
    const healthy = this.#discovery.healthyAddresses
    const peers = [
      ...[...this.#mesh.peers().values()].map((c) => c.peer as Hello),
      ...[...this.#mesh.lapsed().values()].map((l) => l.hello),
    ]
      .map((hello) => ({ name: hello.name, address: hello.address }))
      .filter((p) => healthy === undefined || healthy.has(p.address))
    return sortMembers([this.#self, ...peers])
  }

  /**
   * position is this node's index in {@link ClusterPeer.members} (`alertmanager_peer_position`).
   *
   * @returns 0 for the first by name.
   */
  position(): number {
    return positionOf(this.members(), this.#self.name)
  }

  /**
   * waitMs is how long the pipeline waits before notifying: position × peerTimeoutMs. Only
   * connected peers count, so a node never waits for one known to be gone.
   *
   * @returns the wait in milliseconds.
   */
  waitMs(): number {
    return this.position() * this.#settings.peerTimeoutMs
  }

  /**
   * onMembersChanged calls `listener` after each peer join and leave, when {@link
   * ClusterPeer.waitMs} may have changed: a flush waiting its turn re-reads it, so a node whose
   * lower-position peer is found gone stops waiting for it.
   *
   * @param listener - called synchronously, after the change.
   * @returns a function that removes the listener.
   */
  onMembersChanged(listener: () => void): () => void {
    this.#membersListeners.add(listener)
    return () => {
      this.#membersListeners.delete(listener)
    }
  }

  /**
   * stop closes the listener and every connection at once (peers see the node leave
   * immediately), cancels the timers and rejects pending waitReady calls. Idempotent.
   *
   * @returns resolves when the listener is closed.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    clearInterval(this.#digests)
    clearInterval(this.#stallCheck)
    this.#discovery.stop()
    this.#settle.stop()
    this.#queries.close()
    await this.#mesh.stop()
    this.#log.info({}, 'Cluster peer stopped')
  }

  /**
   * checkStall notices that this process did not run for longer than the ping timeout (stopped,
   * frozen VM, swapped out, a long GC): its peers have taken it for gone and may have notified
   * and made silences meanwhile, and what it holds may lack all of that. Its old connections
   * are dropped and it settles anew, so no flush notifies before the peers' full states are in.
   * Alertmanager has no such check; it leans on its longer waits instead.
   */
  #checkStall(): void {
    const now = performance.now()
    const stalledMs = now - this.#lastTickAt
    this.#lastTickAt = now
    if (!this.#started || this.#stopping !== undefined) {
      return
    }
    if (stalledMs > this.#settings.pingTimeoutMs) {
      this.#log.warn(
        { stalledMs: Math.round(stalledMs), pingTimeoutMs: this.#settings.pingTimeoutMs },
        'This node did not run for longer than the ping timeout; reconnecting to its peers and settling again before it notifies'
      )
      this.#mesh.dropConnections('stalled')
      this.#settle.resettle()
    }
  }

  /** onPeer greets a peer's kept connection: the members to every peer, our state to it. */
  #onPeer(conn: Connection): void {
    this.#mesh.broadcast('members', encodeMembers(this.members()))
    conn.send('full_state', encodeParts('full_state', this.#antiEntropy.fullState()))
  }

  #onMessage(conn: Connection, message: StateMessage): void {
    const from = (conn.peer as Hello).name
    switch (message.type) {
      case 'update':
        this.#antiEntropy.merge([message.part], from, 'update')
        return
      case 'full_state':
        this.#antiEntropy.merge(message.parts, from, 'full_state')
        this.#settle.merged(from)
        return
      case 'digest': {
        const keys = this.#antiEntropy.mismatched(message.parts)
        if (keys.length > 0) {
          this.#log.debug({ peer: from, keys }, 'Anti-entropy found a difference')
          conn.send('state_request', encodeStateRequest(keys))
          conn.send('full_state', encodeParts('full_state', this.#antiEntropy.fullState(keys)))
        }
        return
      }
      case 'state_request':
        conn.send(
          'full_state',
          encodeParts('full_state', this.#antiEntropy.fullState(message.keys))
        )
        return
      case 'query':
        this.#queries.onQuery(conn, message.query)
        return
      case 'answer':
        this.#queries.onAnswer(conn, message.answer)
        return
    }
  }

  #sendDigests(): void {
    if (this.#mesh.peers().size === 0) {
      return
    }
    this.#mesh.broadcast('digest', encodeParts('digest', this.#antiEntropy.digests()))
  }
}
