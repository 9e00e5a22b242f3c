import { isIPv4 } from 'node:net'
import type { Socket } from 'node:net'

import type Logger from 'bunyan'

import { formatHostPort } from '../address.js'

import { BroadcastQueue } from './broadcast-queue.js'
import {
  decodePacket,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodeErrStream,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodePushPull,
  encodeSuspect,
  encodeUserStream,
  NODE_STATE,
  withCrc,
} from './codec.js'
import type {
  Alive,
  Dead,
  IndirectPing,
  NodeStateType,
  Packet,
  Ping,
  PushNodeState,
  Suspect,
} from './codec.js'
import { MemberlistDecodeError } from './errors.js'
import type { MemberlistDecodeErrorKind } from './errors.js'
import { MemberlistTransport, readStreamMessage } from './transport.js'
import type { PacketStreamTransport, TransportFactory, UdpFrom } from './transport.js'

/**
 * MemberlistDelegate is memberlist's Delegate as Alertmanager implements it: the replicated
 * states ride in push/pull exchanges and in user messages.
 */
export interface MemberlistDelegate {
  /** localState is the user state sent in a push/pull (Alertmanager: a clusterpb.FullState). */
  localState(join: boolean): Uint8Array
  /** mergeRemoteState merges a peer's user state. */
  mergeRemoteState(buf: Uint8Array, join: boolean): void
  /** notifyMsg takes a user message (Alertmanager: a clusterpb.Part). */
  notifyMsg(buf: Uint8Array): void
  /** getBroadcasts gives queued user messages that fit in `limit` bytes. */
  getBroadcasts(overhead: number, limit: number): Uint8Array[]
}

/** MemberlistOptions configure a {@link Memberlist}; defaults are Alertmanager 0.25's. */
export interface MemberlistOptions {
  /** This node's name (a ULID, as Alertmanager's). */
  readonly name: string
  readonly bindHost: string
  readonly bindPort: number
  /** The IP address peers reach this node at. */
  readonly advertiseHost: string
  /** The port peers reach this node at; 0 means the bound port. */
  readonly advertisePort: number
  /** @default 1_000 (--cluster.probe-interval) */
  readonly probeIntervalMs?: number
  /** @default 500 (--cluster.probe-timeout) */
  readonly probeTimeoutMs?: number
  /** @default 200 (--cluster.gossip-interval) */
  readonly gossipIntervalMs?: number
  /** @default 60_000 (--cluster.pushpull-interval) */
  readonly pushPullIntervalMs?: number
  /** @default 10_000 (--cluster.tcp-timeout) */
  readonly tcpTimeoutMs?: number
  readonly delegate: MemberlistDelegate
  /**
   * How packets and streams travel (Alertmanager's TLS transport with --cluster.tls-config).
   *
   * @default UDP packets and TCP streams on the cluster port (memberlist's NetTransport)
   */
  readonly transport?: TransportFactory
  /** Called for each packet or stream dropped as undecodable, with the error's kind. */
  readonly onDropped?: (kind: MemberlistDecodeErrorKind) => void
  /** Called after a member joined, left or died. */
  readonly onMembersChanged: () => void
  readonly log: Logger
  /** @default Date.now */
  readonly now?: () => number
}

/** MemberlistMember is a member as memberlist's Node: name and `ip:port`. */
export interface MemberlistMember {
  readonly name: string
  readonly address: string
}

interface NodeState {
  readonly name: string
  addr: Uint8Array
  host: string
  port: number
  meta: Uint8Array
  incarnation: number
  state: NodeStateType
  stateChange: number
  vsn: Uint8Array
  suspicion?: Suspicion
}

interface Suspicion {
  readonly from: Set<string>
  readonly startedAt: number
  timer: NodeJS.Timeout
}

// memberlist's DefaultLANConfig values Alertmanager keeps (config.go).
const GOSSIP_NODES = 3
const RETRANSMIT_MULT = 4
const SUSPICION_MULT = 4
const SUSPICION_MAX_TIMEOUT_MULT = 6
const INDIRECT_CHECKS = 3
const GOSSIP_TO_THE_DEAD_MS = 30_000
/** UDP_BUFFER_SIZE is Alertmanager's MaxGossipPacketSize. */
export const UDP_BUFFER_SIZE = 1400
/** VSN is this node's versions: protocol 1–5, speaking 2 (memberlist's default), delegate 0. */
const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0)
const COMPOUND_HEADER_OVERHEAD = 2
const COMPOUND_OVERHEAD = 2

/**
 * ipBytes is Go's `net.IP` of an address, 4 bytes for IPv4 as memberlist advertises it.
 *
 * @param host - an IP address.
 * @returns its bytes.
 */
export function ipBytes(host: string): Uint8Array {
  if (isIPv4(host)) {
    return Uint8Array.from(host.split('.').map(Number))
  }
  const out = new Uint8Array(16)
  const [head = '', tail = ''] = host.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail === '' ? [] : tail.split(':')
  const groups = host.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h
  groups.forEach((g, i) => {
    const v = parseInt(g, 16)
    out[i * 2] = v >> 8
    out[i * 2 + 1] = v & 0xff
  })
  return out
}

/**
 * ipString is Go's `net.IP.String()` for 4- and 16-byte addresses.
 *
 * @param addr - the bytes.
 * @returns the text, or '' for another length.
 */
export function ipString(addr: Uint8Array): string {
  if (addr.length === 4) {
    return addr.join('.')
  }
  if (addr.length !== 16) {
    return ''
  }
  const mapped =
    addr.subarray(0, 10).every((b) => b === 0) && addr[10] === 0xff && addr[11] === 0xff
  if (mapped) {
    return addr.subarray(12).join('.')
  }
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) {
    groups.push((((addr[i] as number) << 8) | (addr[i + 1] as number)).toString(16))
  }
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * Memberlist is hashicorp/memberlist 0.2.2 as Alertmanager 0.25 configures it: SWIM probes
 * over UDP with indirect and TCP fallbacks, suspicion with refutation, gossip of node and
 * user broadcasts in compound packets, and TCP push/pull on join and periodically. It speaks
 * protocol version 2 and accepts 1–5, so Go peers add the CRC header to what they send it.
 * It sends uncompressed (Go accepts either) and reads Go's LZW-compressed messages.
 */
export class Memberlist {
  readonly #options: MemberlistOptions
  readonly #log: Logger
  readonly #now: () => number
  readonly #nodes = new Map<string, NodeState>()
  readonly #queue: BroadcastQueue
  readonly #acks = new Map<number, (ok: boolean) => void>()
  readonly #timers: NodeJS.Timeout[] = []
  readonly #self: NodeState
  readonly #probeIntervalMs: number
  readonly #probeTimeoutMs: number
  readonly #tcpTimeoutMs: number
  #transport: PacketStreamTransport | undefined
  #seq = 0
  #incarnation = 0
  #probeOrder: string[] = []
  #probing = false
  #leaving = false
  #stopped = false

  /**
   * Memberlist's constructor; {@link Memberlist.listen} binds the port.
   *
   * @param options - name, addresses, timings, delegate and logger.
   */
  constructor(options: MemberlistOptions) {
    this.#options = options
    this.#log = options.log
    this.#now = options.now ?? Date.now
    this.#probeIntervalMs = options.probeIntervalMs ?? 1_000
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 500
    this.#tcpTimeoutMs = options.tcpTimeoutMs ?? 10_000
    this.#queue = new BroadcastQueue(RETRANSMIT_MULT, () => this.#aliveCount())
    this.#self = {
      name: options.name,
      addr: ipBytes(options.advertiseHost),
      host: options.advertiseHost,
      port: options.advertisePort,
      meta: new Uint8Array(0),
      incarnation: 0,
      state: NODE_STATE.dead,
      stateChange: this.#now(),
      vsn: VSN,
    }
  }

  /**
   * listen binds UDP and TCP on the bind address and marks this node alive (setAlive).
   *
   * @returns the bound port.
   */
  async listen(): Promise<number> {
    const listen: TransportFactory =
      this.#options.transport ?? ((h, p, handlers) => MemberlistTransport.listen(h, p, handlers))
    this.#transport = await listen(this.#options.bindHost, this.#options.bindPort, {
      onPacket: (buf, from) => {
        this.#onPacket(buf, from)
      },
      onStream: (socket) => {
        void this.#onStream(socket)
      },
    })
    if (this.#self.port === 0) {
      this.#self.port = this.#transport.port
    }
    this.#nodes.set(this.#self.name, this.#self)
    this.#self.incarnation = this.#nextIncarnation()
    this.#self.state = NODE_STATE.alive
    this.#queue.queue(encodeAlive(this.#aliveOf(this.#self)), this.#self.name)
    return this.#transport.port
  }

  /** start runs the probe, gossip and push/pull loops (memberlist's schedule). */
  start(): void {
    const every = (ms: number, fn: () => void): void => {
      if (ms <= 0) {
        return
      }
      const t = setInterval(fn, ms)
      t.unref()
      this.#timers.push(t)
    }
    every(this.#probeIntervalMs, () => {
      void this.#probe()
    })
    every(this.#options.gossipIntervalMs ?? 200, () => {
      this.#gossip()
    })
    every(this.#options.pushPullIntervalMs ?? 60_000, () => {
      void this.#periodicPushPull()
    })
  }

  /** self is this node. */
  get self(): MemberlistMember {
    return { name: this.#self.name, address: formatHostPort(this.#self.host, this.#self.port) }
  }

  /**
   * members is memberlist's Members(): every node not dead or left, this one included.
   *
   * @returns the members, in no particular order.
   */
  members(): MemberlistMember[] {
    return [...this.#nodes.values()]
      .filter((n) => n.state === NODE_STATE.alive || n.state === NODE_STATE.suspect)
      .map((n) => ({ name: n.name, address: formatHostPort(n.host, n.port) }))
  }

  #aliveCount(): number {
    return this.members().length
  }

  /**
   * join pushes and pulls state with each address (memberlist's Join).
   *
   * @param addresses - `ip:port` of peers.
   * @returns how many answered.
   */
  async join(addresses: readonly string[]): Promise<number> {
    let ok = 0
    await Promise.all(
      addresses.map(async (address) => {
        const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address)
        if (m === null) {
          return
        }
        try {
          await this.#pushPull(m[1] as string, Number(m[2]), true)
          ok++
        } catch (err: unknown) {
          this.#log.debug({ address, err: String(err) }, 'memberlist: failed to join')
        }
      })
    )
    return ok
  }

  /**
   * sendReliable sends a user message over a TCP stream (memberlist's SendReliable), for
   * broadcasts too large for a packet.
   *
   * @param name - the member.
   * @param payload - the user message.
   */
  async sendReliable(name: string, payload: Uint8Array): Promise<void> {
    const node = this.#nodes.get(name)
    if (node === undefined || this.#transport === undefined) {
      return
    }
    const socket = await this.#transport.dial(node.host, node.port, this.#tcpTimeoutMs)
    try {
      await write(socket, encodeUserStream(payload))
    } finally {
      socket.end()
    }
  }

  /**
   * stop leaves the cluster: a dead message about itself from itself (memberlist's Leave) goes
   * to every member, then the sockets close.
   */
  async stop(): Promise<void> {
    if (this.#stopped) {
      return
    }
    this.#leaving = true
    const others = this.#others().filter((n) => n.state === NODE_STATE.alive)
    const leave = encodeSuspect('dead', {
      incarnation: this.#self.incarnation,
      node: this.#self.name,
      from: this.#self.name,
    })
    // The leave must be on the wire before the socket closes.
    const transport = this.#transport
    if (transport !== undefined) {
      await Promise.all(
        others.map((n) => transport.sendPacket(this.#frame(leave, n), n.host, n.port))
      )
    }
    this.#stopped = true
    for (const t of this.#timers) {
      clearInterval(t)
    }
    for (const n of this.#nodes.values()) {
      if (n.suspicion !== undefined) {
        clearTimeout(n.suspicion.timer)
      }
    }
    for (const resolve of this.#acks.values()) {
      resolve(false)
    }
    this.#acks.clear()
    await this.#transport?.close()
  }

  #dropped(err: unknown): void {
    if (err instanceof MemberlistDecodeError) {
      this.#options.onDropped?.(err.kind)
    }
  }

  #nextIncarnation(): number {
    return ++this.#incarnation
  }

  #aliveOf(n: NodeState): Alive {
    return {
      incarnation: n.incarnation,
      node: n.name,
      addr: n.addr,
      port: n.port,
      meta: n.meta,
      vsn: n.vsn,
    }
  }

  #others(): NodeState[] {
    return [...this.#nodes.values()].filter((n) => n.name !== this.#self.name)
  }

  #send(node: NodeState, packet: Uint8Array): void {
    this.#sendTo(node.host, node.port, packet, node)
  }

  /** frame adds the checksum header for peers that understand protocol 5 (rawSendMsgPacket). */
  #frame(packet: Uint8Array, node: NodeState | undefined): Uint8Array {
    return node !== undefined && (node.vsn[1] ?? 0) >= 5 ? withCrc(packet) : packet
  }

  #sendTo(host: string, port: number, packet: Uint8Array, node?: NodeState): void {
    if (this.#transport === undefined || this.#stopped) {
      return
    }
    const target = node ?? [...this.#nodes.values()].find((n) => n.host === host && n.port === port)
    void this.#transport.sendPacket(this.#frame(packet, target), host, port)
  }

  // --- packets ---

  #onPacket(buf: Uint8Array, from: UdpFrom): void {
    let packets: Packet[]
    try {
      packets = decodePacket(buf)
    } catch (err: unknown) {
      this.#dropped(err)
      this.#log.debug({ from, err: String(err) }, 'memberlist: dropped a packet')
      return
    }
    for (const p of packets) {
      try {
        this.#handle(p, from)
      } catch (err: unknown) {
        this.#log.warn(
          { from, type: p.type, err: String(err) },
          'memberlist: handling a message failed'
        )
      }
    }
  }

  #handle(p: Packet, from: UdpFrom): void {
    switch (p.type) {
      case 'ping':
        this.#onPing(p.body, from)
        return
      case 'indirectPing':
        this.#onIndirectPing(p.body, from)
        return
      case 'ack':
        this.#acks.get(p.body.seqNo)?.(true)
        return
      case 'nack':
        return
      case 'alive':
        this.#aliveNode(p.body, false)
        return
      case 'suspect':
        this.#suspectNode(p.body)
        return
      case 'dead':
        this.#deadNode(p.body)
        return
      case 'user':
        this.#options.delegate.notifyMsg(p.body)
        return
    }
  }

  #replyAddress(
    m: { sourceAddr?: Uint8Array; sourcePort?: number },
    from: UdpFrom
  ): [string, number] {
    if (m.sourceAddr !== undefined && m.sourceAddr.length > 0 && (m.sourcePort ?? 0) > 0) {
      return [ipString(m.sourceAddr), m.sourcePort ?? 0]
    }
    return [from.address, from.port]
  }

  #onPing(p: Ping, from: UdpFrom): void {
    if (p.node !== '' && p.node !== this.#self.name) {
      return
    }
    const [host, port] = this.#replyAddress(p, from)
    this.#sendTo(host, port, encodeAck({ seqNo: p.seqNo, payload: new Uint8Array(0) }))
  }

  #onIndirectPing(ind: IndirectPing, from: UdpFrom): void {
    const [replyHost, replyPort] = this.#replyAddress(ind, from)
    const seq = ++this.#seq
    const target = ipString(ind.target)
    let answered = false
    const timer = setTimeout(() => {
      this.#acks.delete(seq)
      if (!answered && ind.nack) {
        this.#sendTo(replyHost, replyPort, encodeNack({ seqNo: ind.seqNo }))
      }
    }, this.#probeTimeoutMs)
    timer.unref()
    this.#acks.set(seq, (ok) => {
      this.#acks.delete(seq)
      clearTimeout(timer)
      answered = ok
      if (ok) {
        this.#sendTo(
          replyHost,
          replyPort,
          encodeAck({ seqNo: ind.seqNo, payload: new Uint8Array(0) })
        )
      }
    })
    this.#sendTo(target, ind.port, encodePing(this.#pingFor(seq, ind.node)))
  }

  #pingFor(seqNo: number, node: string): Ping {
    return {
      seqNo,
      node,
      sourceAddr: this.#self.addr,
      sourcePort: this.#self.port,
      sourceNode: this.#self.name,
    }
  }

  // --- node state (state.go) ---

  #aliveNode(a: Alive, bootstrap: boolean): void {
    if (this.#leaving && a.node === this.#self.name) {
      return
    }
    if (a.vsn.length < 6) {
      return
    }
    const [pMin = 0, pMax = 0] = a.vsn
    if (pMin === 0 || pMax === 0 || pMin > pMax) {
      return
    }
    let state = this.#nodes.get(a.node)
    let updatesNode = false
    let joined = false
    if (state === undefined) {
      state = {
        name: a.node,
        addr: a.addr,
        host: ipString(a.addr),
        port: a.port,
        meta: a.meta,
        incarnation: 0,
        state: NODE_STATE.dead,
        stateChange: this.#now(),
        vsn: a.vsn,
      }
      this.#nodes.set(a.node, state)
      this.#probeOrder.splice(Math.floor(Math.random() * (this.#probeOrder.length + 1)), 0, a.node)
    } else if (!sameBytes(state.addr, a.addr) || state.port !== a.port) {
      if (state.state !== NODE_STATE.left) {
        this.#log.warn(
          {
            node: a.node,
            known: formatHostPort(state.host, state.port),
            claimed: formatHostPort(ipString(a.addr), a.port),
          },
          'memberlist: conflicting address for a node name'
        )
        return
      }
      updatesNode = true
    }
    const isLocal = a.node === this.#self.name
    if (a.incarnation <= state.incarnation && !isLocal && !updatesNode) {
      return
    }
    if (a.incarnation < state.incarnation && isLocal) {
      return
    }
    this.#clearSuspicion(state)
    if (!bootstrap && isLocal) {
      if (
        a.incarnation === state.incarnation &&
        sameBytes(a.meta, state.meta) &&
        sameBytes(a.vsn, state.vsn)
      ) {
        return
      }
      this.#refute(a.incarnation)
      return
    }
    this.#queue.queue(encodeAlive(a), a.node)
    state.vsn = a.vsn
    state.incarnation = a.incarnation
    state.meta = a.meta
    state.addr = a.addr
    state.host = ipString(a.addr)
    state.port = a.port
    if (state.state !== NODE_STATE.alive) {
      joined = true
      state.state = NODE_STATE.alive
      state.stateChange = this.#now()
    }
    if (joined) {
      this.#log.debug(
        { node: a.node, address: formatHostPort(state.host, state.port) },
        'memberlist: node joined'
      )
      this.#options.onMembersChanged()
    }
  }

  #suspectNode(s: Suspect): void {
    const state = this.#nodes.get(s.node)
    if (state === undefined || s.incarnation < state.incarnation) {
      return
    }
    if (state.suspicion !== undefined) {
      // A new independent confirmation shortens the timeout (suspicion.go Confirm).
      if (!state.suspicion.from.has(s.from)) {
        state.suspicion.from.add(s.from)
        this.#queue.queue(encodeSuspect('suspect', s), s.node)
        this.#armSuspicion(state)
      }
      return
    }
    if (state.state !== NODE_STATE.alive) {
      return
    }
    if (state.name === this.#self.name) {
      this.#refute(s.incarnation)
      return
    }
    this.#queue.queue(encodeSuspect('suspect', s), s.node)
    state.incarnation = s.incarnation
    state.state = NODE_STATE.suspect
    state.stateChange = this.#now()
    state.suspicion = {
      from: new Set([s.from]),
      startedAt: this.#now(),
      timer: setTimeout(() => undefined, 0),
    }
    this.#armSuspicion(state)
  }

  /**
   * armSuspicion sets the suspicion timeout as memberlist's suspicion.go: from max down to min
   * as independent confirmations arrive, min when the cluster is too small for k of them.
   */
  #armSuspicion(state: NodeState): void {
    const s = state.suspicion
    if (s === undefined) {
      return
    }
    clearTimeout(s.timer)
    const n = this.#aliveCount()
    const min = SUSPICION_MULT * Math.max(1, Math.log10(Math.max(1, n))) * this.#probeIntervalMs
    const max = SUSPICION_MAX_TIMEOUT_MULT * min
    const k = n - 2 < SUSPICION_MULT - 2 ? 0 : SUSPICION_MULT - 2
    const confirmations = s.from.size - 1
    const frac = k === 0 ? 1 : Math.log(confirmations + 1) / Math.log(k + 1)
    const timeout = k === 0 ? min : Math.max(min, max - frac * (max - min))
    const remaining = Math.max(0, s.startedAt + timeout - this.#now())
    s.timer = setTimeout(() => {
      if (state.suspicion === s && state.state === NODE_STATE.suspect) {
        this.#log.info(
          { node: state.name },
          'memberlist: marking node as failed, suspect timeout reached'
        )
        this.#deadNode({ incarnation: state.incarnation, node: state.name, from: this.#self.name })
      }
    }, remaining)
    s.timer.unref()
  }

  #clearSuspicion(state: NodeState): void {
    if (state.suspicion !== undefined) {
      clearTimeout(state.suspicion.timer)
      delete state.suspicion
    }
  }

  #deadNode(d: Dead): void {
    const state = this.#nodes.get(d.node)
    if (state === undefined || d.incarnation < state.incarnation) {
      return
    }
    this.#clearSuspicion(state)
    if (state.state === NODE_STATE.dead || state.state === NODE_STATE.left) {
      return
    }
    if (state.name === this.#self.name) {
      if (!this.#leaving) {
        this.#refute(d.incarnation)
      }
      return
    }
    this.#queue.queue(encodeSuspect('dead', d), d.node)
    state.incarnation = d.incarnation
    state.state = d.node === d.from ? NODE_STATE.left : NODE_STATE.dead
    state.stateChange = this.#now()
    this.#log.debug({ node: d.node, left: d.node === d.from }, 'memberlist: node left')
    this.#options.onMembersChanged()
  }

  #refute(accused: number): void {
    let inc = this.#nextIncarnation()
    if (accused >= inc) {
      inc = accused + 1
      this.#incarnation = inc
    }
    this.#self.incarnation = inc
    this.#queue.queue(encodeAlive(this.#aliveOf(this.#self)), this.#self.name)
  }

  #mergeState(remote: readonly PushNodeState[]): void {
    for (const r of remote) {
      switch (r.state) {
        case NODE_STATE.alive:
          this.#aliveNode(
            {
              incarnation: r.incarnation,
              node: r.name,
              addr: r.addr,
              port: r.port,
              meta: r.meta,
              vsn: r.vsn,
            },
            false
          )
          break
        case NODE_STATE.left:
          this.#deadNode({ incarnation: r.incarnation, node: r.name, from: r.name })
          break
        default:
          // A peer's dead is only a suspicion here, so this node probes it itself.
          this.#suspectNode({ incarnation: r.incarnation, node: r.name, from: this.#self.name })
      }
    }
  }

  // --- probe (state.go probeNode) ---

  async #probe(): Promise<void> {
    if (this.#probing || this.#stopped) {
      return
    }
    this.#probing = true
    try {
      const node = this.#nextProbeTarget()
      if (node !== undefined) {
        await this.#probeNode(node)
      }
    } finally {
      this.#probing = false
    }
  }

  #nextProbeTarget(): NodeState | undefined {
    for (let tries = this.#probeOrder.length; tries > 0; tries--) {
      const name = this.#probeOrder.shift() as string
      const n = this.#nodes.get(name)
      if (n === undefined) {
        continue
      }
      if (n.state === NODE_STATE.dead || n.state === NODE_STATE.left) {
        // Reap after the gossip-to-the-dead time, as resetNodes does.
        if (this.#now() - n.stateChange > GOSSIP_TO_THE_DEAD_MS) {
          this.#nodes.delete(name)
          continue
        }
        this.#probeOrder.push(name)
        continue
      }
      this.#probeOrder.push(name)
      return n
    }
    return undefined
  }

  #awaitAck(seq: number, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#acks.delete(seq)
        resolve(false)
      }, ms)
      timer.unref()
      this.#acks.set(seq, (ok) => {
        clearTimeout(timer)
        this.#acks.delete(seq)
        resolve(ok)
      })
    })
  }

  async #probeNode(node: NodeState): Promise<void> {
    const started = this.#now()
    const seq = ++this.#seq
    const ping = encodePing(this.#pingFor(seq, node.name))
    const acked = this.#awaitAck(seq, this.#probeIntervalMs)
    if (node.state === NODE_STATE.alive) {
      this.#send(node, ping)
    } else {
      // A suspect gets the suspicion with the ping, so it can refute at once.
      const sus = encodeSuspect('suspect', {
        incarnation: node.incarnation,
        node: node.name,
        from: this.#self.name,
      })
      this.#send(node, encodeCompound([ping, sus]))
    }
    const direct = await Promise.race([acked, delay(this.#probeTimeoutMs).then(() => false)])
    if (direct || this.#stopped) {
      return
    }
    // Indirect probes through up to three other members, and a TCP ping alongside.
    const helpers = shuffle(
      this.#others().filter((n) => n !== node && n.state === NODE_STATE.alive)
    ).slice(0, INDIRECT_CHECKS)
    for (const h of helpers) {
      this.#send(
        h,
        encodeIndirectPing({
          seqNo: seq,
          target: node.addr,
          port: node.port,
          node: node.name,
          nack: (h.vsn[1] ?? 0) >= 4,
          sourceAddr: this.#self.addr,
          sourcePort: this.#self.port,
          sourceNode: this.#self.name,
        })
      )
    }
    const remaining = Math.max(0, started + this.#probeIntervalMs - this.#now())
    const tcp = (node.vsn[1] ?? 0) >= 3 ? this.#tcpPing(node, remaining) : Promise.resolve(false)
    const [viaUdp, viaTcp] = await Promise.all([acked, tcp])
    if (viaUdp || viaTcp) {
      return
    }
    this.#log.debug({ node: node.name }, 'memberlist: suspect node, no ack')
    this.#suspectNode({ incarnation: node.incarnation, node: node.name, from: this.#self.name })
  }

  async #tcpPing(node: NodeState, ms: number): Promise<boolean> {
    if (this.#transport === undefined || ms <= 0) {
      return false
    }
    const seq = ++this.#seq
    try {
      const socket = await this.#transport.dial(node.host, node.port, ms)
      try {
        await write(socket, encodePing(this.#pingFor(seq, node.name)))
        const m = await readStreamMessage(socket, ms)
        return m.type === 'ack' && m.body.seqNo === seq
      } finally {
        socket.destroy()
      }
    } catch {
      return false
    }
  }

  // --- gossip (state.go gossip) ---

  #gossip(): void {
    if (this.#stopped) {
      return
    }
    const now = this.#now()
    const targets = shuffle(
      this.#others().filter(
        (n) =>
          n.state === NODE_STATE.alive ||
          n.state === NODE_STATE.suspect ||
          now - n.stateChange <= GOSSIP_TO_THE_DEAD_MS
      )
    ).slice(0, GOSSIP_NODES)
    for (const node of targets) {
      const limit = UDP_BUFFER_SIZE - COMPOUND_HEADER_OVERHEAD
      const msgs = this.#queue.take(COMPOUND_OVERHEAD, limit)
      const used = msgs.reduce((s, m) => s + m.length + COMPOUND_OVERHEAD, 0)
      msgs.push(...this.#options.delegate.getBroadcasts(COMPOUND_OVERHEAD, limit - used))
      if (msgs.length === 0) {
        return
      }
      this.#send(node, msgs.length === 1 ? (msgs[0] as Uint8Array) : encodeCompound(msgs))
    }
  }

  // --- push/pull (net.go) ---

  async #periodicPushPull(): Promise<void> {
    const candidates = this.#others().filter((n) => n.state === NODE_STATE.alive)
    const node = shuffle(candidates)[0]
    if (node === undefined || this.#stopped) {
      return
    }
    try {
      await this.#pushPull(node.host, node.port, false)
    } catch (err: unknown) {
      this.#log.debug({ node: node.name, err: String(err) }, 'memberlist: push/pull failed')
    }
  }

  #localState(join: boolean): Uint8Array {
    const nodes: PushNodeState[] = [...this.#nodes.values()].map((n) => ({
      name: n.name,
      addr: n.addr,
      port: n.port,
      meta: n.meta,
      incarnation: n.incarnation,
      state: n.state,
      vsn: n.vsn,
    }))
    return encodePushPull({ join, nodes, userState: this.#options.delegate.localState(join) })
  }

  async #pushPull(host: string, port: number, join: boolean): Promise<void> {
    if (this.#transport === undefined) {
      throw new Error('not listening')
    }
    const socket = await this.#transport.dial(host, port, this.#tcpTimeoutMs)
    try {
      await write(socket, this.#localState(join))
      const m = await readStreamMessage(socket, this.#tcpTimeoutMs)
      if (m.type === 'err') {
        throw new Error(`remote error: ${m.body}`)
      }
      if (m.type !== 'pushPull') {
        throw new MemberlistDecodeError('malformed', `expected push/pull, got ${m.type}`)
      }
      this.#mergeRemote(m.body.nodes, m.body.userState, join)
    } finally {
      socket.destroy()
    }
  }

  #mergeRemote(nodes: readonly PushNodeState[], userState: Uint8Array, join: boolean): void {
    this.#mergeState(nodes)
    if (userState.length > 0) {
      this.#options.delegate.mergeRemoteState(userState, join)
    }
  }

  async #onStream(socket: Socket): Promise<void> {
    socket.on('error', () => undefined)
    try {
      const m = await readStreamMessage(socket, this.#tcpTimeoutMs)
      switch (m.type) {
        case 'pushPull':
          await write(socket, this.#localState(m.body.join))
          this.#mergeRemote(m.body.nodes, m.body.userState, m.body.join)
          break
        case 'ping':
          if (m.body.node === '' || m.body.node === this.#self.name) {
            await write(socket, encodeAck({ seqNo: m.body.seqNo, payload: new Uint8Array(0) }))
          }
          break
        case 'user':
          this.#options.delegate.notifyMsg(m.body)
          break
        default:
          break
      }
    } catch (err: unknown) {
      this.#dropped(err)
      this.#log.debug({ err: String(err) }, 'memberlist: stream failed')
      if (err instanceof MemberlistDecodeError && !socket.destroyed) {
        await write(socket, encodeErrStream(err.message)).catch(() => undefined)
      }
    } finally {
      socket.end()
    }
  }
}

function write(socket: Socket, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(data, (err) => {
      if (err === undefined || err === null) {
        resolve()
      } else {
        reject(err)
      }
    })
  })
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref()
  })
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const t = items[i] as T
    items[i] = items[j] as T
    items[j] = t
  }
  return items
}
