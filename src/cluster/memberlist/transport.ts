import { createSocket } from 'node:dgram'
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'

import { decodeStream } from './codec.js'
import type { StreamMessage } from './codec.js'
import { MemberlistDecodeError } from './errors.js'

/** UdpFrom is where a packet came from. */
export interface UdpFrom {
  readonly address: string
  readonly port: number
}

/** TransportHandlers receive what arrives on the cluster port. */
export interface TransportHandlers {
  readonly onPacket: (buf: Uint8Array, from: UdpFrom) => void
  readonly onStream: (socket: Socket) => void
}

/**
 * PacketStreamTransport is memberlist's Transport: packets (best effort) and streams (one
 * message each way) to `ip:port` peers.
 */
export interface PacketStreamTransport {
  /** port is the bound port. */
  readonly port: number
  /** sendPacket sends one packet; it resolves once sent or failed, never rejects. */
  sendPacket(buf: Uint8Array, host: string, port: number): Promise<void>
  /** dial opens a stream to a peer. */
  dial(host: string, port: number, timeoutMs: number): Promise<Socket>
  /** close stops listening and drops connections. */
  close(): Promise<void>
}

/** TransportFactory binds a transport on `host:port` that hands what arrives to `handlers`. */
export type TransportFactory = (
  host: string,
  port: number,
  handlers: TransportHandlers
) => Promise<PacketStreamTransport>

/**
 * MemberlistTransport is memberlist's NetTransport: one UDP socket for packets and one TCP
 * listener for streams, both on the cluster port.
 */
export class MemberlistTransport implements PacketStreamTransport {
  readonly #udp: UdpSocket
  readonly #tcp: Server
  readonly #port: number

  private constructor(udp: UdpSocket, tcp: Server, port: number) {
    this.#udp = udp
    this.#tcp = tcp
    this.#port = port
  }

  /**
   * listen binds the TCP listener, then UDP on the same port.
   *
   * @param host - the bind host.
   * @param port - the port; 0 picks one.
   * @param handlers - what to do with packets and streams.
   * @returns the transport.
   * @throws the socket error when a port cannot be bound.
   */
  static async listen(
    host: string,
    port: number,
    handlers: TransportHandlers
  ): Promise<MemberlistTransport> {
    const tcp = createServer({ noDelay: true }, handlers.onStream)
    tcp.listen(port, host)
    await once(tcp, 'listening')
    const bound = (tcp.address() as { port: number }).port
    const udp = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' })
    udp.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      handlers.onPacket(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), {
        address: rinfo.address,
        port: rinfo.port,
      })
    })
    try {
      udp.bind(bound, host)
      await once(udp, 'listening')
    } catch (err: unknown) {
      tcp.close()
      throw err
    }
    // Send errors (an unreachable peer's ICMP) must not crash the node.
    udp.on('error', () => undefined)
    return new MemberlistTransport(udp, tcp, bound)
  }

  /** port is the bound port. */
  get port(): number {
    return this.#port
  }

  /**
   * sendPacket sends one datagram; failures are ignored, as UDP loss is.
   *
   * @param buf - the packet.
   * @param host - the destination IP.
   * @param port - the destination port.
   * @returns resolves once the datagram left (or failed), so a closing node can wait for it.
   */
  sendPacket(buf: Uint8Array, host: string, port: number): Promise<void> {
    return new Promise((resolve) => {
      this.#udp.send(buf, port, host, () => {
        resolve()
      })
    })
  }

  /**
   * dial opens a stream to a peer.
   *
   * @param host - the peer's IP.
   * @param port - its port.
   * @param timeoutMs - connect timeout.
   * @returns the connected socket.
   */
  async dial(host: string, port: number, timeoutMs: number): Promise<Socket> {
    const socket = connect({ host, port, noDelay: true, timeout: timeoutMs })
    try {
      await Promise.race([
        once(socket, 'connect'),
        once(socket, 'timeout').then(() => {
          throw new Error(`dial ${host}:${port} timed out`)
        }),
      ])
    } catch (err: unknown) {
      socket.destroy()
      throw err
    }
    socket.setTimeout(0)
    return socket
  }

  /** close stops both listeners. */
  async close(): Promise<void> {
    this.#udp.close()
    await new Promise<void>((resolve) =>
      this.#tcp.close(() => {
        resolve()
      })
    )
  }
}

/**
 * readStreamMessage reads one memberlist message from a stream (memberlist sends one per
 * stream direction and waits, so the message ends when it decodes).
 *
 * @param socket - the stream.
 * @param timeoutMs - memberlist's TCPTimeout for the whole read.
 * @returns the message.
 * @throws MemberlistDecodeError for bytes that cannot become a message, Error on timeout or close.
 */
export function readStreamMessage(socket: Socket, timeoutMs: number): Promise<StreamMessage> {
  return new Promise((resolve, reject) => {
    // One growing buffer: a push/pull of megabytes arrives in many chunks, and decodeStream
    // finds a short message short after its headers, so each retry costs little but the copy.
    let buf = new Uint8Array(4096)
    let length = 0
    const done = (err: Error | undefined, message?: StreamMessage): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('error', onError)
      if (err !== undefined) {
        reject(err)
      } else {
        resolve(message as StreamMessage)
      }
    }
    const onData = (chunk: Buffer): void => {
      if (length + chunk.length > buf.length) {
        const grown = new Uint8Array(Math.max(buf.length * 2, length + chunk.length))
        grown.set(buf.subarray(0, length))
        buf = grown
      }
      buf.set(chunk, length)
      length += chunk.length
      try {
        const m = decodeStream(buf.subarray(0, length))
        if (m !== undefined) {
          done(undefined, m)
        }
      } catch (err: unknown) {
        done(err instanceof Error ? err : new MemberlistDecodeError('malformed', String(err)))
      }
    }
    const onEnd = (): void => {
      done(new MemberlistDecodeError('truncated', 'stream closed before a whole message'))
    }
    const onError = (err: Error): void => {
      done(err)
    }
    const timer = setTimeout(() => {
      done(new Error(`no whole message within ${timeoutMs} ms`))
    }, timeoutMs)
    timer.unref()
    socket.on('data', onData)
    socket.on('end', onEnd)
    socket.on('error', onError)
  })
}
