import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'

import type Logger from 'bunyan'

import type { WarnLimiter } from '../util/index.js'

import { frameMac, handshakeProof, macEquals, sessionKey } from './auth.js'
import { ProtocolError } from './errors.js'
import type { DropReason } from './errors.js'
import {
  FRAME_CODES,
  FrameDecoder,
  LENGTH_BYTES,
  MAC_BYTES,
  encodeFrame,
  frameTypeOf,
} from './frame.js'
import type { FrameType } from './frame.js'
import {
  NONCE_BYTES,
  PROTOCOL_VERSION,
  decodeAnswer,
  decodeAuth,
  decodeHello,
  decodeMembers,
  decodePart,
  decodeParts,
  decodeQuery,
  decodeStateRequest,
  encodeAuth,
  encodeHello,
} from './messages.js'
import type { Answer, Hello, Member, Part, Query } from './messages.js'
import type { MessageCounter } from './metrics.js'

/**
 * HANDSHAKE_MAX_FRAME_BYTES bounds frames before the handshake ends: HELLO and AUTH are small,
 * and an unauthenticated peer must not make the node buffer megabytes.
 */
export const HANDSHAKE_MAX_FRAME_BYTES = 64 * 1024

/** Direction says which side dialled. */
export type Direction = 'inbound' | 'outbound'

/**
 * ConnectionState is where a connection is: `connecting` (TCP connect pending), `handshake`
 * (HELLO/AUTH exchange), `established` (authenticated; state may flow), `closed`.
 */
export type ConnectionState = 'connecting' | 'handshake' | 'established' | 'closed'

/** Message is a decoded frame after the handshake. */
export type Message =
  | { readonly type: 'members'; readonly members: Member[] }
  | { readonly type: 'update'; readonly part: Part }
  | { readonly type: 'full_state'; readonly parts: Part[] }
  | { readonly type: 'digest'; readonly parts: Part[] }
  | { readonly type: 'state_request'; readonly keys: string[] }
  | { readonly type: 'ping' }
  | { readonly type: 'query'; readonly query: Query }
  | { readonly type: 'answer'; readonly answer: Answer }

/**
 * Refusal is the owner's verdict on a HELLO: `self` for a connection to this very node (closed
 * quietly), any drop reason for a peer that must be refused.
 */
export interface Refusal {
  readonly reason: DropReason | 'self'
  readonly message: string
}

/** ConnectionOwner hears what happens on a connection; its methods must not throw. */
export interface ConnectionOwner {
  /** onHello checks a well-formed HELLO before any proof is sent. */
  onHello(conn: Connection, hello: Hello): Refusal | undefined
  /** onEstablished: the peer is authenticated; state may be sent. */
  onEstablished(conn: Connection): void
  /** onMessage delivers one authenticated message. */
  onMessage(conn: Connection, message: Message): void
  /** onClosed is called once, whatever closed the connection. */
  onClosed(conn: Connection, reason: string): void
}

/** ConnectionOptions configure a {@link Connection}. */
export interface ConnectionOptions {
  /** The socket, connecting (outbound) or accepted and paused (inbound). */
  readonly socket: Socket
  readonly direction: Direction
  /** The `host:port` dialled (outbound) or the remote socket address (inbound), for logs. */
  readonly remote: string
  /** This node's name and advertised address, sent in HELLO. */
  readonly self: { readonly name: string; readonly address: string }
  /** This connection's HELLO nonce; the owner keeps it to recognise a connection to itself. */
  readonly nonce: Buffer
  /** The shared key; when set, the peer must prove it and every frame carries an HMAC. */
  readonly key: Buffer | undefined
  readonly maxMessageBytes: number
  readonly now: () => number
  readonly counter: MessageCounter
  readonly warn: WarnLimiter
  readonly log: Logger
  readonly owner: ConnectionOwner
}

/** Timing are the deadlines {@link Connection.sweep} enforces. */
export interface Timing {
  readonly handshakeTimeoutMs: number
  readonly pingTimeoutMs: number
}

/**
 * newNonce makes a HELLO nonce.
 *
 * @returns fresh random bytes.
 */
export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES)
}

/**
 * Connection is one TCP connection to a peer: framing, the HELLO/AUTH handshake, per-frame
 * HMACs when keyed, and the liveness clock. It owns its socket: nothing thrown while reading
 * leaves the socket handlers. A protocol violation is counted under its reason, warned about
 * (rate-limited) and closes the connection; the owner reconnects if the address is a peer.
 *
 * Handshake: each side sends HELLO at once. Without a key, a side is established when it has
 * the other's HELLO. With a key, a side answers the other's HELLO with AUTH (see
 * {@link handshakeProof}) and is established only once the other's AUTH verifies; nothing
 * else is accepted or sent before that, so a peer without the key can neither read nor inject
 * state. After a keyed handshake every frame ends with {@link frameMac}.
 */
export class Connection {
  /** Which side dialled. */
  readonly direction: Direction
  /** The address dialled, or the remote socket address of an inbound connection. */
  readonly remote: string
  /** When the connection was created, on the injected clock. */
  readonly createdAt: number
  readonly #socket: Socket
  readonly #options: ConnectionOptions
  readonly #decoder = new FrameDecoder(HANDSHAKE_MAX_FRAME_BYTES)
  #state: ConnectionState
  #ownHello: Uint8Array | undefined
  #peerHello: Hello | undefined
  #peerHelloBytes: Uint8Array | undefined
  #sendKey: Buffer | undefined
  #recvKey: Buffer | undefined
  #sendCounter = 0n
  #recvCounter = 0n
  #lastReceivedAt: number
  #wasEstablished = false

  /**
   * Connection's constructor takes over the socket: it sends HELLO once connected and starts
   * reading.
   *
   * @param options - the socket, this node's identity, key and limits, and the owner.
   */
  constructor(options: ConnectionOptions) {
    this.#options = options
    this.#socket = options.socket
    this.direction = options.direction
    this.remote = options.remote
    this.createdAt = options.now()
    this.#lastReceivedAt = this.createdAt
    const socket = this.#socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk)
    })
    socket.on('error', (err: Error) => {
      this.close('error', err.message)
    })
    socket.on('close', () => {
      this.close('closed')
    })
    socket.on('end', () => {
      this.close('closed')
    })
    if (socket.connecting) {
      this.#state = 'connecting'
      socket.once('connect', () => {
        if (this.#state === 'connecting') {
          this.#state = 'handshake'
          this.#sendHello()
        }
      })
    } else {
      this.#state = 'handshake'
      this.#sendHello()
      socket.resume()
    }
  }

  /** state is where the connection is. */
  get state(): ConnectionState {
    return this.#state
  }

  /** wasEstablished tells whether the handshake ever completed, even if closed since. */
  get wasEstablished(): boolean {
    return this.#wasEstablished
  }

  /** peer is the peer's HELLO, once received (authenticated only when `established`). */
  get peer(): Hello | undefined {
    return this.#peerHello
  }

  /**
   * initiator names the node that dialled; duplicate connections are resolved by it.
   *
   * @returns the dialler's node name, or undefined before the peer's HELLO.
   */
  initiator(): string | undefined {
    if (this.#peerHello === undefined) {
      return undefined
    }
    return this.direction === 'outbound' ? this.#options.self.name : this.#peerHello.name
  }

  /**
   * initiatorNonce is the dialler's HELLO nonce: the same bytes on both ends, so both ends
   * order two connections alike.
   *
   * @returns the nonce, or undefined before the peer's HELLO.
   */
  initiatorNonce(): Uint8Array | undefined {
    if (this.#peerHello === undefined) {
      return undefined
    }
    return this.direction === 'outbound' ? this.#options.nonce : this.#peerHello.nonce
  }

  /**
   * send writes one frame, signed when the handshake was keyed. Before the handshake ends only
   * HELLO and AUTH go out. A frame above `maxMessageBytes` is not sent (counted as
   * `oversize_outgoing`); a peer that lets more than two such frames pile up unread is closed
   * (`backpressure`).
   *
   * @param type - the frame type.
   * @param payload - the message bytes.
   * @returns whether the frame was written.
   */
  send(type: FrameType, payload: Uint8Array): boolean {
    const handshakeFrame = type === 'hello' || type === 'auth'
    if (this.#state === 'closed' || this.#state === 'connecting') {
      return false
    }
    if ((this.#state === 'established') === handshakeFrame) {
      return false
    }
    const signed = this.#state === 'established' && this.#sendKey !== undefined
    const bodyLength = 1 + payload.length + (signed ? MAC_BYTES : 0)
    if (bodyLength > this.#options.maxMessageBytes) {
      this.#options.counter.dropped('oversize_outgoing')
      this.#options.warn.warn(
        'oversize_outgoing',
        { msgType: type, bytes: bodyLength, maxMessageBytes: this.#options.maxMessageBytes },
        'Cluster message larger than maxMessageBytes not sent'
      )
      return false
    }
    let mac: Buffer | undefined
    if (signed) {
      mac = frameMac(this.#sendKey as Buffer, this.#sendCounter, FRAME_CODES[type], payload)
      this.#sendCounter++
    }
    const frame = encodeFrame(type, payload, mac)
    this.#socket.write(frame)
    this.#options.counter.sent(type, frame.length)
    if (this.#socket.writableLength > 2 * this.#options.maxMessageBytes) {
      this.#refuse(
        'backpressure',
        `peer does not read: ${this.#socket.writableLength} bytes queued`
      )
      return false
    }
    return true
  }

  /**
   * sweep enforces the handshake deadline and the liveness timeout, and sends a PING on an
   * established connection so the peer's liveness clock keeps running.
   *
   * @param now - the current time on the injected clock.
   * @param timing - the deadlines.
   */
  sweep(now: number, timing: Timing): void {
    switch (this.#state) {
      case 'connecting':
      case 'handshake':
        if (now - this.createdAt > timing.handshakeTimeoutMs) {
          this.close('handshake_timeout')
        }
        return
      case 'established':
        if (now - this.#lastReceivedAt > timing.pingTimeoutMs) {
          this.close('ping_timeout')
          return
        }
        this.send('ping', new Uint8Array(0))
        return
      case 'closed':
        return
    }
  }

  /**
   * close ends the connection at once (idempotent) and tells the owner.
   *
   * @param reason - why, for the owner and the logs.
   * @param detail - more about it, e.g. the socket error.
   */
  close(reason: string, detail?: string): void {
    if (this.#state === 'closed') {
      return
    }
    this.#state = 'closed'
    this.#socket.destroy()
    this.#options.log.debug(
      { remote: this.remote, peer: this.#peerHello?.name, reason, detail },
      'Cluster connection closed'
    )
    this.#options.owner.onClosed(this, reason)
  }

  #isClosed(): boolean {
    return this.#state === 'closed'
  }

  #sendHello(): void {
    const o = this.#options
    this.#ownHello = encodeHello({
      version: PROTOCOL_VERSION,
      name: o.self.name,
      address: o.self.address,
      nonce: o.nonce,
      auth: o.key !== undefined,
      queries: true,
    })
    this.send('hello', this.#ownHello)
  }

  #onData(chunk: Buffer): void {
    if (this.#state === 'closed') {
      return
    }
    this.#lastReceivedAt = this.#options.now()
    this.#decoder.push(chunk)
    try {
      for (;;) {
        // A frame handler may have closed the connection (refused, duplicate).
        if (this.#isClosed()) {
          return
        }
        const body = this.#decoder.next()
        if (body === undefined) {
          return
        }
        this.#onFrame(body)
      }
    } catch (err: unknown) {
      if (err instanceof ProtocolError) {
        this.#refuse(err.reason, err.message)
      } else {
        this.#options.log.error({ err, remote: this.remote }, 'Cluster connection handler failed')
        this.close('internal_error')
      }
    }
  }

  #onFrame(body: Buffer): void {
    const code = body[0] as number
    let payload: Buffer
    if (this.#state === 'established' && this.#recvKey !== undefined) {
      if (body.length < 1 + MAC_BYTES) {
        throw new ProtocolError('malformed', 'frame too short to hold its MAC')
      }
      payload = body.subarray(1, body.length - MAC_BYTES)
      const expected = frameMac(this.#recvKey, this.#recvCounter, code, payload)
      this.#recvCounter++
      if (!macEquals(expected, body.subarray(body.length - MAC_BYTES))) {
        throw new ProtocolError('bad_mac', 'frame MAC does not verify')
      }
    } else {
      payload = body.subarray(1)
    }
    const type = frameTypeOf(code)
    if (type === undefined) {
      throw new ProtocolError('unknown_type', `unknown frame type ${code}`)
    }
    this.#options.counter.received(type, LENGTH_BYTES + body.length)
    if (this.#state !== 'established') {
      this.#handshake(type, payload)
      return
    }
    this.#options.owner.onMessage(this, decodeMessage(type, payload))
  }

  #handshake(type: FrameType, payload: Buffer): void {
    const key = this.#options.key
    if (type === 'hello' && this.#peerHello === undefined) {
      const hello = decodeHello(payload)
      if (hello.version !== PROTOCOL_VERSION) {
        throw new ProtocolError(
          'version',
          `peer speaks protocol version ${hello.version}, this node ${PROTOCOL_VERSION}`
        )
      }
      if (key !== undefined && !hello.auth) {
        throw new ProtocolError('auth', 'peer has no cluster key and this node requires one')
      }
      if (key === undefined && hello.auth) {
        throw new ProtocolError('auth', 'peer requires a cluster key and this node has none')
      }
      const refusal = this.#options.owner.onHello(this, hello)
      if (refusal !== undefined) {
        if (refusal.reason === 'self') {
          this.close('self')
          return
        }
        throw new ProtocolError(refusal.reason, refusal.message)
      }
      this.#peerHello = hello
      this.#peerHelloBytes = payload
      if (key === undefined) {
        this.#establish()
        return
      }
      this.send('auth', encodeAuth(handshakeProof(key, payload, this.#ownHello as Uint8Array)))
      return
    }
    if (type === 'auth' && key !== undefined && this.#peerHello !== undefined) {
      const proof = decodeAuth(payload)
      const expected = handshakeProof(
        key,
        this.#ownHello as Uint8Array,
        this.#peerHelloBytes as Uint8Array
      )
      if (!macEquals(expected, proof)) {
        throw new ProtocolError('auth', 'handshake proof does not verify (another cluster key?)')
      }
      this.#sendKey = sessionKey(key, this.#options.nonce, this.#peerHello.nonce)
      this.#recvKey = sessionKey(key, this.#peerHello.nonce, this.#options.nonce)
      this.#establish()
      return
    }
    throw new ProtocolError('unexpected', `${type} frame during the handshake`)
  }

  #establish(): void {
    this.#state = 'established'
    this.#wasEstablished = true
    this.#decoder.maxFrameBytes = this.#options.maxMessageBytes
    this.#options.owner.onEstablished(this)
  }

  /** refuse counts a violation, warns (rate-limited per reason) and closes. */
  #refuse(reason: DropReason, message: string): void {
    this.#options.counter.dropped(reason)
    this.#options.warn.warn(
      reason,
      { reason, remote: this.remote, peer: this.#peerHello?.name, detail: message },
      'Dropped cluster connection'
    )
    this.close(reason, message)
  }
}

/** decodeMessage turns an authenticated frame into a {@link Message}. */
function decodeMessage(type: FrameType, payload: Uint8Array): Message {
  switch (type) {
    case 'members':
      return { type, members: decodeMembers(payload) }
    case 'update':
      return { type, part: decodePart(payload) }
    case 'full_state':
    case 'digest':
      return { type, parts: decodeParts(type, payload) }
    case 'state_request':
      return { type, keys: decodeStateRequest(payload) }
    case 'ping':
      return { type }
    case 'query':
      return { type, query: decodeQuery(payload) }
    case 'answer':
      return { type, answer: decodeAnswer(payload) }
    case 'hello':
    case 'auth':
      throw new ProtocolError('unexpected', `${type} frame after the handshake`)
  }
}
