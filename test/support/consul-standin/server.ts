// The stand-in's HTTP server: Consul's /v1 routes for KV, the local agent, health, catalog and
// status, plus the /_standin/ control routes. Request handling mirrors Consul's HTTP layer
// (agent/http.go): Go's ServeMux first (301 to a clean path, 404 with an empty body for unknown
// paths, 405 for a wrong method), then per-endpoint parsing, datacenter, ACL and the operation.
// Endpoints backed by a server RPC (kv, health, catalog) carry X-Consul-Index,
// X-Consul-Knownleader and X-Consul-Lastcontact, with Go's canonical header casing; the
// agent-local endpoints and writes do not, as in Consul.

import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'

import type { AclTokenSpec, Authorizer } from './acl.js'
import { AclResolver, requestToken } from './acl.js'
import { parseServiceDefinition, LocalAgent } from './agent.js'
import { BlockingHub, RaftIndex, queryTimeMs } from './blocking.js'
import { Catalog } from './catalog.js'
import type { CheckStatus } from './catalog.js'
import { parseGoDuration } from './duration.js'
import { FaultInjector, RequestLog } from './faults.js'
import type {
  DropRule,
  FailRule,
  InterceptHook,
  LatencyRule,
  RequestFilter,
  RequestOutcome,
  RequestRecord,
} from './faults.js'
import { HttpError } from './http-error.js'
import {
  cleanPath,
  decodePath,
  goEncodeQuery,
  parseGoBool,
  parseGoUint64,
  readBody,
  send,
  sendJson,
  sendText,
} from './http-util.js'
import { KvStore } from './kv.js'
import type { KvEntry } from './kv.js'

/** KV_MAX_VALUE_SIZE is Consul's kv_max_value_size default: 512 KiB. */
export const KV_MAX_VALUE_SIZE = 512 * 1024

/** StandinOptions configure a stand-in. Every field is optional. */
export interface StandinOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  readonly port?: number
  /**
   * Test-only: the address to listen on instead of 127.0.0.1, for nodes in network namespaces
   * (test/support/netns.ts), which reach the root namespace at an address of their network only.
   * @defaultValue '127.0.0.1'
   */
  readonly host?: string
  /** The one datacenter; `?dc=` naming another fails like Consul. @defaultValue 'dc1' */
  readonly datacenter?: string
  /** The node name. @defaultValue the host name, as Consul's default */
  readonly nodeName?: string
  /**
   * Accepted tokens; when set, ACLs are enabled with default policy deny. A string is a
   * management token, an object a token with limited rights.
   */
  readonly aclTokens?: readonly AclTokenSpec[]
  /** Test-only: how often the reaper runs. Consul: 30 s. @defaultValue 30000 */
  readonly reapIntervalMs?: number
  /**
   * Test-only: the floor for DeregisterCriticalServiceAfter. Consul: 1 minute.
   * @defaultValue 60000
   */
  readonly minDeregisterMs?: number
  /**
   * Test-only: Consul's check_update_interval, the delay before an output-only check change
   * reaches the catalog; 0 syncs at once. @defaultValue 300000
   */
  readonly checkUpdateIntervalMs?: number
  /** Test-only: the floor for HTTP check intervals. Consul: 1 s. @defaultValue 1000 */
  readonly minCheckIntervalMs?: number
}

/** RestartOptions say what a restart keeps. */
export interface RestartOptions {
  /** Forget KV, services and checks and start the index over, as a fresh `consul agent -dev`. */
  readonly loseState: boolean
  /** Stay down (connections refused) this long before listening again. @defaultValue 0 */
  readonly downMs?: number
}

/** KvSnapshotEntry is one key as kvSnapshot() shows it. */
export interface KvSnapshotEntry {
  /** The value as UTF-8, or null when empty. */
  readonly value: string | null
  /** The uint64 flags, as a decimal string. */
  readonly flags: string
  readonly createIndex: number
  readonly modifyIndex: number
}

type Route = (ctx: Ctx) => Promise<void> | void

interface RouteSpec {
  readonly pattern: string
  readonly methods: readonly string[]
  readonly handle: Route
}

interface MutableRecord {
  method: string
  path: string
  query: Record<string, string>
  endpoint: string
  subject: string | undefined
  blocking: boolean
  startedAtMs: number
  outcome: RequestOutcome | undefined
}

interface Ctx {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  /** The query string as sent, which a redirect keeps byte for byte like Go's. */
  readonly rawQuery: string
  readonly signal: AbortSignal
  readonly record: MutableRecord
}

interface ReadOptions {
  readonly minIndex: number
  readonly waitMs: number | undefined
  readonly consistency: 'leader' | 'stale' | 'consistent'
}

const JSON_TYPE = 'application/json'

function dirEntryJson(e: KvEntry): string {
  // Built by hand so uint64 Flags keep every digit, as Go's encoder writes them.
  return (
    `{"LockIndex":${e.lockIndex},"Key":${JSON.stringify(e.key)},"Flags":${e.flags.toString()},` +
    `"Value":${e.value === null ? 'null' : JSON.stringify(e.value.toString('base64'))},` +
    (e.session === '' ? '' : `"Session":${JSON.stringify(e.session)},`) +
    `"CreateIndex":${e.createIndex},"ModifyIndex":${e.modifyIndex}}`
  )
}

/** ENDPOINTS names Consul's routes for the request log, longest prefix first. */
const ENDPOINTS: readonly (readonly [string, string])[] = [
  ['/v1/agent/service/deregister/', 'agent.service.deregister'],
  ['/v1/agent/service/register', 'agent.service.register'],
  ['/v1/agent/check/update/', 'agent.check.update'],
  ['/v1/agent/check/pass/', 'agent.check.pass'],
  ['/v1/agent/check/warn/', 'agent.check.warn'],
  ['/v1/agent/check/fail/', 'agent.check.fail'],
  ['/v1/catalog/services', 'catalog.services'],
  ['/v1/catalog/service/', 'catalog.service'],
  ['/v1/health/service/', 'health.service'],
  ['/v1/agent/services', 'agent.services'],
  ['/v1/status/leader', 'status.leader'],
  ['/v1/agent/checks', 'agent.checks'],
  ['/v1/status/peers', 'status.peers'],
  ['/v1/agent/self', 'agent.self'],
]

/**
 * classify names the endpoint a request is for and what it is about (a KV key, a service or
 * check ID), before any fault applies, so dropped and failed requests are logged usefully.
 */
function classify(
  method: string,
  path: string,
  query: URLSearchParams
): { endpoint: string; subject: string | undefined } {
  if (path.startsWith('/v1/kv/')) {
    const subject = path.slice('/v1/kv/'.length)
    switch (method) {
      case 'GET':
        return {
          endpoint: query.has('keys') ? 'kv.keys' : query.has('recurse') ? 'kv.list' : 'kv.get',
          subject,
        }
      case 'PUT':
        return { endpoint: 'kv.put', subject }
      case 'DELETE':
        return { endpoint: 'kv.delete', subject }
      default:
        return { endpoint: 'kv', subject }
    }
  }
  for (const [prefix, endpoint] of ENDPOINTS) {
    if (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix) {
      const rest = path.slice(prefix.length)
      return { endpoint, subject: rest === '' ? undefined : rest }
    }
  }
  return { endpoint: 'unknown', subject: undefined }
}

/**
 * decodeJsonBody parses a JSON request body, failing with Consul's decodeBody wording (Go's
 * decoder reports an empty body as EOF).
 */
function decodeJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8')
  if (text.trim() === '') {
    throw new HttpError(400, 'Request decode failed: EOF')
  }
  try {
    return JSON.parse(text)
  } catch (err: unknown) {
    throw new HttpError(
      400,
      `Request decode failed: ${err instanceof Error ? err.message : String(err)}`
    )
  }
}

function numberField(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name]
  if (v === undefined) {
    return undefined
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new HttpError(400, `${name} must be a non-negative number`)
  }
  return v
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name]
  if (v === undefined) {
    return undefined
  }
  if (typeof v !== 'string') {
    throw new HttpError(400, `${name} must be a string`)
  }
  return v
}

/**
 * ConsulStandin is a Consul agent look-alike for tests: one node, one datacenter, in memory,
 * listening on 127.0.0.1, with fault injection for the failure modes a Consul client must
 * survive. Start it with startConsulStandin().
 */
export class ConsulStandin {
  readonly #datacenter: string
  readonly #nodeName: string
  readonly #acl: AclResolver
  readonly #raft = new RaftIndex()
  readonly #hub = new BlockingHub()
  readonly #kv: KvStore
  readonly #catalog: Catalog
  readonly #agent: LocalAgent
  readonly #faults = new FaultInjector()
  readonly #log = new RequestLog()
  #intercept: InterceptHook | undefined
  readonly #startedAt = performance.now()
  readonly #routes: RouteSpec[]
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  #port: number
  readonly #host: string
  #stopped = false
  #restarting: Promise<void> | undefined

  private constructor(options: StandinOptions) {
    this.#datacenter = options.datacenter ?? 'dc1'
    this.#nodeName = options.nodeName ?? hostname()
    this.#port = options.port ?? 0
    this.#host = options.host ?? '127.0.0.1'
    this.#acl = new AclResolver(options.aclTokens)
    this.#kv = new KvStore(this.#raft)
    this.#catalog = new Catalog(this.#raft, this.#nodeName, this.#datacenter)
    this.#agent = new LocalAgent(this.#catalog, {
      nodeName: this.#nodeName,
      datacenter: this.#datacenter,
      reapIntervalMs: options.reapIntervalMs ?? 30_000,
      minDeregisterMs: options.minDeregisterMs ?? 60_000,
      checkUpdateIntervalMs: options.checkUpdateIntervalMs ?? 300_000,
      minCheckIntervalMs: options.minCheckIntervalMs ?? 1_000,
      onChange: () => {
        this.#hub.changed()
      },
    })
    this.#catalog.bootstrap()
    this.#routes = this.#buildRoutes()
  }

  /**
   * start creates a stand-in and waits until it listens.
   *
   * @param options - see StandinOptions.
   * @returns the running stand-in.
   */
  static async start(options: StandinOptions = {}): Promise<ConsulStandin> {
    const standin = new ConsulStandin(options)
    await standin.#listen()
    standin.#agent.start()
    return standin
  }

  /** port is the TCP port on 127.0.0.1. */
  get port(): number {
    return this.#port
  }

  /** address is `127.0.0.1:PORT`, the form CONSUL_HTTP_ADDR takes. */
  get address(): string {
    return `${this.#host}:${this.#port}`
  }

  /** url is `http://127.0.0.1:PORT`. */
  get url(): string {
    return `http://${this.address}`
  }

  /** datacenter is the stand-in's only datacenter. */
  get datacenter(): string {
    return this.#datacenter
  }

  /** nodeName is the name of the stand-in's node. */
  get nodeName(): string {
    return this.#nodeName
  }

  /** raftIndex is the index of the last write. */
  get raftIndex(): number {
    return this.#raft.current
  }

  /** pendingBlockingQueries is how many blocking queries are parked right now. */
  get pendingBlockingQueries(): number {
    return this.#hub.pending
  }

  /**
   * failNext answers the next matching requests with an error (default 500 "No cluster leader").
   *
   * @param rule - count, status, body, path prefix.
   */
  failNext(rule: FailRule): void {
    this.#faults.failNext(rule)
  }

  /**
   * dropConnections destroys matching connections without an answer, for a number of requests
   * or a duration (one request when neither is given).
   *
   * @param rule - count, duration, path prefix.
   */
  dropConnections(rule: DropRule = {}): void {
    this.#faults.dropConnections(rule)
  }

  /**
   * setLatency delays matching requests before handling them; ms 0 removes the delay.
   *
   * @param rule - delay and path prefix.
   */
  setLatency(rule: LatencyRule): void {
    this.#faults.setLatency(rule)
  }

  /** clearFaults removes every fail, drop and latency rule, and the intercept hook. */
  clearFaults(): void {
    this.#faults.clear()
    this.#intercept = undefined
  }

  /**
   * intercept installs a hook that sees each request after the fault rules and may answer it
   * itself or hold it (see InterceptHook); undefined removes it. Not part of Consul's API.
   *
   * @param hook - the hook.
   */
  intercept(hook: InterceptHook | undefined): void {
    this.#intercept = hook
  }

  /**
   * resetIndex moves the Raft index back, as a snapshot restore does: every index above `to`
   * becomes `to` (data is kept), the next write gets `to + 1`, and parked blocking queries are
   * answered at once with their now lower index.
   *
   * @param to - the new current index (at least 1).
   */
  resetIndex(to: number): void {
    this.#raft.reset(to)
    this.#kv.clampIndexes(this.#raft.current)
    this.#catalog.clampIndexes(this.#raft.current)
    this.#hub.abandon()
  }

  /**
   * reapTombstones drops KV tombstones, as Consul's tombstone GC does after tombstone_ttl: a
   * prefix whose newest change was a delete then reports a lower index.
   */
  reapTombstones(): void {
    this.#kv.reapTombstones()
    this.#hub.changed()
  }

  /**
   * reap runs the DeregisterCriticalServiceAfter reaper now instead of waiting for its timer.
   */
  reap(): void {
    this.#agent.reap()
  }

  /**
   * restart closes the listener and every connection (pending blocking queries are cut without
   * an answer), optionally forgets all state, and listens again on the same port.
   *
   * @param options - whether state is lost, and how long to stay down.
   */
  async restart(options: RestartOptions): Promise<void> {
    if (this.#stopped) {
      throw new Error('consul stand-in is stopped')
    }
    if (this.#restarting !== undefined) {
      await this.#restarting
    }
    this.#restarting = (async () => {
      await this.#close()
      this.#agent.stop()
      if (options.loseState) {
        this.#agent.clear()
        this.#kv.clear()
        this.#catalog.clear()
        this.#raft.reset(1)
        this.#catalog.bootstrap()
      }
      if ((options.downMs ?? 0) > 0) {
        await sleep(options.downMs)
      }
      await this.#listen()
      this.#agent.start()
    })()
    try {
      await this.#restarting
    } finally {
      this.#restarting = undefined
    }
  }

  /** stop closes the listener and all connections and halts every timer; idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) {
      return
    }
    this.#stopped = true
    await this.#restarting?.catch(() => undefined)
    this.#agent.stop()
    await this.#close()
  }

  /**
   * kvSnapshot returns every key with its value as text.
   *
   * @returns key → entry, in key order.
   */
  kvSnapshot(): Record<string, KvSnapshotEntry> {
    const out: Record<string, KvSnapshotEntry> = {}
    for (const e of this.#kv.all()) {
      out[e.key] = {
        value: e.value === null ? null : e.value.toString('utf8'),
        flags: e.flags.toString(),
        createIndex: e.createIndex,
        modifyIndex: e.modifyIndex,
      }
    }
    return out
  }

  /**
   * requests lists logged requests (oldest first); control requests are not logged.
   *
   * @param filter - fields that must match.
   * @returns the records.
   */
  requests(filter: RequestFilter = {}): RequestRecord[] {
    return this.#log.list(filter)
  }

  /**
   * kvGets counts single-key GETs of `key`, blocking (`?index` > 0) and not.
   *
   * @param key - the KV key.
   * @returns the counts.
   */
  kvGets(key: string): { blocking: number; nonBlocking: number } {
    const gets = this.#log.list({ endpoint: 'kv.get', subject: key })
    const blocking = gets.filter((r) => r.blocking).length
    return { blocking, nonBlocking: gets.length - blocking }
  }

  /** resetStats forgets the request log. */
  resetStats(): void {
    this.#log.clear()
  }

  async #listen(): Promise<void> {
    const server = createServer({ keepAliveTimeout: 0, requestTimeout: 0 }, (req, res) => {
      void this.#handle(req, res)
    })
    server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address()
    if (typeof address === 'object' && address !== null) {
      this.#port = address.port
    }
    this.#server = server
  }

  async #close(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (server === undefined) {
      return
    }
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve()
      })
    })
    for (const socket of this.#sockets) {
      socket.destroy()
    }
    this.#sockets.clear()
    await closed
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    const rawPath = q === -1 ? raw : raw.slice(0, q)
    const rawQuery = q === -1 ? '' : raw.slice(q + 1)
    const query = new URLSearchParams(rawQuery)
    const path = decodePath(rawPath)
    const method = req.method ?? 'GET'
    if (path === undefined) {
      sendText(res, 400, '400 Bad Request')
      return
    }
    if (path.startsWith('/_standin/')) {
      await this.#control(req, res, path, query)
      return
    }
    const controller = new AbortController()
    res.on('close', () => {
      controller.abort()
    })
    const record: MutableRecord = {
      method,
      path,
      query: Object.fromEntries(query),
      ...classify(method, path, query),
      blocking: /^\d+$/.test(query.get('index') ?? '') && BigInt(query.get('index') ?? '0') > 0n,
      startedAtMs: performance.now() - this.#startedAt,
      outcome: undefined,
    }
    res.on('close', () => {
      this.#log.add({
        ...record,
        durationMs: performance.now() - this.#startedAt - record.startedAtMs,
        status: res.headersSent ? res.statusCode : undefined,
        outcome: record.outcome ?? (res.writableFinished ? 'answered' : 'aborted'),
      })
    })
    const decision = this.#faults.decide(path)
    if (decision.drop) {
      record.outcome = 'dropped'
      req.socket.destroy()
      return
    }
    if (decision.delayMs > 0) {
      await sleep(decision.delayMs)
      if (controller.signal.aborted) {
        return
      }
    }
    if (decision.fail !== undefined) {
      record.outcome = 'failed'
      sendText(res, decision.fail.status, decision.fail.body)
      return
    }
    const ctx: Ctx = { req, res, method, path, query, rawQuery, signal: controller.signal, record }
    const proceed = (): void => {
      void this.#answer(ctx)
    }
    if (this.#intercept?.({ method, path, query, headers: req.headers }, res, proceed) === true) {
      return
    }
    await this.#answer(ctx)
  }

  async #answer(ctx: Ctx): Promise<void> {
    const { res } = ctx
    try {
      await this.#dispatch(ctx)
    } catch (err: unknown) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (err instanceof HttpError) {
        sendText(res, err.status, err.message)
      } else {
        sendText(res, 500, err instanceof Error ? err.message : String(err))
      }
    }
  }

  async #dispatch(ctx: Ctx): Promise<void> {
    const { res, method, path, rawQuery } = ctx
    // Go's ServeMux: redirect unclean paths, then pick the longest matching pattern.
    const clean = cleanPath(path)
    if (clean !== path) {
      this.#redirect(ctx, clean + (rawQuery === '' ? '' : `?${rawQuery}`))
      return
    }
    let best: RouteSpec | undefined
    for (const route of this.#routes) {
      const matches = route.pattern.endsWith('/')
        ? path.startsWith(route.pattern)
        : path === route.pattern
      if (matches && (best === undefined || route.pattern.length > best.pattern.length)) {
        best = route
      }
    }
    if (best === undefined) {
      if (this.#routes.some((r) => r.pattern === `${path}/`)) {
        this.#redirect(ctx, `${path}/`)
        return
      }
      send(res, 404, '')
      return
    }
    res.setHeader('X-Consul-Default-Acl-Policy', this.#acl.defaultPolicy)
    if (method === 'OPTIONS') {
      res.setHeader('Allow', ['OPTIONS', ...best.methods].join(','))
      send(res, 200, '')
      return
    }
    if (!best.methods.includes(method)) {
      res.setHeader('Allow', ['OPTIONS', ...best.methods].join(','))
      sendText(res, 405, `method ${method} not allowed`)
      return
    }
    await best.handle(ctx)
  }

  #redirect(ctx: Ctx, location: string): void {
    // http.Redirect writes a short HTML body only for GET and HEAD.
    ctx.res.setHeader('Location', location)
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      send(
        ctx.res,
        301,
        `<a href="${location}">Moved Permanently</a>.\n\n`,
        'text/html; charset=utf-8'
      )
    } else {
      send(ctx.res, 301, '')
    }
  }

  #buildRoutes(): RouteSpec[] {
    const checkUpdate =
      (prefix: string, status: CheckStatus): Route =>
      (ctx) => {
        this.#checkUpdate(ctx, ctx.path.slice(prefix.length), status, ctx.query.get('note') ?? '')
      }
    return [
      { pattern: '/v1/kv/', methods: ['GET', 'PUT', 'DELETE'], handle: (c) => this.#kvRoute(c) },
      {
        pattern: '/v1/agent/service/register',
        methods: ['PUT'],
        handle: (c) => this.#register(c),
      },
      {
        pattern: '/v1/agent/service/deregister/',
        methods: ['PUT'],
        handle: (c) => {
          this.#deregister(c)
        },
      },
      {
        pattern: '/v1/agent/check/pass/',
        methods: ['PUT'],
        handle: checkUpdate('/v1/agent/check/pass/', 'passing'),
      },
      {
        pattern: '/v1/agent/check/warn/',
        methods: ['PUT'],
        handle: checkUpdate('/v1/agent/check/warn/', 'warning'),
      },
      {
        pattern: '/v1/agent/check/fail/',
        methods: ['PUT'],
        handle: checkUpdate('/v1/agent/check/fail/', 'critical'),
      },
      {
        pattern: '/v1/agent/check/update/',
        methods: ['PUT'],
        handle: (c) => this.#checkUpdateBody(c),
      },
      {
        pattern: '/v1/agent/services',
        methods: ['GET'],
        handle: (c) => {
          this.#agentServices(c)
        },
      },
      {
        pattern: '/v1/agent/checks',
        methods: ['GET'],
        handle: (c) => {
          this.#agentChecks(c)
        },
      },
      {
        pattern: '/v1/agent/self',
        methods: ['GET'],
        handle: (c) => {
          this.#agentSelf(c)
        },
      },
      {
        pattern: '/v1/health/service/',
        methods: ['GET'],
        handle: (c) => this.#healthService(c),
      },
      {
        pattern: '/v1/catalog/services',
        methods: ['GET'],
        handle: (c) => this.#catalogServices(c),
      },
      {
        pattern: '/v1/catalog/service/',
        methods: ['GET'],
        handle: (c) => this.#catalogService(c),
      },
      {
        pattern: '/v1/status/leader',
        methods: ['GET'],
        handle: (c) => {
          this.#requireDatacenter(c)
          send(c.res, 200, JSON.stringify('127.0.0.1:8300'), JSON_TYPE)
        },
      },
      {
        pattern: '/v1/status/peers',
        methods: ['GET'],
        handle: (c) => {
          this.#requireDatacenter(c)
          sendJson(c.res, 200, ['127.0.0.1:8300'])
        },
      },
    ]
  }

  // ---- shared request parts ----

  #authorizer(ctx: Ctx): Authorizer {
    return this.#acl.resolve(requestToken(ctx.req, ctx.query))
  }

  /** #requireDatacenter fails like an RPC forwarded to a datacenter the server cannot reach. */
  #requireDatacenter(ctx: Ctx): void {
    const dc = ctx.query.get('dc')
    if (dc !== null && dc !== '' && dc !== this.#datacenter) {
      throw new HttpError(500, 'No path to datacenter')
    }
  }

  /** #readOptions is Consul's parseWait plus parseConsistency. */
  #readOptions(ctx: Ctx): ReadOptions {
    const { query } = ctx
    let waitMs: number | undefined
    const wait = query.get('wait')
    if (wait !== null && wait !== '') {
      waitMs = parseGoDuration(wait)
      if (waitMs === undefined) {
        throw new HttpError(400, 'Invalid wait time')
      }
    }
    let minIndex = 0
    const index = query.get('index')
    if (index !== null && index !== '') {
      const parsed = parseGoUint64(index)
      if (typeof parsed !== 'bigint') {
        throw new HttpError(400, 'Invalid index')
      }
      minIndex = Number(parsed)
    }
    const stale = query.has('stale')
    const consistent = query.has('consistent')
    if (stale && consistent) {
      throw new HttpError(400, 'Cannot specify ?stale with ?consistent, conflicting semantics.')
    }
    return { minIndex, waitMs, consistency: stale ? 'stale' : consistent ? 'consistent' : 'leader' }
  }

  /**
   * #blockingRead runs a read, and when `?index` asks for it, parks until the read's index moves
   * past it (see blocking.ts). Returns undefined when the client left while parked.
   */
  async #blockingRead<T>(
    ctx: Ctx,
    options: ReadOptions,
    run: () => { index: number; result: T }
  ): Promise<{ index: number; result: T } | undefined> {
    run()
    const outcome = await this.#hub.wait({
      minIndex: options.minIndex,
      waitMs: queryTimeMs(options.waitMs),
      index: () => Math.max(1, run().index),
      signal: ctx.signal,
    })
    if (outcome === 'aborted') {
      return undefined
    }
    const read = run()
    const index = Math.max(1, read.index)
    const { res } = ctx
    res.setHeader('X-Consul-Index', String(index))
    res.setHeader('X-Consul-Knownleader', 'true')
    res.setHeader('X-Consul-Lastcontact', '0')
    res.setHeader('X-Consul-Effective-Consistency', options.consistency)
    res.setHeader('X-Consul-Query-Backend', 'blocking-query')
    return { index, result: read.result }
  }

  #filteredHeader(ctx: Ctx, authz: Authorizer, filtered: boolean): void {
    // Set only when something was hidden, and never for anonymous requests so they learn
    // nothing (setResultsFilteredByACLs and maskResultsFilteredByACLs in Consul).
    if (authz.authenticated && filtered) {
      ctx.res.setHeader('X-Consul-Results-Filtered-By-Acls', 'true')
    }
  }

  // ---- KV ----

  async #kvRoute(ctx: Ctx): Promise<void> {
    const key = ctx.path.slice('/v1/kv/'.length)
    switch (ctx.method) {
      case 'GET':
        if (ctx.query.has('keys')) {
          await this.#kvKeys(ctx, key)
        } else if (ctx.query.has('recurse')) {
          await this.#kvList(ctx, key)
        } else {
          await this.#kvGet(ctx, key)
        }
        return
      case 'PUT':
        await this.#kvPut(ctx, key)
        return
      default:
        this.#kvDelete(ctx, key)
    }
  }

  async #kvGet(ctx: Ctx, key: string): Promise<void> {
    const options = this.#readOptions(ctx)
    if (key === '') {
      throw new HttpError(400, 'Missing key name')
    }
    this.#requireDatacenter(ctx)
    const authz = this.#authorizer(ctx)
    authz.require('key', 'read', key)
    const read = await this.#blockingRead(ctx, options, () => {
      const r = this.#kv.get(key)
      return { index: r.index, result: r.result }
    })
    if (read === undefined) {
      return
    }
    const entry = read.result
    if (entry === undefined) {
      send(ctx.res, 404, '')
      return
    }
    if (ctx.query.has('raw')) {
      // Consul's answer to CVE-2020-25864: never let a browser sniff a raw value.
      ctx.res.setHeader('X-Content-Type-Options', 'nosniff')
      ctx.res.setHeader('Content-Security-Policy', 'sandbox')
      send(ctx.res, 200, entry.value ?? Buffer.alloc(0), 'text/plain')
      return
    }
    send(ctx.res, 200, `[${dirEntryJson(entry)}]`, JSON_TYPE)
  }

  async #kvList(ctx: Ctx, prefix: string): Promise<void> {
    const options = this.#readOptions(ctx)
    this.#requireDatacenter(ctx)
    const authz = this.#authorizer(ctx)
    const visible = (k: string): boolean => authz.allowed('key', 'read', k)
    const read = await this.#blockingRead(ctx, options, () => this.#kv.list(prefix, visible))
    if (read === undefined) {
      return
    }
    this.#filteredHeader(ctx, authz, read.result.length !== this.#kv.list(prefix).result.length)
    if (read.result.length === 0) {
      send(ctx.res, 404, '')
      return
    }
    send(ctx.res, 200, `[${read.result.map(dirEntryJson).join(',')}]`, JSON_TYPE)
  }

  async #kvKeys(ctx: Ctx, prefix: string): Promise<void> {
    const options = this.#readOptions(ctx)
    // A historic misspelling Consul still honours; the right spelling wins.
    const separator = ctx.query.get('separator') ?? ctx.query.get('seperator') ?? ''
    this.#requireDatacenter(ctx)
    const authz = this.#authorizer(ctx)
    const visible = (k: string): boolean => authz.allowed('key', 'read', k)
    const read = await this.#blockingRead(ctx, options, () =>
      this.#kv.keys(prefix, separator, visible)
    )
    if (read === undefined) {
      return
    }
    this.#filteredHeader(
      ctx,
      authz,
      read.result.length !== this.#kv.keys(prefix, separator).result.length
    )
    if (read.result.length === 0 && prefix !== '') {
      send(ctx.res, 404, '')
      return
    }
    sendJson(ctx.res, 200, read.result)
  }

  #conflictingFlags(ctx: Ctx, ...flags: string[]): void {
    if (flags.filter((f) => ctx.query.has(f)).length > 1) {
      throw new HttpError(400, `Conflicting flags: ${goEncodeQuery(ctx.query)}\n`)
    }
  }

  #uintParam(ctx: Ctx, name: string): bigint | undefined {
    const raw = ctx.query.get(name)
    if (raw === null) {
      return undefined
    }
    const parsed = parseGoUint64(raw)
    if (typeof parsed !== 'bigint') {
      throw new HttpError(500, parsed.error)
    }
    return parsed
  }

  async #kvPut(ctx: Ctx, key: string): Promise<void> {
    if (key === '') {
      throw new HttpError(400, 'Missing key name')
    }
    this.#conflictingFlags(ctx, 'cas', 'acquire', 'release')
    const flags = this.#uintParam(ctx, 'flags') ?? 0n
    const cas = this.#uintParam(ctx, 'cas')
    const declared = Number(ctx.req.headers['content-length'] ?? -1)
    if (declared > KV_MAX_VALUE_SIZE) {
      throw this.#tooLarge(declared)
    }
    const { body, length } = await readBody(ctx.req, KV_MAX_VALUE_SIZE)
    if (length > KV_MAX_VALUE_SIZE) {
      // Consul only checks Content-Length; a chunked upload is refused here too (index.ts lists
      // the deviations).
      throw this.#tooLarge(length)
    }
    this.#requireDatacenter(ctx)
    this.#authorizer(ctx).require('key', 'write', key)
    const session = ctx.query.get('acquire') ?? ctx.query.get('release')
    if (session !== null) {
      // The stand-in has no sessions, so every lock operation names an unknown one.
      throw new HttpError(500, `invalid session ${JSON.stringify(session)}`)
    }
    const value = body.length === 0 ? null : body
    let ok = true
    if (cas === undefined) {
      this.#kv.set(key, value, flags)
    } else {
      ok = this.#kv.cas(key, value, flags, cas)
    }
    this.#hub.changed()
    sendJson(ctx.res, 200, ok)
  }

  #tooLarge(length: number): HttpError {
    return new HttpError(
      413,
      `Request body(${length} bytes) too large, max size: ${KV_MAX_VALUE_SIZE} bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.`
    )
  }

  #kvDelete(ctx: Ctx, key: string): void {
    this.#conflictingFlags(ctx, 'recurse', 'cas')
    const recurse = ctx.query.has('recurse')
    if (!recurse && key === '') {
      throw new HttpError(400, 'Missing key name')
    }
    const cas = this.#uintParam(ctx, 'cas')
    this.#requireDatacenter(ctx)
    this.#authorizer(ctx).require('key', 'write', key)
    let ok = true
    if (recurse) {
      this.#kv.deleteTree(key)
    } else if (cas !== undefined) {
      ok = this.#kv.deleteCas(key, cas)
    } else {
      this.#kv.delete(key)
    }
    this.#hub.changed()
    sendJson(ctx.res, 200, ok)
  }

  // ---- agent ----

  async #register(ctx: Ctx): Promise<void> {
    const def = parseServiceDefinition(decodeJsonBody((await readBody(ctx.req)).body))
    ctx.record.subject = def.id
    const authz = this.#authorizer(ctx)
    authz.require('service', 'write', def.name)
    const replace = ctx.query.getAll('replace-existing-checks')
    const replaceExisting = replace.length > 0 && (replace[0] === '' || replace[0] === 'true')
    this.#agent.register(def, replaceExisting)
    send(ctx.res, 200, '')
  }

  #deregister(ctx: Ctx): void {
    const id = ctx.path.slice('/v1/agent/service/deregister/'.length)
    const authz = this.#authorizer(ctx)
    const existing = this.#agent.service(id)
    if (existing !== undefined) {
      authz.require('service', 'write', existing.name)
    }
    this.#agent.deregister(id)
    send(ctx.res, 200, '')
  }

  #checkUpdate(ctx: Ctx, id: string, status: CheckStatus, output: string): void {
    const authz = this.#authorizer(ctx)
    const serviceName = this.#agent.checkServiceName(id)
    if (serviceName !== undefined) {
      if (serviceName === '') {
        authz.require('node', 'write', this.#nodeName)
      } else {
        authz.require('service', 'write', serviceName)
      }
    }
    this.#agent.updateTtl(id, status, output)
    send(ctx.res, 200, '')
  }

  async #checkUpdateBody(ctx: Ctx): Promise<void> {
    const parsed = decodeJsonBody((await readBody(ctx.req)).body)
    // mapstructure matches field names case-insensitively.
    const fields = new Map<string, unknown>(
      typeof parsed === 'object' && parsed !== null
        ? Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v])
        : []
    )
    const status = fields.get('status')
    const output = fields.get('output')
    if (status !== 'passing' && status !== 'warning' && status !== 'critical') {
      throw new HttpError(
        400,
        `Invalid check status: '${typeof status === 'string' ? status : ''}'`
      )
    }
    this.#checkUpdate(
      ctx,
      ctx.path.slice('/v1/agent/check/update/'.length),
      status,
      typeof output === 'string' ? output : ''
    )
  }

  #agentServices(ctx: Ctx): void {
    const authz = this.#authorizer(ctx)
    const { result, filtered } = this.#agent.servicesJson((name) =>
      authz.allowed('service', 'read', name)
    )
    this.#filteredHeader(ctx, authz, filtered)
    sendJson(ctx.res, 200, result)
  }

  #agentChecks(ctx: Ctx): void {
    const authz = this.#authorizer(ctx)
    const { result, filtered } = this.#agent.checksJson((name) =>
      name === ''
        ? authz.allowed('node', 'read', this.#nodeName)
        : authz.allowed('service', 'read', name)
    )
    this.#filteredHeader(ctx, authz, filtered)
    sendJson(ctx.res, 200, result)
  }

  #agentSelf(ctx: Ctx): void {
    this.#authorizer(ctx).require('agent', 'read', this.#nodeName)
    sendJson(ctx.res, 200, {
      Config: {
        Datacenter: this.#datacenter,
        PrimaryDatacenter: this.#datacenter,
        NodeName: this.#nodeName,
        NodeID: '',
        Revision: 'standin',
        Server: true,
        Version: '1.0.0-standin',
      },
      DebugConfig: {},
      Coord: null,
      Member: {
        Name: this.#nodeName,
        Addr: '127.0.0.1',
        Port: 8301,
        Tags: { dc: this.#datacenter, role: 'consul' },
        Status: 1,
      },
      Stats: {},
      Meta: { 'consul-network-segment': '' },
    })
  }

  // ---- health and catalog ----

  async #healthService(ctx: Ctx): Promise<void> {
    const options = this.#readOptions(ctx)
    const name = ctx.path.slice('/v1/health/service/'.length)
    if (name === '') {
      throw new HttpError(400, 'Missing service name')
    }
    let passing = false
    if (ctx.query.has('passing')) {
      const raw = ctx.query.get('passing') ?? ''
      const parsed = raw === '' ? true : parseGoBool(raw)
      if (parsed === undefined) {
        throw new HttpError(400, 'Invalid value for ?passing')
      }
      passing = parsed
    }
    const tags = ctx.query.getAll('tag')
    this.#requireDatacenter(ctx)
    const authz = this.#authorizer(ctx)
    const visible =
      authz.allowed('service', 'read', name) && authz.allowed('node', 'read', this.#nodeName)
    const read = await this.#blockingRead(ctx, options, () =>
      this.#catalog.healthService(name, { passing, tags, visible })
    )
    if (read === undefined) {
      return
    }
    sendJson(ctx.res, 200, read.result)
  }

  async #catalogServices(ctx: Ctx): Promise<void> {
    const options = this.#readOptions(ctx)
    this.#requireDatacenter(ctx)
    const authz = this.#authorizer(ctx)
    const read = await this.#blockingRead(ctx, options, () =>
      this.#catalog.services((n) => authz.allowed('service', 'read', n))
    )
    if (read === undefined) {
      return
    }
    sendJson(ctx.res, 200, read.result)
  }

  async #catalogService(ctx: Ctx): Promise<void> {
    const options = this.#readOptions(ctx)
    const name = ctx.path.slice('/v1/catalog/service/'.length)
    if (name === '') {
      throw new HttpError(400, 'Missing service name')
    }
    const tags = ctx.query.getAll('tag')
    this.#requireDatacenter(ctx)
    const authz = this.#authorizer(ctx)
    const visible =
      authz.allowed('service', 'read', name) && authz.allowed('node', 'read', this.#nodeName)
    const read = await this.#blockingRead(ctx, options, () =>
      this.#catalog.catalogService(name, { tags, visible })
    )
    if (read === undefined) {
      return
    }
    sendJson(ctx.res, 200, read.result)
  }

  // ---- control ----

  async #control(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams
  ): Promise<void> {
    try {
      const method = req.method ?? 'GET'
      let body: Record<string, unknown> = {}
      if (method === 'POST' || method === 'PUT') {
        const text = (await readBody(req)).body.toString('utf8')
        const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text)
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new HttpError(400, 'body must be a JSON object')
        }
        body = parsed as Record<string, unknown>
      }
      const action = `${method} ${path}`
      switch (action) {
        case 'GET /_standin/stats': {
          const filter: RequestFilter = {
            ...(query.has('endpoint') ? { endpoint: query.get('endpoint') ?? '' } : {}),
            ...(query.has('subject') ? { subject: query.get('subject') ?? '' } : {}),
          }
          sendJson(res, 200, {
            raftIndex: this.raftIndex,
            pendingBlockingQueries: this.pendingBlockingQueries,
            requests: this.requests(filter),
          })
          return
        }
        case 'GET /_standin/kv':
          sendJson(res, 200, this.kvSnapshot())
          return
        case 'POST /_standin/fail': {
          const status = numberField(body, 'status')
          const text = stringField(body, 'body')
          const pathPrefix = stringField(body, 'pathPrefix')
          this.failNext({
            count: numberField(body, 'count') ?? 1,
            ...(status === undefined ? {} : { status }),
            ...(text === undefined ? {} : { body: text }),
            ...(pathPrefix === undefined ? {} : { pathPrefix }),
          })
          break
        }
        case 'POST /_standin/drop': {
          const count = numberField(body, 'count')
          const durationMs = numberField(body, 'durationMs')
          const pathPrefix = stringField(body, 'pathPrefix')
          this.dropConnections({
            ...(count === undefined ? {} : { count }),
            ...(durationMs === undefined ? {} : { durationMs }),
            ...(pathPrefix === undefined ? {} : { pathPrefix }),
          })
          break
        }
        case 'POST /_standin/latency': {
          const pathPrefix = stringField(body, 'pathPrefix')
          this.setLatency({
            ms: numberField(body, 'ms') ?? 0,
            ...(pathPrefix === undefined ? {} : { pathPrefix }),
          })
          break
        }
        case 'POST /_standin/clear-faults':
          this.clearFaults()
          break
        case 'POST /_standin/reset-index':
          this.resetIndex(numberField(body, 'to') ?? 1)
          break
        case 'POST /_standin/reap-tombstones':
          this.reapTombstones()
          break
        case 'POST /_standin/reap':
          this.reap()
          break
        case 'POST /_standin/reset-stats':
          this.resetStats()
          break
        case 'POST /_standin/restart': {
          const downMs = numberField(body, 'downMs')
          const options: RestartOptions = {
            loseState: body['loseState'] === true,
            ...(downMs === undefined ? {} : { downMs }),
          }
          // Answer first: the restart closes this very connection.
          res.on('finish', () => {
            void this.restart(options).catch(() => undefined)
          })
          sendJson(res, 202, { restarting: true })
          return
        }
        default:
          sendText(res, 404, `unknown stand-in control ${action}`)
          return
      }
      sendJson(res, 200, { ok: true, raftIndex: this.raftIndex })
    } catch (err: unknown) {
      sendText(
        res,
        err instanceof HttpError ? err.status : 400,
        err instanceof Error ? err.message : String(err)
      )
    }
  }
}
