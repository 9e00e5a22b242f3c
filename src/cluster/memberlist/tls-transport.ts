import { once } from 'node:events'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'

import type Logger from 'bunyan'
import protobuf from 'protobufjs'

import { formatHostPort, parseHostPort } from '../address.js'
import { dialTls, TlsAcceptor } from '../tls.js'
import type { GossipTls } from '../tls.js'

import { MAX_PUSH_STATE_BYTES } from './codec.js'
import type { PacketStreamTransport, TransportFactory, TransportHandlers } from './transport.js'

// Alertmanager 0.25's TLS transport (cluster/tls_transport.go, tls_connection.go): memberlist
// packets and streams over mutual-TLS TCP connections. Every connection opens with a frame (a
// little-endian uint32 length, then a clusterpb.MemberlistMessage); a STREAM frame turns the
// rest of the connection into one memberlist stream, PACKET frames carry one packet each, as
// many as the sender writes on its pooled connection.

/** TLS_VERSION is tls_connection.go's `version`; a frame with another is refused. */
const TLS_VERSION = 'v0.1.0'
const KIND_STREAM = 0
const KIND_PACKET = 1

interface MemberlistMessage {
  readonly version: string
  readonly kind: number
  readonly fromAddr: string
  readonly msg: Uint8Array
}

/**
 * encodeFrame writes one clusterpb.MemberlistMessage with its length prefix.
 *
 * @param m - the message.
 * @returns the frame.
 */
export function encodeFrame(m: MemberlistMessage): Uint8Array {
  const w = protobuf.Writer.create()
  w.uint32((1 << 3) | 2).string(m.version)
  // proto3 leaves out zero values: STREAM, an empty address, no bytes.
  if (m.kind !== 0) {
    w.uint32(2 << 3).int32(m.kind)
  }
  if (m.fromAddr !== '') {
    w.uint32((3 << 3) | 2).string(m.fromAddr)
  }
  if (m.msg.length > 0) {
    w.uint32((4 << 3) | 2).bytes(m.msg)
  }
  const body = w.finish()
  const out = new Uint8Array(4 + body.length)
  new DataView(out.buffer).setUint32(0, body.length, true)
  out.set(body, 4)
  return out
}

/**
 * decodeMessage reads a clusterpb.MemberlistMessage body.
 *
 * @param body - the bytes after the length prefix.
 * @returns the message.
 * @throws Error when the protobuf does not decode.
 */
export function decodeMessage(body: Uint8Array): MemberlistMessage {
  const r = protobuf.Reader.create(body)
  let version = ''
  let kind = 0
  let fromAddr = ''
  let msg: Uint8Array = new Uint8Array(0)
  while (r.pos < r.len) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1:
        version = r.string()
        break
      case 2:
        kind = r.int32()
        break
      case 3:
        fromAddr = r.string()
        break
      case 4:
        msg = r.bytes()
        break
      default:
        r.skipType(tag & 7)
    }
  }
  return { version, kind, fromAddr, msg }
}

/** TlsTransportOptions configure {@link tlsTransport}. */
export interface TlsTransportOptions {
  /** Certificates and policy, read per connection (--cluster.tls-config). */
  readonly tls: GossipTls
  /** The `ip:port` this node advertises, sent as every packet's `from_addr`. */
  readonly advertise: () => string
  /** Handshake and dial timeout (--cluster.tcp-timeout). */
  readonly timeoutMs: number
  readonly log: Logger
}

/**
 * tlsTransport makes the factory of Alertmanager's TLS transport for {@link Memberlist}.
 *
 * @param options - TLS settings, advertised address, timeout and logger.
 * @returns the factory.
 */
export function tlsTransport(options: TlsTransportOptions): TransportFactory {
  return async (host, port, handlers) => {
    const t = new TlsMemberlistTransport(options, handlers)
    await t.listen(host, port)
    return t
  }
}

class TlsMemberlistTransport implements PacketStreamTransport {
  readonly #options: TlsTransportOptions
  readonly #handlers: TransportHandlers
  readonly #server: Server
  readonly #acceptor: TlsAcceptor
  readonly #pool = new Map<string, Promise<TLSSocket>>()
  readonly #open = new Set<Socket>()
  #port = 0

  constructor(options: TlsTransportOptions, handlers: TransportHandlers) {
    this.#options = options
    this.#handlers = handlers
    const refused = (remote: string, detail: string): void => {
      options.log.warn({ remote, err: detail }, 'memberlist: TLS peer refused')
    }
    this.#acceptor = new TlsAcceptor({
      tls: options.tls,
      handshakeTimeoutMs: options.timeoutMs,
      onSecure: (socket) => {
        this.#track(socket)
        this.#readFrames(socket)
      },
      onRefused: refused,
    })
    this.#server = createServer((raw) => {
      raw.on('error', () => undefined)
      this.#acceptor.accept(raw)
    })
  }

  async listen(host: string, port: number): Promise<void> {
    this.#server.listen(port, host)
    await once(this.#server, 'listening')
    this.#port = (this.#server.address() as { port: number }).port
  }

  get port(): number {
    return this.#port
  }

  #track(socket: Socket): void {
    this.#open.add(socket)
    socket.on('error', () => undefined)
    socket.once('close', () => this.#open.delete(socket))
  }

  /**
   * readFrames reads PACKET frames until a STREAM frame, which hands the rest of the
   * connection to memberlist as a stream (tls_transport.go handle).
   */
  #readFrames(socket: TLSSocket): void {
    let buf: Buffer = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      while (buf.length >= 4) {
        const len = buf.readUInt32LE(0)
        if (len > MAX_PUSH_STATE_BYTES) {
          this.#options.log.debug({ len }, 'memberlist: oversized TLS frame')
          socket.destroy()
          return
        }
        if (buf.length < 4 + len) {
          return
        }
        let m: MemberlistMessage
        try {
          m = decodeMessage(buf.subarray(4, 4 + len))
        } catch (err: unknown) {
          this.#options.log.debug({ err: String(err) }, 'memberlist: undecodable TLS frame')
          socket.destroy()
          return
        }
        buf = buf.subarray(4 + len)
        if (m.version !== TLS_VERSION) {
          socket.destroy()
          return
        }
        if (m.kind === KIND_STREAM) {
          socket.off('data', onData)
          socket.pause()
          if (buf.length > 0) {
            socket.unshift(buf)
          }
          this.#handlers.onStream(socket)
          socket.resume()
          return
        }
        if (m.kind === KIND_PACKET) {
          let from
          try {
            from = parseHostPort(m.fromAddr)
          } catch {
            continue
          }
          this.#handlers.onPacket(m.msg, { address: from.host, port: from.port })
        }
      }
    }
    socket.on('data', onData)
  }

  async #connect(host: string, port: number, timeoutMs: number): Promise<TLSSocket> {
    const socket = dialTls(host, port, this.#options.tls, (remote, detail) => {
      this.#options.log.warn({ remote, err: detail }, 'memberlist: TLS peer refused')
    })
    this.#track(socket)
    const timer = setTimeout(() => {
      socket.destroy(new Error(`dial ${formatHostPort(host, port)} timed out`))
    }, timeoutMs)
    try {
      await once(socket, 'secureConnect')
    } finally {
      clearTimeout(timer)
    }
    return socket
  }

  async sendPacket(buf: Uint8Array, host: string, port: number): Promise<void> {
    const key = formatHostPort(host, port)
    let pending = this.#pool.get(key)
    if (pending === undefined) {
      pending = this.#connect(host, port, this.#options.timeoutMs)
      this.#pool.set(key, pending)
      // A pooled connection that fails or closes is dialled anew by the next packet.
      pending.then(
        (s) => s.once('close', () => this.#pool.delete(key)),
        () => this.#pool.delete(key)
      )
    }
    try {
      const socket = await pending
      const frame = encodeFrame({
        version: TLS_VERSION,
        kind: KIND_PACKET,
        fromAddr: this.#options.advertise(),
        msg: buf,
      })
      await new Promise<void>((resolve) => {
        socket.write(frame, () => {
          resolve()
        })
      })
    } catch {
      // A packet is best effort, as over UDP.
    }
  }

  async dial(host: string, port: number, timeoutMs: number): Promise<Socket> {
    const socket = await this.#connect(host, port, timeoutMs)
    await new Promise<void>((resolve, reject) => {
      socket.write(
        encodeFrame({
          version: TLS_VERSION,
          kind: KIND_STREAM,
          fromAddr: '',
          msg: new Uint8Array(0),
        }),
        (err) => {
          if (err === undefined || err === null) {
            resolve()
          } else {
            reject(err)
          }
        }
      )
    })
    return socket
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve()
      })
    )
    for (const s of this.#open) {
      s.destroy()
    }
    this.#pool.clear()
    await closed
  }
}
