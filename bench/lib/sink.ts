/**
 * A tiny webhook receiver on 127.0.0.1 that answers 200 to everything and counts what it got,
 * so targets have a real receiver to notify without the benchmark depending on the network.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'

/** SinkCounts is what the sink received since it started. */
export interface SinkCounts {
  readonly requests: number
  readonly bytes: number
}

/**
 * WebhookSink is a running sink; `url` goes into the targets' webhook_configs.
 */
export class WebhookSink {
  readonly url: string
  readonly #server: Server
  #requests = 0
  #bytes = 0

  private constructor(server: Server, port: number) {
    this.#server = server
    this.url = `http://127.0.0.1:${port}/webhook`
  }

  /**
   * start listens on a free port of 127.0.0.1.
   *
   * @param onRequest - called with each request's body and `performance.now()` when its last
   *   byte arrived, for benchmarks that time or identify notifications; without it the sink
   *   keeps no bodies.
   * @returns the running sink.
   */
  static async start(onRequest?: (body: Buffer, receivedMs: number) => void): Promise<WebhookSink> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const address = server.address()
    if (address === null || typeof address === 'string') {
      throw new Error('webhook sink has no port')
    }
    const sink = new WebhookSink(server, address.port)
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => {
        sink.#bytes += chunk.length
        if (onRequest !== undefined) {
          chunks.push(chunk)
        }
      })
      req.on('end', () => {
        sink.#requests++
        onRequest?.(Buffer.concat(chunks), performance.now())
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
      })
    })
    return sink
  }

  /**
   * counts returns the totals so far; phases diff two readings.
   *
   * @returns requests and body bytes received.
   */
  counts(): SinkCounts {
    return { requests: this.#requests, bytes: this.#bytes }
  }

  /** close stops listening and drops open keep-alive connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve()
      })
    )
  }
}
