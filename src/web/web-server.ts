import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http'
import { constants as http2Constants, createSecureServer } from 'node:http2'
import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Session } from 'node:http2'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import type { Server as TlsServer, TLSSocket } from 'node:tls'

import type Logger from 'bunyan'

import { errorMessage } from '../util/index.js'

import { BasicAuth, parseBasicAuth } from './basic-auth.js'
import type { BasicAuthOptions } from './basic-auth.js'
import { parseWebConfig, readText } from './config.js'
import type { WebConfig } from './config.js'
import {
  buildServerTls,
  checkHonoured,
  checkHttp2Ciphers,
  clientCertOptions,
  clientCertRefusal,
  sameFiles,
} from './tls.js'
import type { ServerTls } from './tls.js'
import { validateWebConfigFile } from './validate.js'

/** RequestHandler is a node:http request handler (what koa's app.callback() returns). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown

/** WebServerOptions configure a WebServer. */
export interface WebServerOptions {
  /** configFile is --web.config.file; '' serves plain HTTP with no auth. */
  readonly configFile: string
  /** log receives the toolkit's log lines (config unreadable, TLS reload failures). */
  readonly log?: Logger
  /** auth tunes basic auth (tests inject a cheap comparison). */
  readonly auth?: BasicAuthOptions
}

/**
 * WebServer is the exporter-toolkit's web.Serve for one node: it checks --web.config.file at
 * start as Alertmanager 0.25 does (a file it refuses stops the node), creates the HTTP, HTTPS
 * or HTTP/2 server the file asks for, and wraps the node's handler in the toolkit's webHandler.
 *
 * Like the toolkit, it re-reads the file on every request (users and headers take effect
 * without a restart) and the file, certificate, key and client CA on every new connection
 * (rotation without a restart). When a re-read fails, the toolkit fails: a request gets 500 and
 * a handshake is refused, with the error logged, until the files are fixed.
 */
export class WebServer {
  readonly #path: string
  #log: Logger | undefined
  readonly #auth: BasicAuth
  #text: string
  #config: WebConfig
  /** #tls is what the file asked for at start (servers are TLS servers when it is set). */
  readonly #tls: ServerTls | undefined
  /** #applied is what each TLS server's handshakes use now, and the file it was built from. */
  readonly #applied = new WeakMap<TlsServer, { tls: ServerTls; config: WebConfig }>()

  private constructor(
    path: string,
    config: WebConfig,
    tls: ServerTls | undefined,
    o: WebServerOptions
  ) {
    this.#path = path
    this.#config = config
    this.#text = path === '' ? '' : readText(path)
    this.#tls = tls
    this.#log = o.log
    this.#auth = new BasicAuth(o.auth)
  }

  /**
   * open reads and checks the web config file as the toolkit's Serve does before listening.
   *
   * @param options - the file and the logger.
   * @returns the server factory.
   * @throws WebConfigError with the toolkit's message, or UnsupportedTlsError naming a field
   *   Node's TLS cannot honour.
   */
  static open(options: WebServerOptions): WebServer {
    const path = options.configFile
    if (path === '') {
      return new WebServer('', parseWebConfig('', ''), undefined, options)
    }
    const { config, tls } = validateWebConfigFile(path)
    if (tls !== undefined) {
      if (config.httpServerConfig.http2) {
        checkHttp2Ciphers(config.tlsServerConfig)
      }
      checkHonoured(config.tlsServerConfig, tls)
    }
    return new WebServer(path, config, tls, options)
  }

  /**
   * useLogger sets where the toolkit's log lines go (the logger is created after the bind).
   *
   * @param log - the node's logger.
   */
  useLogger(log: Logger): void {
    this.#log = log
  }

  /** tls says whether connections are TLS. */
  get tls(): boolean {
    return this.#tls !== undefined
  }

  /** http2 says whether HTTP/2 is offered (TLS only, as with the toolkit). */
  get http2(): boolean {
    return this.#tls !== undefined && this.#config.httpServerConfig.http2
  }

  /**
   * createServer creates one listener's server with the handler wrapped in the toolkit's checks.
   *
   * @param handler - the node's HTTP application.
   * @returns an unbound server.
   */
  createServer(handler: RequestHandler): HttpServer | TlsServer {
    const wrapped = this.#path === '' ? handler : this.wrap(handler)
    const tls = this.#tls
    if (tls === undefined) {
      return createHttpServer(wrapped)
    }
    const options = { ...tls.options, ...clientCertOptions(tls) }
    // With allowHTTP1, HTTP/2 requests come as the http2 compatibility API, which has the
    // members the handler uses (headers, statusCode, setHeader, end).
    const server: TlsServer = this.http2
      ? createSecureServer(
          { ...options, allowHTTP1: true },
          wrapped as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void
        )
      : createHttpsServer(options, wrapped)
    this.#applied.set(server, { tls, config: this.#config })
    server.on('session', (session: ServerHttp2Session) => {
      rejectWeakHttp2(session)
    })
    // Before tls.Server's own listener, so the handshake that follows uses the re-read files.
    server.prependListener('connection', (socket: Socket) => {
      this.#refreshTls(server, socket)
    })
    server.on('secureConnection', (socket: TLSSocket) => {
      this.#checkClientCert(server, socket)
    })
    server.on('tlsClientError', (err: Error & { code?: unknown }, socket: TLSSocket) => {
      if (err.code === 'ERR_SSL_HTTP_REQUEST') {
        // Go's http.Server answers plain HTTP on a TLS port on the raw connection, unlogged.
        ;(socket as TLSSocket & { _parent?: Socket })._parent?.end(PLAIN_HTTP_ON_TLS)
        return
      }
      this.#log?.debug(
        { err: err.message, remote: socket.remoteAddress },
        'http: TLS handshake error'
      )
    })
    return server
  }

  /**
   * wrap is the toolkit's webHandler.ServeHTTP: re-read the file, set the configured headers,
   * then let through only a known user with the right password when users are configured.
   *
   * @param handler - the node's HTTP application.
   * @returns the guarded handler.
   */
  wrap(handler: RequestHandler): RequestHandler {
    return (req, res) => {
      let config: WebConfig
      try {
        config = this.#reread()
      } catch (err: unknown) {
        this.#log?.error({ err: errorMessage(err) }, 'Unable to parse configuration')
        goHttpError(res, 500, 'Internal Server Error')
        return
      }
      for (const [name, value] of config.httpServerConfig.headers) {
        res.setHeader(name, value)
      }
      const users = config.basicAuthUsers
      if (users.size === 0) {
        return handler(req, res)
      }
      const credentials = parseBasicAuth(req.headers.authorization)
      if (credentials === undefined) {
        unauthorized(res)
        return
      }
      return this.#auth.verify(users, credentials).then(
        (ok) => {
          if (ok) {
            return handler(req, res)
          }
          unauthorized(res)
          return undefined
        },
        () => {
          unauthorized(res)
        }
      )
    }
  }

  /** #reread is the toolkit's per-request getConfig; unchanged text is not decoded again. */
  #reread(): WebConfig {
    const text = readText(this.#path)
    if (text !== this.#text) {
      this.#config = parseWebConfig(text, this.#path)
      this.#text = text
    }
    return this.#config
  }

  /** #refreshTls is the toolkit's GetConfigForClient: the next handshake uses the files as now. */
  #refreshTls(server: TlsServer, socket: Socket): void {
    try {
      const config = this.#reread()
      const current = this.#applied.get(server)
      const c = config.tlsServerConfig
      if (
        config === current?.config &&
        sameFiles(current.tls.sources, [c.certFile, c.keyFile, c.clientCaFile])
      ) {
        return
      }
      const next = buildServerTls(c)
      checkHonoured(c, next)
      server.setSecureContext(next.options)
      const client = clientCertOptions(next)
      Object.assign(server, client)
      this.#applied.set(server, { tls: next, config })
      this.#log?.debug({ cert_file: c.certFile }, 'TLS certificate and settings re-read')
    } catch (err: unknown) {
      this.#log?.error(
        { err: errorMessage(err), remote: socket.remoteAddress },
        'http: TLS handshake error: the web config or its certificate files cannot be loaded'
      )
      socket.destroy()
    }
  }

  /** #checkClientCert enforces the modes OpenSSL's verify flags alone do not express. */
  #checkClientCert(server: TlsServer, socket: TLSSocket): void {
    const mode = this.#applied.get(server)?.tls.clientAuth
    if (mode !== undefined && clientCertRefusal(mode, socket) !== undefined) {
      socket.destroy()
    }
  }
}

/**
 * HTTP2_BAD_CIPHERS are the suites Go accepts in cipher_suites that RFC 7540's appendix A
 * prohibits for HTTP/2 (no ephemeral key exchange, or CBC), by OpenSSL name.
 */
const HTTP2_BAD_CIPHERS: ReadonlySet<string> = new Set([
  'AES128-SHA',
  'AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
])

/**
 * rejectWeakHttp2 is Go's http2 serverConn check: an HTTP/2 connection over TLS below 1.2, or
 * with a prohibited suite, gets GOAWAY INADEQUATE_SECURITY and is closed (HTTP/1.1 on the same
 * TLS settings is served).
 */
function rejectWeakHttp2(session: ServerHttp2Session): void {
  const socket = session.socket as TLSSocket
  const version = socket.getProtocol()
  let reason: string | undefined
  if (version === 'TLSv1' || version === 'TLSv1.1') {
    reason = 'TLS version too low'
  } else if (HTTP2_BAD_CIPHERS.has(socket.getCipher().name)) {
    reason = `Prohibited TLS 1.2 Cipher Suite: ${socket.getCipher().name}`
  }
  if (reason !== undefined) {
    session.goaway(http2Constants.NGHTTP2_INADEQUATE_SECURITY, 0, Buffer.from(reason))
    session.destroy()
  }
}

/** PLAIN_HTTP_ON_TLS is what Go's http.Server writes to a plain HTTP request on a TLS port. */
const PLAIN_HTTP_ON_TLS =
  'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n'

/** goHttpError is Go's http.Error: plain text, nosniff, the text and a newline. */
function goHttpError(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  const body = `${text}\n`
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

function unauthorized(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Basic')
  goHttpError(res, 401, 'Unauthorized')
}
