import { randomBytes } from 'node:crypto'
import { EventEmitter, once } from 'node:events'
import { connect } from 'node:net'
import type { Socket } from 'node:net'

import bunyan from 'bunyan'
import type Logger from 'bunyan'
import { Registry } from 'prom-client'

import { frameMac, handshakeProof, sessionKey } from '#src/cluster/auth.js'
import {
  FRAME_CODES,
  FrameDecoder,
  MAC_BYTES,
  encodeFrame,
  frameTypeOf,
} from '#src/cluster/frame.js'
import type { FrameType } from '#src/cluster/frame.js'
import { ClusterPeer } from '#src/cluster/index.js'
import type { Channel, ClusterPeerOptions, GossipState } from '#src/cluster/index.js'
import {
  NONCE_BYTES,
  PROTOCOL_VERSION,
  decodeHello,
  encodeAuth,
  encodeHello,
} from '#src/cluster/messages.js'

import { waitFor } from '../../support/wait.js'

export { waitFor }

/** Entry is one value of a {@link MemoryState} with its last-writer-wins timestamp. */
export interface Entry {
  readonly value: string
  readonly ts: number
}

let clock = 0

/**
 * MemoryState is a GossipState for tests: a map with last-writer-wins per key, encoded as JSON
 * with sorted keys (canonical, so converged states have equal digests). It counts merges and
 * emits `merge` after each one that changed something.
 */
export class MemoryState extends EventEmitter implements GossipState {
  readonly entries = new Map<string, Entry>()
  channel: Channel | undefined
  /** Every mergeBinary call, including ones that threw. */
  merges = 0

  /**
   * set writes a value locally; with `broadcast` (default) it goes to the channel too.
   *
   * @param key - the key.
   * @param value - the value.
   * @param broadcast - whether to broadcast the change.
   */
  set(key: string, value: string, broadcast = true): void {
    const entry = { value, ts: Date.now() * 1000 + (clock++ % 1000) }
    this.entries.set(key, entry)
    if (broadcast) {
      this.channel?.broadcast(encode(new Map([[key, entry]])))
    }
  }

  /** get reads a value. */
  get(key: string): string | undefined {
    return this.entries.get(key)?.value
  }

  /**
   * waitFor resolves when `key` holds `value` (at once when it already does).
   *
   * @param key - the key.
   * @param value - the value.
   */
  async waitFor(key: string, value: string, timeoutMs = 5_000): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs)
    while (this.get(key) !== value) {
      await once(this, 'merge', { signal })
    }
  }

  marshalBinary(): Uint8Array {
    return encode(this.entries)
  }

  mergeBinary(data: Uint8Array): boolean {
    this.merges++
    const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, Entry>
    let changed = false
    for (const [key, entry] of Object.entries(parsed)) {
      const mine = this.entries.get(key)
      if (mine === undefined || mine.ts < entry.ts) {
        this.entries.set(key, entry)
        changed = true
      }
    }
    if (changed) {
      this.emit('merge')
    }
    return changed
  }
}

function encode(entries: ReadonlyMap<string, Entry>): Uint8Array {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Buffer.from(JSON.stringify(Object.fromEntries(sorted)))
}

/** quietLog keeps log records in memory for assertions. */
export function quietLog(): { log: Logger; records: () => Record<string, unknown>[] } {
  const ring = new bunyan.RingBuffer({ limit: 2000 })
  const log = bunyan.createLogger({
    name: 'cluster-test',
    streams: [{ type: 'raw', stream: ring, level: 'debug' }],
  })
  return { log, records: () => ring.records as Record<string, unknown>[] }
}

/** TestPeer is a started ClusterPeer with its state, registry and log. */
export interface TestPeer {
  readonly peer: ClusterPeer
  readonly state: MemoryState
  readonly registry: Registry
  readonly records: () => Record<string, unknown>[]
  readonly address: string
}

/** Fast timings for tests; each test overrides what it checks. */
export const FAST: Partial<ClusterPeerOptions> = {
  settleTimeoutMs: 20_000,
  tcpTimeoutMs: 2_000,
  reconnectIntervalMs: 200,
  peerTimeoutMs: 1_000,
}

/**
 * startPeer creates and starts a peer on 127.0.0.1 with one MemoryState under `sil`.
 *
 * @param name - the node name.
 * @param options - overrides; listenAddress defaults to 127.0.0.1:0.
 * @param prepare - runs between addState and start, e.g. to seed state.
 */
export async function startPeer(
  name: string,
  options: Partial<ClusterPeerOptions> = {},
  prepare?: (state: MemoryState) => void
): Promise<TestPeer> {
  const { log, records } = quietLog()
  const registry = new Registry()
  const peer = await ClusterPeer.create({
    listenAddress: '127.0.0.1:0',
    ...FAST,
    ...options,
    name,
    log,
    registry,
  })
  const state = new MemoryState()
  state.channel = peer.addState('sil', state)
  prepare?.(state)
  peer.start()
  return { peer, state, registry, records, address: peer.self().address }
}

/** names lists the member names a peer sees. */
export function names(p: TestPeer): string[] {
  return p.peer.members().map((m) => m.name)
}

/**
 * metricValue reads one sample of a metric from a registry.
 *
 * @param registry - the registry.
 * @param name - the metric name.
 * @param labels - the sample's labels, when it has any.
 * @returns the value, or undefined when absent.
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {}
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name)
  if (metric === undefined) {
    return undefined
  }
  const { values } = await metric.get()
  const sample = values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want)
  )
  return sample?.value
}

/**
 * rawConnect opens a plain TCP socket to a peer, collecting what it receives.
 *
 * @param address - `127.0.0.1:port`.
 * @returns the socket, the received bytes, and a promise of its close.
 */
export async function rawConnect(
  address: string
): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const port = Number(address.slice(address.lastIndexOf(':') + 1))
  const socket = connect({ host: '127.0.0.1', port })
  const chunks: Buffer[] = []
  socket.on('data', (c: Buffer) => chunks.push(c))
  socket.on('error', () => undefined)
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      resolve()
    })
  )
  await once(socket, 'connect')
  return { socket, received: () => Buffer.concat(chunks), closed }
}

/** RawPeerOptions shape a hand-driven protocol client. */
export interface RawPeerOptions {
  readonly name: string
  /** The key to prove; omit for an unkeyed HELLO. */
  readonly key?: Buffer
  /** Send this proof instead of the right one. */
  readonly badProof?: boolean
  /** Claim to have a key (HELLO auth flag) without one. */
  readonly claimAuth?: boolean
  /** Offer to answer queries (HELLO queries flag). */
  readonly queries?: boolean
}

/**
 * RawPeer speaks the wire protocol by hand over a plain socket, so tests can complete a
 * handshake and then misbehave (garbage, oversize frames, silence) in ways a ClusterPeer never
 * would.
 */
export class RawPeer {
  readonly socket: Socket
  readonly closed: Promise<void>
  /** Frame types received, in order. */
  readonly types: FrameType[] = []
  /** Payloads received, by frame type, in order. */
  readonly #payloads = new Map<FrameType, Uint8Array[]>()
  readonly #options: RawPeerOptions
  readonly #decoder = new FrameDecoder(1 << 30)
  readonly #nonce = randomBytes(NONCE_BYTES)
  readonly #ownHello: Uint8Array
  #peerNonce: Uint8Array | undefined
  #sendKey: Buffer | undefined
  #recvKey: Buffer | undefined
  #sendCounter = 0n
  #recvCounter = 0n
  #established = false
  readonly #events = new EventEmitter()

  // Private: a raw peer starts by sending HELLO, so it is made by connect() or accept().
  private constructor(socket: Socket, options: RawPeerOptions) {
    this.socket = socket
    this.#options = options
    this.closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve()
      })
    )
    socket.on('error', () => undefined)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.#decoder.push(chunk)
      for (let body = this.#decoder.next(); body !== undefined; body = this.#decoder.next()) {
        this.#onFrame(body)
      }
    })
    this.#ownHello = encodeHello({
      version: PROTOCOL_VERSION,
      name: options.name,
      address: '127.0.0.1:1',
      nonce: this.#nonce,
      auth: options.key !== undefined || options.claimAuth === true,
      queries: options.queries === true,
    })
    socket.write(encodeFrame('hello', this.#ownHello))
  }

  /**
   * connect opens a raw peer to a node and sends HELLO.
   *
   * @param address - the node's `127.0.0.1:port`.
   * @param options - identity and misbehaviour.
   */
  static async connect(address: string, options: RawPeerOptions): Promise<RawPeer> {
    const port = Number(address.slice(address.lastIndexOf(':') + 1))
    const socket = connect({ host: '127.0.0.1', port })
    await once(socket, 'connect')
    return new RawPeer(socket, options)
  }

  /**
   * accept speaks the protocol on a socket a test server accepted.
   *
   * @param socket - the accepted socket.
   * @param options - identity and misbehaviour.
   */
  static accept(socket: Socket, options: RawPeerOptions): RawPeer {
    return new RawPeer(socket, options)
  }

  /** established tells whether this side has finished the handshake. */
  get established(): boolean {
    return this.#established
  }

  /** waitFrame resolves when a frame of the type arrives (at once if one did). */
  async waitFrame(type: FrameType, timeoutMs = 5_000): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs)
    while (!this.types.includes(type)) {
      await once(this.#events, 'frame', { signal })
    }
  }

  /** send writes a well-formed frame (signed after a keyed handshake). */
  send(type: FrameType, payload: Uint8Array): void {
    let mac: Buffer | undefined
    if (this.#sendKey !== undefined) {
      mac = frameMac(this.#sendKey, this.#sendCounter++, FRAME_CODES[type], payload)
    }
    this.socket.write(encodeFrame(type, payload, mac))
  }

  /** payloads returns the payloads of the frames of a type received so far. */
  payloads(type: FrameType): Uint8Array[] {
    return this.#payloads.get(type) ?? []
  }

  /** sendRaw writes bytes as they are. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  #onFrame(body: Buffer): void {
    const code = body[0] as number
    let payload = body.subarray(1)
    if (this.#recvKey !== undefined) {
      payload = body.subarray(1, body.length - MAC_BYTES)
      const mac = frameMac(this.#recvKey, this.#recvCounter++, code, payload)
      if (!mac.equals(body.subarray(body.length - MAC_BYTES))) {
        throw new Error('raw peer: bad MAC from node')
      }
    }
    const type = frameTypeOf(code) as FrameType
    this.types.push(type)
    this.#payloads.set(type, [...(this.#payloads.get(type) ?? []), Uint8Array.from(payload)])
    const key = this.#options.key
    if (type === 'hello') {
      const hello = decodeHello(payload)
      this.#peerNonce = hello.nonce
      if (key === undefined) {
        this.#established = !this.#options.claimAuth
        if (this.#options.claimAuth === true) {
          this.socket.write(encodeFrame('auth', encodeAuth(randomBytes(32))))
        }
      } else {
        const proof = this.#options.badProof
          ? randomBytes(32)
          : handshakeProof(key, payload, this.#ownHello)
        this.socket.write(encodeFrame('auth', encodeAuth(proof)))
      }
    } else if (type === 'auth' && key !== undefined && this.#peerNonce !== undefined) {
      this.#sendKey = sessionKey(key, this.#nonce, this.#peerNonce)
      this.#recvKey = sessionKey(key, this.#peerNonce, this.#nonce)
      this.#established = true
    }
    this.#events.emit('frame')
  }
}
