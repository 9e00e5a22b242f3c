import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'

/** WebhookPayload is Alertmanager's v4 webhook body, as far as tests look at it. */
export interface WebhookPayload {
  readonly receiver: string
  readonly status: 'firing' | 'resolved'
  readonly alerts: readonly {
    readonly status: 'firing' | 'resolved'
    readonly labels: Record<string, string>
    readonly annotations: Record<string, string>
    readonly startsAt: string
    readonly endsAt: string
    readonly generatorURL: string
    readonly fingerprint: string
  }[]
  readonly groupLabels: Record<string, string>
  readonly commonLabels: Record<string, string>
  readonly commonAnnotations: Record<string, string>
  readonly externalURL: string
  readonly version: string
  readonly groupKey: string
  readonly truncatedAlerts: number
}

/** Delivery is one request the receiver got. */
export interface Delivery {
  /** Milliseconds since the receiver started. */
  readonly at: number
  readonly path: string
  /** The sender's address: which node sent it, when nodes have addresses of their own. */
  readonly from: string
  readonly headers: IncomingHttpHeaders
  readonly raw: string
  readonly payload: WebhookPayload
}

interface Waiter {
  readonly predicate: (d: Delivery) => boolean
  readonly resolve: (d: Delivery) => void
}

/**
 * WebhookReceiver is a real HTTP server on 127.0.0.1 that records every notification, so tests
 * check what a user's receiver would see. Tests await deliveries instead of sleeping.
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = []
  readonly #server: Server
  readonly #started = Date.now()
  #waiters: Waiter[] = []
  /** Status to answer with; tests flip it to simulate a failing receiver. */
  status = 200
  /**
   * Paths whose requests get their connection reset without an answer, as if the sender had
   * lost its route here: give each node its own path and cut off one node while the others
   * still deliver.
   */
  readonly unreachable = new Set<string>()
  /** Requests refused through {@link WebhookReceiver.unreachable}, with their path and time. */
  readonly refused: { readonly path: string; readonly at: number }[] = []

  readonly #host: string

  private constructor(server: Server, host: string) {
    this.#server = server
    this.#host = host
  }

  /**
   * start listens on a free port.
   *
   * @param host - the address to listen on (a fault test's root-namespace address).
   * @returns the receiver.
   */
  static async start(host = '127.0.0.1'): Promise<WebhookReceiver> {
    const server = createServer()
    const receiver = new WebhookReceiver(server, host)
    server.on('request', (req, res) => {
      const path = req.url ?? '/'
      if (receiver.unreachable.has(path)) {
        receiver.refused.push({ path, at: Date.now() - receiver.#started })
        req.socket.destroy()
        return
      }
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        res.statusCode = receiver.status
        res.end()
        if (receiver.status >= 300) {
          return
        }
        const delivery: Delivery = {
          at: Date.now() - receiver.#started,
          path,
          from: req.socket.remoteAddress ?? '',
          headers: req.headers,
          raw,
          payload: JSON.parse(raw) as WebhookPayload,
        }
        receiver.deliveries.push(delivery)
        receiver.#waiters = receiver.#waiters.filter((w) => {
          if (w.predicate(delivery)) {
            w.resolve(delivery)
            return false
          }
          return true
        })
      })
    })
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    return receiver
  }

  /** url is the base URL; append a path per webhook to tell webhooks apart. */
  get url(): string {
    const address = this.#server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    return `http://${this.#host}:${port}`
  }

  /** now is milliseconds since the receiver started, the clock of `Delivery.at`. */
  now(): number {
    return Date.now() - this.#started
  }

  /**
   * next resolves with the first delivery (already received or future) matching `predicate`
   * that arrives after `sinceIndex`.
   *
   * @param predicate - which delivery.
   * @param options - timeout and the index of deliveries to skip.
   * @returns the delivery.
   */
  next(
    predicate: (d: Delivery) => boolean = () => true,
    options: { timeoutMs?: number; sinceIndex?: number } = {}
  ): Promise<Delivery> {
    const existing = this.deliveries.slice(options.sinceIndex ?? 0).find(predicate)
    if (existing !== undefined) {
      return Promise.resolve(existing)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no matching webhook delivery within ${options.timeoutMs ?? 15_000} ms; got ${this.deliveries.length}`
          )
        )
      }, options.timeoutMs ?? 15_000)
      this.#waiters.push({
        predicate,
        resolve: (d) => {
          clearTimeout(timer)
          resolve(d)
        },
      })
    })
  }

  /**
   * on filters deliveries by path.
   *
   * @param path - the request path.
   * @returns the deliveries to that path.
   */
  on(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path)
  }

  /** stop closes the server. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections()
      this.#server.close(() => {
        resolve()
      })
    })
  }
}
