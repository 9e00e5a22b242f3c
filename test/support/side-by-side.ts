// Runs Alertmanager 0.25 (Debian's binary) and alertmesh with the same config, each sending to
// its own capture server on 127.0.0.1, posts the same alerts to both and hands back what each
// sent: the differential tests of the receivers compare the two request by request.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { TLSSocket } from 'node:tls'

import { TestNode } from './node-process.js'
import { waitFor } from './wait.js'

/** ALERTMANAGER is Debian's Alertmanager 0.25, the reference. */
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager'

/** EXTERNAL_URL is both nodes' --web.external-url, so links in payloads are the same. */
export const EXTERNAL_URL = 'http://am.example.com:9093'

/** CapturedRequest is one request a node sent, as it arrived. */
export interface CapturedRequest {
  readonly method: string
  /** The path and query. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** Reply is how a capture server answers one request. */
export interface Reply {
  readonly status: number
  readonly body?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** CaptureServer records every request and answers as told. */
export class CaptureServer {
  readonly requests: CapturedRequest[] = []
  readonly #server: Server
  #url = ''

  private constructor(
    reply: (request: CapturedRequest, index: number) => Reply,
    connectTLS?: ConnectTLS
  ) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const request: CapturedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        }
        this.requests.push(request)
        const answer = reply(request, this.requests.length - 1)
        res.writeHead(answer.status, answer.headers).end(answer.body ?? '')
      })
    })
    if (connectTLS !== undefined) {
      // Used as a node's proxy_url, the server accepts CONNECT and terminates TLS itself with a
      // certificate for the tunnelled host: requests to fixed https endpoints (PagerDuty v1)
      // are captured like the others.
      this.#server.on('connect', (_req, socket: Socket) => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        const tls = new TLSSocket(socket, { isServer: true, ...connectTLS })
        this.#server.emit('connection', tls)
      })
    }
  }

  /** url is the base URL, `http://127.0.0.1:<port>` without a trailing slash. */
  get url(): string {
    return this.#url
  }

  /**
   * start listens on a free port of 127.0.0.1.
   *
   * @param reply - the answer to the `index`th request (default: 200 with an empty body).
   * @param connectTLS - key and certificate to answer CONNECT tunnels with, if any.
   * @returns the running server.
   */
  static async start(
    reply: (request: CapturedRequest, index: number) => Reply = () => ({ status: 200 }),
    connectTLS?: ConnectTLS
  ): Promise<CaptureServer> {
    const capture = new CaptureServer(reply, connectTLS)
    await new Promise<void>((resolve) => capture.#server.listen(0, '127.0.0.1', resolve))
    const { port } = capture.#server.address() as AddressInfo
    capture.#url = `http://127.0.0.1:${port}`
    return capture
  }

  /**
   * waitForRequests waits until at least `count` requests arrived.
   *
   * @param count - how many.
   * @param timeoutMs - how long to wait (generous: group_wait plus a loaded machine).
   * @returns the first `count` requests.
   */
  async waitForRequests(count: number, timeoutMs = 30_000): Promise<CapturedRequest[]> {
    await waitFor(
      `${count} requests at ${this.url} (have ${this.requests.length})`,
      () => (this.requests.length >= count ? true : undefined),
      { timeoutMs }
    )
    return this.requests.slice(0, count)
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections()
      this.#server.close(() => {
        resolve()
      })
    })
  }
}

/** ConnectTLS is the PEM key and certificate a capture server terminates CONNECT tunnels with. */
export interface ConnectTLS {
  readonly key: string
  readonly cert: string
}

/** Side is one of the two systems: its node and the capture server it sends to. */
export interface Side {
  readonly name: 'alertmanager' | 'alertmesh'
  readonly node: TestNode
  readonly capture: CaptureServer
}

/** SideBySideOptions describe one differential run. */
export interface SideBySideOptions {
  /**
   * The config, or a function making each side's (e.g. to point it at that side's SMTP
   * capture); every `{{CAPTURE}}` becomes the side's capture server URL
   * (`http://127.0.0.1:<port>`, no trailing slash), every `{{DIR}}` the side's directory (for
   * `*_file` paths that 0.25 reads relative to its working directory, not the config's).
   */
  readonly config: string | ((side: Side['name']) => string)
  /** Template files written next to the config; list them in `templates:` by file name. */
  readonly templates?: Readonly<Record<string, string>>
  /** Extra files written next to the config (e.g. `*_file` secrets), by name. */
  readonly files?: Readonly<Record<string, string>>
  /** How both capture servers answer (default 200, empty body). */
  readonly reply?: (request: CapturedRequest, index: number) => Reply
  /** Extra flags for both nodes. */
  readonly args?: readonly string[]
  /**
   * When set, each capture server also works as the nodes' `proxy_url`: it accepts CONNECT and
   * serves TLS with this key and certificate (trusted through `tls_config.ca_file`).
   */
  readonly connectTLS?: ConnectTLS
}

/**
 * SideBySide is Alertmanager 0.25 and alertmesh running the same config.
 *
 * @example
 * ```ts
 * const run = await SideBySide.start({ config: `route: {receiver: r, group_wait: 1s}
 * receivers: [{name: r, slack_configs: [{api_url: '{{CAPTURE}}/hook', channel: '#x'}]}]` })
 * await run.post([{ labels: { alertname: 'A' }, startsAt: '2024-01-01T00:00:00Z' }])
 * const [am, mesh] = await run.waitForRequests(1)
 * assertSameRequests(am, mesh)
 * ```
 */
export class SideBySide {
  readonly am: Side
  readonly mesh: Side

  private constructor(am: Side, mesh: Side) {
    this.am = am
    this.mesh = mesh
  }

  /**
   * start starts both nodes (clustering off, the same external URL) and their capture servers.
   *
   * @param options - config, templates, files, replies and flags.
   * @returns both sides, ready.
   */
  static async start(options: SideBySideOptions): Promise<SideBySide> {
    const started: (CaptureServer | TestNode)[] = []
    try {
      const side = async (name: Side['name']): Promise<Side> => {
        const capture = await CaptureServer.start(options.reply, options.connectTLS)
        started.push(capture)
        const dir = await mkdtemp(join(tmpdir(), `side-by-side-${name}-`))
        await mkdir(join(dir, 'data'), { recursive: true })
        const fill = (text: string): string =>
          text.replaceAll('{{CAPTURE}}', capture.url).replaceAll('{{DIR}}', dir)
        for (const [file, text] of Object.entries({ ...options.templates, ...options.files })) {
          await writeFile(join(dir, file), fill(text))
        }
        const node = await TestNode.start({
          dir,
          config: fill(typeof options.config === 'string' ? options.config : options.config(name)),
          args: [
            `--web.external-url=${EXTERNAL_URL}`,
            '--log.level=debug',
            ...(options.args ?? []),
          ],
          ...(name === 'alertmanager' ? { command: [ALERTMANAGER] } : {}),
        })
        started.push(node)
        return { name, node, capture }
      }
      const [am, mesh] = await Promise.all([side('alertmanager'), side('alertmesh')])
      return new SideBySide(am, mesh)
    } catch (err) {
      await Promise.allSettled(started.map((s) => s.stop()))
      throw err
    }
  }

  /**
   * post sends the same alerts to both nodes' POST /api/v2/alerts.
   *
   * @param alerts - postable alerts; give explicit startsAt (and endsAt) so both see the same.
   */
  async post(alerts: readonly unknown[]): Promise<void> {
    for (const side of [this.am, this.mesh]) {
      const response = await side.node.postAlerts(alerts)
      assert.equal(response.status, 200, `${side.name}: ${await response.text()}`)
    }
  }

  /**
   * waitForRequests waits until each capture server has `count` requests.
   *
   * @param count - how many.
   * @returns Alertmanager's and alertmesh's requests, in arrival order.
   */
  async waitForRequests(count: number): Promise<[CapturedRequest[], CapturedRequest[]]> {
    const [am, mesh] = await Promise.all([
      this.am.capture.waitForRequests(count),
      this.mesh.capture.waitForRequests(count),
    ])
    return [am, mesh]
  }

  /** stop stops both nodes and both capture servers. */
  async stop(): Promise<void> {
    await Promise.allSettled([this.am, this.mesh].map((s) => s.node.stop()))
    await Promise.allSettled([this.am, this.mesh].map((s) => s.capture.stop()))
  }
}

/**
 * sideBySideForSuite starts a {@link SideBySide} run before the tests of the enclosing `describe`
 * and stops it after them: the lifecycle every differential suite shares.
 *
 * @param options - as for {@link SideBySide.start}, or how to make them once the suite starts
 *   (e.g. after writing a key file or a certificate).
 * @returns the run, for the tests; it throws when called before the suite's `before` ran.
 * @example
 * ```ts
 * describe('side by side: slack', () => {
 *   const run = sideBySideForSuite({ config: CONFIG })
 *   it('shows the same config', () => assertSameConfigShown(run()))
 * })
 * ```
 */
export function sideBySideForSuite(
  options: SideBySideOptions | (() => Promise<SideBySideOptions>)
): () => SideBySide {
  let run: SideBySide | undefined
  before(async () => {
    run = await SideBySide.start(typeof options === 'function' ? await options() : options)
  })
  after(() => run?.stop())
  return () => {
    assert.ok(run !== undefined, 'the side-by-side run has not started')
    return run
  }
}

/** SAME_HEADERS are the headers every differential test compares. */
export const SAME_HEADERS: readonly string[] = ['content-type', 'user-agent', 'authorization']

/**
 * assertSameRequest checks that alertmesh sent what Alertmanager sent: method, path and query,
 * the named headers (absent on both counts as the same) and the body byte for byte. On a body
 * difference the message shows both bodies and the first differing offset.
 *
 * @param am - Alertmanager's request.
 * @param mesh - alertmesh's request.
 * @param headers - header names (lower case) to compare, default {@link SAME_HEADERS}.
 * @param what - names the request in the failure.
 */
export function assertSameRequest(
  am: CapturedRequest,
  mesh: CapturedRequest,
  headers: readonly string[] = SAME_HEADERS,
  what = 'request'
): void {
  assert.equal(mesh.method, am.method, `${what}: method`)
  assert.equal(mesh.path, am.path, `${what}: path`)
  for (const name of headers) {
    assert.equal(mesh.headers[name], am.headers[name], `${what}: header ${name}`)
  }
  if (!mesh.body.equals(am.body)) {
    let offset = 0
    while (offset < am.body.length && am.body[offset] === mesh.body[offset]) {
      offset++
    }
    assert.fail(
      `${what}: bodies differ at byte ${offset}\n` +
        `alertmanager: ${am.body.toString('utf8')}\n` +
        `alertmesh:    ${mesh.body.toString('utf8')}`
    )
  }
}

/**
 * assertSameRequests compares two request lists pairwise, after checking their lengths.
 *
 * @param am - Alertmanager's requests.
 * @param mesh - alertmesh's requests.
 * @param headers - header names to compare.
 */
export function assertSameRequests(
  am: readonly CapturedRequest[],
  mesh: readonly CapturedRequest[],
  headers: readonly string[] = SAME_HEADERS
): void {
  assert.equal(mesh.length, am.length, 'number of requests')
  am.forEach((request, i) => {
    assertSameRequest(request, mesh[i] as CapturedRequest, headers, `request ${i}`)
  })
}
