import type { Socket } from 'node:net'
import { Server as TlsServer, connect as tlsConnect } from 'node:tls'
import type { ConnectionOptions, SecureContextOptions, TLSSocket } from 'node:tls'

import { errorMessage } from '../util/index.js'

/**
 * Gossip over mutual TLS (--cluster.tls-config), as Alertmanager 0.25's TLS transport
 * (cluster/tls_transport.go) puts memberlist on TLS over TCP: every connection, accepted or
 * dialled, is a TLS connection first, and the mesh's own handshake and frames run inside it.
 * The settings come per connection from a {@link GossipTls}, so certificates rotated on disk
 * are used by the next connection. A handshake that fails or a peer certificate that
 * client_auth_type refuses closes the connection and is counted like a failed key-file proof.
 */

/** GossipServerTls is what one accepted connection's handshake uses. */
export interface GossipServerTls {
  /** context are the certificate, key, client CAs, versions, ciphers and curves. */
  readonly context: SecureContextOptions
  /** requestCert is whether a client certificate is asked for. */
  readonly requestCert: boolean
  /**
   * refuses applies the client auth policy once the handshake is done.
   *
   * @param socket - the accepted connection.
   * @returns why the peer is refused, or undefined when it may stay.
   */
  refuses(socket: TLSSocket): string | undefined
}

/**
 * GossipTls gives each new connection its TLS settings; src/cli builds it from
 * --cluster.tls-config. Either method throws when the files on disk cannot be loaded: that
 * connection fails, the next one tries again.
 */
export interface GossipTls {
  /** server returns the settings for the next accepted connection (the same object while unchanged). */
  server(): GossipServerTls
  /** client returns tls.connect's options, host and port aside, for a dial to `host`. */
  client(host: string): ConnectionOptions
}

/**
 * TlsRefused reports a connection refused at the TLS layer, on the side that accepted it or
 * the side that dialled it.
 */
export type TlsRefused = (remote: string, detail: string) => void

/** TlsAcceptorOptions configure a {@link TlsAcceptor}. */
export interface TlsAcceptorOptions {
  readonly tls: GossipTls
  /** A handshake not done after this long is refused (--cluster.tcp-timeout). */
  readonly handshakeTimeoutMs: number
  /** A peer passed the handshake and the client auth policy. */
  readonly onSecure: (socket: TLSSocket) => void
  readonly onRefused: TlsRefused
}

/**
 * TlsAcceptor runs the server side of the TLS handshake on sockets the cluster listener
 * accepted. It feeds them to a tls.Server that never listens, so Node's own server code does
 * the handshake, its timeout and the context swap. Verification is left to
 * {@link GossipServerTls.refuses} after the handshake (rejectUnauthorized off), so that every
 * refused peer is reported, not only the ones OpenSSL stops.
 */
export class TlsAcceptor {
  readonly #options: TlsAcceptorOptions
  readonly #server: TlsServer
  #applied: GossipServerTls | undefined

  /**
   * TlsAcceptor's constructor prepares the TLS server; the settings are read per connection.
   *
   * @param options - where settings come from and whom to tell.
   */
  constructor(options: TlsAcceptorOptions) {
    this.#options = options
    this.#server = new TlsServer({
      handshakeTimeout: options.handshakeTimeoutMs,
      rejectUnauthorized: false,
    })
    this.#server.on('secureConnection', (socket: TLSSocket) => {
      const why = this.#applied?.refuses(socket)
      if (why !== undefined) {
        options.onRefused(remoteOf(socket), why)
        socket.destroy()
        return
      }
      options.onSecure(socket)
    })
    this.#server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      // The TLS socket is gone by now; the TCP socket under it remembers the peer's address
      // (read in accept). web-server.ts reaches it the same way.
      const tcp = (socket as TLSSocket & { _parent?: Socket })._parent
      options.onRefused(remoteOf(tcp ?? socket), err.message)
    })
  }

  /**
   * accept starts the TLS handshake on an accepted socket, with the settings as now on disk.
   *
   * @param raw - the TCP socket.
   */
  accept(raw: Socket): void {
    // Read now: Node caches the address, which a socket destroyed by a failed handshake no
    // longer has.
    const remote = remoteOf(raw)
    let settings: GossipServerTls
    try {
      settings = this.#options.tls.server()
    } catch (err: unknown) {
      this.#options.onRefused(remote, `TLS files cannot be loaded: ${errorMessage(err)}`)
      raw.destroy()
      return
    }
    if (settings !== this.#applied) {
      this.#server.setSecureContext(settings.context)
      // tls.Server reads requestCert from itself for each socket it wraps.
      Object.assign(this.#server, { requestCert: settings.requestCert })
      this.#applied = settings
    }
    // Handshakes under way are not counted against the mesh's pending-handshake limit (the
    // TCP socket is Node's to wrap from here); the handshake timeout bounds how long each lasts.
    this.#server.emit('connection', raw)
  }
}

/**
 * dialTls opens a TLS connection to a peer. A failure once the TCP connection is up (the
 * peer's certificate does not verify, or the peer refused the handshake) is reported as a
 * refusal; a peer that is down is not.
 *
 * @param host - the host.
 * @param port - the port.
 * @param tls - the settings source.
 * @param onRefused - told about a refused handshake.
 * @returns the socket, connecting.
 * @throws when the settings cannot be loaded.
 */
export function dialTls(
  host: string,
  port: number,
  tls: GossipTls,
  onRefused: TlsRefused
): TLSSocket {
  const socket = tlsConnect({ ...tls.client(host), host, port })
  let tcp = false
  let secure = false
  socket.once('connect', () => {
    tcp = true
  })
  socket.once('secureConnect', () => {
    secure = true
  })
  socket.on('error', (err: Error & { code?: unknown }) => {
    const tlsAlert = typeof err.code === 'string' && err.code.startsWith('ERR_SSL_')
    if ((tcp && !secure) || tlsAlert) {
      onRefused(`${host}:${port}`, err.message)
    }
  })
  return socket
}

function remoteOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`
}
