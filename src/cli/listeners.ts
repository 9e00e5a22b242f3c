import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

import type { RequestHandler, WebServer } from '../web/index.js'

export type { RequestHandler } from '../web/index.js'

/** Server is one listener: node:http, or node:https / node:http2 under --web.config.file. */
type Server = ReturnType<WebServer['createServer']>

/** ServerFactory creates one listener's server around a handler. */
export type ServerFactory = (handler: RequestHandler) => Server

/**
 * Listeners are the node's HTTP sockets, bound before the rest of the node is loaded: loading
 * the server's modules and building the config graph takes longer than a supervisor should
 * wait for the port. Until `serve()` is called, /-/healthy answers 200, /-/ready answers 503,
 * and every other request is held and then handed to the real handler.
 */
export class Listeners {
  readonly servers: readonly Server[]
  #handler: RequestHandler | undefined
  #held: [IncomingMessage, ServerResponse][] = []

  private constructor(servers: Server[]) {
    this.servers = servers
  }

  /**
   * bind listens on every address (host:port; an empty host means all interfaces).
   *
   * @param addresses - --web.listen-address values.
   * @param serverFor - creates each server (--web.config.file's WebServer; plain node:http by
   *   default, so the web module is loaded only when a web config is given).
   * @returns the bound listeners.
   * @throws when an address is malformed or cannot be bound.
   */
  static async bind(
    addresses: readonly string[],
    serverFor: ServerFactory = (handler) => createServer(handler)
  ): Promise<Listeners> {
    const servers: Server[] = []
    const listeners = new Listeners(servers)
    try {
      for (const address of addresses) {
        const { host, port } = splitHostPort(address)
        const server = serverFor((req, res) => {
          listeners.#dispatch(req, res)
        })
        trackConnections(server)
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject)
          server.listen({ host: host === '' ? undefined : host, port }, () => {
            server.off('error', reject)
            resolve()
          })
        })
        servers.push(server)
      }
    } catch (err: unknown) {
      await listeners.close()
      throw err
    }
    return listeners
  }

  /** addresses are the bound sockets as host:port. */
  get addresses(): string[] {
    return this.servers.map((server) => {
      const bound = server.address()
      return typeof bound === 'object' && bound !== null
        ? `${bound.address}:${bound.port}`
        : String(bound)
    })
  }

  /**
   * serve hands every request, held ones first, to the real handler.
   *
   * @param handler - the node's HTTP application.
   */
  serve(handler: RequestHandler): void {
    this.#handler = handler
    const held = this.#held
    this.#held = []
    for (const [req, res] of held) {
      handler(req, res)
    }
  }

  /** close stops accepting connections and ends idle ones; resolves when all are closed. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => {
              resolve()
            })
            // Idle keep-alive connections (Prometheus, amtool) must not hold the shutdown.
            if ('closeIdleConnections' in server) {
              server.closeIdleConnections()
            }
            setTimeout(() => {
              for (const socket of OPEN_SOCKETS.get(server) ?? []) {
                socket.destroy()
              }
            }, 2000).unref()
          })
      )
    )
    for (const [, res] of this.#held) {
      res.statusCode = 503
      res.end('shutting down\n')
    }
    this.#held = []
  }

  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    if (this.#handler !== undefined) {
      this.#handler(req, res)
      return
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path.endsWith('/-/healthy')) {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8')
      res.end('OK')
      return
    }
    if (path.endsWith('/-/ready')) {
      res.statusCode = 503
      res.setHeader('Content-Type', 'text/plain; charset=utf-8')
      res.end('Service Unavailable: still starting\n')
      return
    }
    this.#held.push([req, res])
  }
}

/** OPEN_SOCKETS are each server's connections, ended on close (HTTP/2 has no closeAllConnections). */
const OPEN_SOCKETS = new WeakMap<Server, Set<Socket>>()

function trackConnections(server: Server): void {
  const sockets = new Set<Socket>()
  OPEN_SOCKETS.set(server, sockets)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
}

/**
 * splitHostPort splits a listen address like Go's net.SplitHostPort (`:9093`, `[::1]:9093`).
 *
 * @param address - host:port.
 * @returns host ('' for all interfaces) and port.
 * @throws Error naming the address when it has no valid port.
 */
export function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':')
  if (colon === -1) {
    throw new Error(`address ${address}: missing port in address`)
  }
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
  const portText = address.slice(colon + 1)
  const port = Number(portText)
  if (portText === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`address ${address}: invalid port`)
  }
  return { host, port }
}
