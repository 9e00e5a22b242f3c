import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'

import type Logger from 'bunyan'

import { compareGoStrings } from '../util/index.js'
import type { WarnLimiter } from '../util/index.js'

import {
  defaultAdvertiseHost,
  formatHostPort,
  isWildcardHost,
  parseHostPort,
  selfAddresses,
} from './address.js'
import { Dialer } from './dialer.js'
import { ClusterListenError } from './errors.js'
import type { FrameType } from './frame.js'
import type { Hello } from './messages.js'
import type { ClusterMetrics, MessageCounter } from './metrics.js'
import type { Settings } from './peer-options.js'
import type { PeerInfo } from './state.js'
import { TlsAcceptor, dialTls } from './tls.js'
import type { GossipTls } from './tls.js'
import { Connection, newNonce } from './transport.js'
import type { ConnectionOwner, Message, Refusal } from './transport.js'

/** The first retry after a failed dial or a lost connection (then doubling). */
const RECONNECT_INITIAL_MS = 100
/**
 * How long a peer that closed its connection stays a member while the first redial tries it:
 * the redial's delay and a loopback-to-LAN handshake. A stopped or crashed peer leaves this
 * much later than at once.
 */
const CLOSED_GRACE_MS = 3 * RECONNECT_INITIAL_MS
/**
 * A dial with no answer (no SYN-ACK, no refusal) gives up after this long and is retried, where
 * the kernel would retransmit its SYN after 1, 3, 7... s: a peer behind a partition is dialled
 * afresh every 0.6 s, so the link is back within about half a second of the heal (see Dialer).
 * 500 ms is the round trip memberlist, and so Alertmanager, assumes a peer answers within
 * (--cluster.probe-timeout's default); every node dials at once after a partition starts, so
 * the dials stay in step and this bounds the wait after the heal for all of them.
 */
const CONNECT_TIMEOUT_MS = 500
/** Unauthenticated connections beyond this many are refused at once. */
const MAX_PENDING_HANDSHAKES = 128

/** StateMessage is a message the mesh hands to its owner: everything but PING and MEMBERS. */
export type StateMessage = Exclude<Message, { readonly type: 'ping' | 'members' }>

/** Listener is the bound cluster listener and what this node advertises. */
export interface Listener {
  readonly server: Server
  /** The advertised `host:port`, with the bound port when listening on port 0. */
  readonly advertise: string
  /** Every address that reaches this node, never dialled. */
  readonly ownAddresses: Set<string>
}

/**
 * bindListener binds the cluster listener and works out the advertised address: a wildcard
 * host becomes this machine's first private address, and port 0 the bound port.
 *
 * @param listenAddress - --cluster.listen-address.
 * @param advertiseAddress - --cluster.advertise-address, when given.
 * @returns the listener, bound.
 * @throws InvalidArgumentError for an address without a port.
 * @throws ClusterListenError naming the address when it cannot be bound (e.g. in use).
 */
export async function bindListener(
  listenAddress: string,
  advertiseAddress: string | undefined
): Promise<Listener> {
  const server = createServer({ pauseOnConnect: true, noDelay: true })
  const port = await listen(server, listenAddress)
  const listenHost = parseHostPort(listenAddress).host
  let advertise: string
  if (advertiseAddress === undefined) {
    advertise = formatHostPort(
      isWildcardHost(listenHost) ? defaultAdvertiseHost() : listenHost,
      port
    )
  } else {
    const a = parseHostPort(advertiseAddress)
    advertise = formatHostPort(
      isWildcardHost(a.host) ? defaultAdvertiseHost() : a.host,
      a.port === 0 ? port : a.port
    )
  }
  return { server, advertise, ownAddresses: selfAddresses(listenHost, port, advertise) }
}

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

/** MeshOptions configure a {@link Mesh}. */
export interface MeshOptions {
  /** The bound listener; the mesh serves it from start() and closes it at stop(). */
  readonly listener: Listener
  /** This node's name and advertised address, sent in HELLO. */
  readonly self: PeerInfo
  /** The shared key; when set, peers must prove it and every frame carries an HMAC. */
  readonly key: Buffer | undefined
  /** When set, every connection is mutual TLS first, with these settings. */
  readonly tls: GossipTls | undefined
  readonly settings: Settings
  readonly now: () => number
  readonly log: Logger
  readonly warn: WarnLimiter
  readonly metrics: ClusterMetrics
  readonly counter: MessageCounter
  /** Where this node stands now, for the join and leave logs. */
  readonly standing: () => { readonly position: number; readonly waitMs: number }
  /** A peer's connection became the one kept for it: send it what a new peer needs. */
  readonly onPeer: (conn: Connection) => void
  /** Called after a peer joined or left: positions, and so cluster waits, may have changed. */
  readonly onMembersChanged: () => void
  /** One state message from a peer. */
  readonly onMessage: (conn: Connection, message: StateMessage) => void
}

/**
 * Mesh owns this node's connections: it accepts on the cluster listener, dials the addresses
 * its {@link Dialer} wants (and redials them with backoff), keeps one established connection
 * per peer name (a full mesh), refuses connections to itself and to a peer claiming its name,
 * pings each peer and closes those that stop answering. PING and MEMBERS are handled here (a
 * MEMBERS list teaches the dialer the rest of the mesh); state messages go to the owner.
 */
export class Mesh {
  readonly #options: MeshOptions
  readonly #dialer: Dialer
  /** Every open connection, whatever its state. */
  readonly #connections = new Set<Connection>()
  /** The one established connection per peer name that state is sent on. */
  readonly #peers = new Map<string, Connection>()
  /**
   * Peers whose connection was lost a moment ago, still counted as members while they are
   * redialled; see {@link Mesh.lapsed}.
   */
  readonly #lapsed = new Map<string, { readonly hello: Hello; readonly timer: NodeJS.Timeout }>()
  /** The nonces of this node's open connections, to recognise a connection to itself. */
  readonly #nonces = new Map<Connection, string>()
  readonly #ownNonces = new Set<string>()
  /** The address each outbound connection dialled. */
  readonly #dialled = new Map<Connection, string>()
  /** Inbound sockets accepted before start(), served once it runs. */
  readonly #pending = new Set<Socket>()
  readonly #owner: ConnectionOwner
  readonly #tls: TlsAcceptor | undefined
  #sweep: NodeJS.Timeout | undefined
  #started = false
  #stopped = false

  /**
   * Mesh's constructor starts taking in sockets (held until {@link Mesh.start}); nothing is
   * dialled before start.
   *
   * @param options - listener, identity, key, timings, reporting and the owner's hooks.
   */
  constructor(options: MeshOptions) {
    this.#options = options
    const { settings, metrics } = options
    this.#dialer = new Dialer(
      {
        initialBackoffMs: RECONNECT_INITIAL_MS,
        maxBackoffMs: settings.reconnectIntervalMs,
        forgetAfterMs: settings.reconnectTimeoutMs,
        now: options.now,
        dial: (address) => {
          this.#dial(address)
        },
        isConnected: (name) => this.#peers.has(name),
        onReconnect: (failed) => {
          ;(failed ? metrics.reconnectionsFailed : metrics.reconnections).inc()
        },
      },
      options.listener.ownAddresses
    )
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
    const { server } = options.listener
    const tls = options.tls
    this.#tls =
      tls === undefined
        ? undefined
        : new TlsAcceptor({
            tls,
            handshakeTimeoutMs: settings.tcpTimeoutMs,
            onSecure: (socket) => {
              this.#accept(socket)
            },
            onRefused: (remote, detail) => {
              this.#tlsRefused('accepted', remote, detail)
            },
          })
    server.on('connection', (socket: Socket) => {
      if (this.#tls === undefined || this.#stopped) {
        this.#accept(socket)
      } else {
        socket.on('error', () => undefined)
        this.#tls.accept(socket)
      }
    })
    server.on('error', (err: Error) => {
      options.log.error({ err }, 'Cluster listener failed')
    })
  }

  /** dialer is the set of addresses this node dials, fed by discovery and by peers. */
  get dialer(): Dialer {
    return this.#dialer
  }

  /**
   * peers are the established connections, one per peer name, read live.
   *
   * @returns peer name → connection.
   */
  peers(): ReadonlyMap<string, Connection> {
    return this.#peers
  }

  /**
   * lapsed are the peers whose connection was lost a moment ago and that are being redialled.
   * They still count as members: after a short network outage TCP resends on its backoff (0.2,
   * 0.6, 1.4, 3 s), so one end can time out a link that already works again; the other end then
   * sees the close. Had either taken the other for gone, both could notify the same group. A
   * redial gets through at once then; a peer that does not complete one within the grace
   * leaves (see #graceMs).
   *
   * @returns peer name → the peer as it introduced itself; live, not a copy (read at every
   *   flush through the position).
   */
  lapsed(): ReadonlyMap<string, { readonly hello: Hello }> {
    return this.#lapsed
  }

  /** handshaking tells whether any connection is still in its handshake. */
  handshaking(): boolean {
    for (const c of this.#connections) {
      if (c.state === 'handshake') {
        return true
      }
    }
    return false
  }

  /**
   * broadcast sends one frame to every peer.
   *
   * @param type - the frame type.
   * @param payload - the encoded message.
   */
  broadcast(type: FrameType, payload: Uint8Array): void {
    for (const conn of this.#peers.values()) {
      conn.send(type, payload)
    }
  }

  /**
   * start dials the known addresses, starts the liveness pings and serves the sockets that
   * arrived before.
   */
  start(): void {
    this.#started = true
    this.#dialer.start()
    this.#sweep = setInterval(() => {
      this.#sweepAll()
    }, this.#options.settings.pingIntervalMs)
    this.#sweep.unref()
    for (const socket of this.#pending) {
      this.#pending.delete(socket)
      this.#accept(socket)
    }
  }

  /**
   * dropConnections closes every connection (they are redialled as after any loss), so each
   * peer sends its full state again on the new one.
   *
   * @param reason - why, for the log.
   */
  dropConnections(reason: string): void {
    for (const conn of [...this.#connections]) {
      conn.close(reason)
    }
  }

  /**
   * stop closes the listener and every connection at once, so peers see the node leave.
   *
   * @returns resolves when the listener is closed.
   */
  async stop(): Promise<void> {
    clearInterval(this.#sweep)
    for (const { timer } of this.#lapsed.values()) {
      clearTimeout(timer)
    }
    this.#lapsed.clear()
    this.#dialer.stop()
    for (const socket of this.#pending) {
      socket.destroy()
    }
    this.#pending.clear()
    // Marked stopped only once the connections are closed, as before the mesh was split out
    // of ClusterPeer: each peer closed here is still logged as left (reason `stopping`) and its
    // dial ended.
    for (const conn of [...this.#connections]) {
      conn.close('stopping')
    }
    this.#stopped = true
    await new Promise<void>((resolve) => {
      this.#options.listener.server.close(() => {
        resolve()
      })
    })
  }

  #accept(socket: Socket): void {
    socket.on('error', () => undefined)
    if (this.#stopped) {
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
      this.#options.counter.dropped('too_many_handshakes')
      this.#options.warn.warn(
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
      const tls = this.#options.tls
      socket =
        tls === undefined
          ? connect({ host, port })
          : dialTls(host, port, tls, (remote, detail) => {
              this.#tlsRefused('dialled', remote, detail)
            })
    } catch (err: unknown) {
      // Runs from a timer: a throw here would end the process. Addresses are checked when they
      // arrive, so this is a last line of defence; the dialer retries with backoff.
      this.#options.warn.warn('dial', { address, err }, 'Could not dial a peer')
      this.#dialer.dialEnded(address, undefined)
      return
    }
    const conn = this.#open(socket, 'outbound', address)
    this.#dialled.set(conn, address)
    const unanswered = setTimeout(() => {
      if (socket.connecting) {
        conn.close('connect_timeout')
      }
    }, CONNECT_TIMEOUT_MS)
    unanswered.unref()
    socket.once('connect', () => {
      clearTimeout(unanswered)
    })
    socket.once('close', () => {
      clearTimeout(unanswered)
    })
  }

  /**
   * tlsRefused counts a TLS handshake that failed or a peer certificate refused as `auth`, as
   * a failed key-file proof is: either way the peer could not prove it belongs. Each side
   * warns on its own, so the dialling side's verdict on the peer's certificate (e.g. expired)
   * is not hidden by the accepting side's "socket hang up" within one warning interval.
   */
  #tlsRefused(side: 'accepted' | 'dialled', remote: string, detail: string): void {
    if (this.#stopped) {
      return
    }
    this.#options.counter.dropped('auth')
    this.#options.warn.warn(
      `tls_${side}`,
      { reason: 'auth', connection: side, remote, detail },
      'Refused a cluster connection: TLS handshake or peer certificate failed'
    )
  }

  #open(socket: Socket, direction: 'inbound' | 'outbound', remote: string): Connection {
    const o = this.#options
    const nonce = newNonce()
    const conn = new Connection({
      socket,
      direction,
      remote,
      self: o.self,
      nonce,
      key: o.key,
      maxMessageBytes: o.settings.maxMessageBytes,
      now: o.now,
      counter: o.counter,
      warn: o.warn,
      log: o.log,
      owner: this.#owner,
    })
    this.#connections.add(conn)
    const id = hex(nonce)
    this.#nonces.set(conn, id)
    this.#ownNonces.add(id)
    return conn
  }

  #onHello(conn: Connection, hello: Hello): Refusal | undefined {
    if (hello.name !== this.#options.self.name) {
      return undefined
    }
    if (this.#ownNonces.has(hex(hello.nonce))) {
      // Our own HELLO came back: this address reaches this very node.
      const address = this.#dialled.get(conn)
      if (address !== undefined) {
        this.#options.log.debug({ address }, 'Not dialling an address of this node')
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
    } else if (this.#lapsed.has(hello.name)) {
      // Back within the grace: it never left, so no join, no leave and no change of positions.
      clearTimeout(this.#lapsed.get(hello.name)?.timer)
      this.#lapsed.delete(hello.name)
      this.#peers.set(hello.name, conn)
      this.#options.log.info({ peer: hello.name }, 'Peer reconnected before it counted as gone')
    } else {
      this.#peers.set(hello.name, conn)
      this.#options.metrics.peersJoined.inc()
      const { position, waitMs } = this.#options.standing()
      this.#options.log.info(
        {
          peer: hello.name,
          address: hello.address,
          members: this.#peers.size + 1,
          position,
          waitMs,
        },
        'Peer joined'
      )
      this.#options.onMembersChanged()
    }
    const dialled = this.#dialled.get(conn)
    if (dialled !== undefined) {
      this.#dialer.learn(dialled, hello.name)
    }
    this.#dialer.learn(hello.address, hello.name)
    this.#dialer.connected(hello.name)
    this.#options.onPeer(conn)
  }

  /**
   * preferred picks which of two connections to one peer both ends keep: the one dialled by
   * the lower name; for two dialled by the same node, the one with the larger dialler nonce.
   * Both ends see the same names and nonces, so they agree without a message.
   */
  #preferred(a: Connection, b: Connection): Connection {
    const selfName = this.#options.self.name
    const peerName = (a.peer as Hello).name
    const lower = compareGoStrings(selfName, peerName) < 0 ? selfName : peerName
    const aLower = a.initiator() === lower
    if (aLower !== (b.initiator() === lower)) {
      return aLower ? a : b
    }
    const an = a.initiatorNonce() as Uint8Array
    const bn = b.initiatorNonce() as Uint8Array
    return Buffer.compare(an, bn) >= 0 ? a : b
  }

  #onMessage(conn: Connection, message: Message): void {
    switch (message.type) {
      case 'ping':
        return
      case 'members':
        for (const m of message.members) {
          if (m.name !== this.#options.self.name) {
            this.#dialer.learn(m.address, m.name)
          }
        }
        return
      default:
        this.#options.onMessage(conn, message)
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
      const graceMs = this.#graceMs(reason)
      if (graceMs > 0 && !this.#stopped) {
        const timer = setTimeout(() => {
          this.#lapsed.delete(name)
          this.#left(name, reason)
        }, graceMs)
        timer.unref()
        this.#lapsed.set(name, { hello: conn.peer as Hello, timer })
        this.#options.log.info(
          { peer: name, reason, graceMs },
          'Peer connection lost; redialling it before it counts as gone'
        )
        this.#dialer.disconnected(name)
      } else {
        this.#left(name, reason)
      }
    }
    const dialled = this.#dialled.get(conn)
    if (dialled !== undefined) {
      this.#dialled.delete(conn)
      if (!this.#stopped) {
        this.#dialer.dialEnded(dialled, name, reason === 'connect_timeout')
      }
    }
  }

  /**
   * graceMs is how long a peer whose connection was lost stays a member while it is redialled:
   * a ping interval after a ping timeout here; after a close from the other end, which may have
   * timed the link out itself, long enough for the first redial (at RECONNECT_INITIAL_MS) and
   * its handshake; none for closes this node chose (duplicate, stopping, protocol errors).
   */
  #graceMs(reason: string): number {
    if (reason === 'ping_timeout') {
      return this.#options.settings.pingIntervalMs
    }
    return reason === 'closed' || reason === 'error' ? CLOSED_GRACE_MS : 0
  }

  #left(name: string, reason: string): void {
    this.#options.metrics.peersLeft.inc()
    if (!this.#stopped) {
      // The decision operators ask about: a peer known gone is no longer waited for, so the
      // fields say where this node now stands.
      const { position, waitMs } = this.#options.standing()
      this.#options.log.info(
        { peer: name, reason, members: this.#peers.size + this.#lapsed.size + 1, position, waitMs },
        'Peer left; no longer waited for'
      )
      this.#dialer.disconnected(name)
      this.#options.onMembersChanged()
    }
  }

  #sweepAll(): void {
    const now = this.#options.now()
    const timing = {
      handshakeTimeoutMs: this.#options.settings.tcpTimeoutMs,
      pingTimeoutMs: this.#options.settings.pingTimeoutMs,
    }
    for (const conn of [...this.#connections]) {
      conn.sweep(now, timing)
    }
  }
}
