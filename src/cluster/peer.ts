import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

import type Logger from 'bunyan'
import { Registry } from 'prom-client'

import { WarnLimiter, ClosedError, InvalidArgumentError, compareGoStrings } from '../util/index.js'

import {
  defaultAdvertiseHost,
  formatHostPort,
  isWildcardHost,
  parseHostPort,
  resolveAddress,
  selfAddresses,
} from './address.js'
import { AntiEntropy } from './anti-entropy.js'
import { StateChannel } from './broadcast.js'
import { Dialer } from './dialer.js'
import { ClusterListenError } from './errors.js'
import { encodeMembers, encodeParts, encodeStateRequest } from './messages.js'
import type { Hello } from './messages.js'
import { createClusterMetrics, messageCounter } from './metrics.js'
import type { ClusterMetrics, MessageCounter } from './metrics.js'
import { settingsOf } from './peer-options.js'
import type { ClusterPeerOptions, Settings } from './peer-options.js'
import { positionOf, sortMembers } from './position.js'
import { Settle } from './settle.js'
import type { Channel, GossipState, PeerInfo } from './state.js'
import { Connection, newNonce } from './transport.js'
import type { ConnectionOwner, Message, Refusal } from './transport.js'

// DESIGN: node names are stable (--node.name), where Alertmanager draws a fresh ULID at every
// start (cluster/cluster.go Create). Alertmanager does that so a restarted replica is a new member and, its
// ULID being the newest, sorts last: it cannot take position 0 and notify at once with an
// empty nflog, duplicating what its peers already sent. Here that risk is removed at its root
// instead: a restarting node settles (pulls the nflog and silences from a peer, see settle.ts)
// before its pipeline may notify, so by the time it acts at its old position it knows every
// notification the others logged, and keeping the position cannot cause a duplicate. In return
// positions are deterministic (n0 is always first, whatever the restart order), /api/v2/status
// and the metrics stay readable across restarts, and peers can dedupe connections by name.
// Two live nodes with the same name would break positions, so a peer claiming ours is refused.

/** The first retry after a failed dial or a lost connection (then doubling). */
const RECONNECT_INITIAL_MS = 100
/** Alertmanager's refresh period: --cluster.peer names are re-resolved this often. */
const REFRESH_INTERVAL_MS = 15_000
/** A node whose known peers have all been unreachable this long settles alone. */
const SETTLE_UNREACHABLE_MS = 1_000
const SETTLE_POLL_MS = 100
/** Unauthenticated connections beyond this many are refused at once. */
const MAX_PENDING_HANDSHAKES = 128
/** At most one warning per reason in this period; the rest are counted in the next one. */
const WARN_INTERVAL_MS = 10_000

/** listen binds the server, turning a bind failure into a ClusterListenError. */
async function listen(server: Server, address: string): Promise<number> {
  const { host, port } = parseHostPort(address, 'ClusterPeer: listenAddress')
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(new ClusterListenError(address, err))
    }
    server.once('error', onError)
    server.listen({ host: host === '' ? undefined : host, port }, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const bound = server.address()
  return typeof bound === 'object' && bound !== null ? bound.port : port
}

/** hex names a nonce in the set of this node's own nonces. */
function hex(nonce: Uint8Array): string {
  return Buffer.from(nonce).toString('hex')
}

/**
 * ClusterPeer is this node's member of the gossip cluster: it listens for peers, dials the
 * known ones, keeps one authenticated TCP connection per peer (a full mesh), sends every local
 * change of a registered state to all peers at once, repairs gaps with periodic digests, and
 * tells the notification pipeline when it has settled and which position it holds.
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
  readonly #settings: Settings
  readonly #log: Logger
  readonly #now: () => number
  readonly #key: Buffer | undefined
  readonly #server: Server
  readonly #self: PeerInfo
  readonly #knownPeers: readonly string[]
  readonly #states = new Map<string, GossipState>()
  /** Every open connection, whatever its state. */
  readonly #connections = new Set<Connection>()
  /** The one established connection per peer name that state is sent on. */
  readonly #peers = new Map<string, Connection>()
  /** The nonces of this node's open connections, to recognise a connection to itself. */
  readonly #nonces = new Map<Connection, string>()
  readonly #ownNonces = new Set<string>()
  /** The address each outbound connection dialled. */
  readonly #dialled = new Map<Connection, string>()
  /** Inbound sockets accepted before start(), served once it runs. */
  readonly #pending = new Set<Socket>()
  readonly #dialer: Dialer
  readonly #settle: Settle
  readonly #antiEntropy: AntiEntropy
  readonly #metrics: ClusterMetrics
  readonly #counter: MessageCounter
  readonly #warn: WarnLimiter
  readonly #owner: ConnectionOwner
  readonly #timers: NodeJS.Timeout[] = []
  readonly #expectDiscovered: boolean
  #discovered: readonly string[] = []
  #discoveryGeneration = 0
  /** Whether --cluster.peer has been resolved once, so the dialer knows every static peer. */
  #staticResolved = false
  /** Whether a discovered list has been applied once. */
  #discoveredOnce = false
  #discoveredSet: ReadonlySet<string> | undefined
  /** Peers whose full state has been merged (settle). */
  readonly #fullStateFrom = new Set<string>()
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
    const server = createServer({ pauseOnConnect: true, noDelay: true })
    const port = await listen(server, options.listenAddress)
    const listenHost = parseHostPort(options.listenAddress).host
    let advertise: string
    if (options.advertiseAddress === undefined) {
      advertise = formatHostPort(
        isWildcardHost(listenHost) ? defaultAdvertiseHost() : listenHost,
        port
      )
    } else {
      const a = parseHostPort(options.advertiseAddress)
      advertise = formatHostPort(
        isWildcardHost(a.host) ? defaultAdvertiseHost() : a.host,
        a.port === 0 ? port : a.port
      )
    }
    try {
      return new ClusterPeer(
        options,
        settings,
        server,
        selfAddresses(listenHost, port, advertise),
        {
          name: options.name,
          address: advertise,
        }
      )
    } catch (err: unknown) {
      // E.g. the registry already holds cluster metrics: do not leave the port bound.
      server.close()
      throw err
    }
  }

  // `private` because a constructor cannot be #private: the listener must be bound (async)
  // before the peer exists, so construction goes through create().
  private constructor(
    options: ClusterPeerOptions,
    settings: Settings,
    server: Server,
    ownAddresses: Set<string>,
    self: PeerInfo
  ) {
    this.#settings = settings
    this.#log = options.log
    this.#now = options.now ?? (() => performance.now())
    this.#key = options.key
    this.#server = server
    this.#self = Object.freeze({ ...self })
    this.#knownPeers = [...(options.knownPeers ?? [])]
    this.#expectDiscovered = options.expectDiscoveredPeers ?? false
    this.#warn = new WarnLimiter(this.#log, WARN_INTERVAL_MS, this.#now)
    this.#metrics = createClusterMetrics(options.registry ?? new Registry(), self.name, {
      members: () => this.#peers.size + 1,
      position: () => this.position(),
      failedPeers: () => this.#dialer.failedCount(),
    })
    this.#counter = messageCounter(this.#metrics)
    this.#dialer = new Dialer(
      {
        initialBackoffMs: RECONNECT_INITIAL_MS,
        maxBackoffMs: settings.reconnectIntervalMs,
        forgetAfterMs: settings.reconnectTimeoutMs,
        now: this.#now,
        dial: (address) => {
          this.#dial(address)
        },
        isConnected: (name) => this.#peers.has(name),
        onReconnect: (failed) => {
          ;(failed ? this.#metrics.reconnectionsFailed : this.#metrics.reconnections).inc()
        },
      },
      ownAddresses
    )
    this.#settle = new Settle({
      timeoutMs: settings.settleTimeoutMs,
      pollMs: SETTLE_POLL_MS,
      canSettleAlone: () => this.#canSettleAlone(),
      isSynced: () => this.#isSynced(),
      now: this.#now,
      log: this.#log,
    })
    this.#antiEntropy = new AntiEntropy({
      states: this.#states,
      counter: this.#counter,
      warn: this.#warn,
      log: this.#log,
    })
    this.#owner = {
      onHello: (conn, hello) => this.#onHello(conn, hello),
      onEstablished: (conn) => {
        this.#onEstablished(conn)
      },
      onMessage: (conn, message) => {
        this.#onMessage(conn, message)
      },
      onClosed: (conn, reason) => {
        this.#onClosed(conn, reason)
      },
    }
    server.on('connection', (socket: Socket) => {
      this.#accept(socket)
    })
    server.on('error', (err: Error) => {
      this.#log.error({ err }, 'Cluster listener failed')
    })
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
    return new StateChannel(key, () => this.#peers.values())
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
    this.#discovered = [...addresses]
    void this.#resolveDiscovered()
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
    this.#settle.start()
    if (this.#knownPeers.length === 0 && !this.#expectDiscovered) {
      this.#settle.settle('no_peers')
    }
    this.#dialer.start()
    this.#every(this.#settings.pingIntervalMs, () => {
      this.#sweep()
    })
    this.#every(this.#settings.pushPullIntervalMs, () => {
      this.#sendDigests()
    })
    this.#every(REFRESH_INTERVAL_MS, () => {
      void this.#resolveStatic()
      void this.#resolveDiscovered()
    })
    for (const socket of this.#pending) {
      this.#pending.delete(socket)
      this.#accept(socket)
    }
    void this.#resolveStatic().then(() => {
      this.#staticResolved = true
      this.#checkSettle()
    })
  }

  /**
   * waitReady resolves once the node has settled (notify's `Peer.waitReady`).
   *
   * @param signal - aborts the wait.
   * @returns resolves when ready; rejects with the signal's reason, or a ClosedError when the
   *   peer stops first.
   */
  waitReady(signal: AbortSignal): Promise<void> {
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
   * name (the `peers` of /api/v2/status). A peer whose connection closes or stops answering
   * leaves the list at once.
   *
   * @returns the members.
   */
  members(): PeerInfo[] {
    const healthy = this.#healthyAddresses
    const peers = [...this.#peers.values()]
      .map((c) => {
        const hello = c.peer as Hello
        return { name: hello.name, address: hello.address }
      })
      .filter((p) => healthy === undefined || healthy.has(p.address))
    return sortMembers([this.#self, ...peers])
  }

  /**
   * healthyAddresses is, when discovery is the only source of peers (Consul mode without
   * --cluster.peer), the set discovery last named: a peer that fails its health check drops out
   * of members(), positions and waits even while its connection is still open (a hung node's
   * socket can stay up), and comes back when it passes again. The connection itself is kept so
   * a recovering or starting node still exchanges state.
   */
  get #healthyAddresses(): ReadonlySet<string> | undefined {
    return this.#expectDiscovered && this.#knownPeers.length === 0 ? this.#discoveredSet : undefined
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
    for (const t of this.#timers) {
      clearInterval(t)
    }
    this.#settle.stop()
    this.#dialer.stop()
    for (const socket of this.#pending) {
      socket.destroy()
    }
    this.#pending.clear()
    for (const conn of [...this.#connections]) {
      conn.close('stopping')
    }
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve()
      })
    })
    this.#log.info({}, 'Cluster peer stopped')
  }

  #every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms)
    t.unref()
    this.#timers.push(t)
  }

  async #resolveStatic(): Promise<void> {
    const addresses = await this.#resolveAll(this.#knownPeers)
    if (this.#stopping === undefined) {
      this.#dialer.setSource('static', addresses)
    }
  }

  async #resolveDiscovered(): Promise<void> {
    const generation = ++this.#discoveryGeneration
    const addresses = await this.#resolveAll(this.#discovered)
    // A newer set may have arrived while this one resolved; the newest wins.
    if (generation === this.#discoveryGeneration && this.#stopping === undefined) {
      this.#dialer.setSource('discovered', addresses)
      this.#discoveredSet = new Set(addresses)
      this.#discoveredOnce = true
      this.#checkSettle()
    }
  }

  async #resolveAll(addresses: readonly string[]): Promise<string[]> {
    const resolved = await Promise.all(
      addresses.map(async (a) => {
        try {
          return await resolveAddress(a)
        } catch (err: unknown) {
          this.#warn.warn('peer_address', { address: a, err }, 'Ignored an invalid peer address')
          return []
        }
      })
    )
    return resolved.flat()
  }

  #accept(socket: Socket): void {
    socket.on('error', () => undefined)
    if (this.#stopping !== undefined) {
      socket.destroy()
      return
    }
    if (!this.#started) {
      this.#pending.add(socket)
      socket.once('close', () => this.#pending.delete(socket))
      return
    }
    let handshakes = 0
    for (const c of this.#connections) {
      if (c.state !== 'established') {
        handshakes++
      }
    }
    if (handshakes >= MAX_PENDING_HANDSHAKES) {
      this.#counter.dropped('too_many_handshakes')
      this.#warn.warn(
        'too_many_handshakes',
        { remote: socket.remoteAddress, limit: MAX_PENDING_HANDSHAKES },
        'Refused a cluster connection: too many pending handshakes'
      )
      socket.destroy()
      return
    }
    this.#open(
      socket,
      'inbound',
      formatHostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0)
    )
  }

  #dial(address: string): void {
    let socket: Socket
    try {
      const { host, port } = parseHostPort(address)
      socket = connect({ host, port })
    } catch (err: unknown) {
      // Runs from a timer: a throw here would end the process. Addresses are checked when they
      // arrive, so this is a last line of defence; the dialer retries with backoff.
      this.#warn.warn('dial', { address, err }, 'Could not dial a peer')
      this.#dialer.dialEnded(address, undefined)
      return
    }
    const conn = this.#open(socket, 'outbound', address)
    this.#dialled.set(conn, address)
  }

  #open(socket: Socket, direction: 'inbound' | 'outbound', remote: string): Connection {
    const nonce = newNonce()
    const conn = new Connection({
      socket,
      direction,
      remote,
      self: this.#self,
      nonce,
      key: this.#key,
      maxMessageBytes: this.#settings.maxMessageBytes,
      now: this.#now,
      counter: this.#counter,
      warn: this.#warn,
      log: this.#log,
      owner: this.#owner,
    })
    this.#connections.add(conn)
    const id = hex(nonce)
    this.#nonces.set(conn, id)
    this.#ownNonces.add(id)
    return conn
  }

  #onHello(conn: Connection, hello: Hello): Refusal | undefined {
    if (hello.name !== this.#self.name) {
      return undefined
    }
    if (this.#ownNonces.has(hex(hello.nonce))) {
      // Our own HELLO came back: this address reaches this very node.
      const address = this.#dialled.get(conn)
      if (address !== undefined) {
        this.#log.debug({ address }, 'Not dialling an address of this node')
        this.#dialer.markSelf(address)
      }
      return { reason: 'self', message: 'connection to this node' }
    }
    return {
      reason: 'duplicate_name',
      message: `peer ${hello.address} uses this node's name ${hello.name}; --node.name must be unique`,
    }
  }

  #onEstablished(conn: Connection): void {
    const hello = conn.peer as Hello
    const existing = this.#peers.get(hello.name)
    if (existing !== undefined && existing !== conn) {
      if (this.#preferred(existing, conn) === existing) {
        conn.close('duplicate')
        return
      }
      // The connection both ends keep replaces the other without a leave and a join.
      this.#peers.set(hello.name, conn)
      existing.close('duplicate')
    } else {
      this.#peers.set(hello.name, conn)
      this.#metrics.peersJoined.inc()
      this.#log.info(
        {
          peer: hello.name,
          address: hello.address,
          members: this.#peers.size + 1,
          position: this.position(),
          waitMs: this.waitMs(),
        },
        'Peer joined'
      )
    }
    const dialled = this.#dialled.get(conn)
    if (dialled !== undefined) {
      this.#dialer.learn(dialled, hello.name)
    }
    this.#dialer.learn(hello.address, hello.name)
    this.#dialer.connected(hello.name)
    const members = encodeMembers(this.members())
    for (const peer of this.#peers.values()) {
      peer.send('members', members)
    }
    conn.send('full_state', encodeParts('full_state', this.#antiEntropy.fullState()))
  }

  /**
   * preferred picks which of two connections to one peer both ends keep: the one dialled by
   * the lower name; for two dialled by the same node, the one with the larger dialler nonce.
   * Both ends see the same names and nonces, so they agree without a message.
   */
  #preferred(a: Connection, b: Connection): Connection {
    const peerName = (a.peer as Hello).name
    const lower = compareGoStrings(this.#self.name, peerName) < 0 ? this.#self.name : peerName
    const aLower = a.initiator() === lower
    if (aLower !== (b.initiator() === lower)) {
      return aLower ? a : b
    }
    const an = a.initiatorNonce() as Uint8Array
    const bn = b.initiatorNonce() as Uint8Array
    return Buffer.compare(an, bn) >= 0 ? a : b
  }

  #onMessage(conn: Connection, message: Message): void {
    const from = (conn.peer as Hello).name
    switch (message.type) {
      case 'ping':
        return
      case 'members':
        for (const m of message.members) {
          if (m.name !== this.#self.name) {
            this.#dialer.learn(m.address, m.name)
          }
        }
        return
      case 'update':
        this.#antiEntropy.merge([message.part], from)
        return
      case 'full_state':
        this.#antiEntropy.merge(message.parts, from)
        this.#fullStateFrom.add(from)
        this.#checkSettle()
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
    }
  }

  #onClosed(conn: Connection, reason: string): void {
    this.#connections.delete(conn)
    const id = this.#nonces.get(conn)
    if (id !== undefined) {
      this.#ownNonces.delete(id)
      this.#nonces.delete(conn)
    }
    const name = conn.wasEstablished ? (conn.peer as Hello).name : undefined
    if (name !== undefined && this.#peers.get(name) === conn) {
      this.#peers.delete(name)
      this.#metrics.peersLeft.inc()
      if (this.#stopping === undefined) {
        // The decision operators ask about: a peer known gone is no longer waited for, so the
        // fields say where this node now stands.
        this.#log.info(
          {
            peer: name,
            reason,
            members: this.#peers.size + 1,
            position: this.position(),
            waitMs: this.waitMs(),
          },
          'Peer left; no longer waited for'
        )
        this.#dialer.disconnected(name)
      }
    }
    const dialled = this.#dialled.get(conn)
    if (dialled !== undefined) {
      this.#dialled.delete(conn)
      if (this.#stopping === undefined) {
        this.#dialer.dialEnded(dialled, name)
      }
    }
  }

  #sweep(): void {
    const now = this.#now()
    const timing = {
      handshakeTimeoutMs: this.#settings.tcpTimeoutMs,
      pingTimeoutMs: this.#settings.pingTimeoutMs,
    }
    for (const conn of [...this.#connections]) {
      conn.sweep(now, timing)
    }
  }

  #sendDigests(): void {
    if (this.#peers.size === 0) {
      return
    }
    const payload = encodeParts('digest', this.#antiEntropy.digests())
    for (const conn of this.#peers.values()) {
      conn.send('digest', payload)
    }
  }

  /** checkSettle settles at once when every peer source is known and names nobody but us. */
  #checkSettle(): void {
    if (!this.#started) {
      return
    }
    if (this.#sourcesKnown() && this.#dialer.addresses().size === 0 && this.#peers.size === 0) {
      this.#settle.settle('no_peers')
      return
    }
    this.#settle.check()
  }

  /** sourcesKnown: --cluster.peer is resolved and, when discovery is expected, it has spoken. */
  #sourcesKnown(): boolean {
    return this.#staticResolved && (this.#discoveredOnce || !this.#expectDiscovered)
  }

  /**
   * isSynced: the full state of at least one peer is merged, and every known address either
   * belongs to a connected peer whose full state is merged or has been unreachable for
   * SETTLE_UNREACHABLE_MS. Settling on the first peer alone let a cold-started cluster notify
   * before its mesh had formed (a node briefly saw itself at position 0 and sent a duplicate).
   */
  #isSynced(): boolean {
    if (!this.#sourcesKnown() || this.#fullStateFrom.size === 0) {
      return false
    }
    // Handshakes in progress do not hold this up: a peer without the key keeps handshaking
    // forever, and its address counts as down like any unreachable one.
    const synced = new Set([...this.#peers.keys()].filter((name) => this.#fullStateFrom.has(name)))
    return this.#dialer.allReachedOrDownFor(SETTLE_UNREACHABLE_MS, synced)
  }

  /**
   * canSettleAlone: no peer is connected or handshaking, and every known address has been
   * unreachable for SETTLE_UNREACHABLE_MS, so there is nobody to pull state from.
   */
  #canSettleAlone(): boolean {
    if (!this.#sourcesKnown() || this.#peers.size > 0) {
      return false
    }
    for (const c of this.#connections) {
      if (c.state === 'handshake') {
        return false
      }
    }
    return this.#dialer.allDownFor(SETTLE_UNREACHABLE_MS)
  }
}
