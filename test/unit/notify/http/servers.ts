// Test helpers shared by the notify/http and webhook tests: local servers on 127.0.0.1:0, a
// tiny forward/CONNECT proxy and throw-away certificates made with the openssl CLI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  RequestListener,
  Server,
  ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { ServerOptions } from 'node:https'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { HttpClientConfig } from '#src/config/types.js'

import { certificateMaker } from '../../../support/certificates.js'

/** Recorded is one request a test server saw. */
export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly httpVersion: string
}

/** Running is a started server with what it saw. */
export interface Running {
  readonly server: Server
  readonly port: number
  readonly origin: string
  readonly requests: Recorded[]
  close(): Promise<void>
}

/** handler receives the recorded request and answers it. */
export type Handler = (req: Recorded, res: ServerResponse) => void

function recording(requests: Recorded[], handler: Handler): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        httpVersion: req.httpVersion,
      }
      requests.push(recorded)
      handler(recorded, res)
    })
  }
}

async function started(server: Server, scheme: string, requests: Recorded[]): Promise<Running> {
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    server,
    port,
    origin: `${scheme}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy()
        }
        server.close(() => {
          resolve()
        })
      }),
  }
}

/**
 * listen starts a plain HTTP server on 127.0.0.1:0.
 *
 * @param handler - answers each request after its body was read.
 * @returns the running server.
 */
export function listen(handler: Handler): Promise<Running> {
  const requests: Recorded[] = []
  return started(createServer(recording(requests, handler)), 'http', requests)
}

/**
 * listenTLS starts an HTTPS server on 127.0.0.1:0.
 *
 * @param options - key, cert and client-auth settings.
 * @param handler - answers each request.
 * @returns the running server.
 */
export function listenTLS(options: ServerOptions, handler: Handler): Promise<Running> {
  const requests: Recorded[] = []
  return started(createHttpsServer(options, recording(requests, handler)), 'https', requests)
}

/** ProxyLog is what the test proxy saw. */
export interface ProxyLog {
  readonly connects: { target: string; proxyAuthorization: string | undefined }[]
  readonly forwards: { url: string; proxyAuthorization: string | undefined }[]
}

/**
 * listenProxy starts a forward proxy: absolute-URI requests are relayed, CONNECT is tunnelled.
 *
 * @returns the running proxy and its log.
 */
export async function listenProxy(): Promise<Running & { log: ProxyLog }> {
  const log: ProxyLog = { connects: [], forwards: [] }
  const server = createServer((req, res) => {
    const proxyAuthorization = req.headers['proxy-authorization']
    log.forwards.push({ url: req.url ?? '', proxyAuthorization })
    const target = new URL(req.url ?? '')
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    delete headers['proxy-connection']
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    log.connects.push({
      target: req.url ?? '',
      proxyAuthorization: req.headers['proxy-authorization'],
    })
    const [host, port] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), host ?? '', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  const running = await started(server, 'http', [])
  return { ...running, log }
}

/** Certs are PEM files in a temporary directory; remove them with `cleanup`. */
export interface Certs {
  readonly dir: string
  readonly caFile: string
  readonly serverCertFile: string
  readonly serverKeyFile: string
  readonly clientCertFile: string
  readonly clientKeyFile: string
  /** A second, unrelated CA. */
  readonly otherCaFile: string
  read(file: string): string
  cleanup(): void
}

/**
 * makeCerts creates a CA, a server certificate for `alertmesh.test` and 127.0.0.1, a client
 * certificate and an unrelated CA, with the openssl CLI.
 *
 * @returns the files.
 */
export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'alertmesh-tls-'))
  const { path, ca, leaf } = certificateMaker(dir)
  ca('ca', 'alertmesh test CA')
  ca('other-ca', 'other CA')
  writeFileSync(path('server.ext'), 'subjectAltName=DNS:alertmesh.test,IP:127.0.0.1\n')
  leaf('server', { signer: 'ca', ext: 'server.ext', subject: 'alertmesh.test' })
  leaf('client', { signer: 'ca', subject: 'alertmesh client' })
  return {
    dir,
    caFile: path('ca.crt'),
    serverCertFile: path('server.crt'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
    otherCaFile: path('other-ca.crt'),
    read: (file) => readFileSync(file, 'utf8'),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * httpConfig is a defaulted http_config (follow_redirects and enable_http2 on) with overrides.
 *
 * @param overrides - fields to set.
 * @returns the config.
 */
export function httpConfig(overrides: Partial<HttpClientConfig> = {}): HttpClientConfig {
  return {
    tls_config: { insecure_skip_verify: false },
    follow_redirects: true,
    enable_http2: true,
    ...overrides,
  }
}

/**
 * closedPort returns a port on 127.0.0.1 that nothing listens on (it was just released).
 *
 * @returns the port.
 */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve()
    })
  )
  return port
}
