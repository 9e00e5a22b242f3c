// A small scripted Consul KV endpoint for the unit tests of src/consul: GET/PUT/DELETE on
// /v1/kv/<key> with recurse, cas, flags, X-Consul-Index, blocking via ?index&wait, an optional
// ACL token, and a hook to script any answer. It follows api-docs/kv.mdx and
// features/blocking.mdx only as far as these tests need; the full stand-in lives in
// test/support/consul-standin.
import { EventEmitter } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before } from 'node:test'

import { ConsulClient } from '../../../src/consul/index.js'

/** Recorded is one request as the server saw it. */
export interface Recorded {
  readonly method: string
  /** The key, percent-decoded, without `/v1/kv/`. */
  readonly key: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

interface Entry {
  value: Buffer
  flags: bigint
  createIndex: bigint
  modifyIndex: bigint
}

interface Waiter {
  readonly key: string
  readonly recurse: boolean
  readonly wake: () => void
}

/**
 * Script answers a request itself (return true) or leaves it to the KV logic (false). To hold a
 * request and let the KV logic answer it later, return true and call `proceed` when ready.
 */
export type Script = (recorded: Recorded, res: ServerResponse, proceed: () => void) => boolean

/** FakeConsul is a Consul KV endpoint on 127.0.0.1 with an in-memory store. */
export class FakeConsul {
  readonly requests: Recorded[] = []
  /** Emits 'change' after every request arrives, is answered, or is dropped by the client. */
  readonly events = new EventEmitter()
  /** Requests whose client went away before the answer (e.g. an aborted long poll). */
  aborted = 0
  /** Blocking requests currently held. */
  waiting = 0
  script: Script | undefined
  readonly #server: Server
  readonly #store = new Map<string, Entry>()
  readonly #tombstones = new Map<string, bigint>()
  readonly #waiters = new Set<Waiter>()
  readonly #token: string | undefined
  #index = 10n

  private constructor(server: Server, token: string | undefined) {
    this.#server = server
    this.#token = token
  }

  /**
   * start listens on 127.0.0.1 at a free port.
   *
   * @param options - `token`: require this X-Consul-Token, else 403 "Permission denied".
   */
  static async start(options: { token?: string } = {}): Promise<FakeConsul> {
    const server = createServer()
    const fake = new FakeConsul(server, options.token)
    server.on('request', (req, res) => {
      fake.#handle(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return fake
  }

  /** url is the base URL to give ConsulClient (no /v1). */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  /** index is the last Raft index handed out. */
  get index(): bigint {
    return this.#index
  }

  /** setIndex moves the global index, e.g. past 2^53 or backwards as after a snapshot restore. */
  setIndex(index: bigint): void {
    this.#index = index
  }

  /** put stores a value as a client PUT would, waking blocked readers of that key. */
  put(key: string, value: string | Buffer, flags = 0n): bigint {
    this.#index++
    const old = this.#store.get(key)
    this.#store.set(key, {
      value: typeof value === 'string' ? Buffer.from(value) : value,
      flags,
      createIndex: old?.createIndex ?? this.#index,
      modifyIndex: this.#index,
    })
    this.#tombstones.delete(key)
    this.#wake(key)
    return this.#index
  }

  /** delete removes a key as a client DELETE would. */
  delete(key: string): void {
    if (this.#store.delete(key)) {
      this.#index++
      this.#tombstones.set(key, this.#index)
      this.#wake(key)
    }
  }

  /** get returns a stored value. */
  get(key: string): Buffer | undefined {
    return this.#store.get(key)?.value
  }

  /** count counts the recorded requests that match. */
  count(match: (r: Recorded) => boolean): number {
    return this.requests.filter(match).length
  }

  /**
   * until resolves once `check` holds, re-checking on every server event (no polling).
   *
   * @param what - names the condition in the timeout error.
   * @param check - the condition.
   * @param timeoutMs - how long to wait.
   */
  until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (check()) {
        resolve()
        return
      }
      const onChange = (): void => {
        if (check()) {
          cleanup()
          resolve()
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out waiting for ${what}`))
      }, timeoutMs)
      const cleanup = (): void => {
        clearTimeout(timer)
        this.events.off('change', onChange)
      }
      this.events.on('change', onChange)
    })
  }

  /** close stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const waiter of this.#waiters) {
      waiter.wake()
    }
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve()
      })
    )
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        key: decodeURIComponent(url.pathname.replace(/^\/v1\/kv\//, '')),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      this.requests.push(recorded)
      res.on('close', () => {
        if (!res.writableFinished) {
          this.aborted++
        }
        this.events.emit('change')
      })
      this.events.emit('change')
      const proceed = (): void => {
        this.#dispatch(req, recorded, res)
      }
      if (this.script?.(recorded, res, proceed) !== true) {
        proceed()
      }
    })
  }

  #dispatch(req: IncomingMessage, recorded: Recorded, res: ServerResponse): void {
    if (this.#token !== undefined && req.headers['x-consul-token'] !== this.#token) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Permission denied')
      return
    }
    switch (recorded.method) {
      case 'GET':
        this.#get(recorded, res)
        return
      case 'PUT':
        this.#put(recorded, res)
        return
      case 'DELETE':
        this.#delete(recorded, res)
        return
      default:
        res.writeHead(405).end()
    }
  }

  #get(r: Recorded, res: ServerResponse): void {
    const recurse = r.query.has('recurse')
    const wanted = r.query.get('index')
    const answer = (): void => {
      if (res.destroyed) {
        return
      }
      const entries = [...this.#store]
        .filter(([key]) => (recurse ? key.startsWith(r.key) : key === r.key))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      const index = this.#indexOf(r.key, recurse)
      if (entries.length === 0) {
        res.writeHead(404, { 'x-consul-index': index.toString() }).end()
        return
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-consul-index': index.toString() })
        .end(`[${entries.map(([key, e]) => entryJson(key, e)).join(',')}]`)
    }
    if (wanted === null || BigInt(wanted) < this.#indexOf(r.key, recurse)) {
      answer()
      return
    }
    // Block until something under the key changes or the wait runs out.
    const waiter: Waiter = {
      key: r.key,
      recurse,
      wake: () => {
        clearTimeout(timer)
        this.#waiters.delete(waiter)
        this.waiting--
        answer()
        this.events.emit('change')
      },
    }
    const timer = setTimeout(waiter.wake, parseWait(r.query.get('wait')))
    this.#waiters.add(waiter)
    this.waiting++
    res.on('close', () => {
      if (this.#waiters.delete(waiter)) {
        clearTimeout(timer)
        this.waiting--
        this.events.emit('change')
      }
    })
    this.events.emit('change')
  }

  #put(r: Recorded, res: ServerResponse): void {
    const cas = r.query.get('cas')
    const old = this.#store.get(r.key)
    if (cas !== null && BigInt(cas) !== (old?.modifyIndex ?? 0n)) {
      json(res, 'false')
      return
    }
    const flags = r.query.get('flags')
    this.put(r.key, r.body, flags === null ? 0n : BigInt(flags))
    json(res, 'true')
  }

  #delete(r: Recorded, res: ServerResponse): void {
    const cas = r.query.get('cas')
    if (cas !== null && BigInt(cas) !== this.#store.get(r.key)?.modifyIndex) {
      json(res, 'false')
      return
    }
    const keys = r.query.has('recurse')
      ? [...this.#store.keys()].filter((k) => k.startsWith(r.key))
      : [r.key]
    for (const key of keys) {
      this.delete(key)
    }
    json(res, 'true')
  }

  /** indexOf is the index a read reports: the newest change to a matching key, at least 1. */
  #indexOf(key: string, recurse: boolean): bigint {
    let index = 1n
    const matches = (k: string): boolean => (recurse ? k.startsWith(key) : k === key)
    for (const [k, e] of this.#store) {
      if (matches(k) && e.modifyIndex > index) {
        index = e.modifyIndex
      }
    }
    for (const [k, i] of this.#tombstones) {
      if (matches(k) && i > index) {
        index = i
      }
    }
    return index
  }

  #wake(changed: string): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.recurse ? changed.startsWith(waiter.key) : changed === waiter.key) {
        waiter.wake()
      }
    }
  }
}

function entryJson(key: string, e: Entry): string {
  // Built by hand so indexes above 2^53 go out as exact JSON integers, as Consul writes them.
  const value = e.value.length === 0 ? 'null' : JSON.stringify(e.value.toString('base64'))
  return (
    `{"LockIndex":0,"Key":${JSON.stringify(key)},"Flags":${e.flags},"Value":${value},` +
    `"CreateIndex":${e.createIndex},"ModifyIndex":${e.modifyIndex}}`
  )
}

function json(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(body)
}

/** parseWait reads the `wait` forms our client sends (`<n>ms`, `<n>s`); Consul's default 5m. */
function parseWait(wait: string | null): number {
  const m = /^(\d+)(ms|s)$/.exec(wait ?? '')
  if (m === null) {
    return 300_000
  }
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1)
}

/**
 * withFakeConsul starts a FakeConsul and a client on it before the suite's tests and closes
 * both after them, handing both to `use` (the suite keeps them in its own variables).
 *
 * @param use - receives the server and the client once they exist.
 */
export function withFakeConsul(use: (fake: FakeConsul, client: ConsulClient) => void): void {
  let fake: FakeConsul | undefined
  let client: ConsulClient | undefined
  before(async () => {
    fake = await FakeConsul.start()
    client = new ConsulClient({ baseUrl: fake.url })
    use(fake, client)
  })
  after(async () => {
    client?.close()
    await fake?.close()
  })
}
