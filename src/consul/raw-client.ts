// The one file that touches the `consul` package. Its bundled types miss most of what a
// blocking query needs (index, wait, timeout, ctx, baseUrl, decoders), so the
// package is described here by the loose shapes we actually call, behind a single cast, and every
// answer is narrowed before it leaves this file.
import { EventEmitter } from 'node:events'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { AgentOptions } from 'node:https'

import Consul from 'consul'

import { parseJsonLossless } from './lossless-json.js'

/** RawTls is the TLS part of the settings, as the agent gets it. */
export interface RawTls {
  readonly ca?: Buffer
  readonly cert?: Buffer
  readonly key?: Buffer
  readonly serverName?: string
  readonly insecureSkipVerify?: boolean
}

/** RawClientOptions are validated settings: an http(s) origin plus optional path, no /v1. */
export interface RawClientOptions {
  readonly baseUrl: URL
  readonly token?: string
  readonly datacenter?: string
  readonly tls?: RawTls
}

/** RawCall bounds one request in time and lets the caller cancel it. */
export interface RawCall {
  readonly timeoutMs: number
  readonly signal?: AbortSignal | undefined
}

/**
 * RawResult is what one request came to, never thrown: the caller (client.ts) turns failures
 * into operator messages.
 */
export type RawResult =
  /** A 2xx answer, or a 404 to a KV read (a missing key is not an error). */
  | {
      readonly kind: 'ok'
      readonly status: number
      /** The raw X-Consul-Index header, when there was exactly one. */
      readonly index: string | undefined
      readonly body: unknown
    }
  /** Any other status; body is the response text, trimmed and shortened. */
  | { readonly kind: 'status'; readonly status: number; readonly body: string }
  /** No answer: connection refused or reset, DNS, TLS. */
  | { readonly kind: 'network'; readonly error: Error }
  | { readonly kind: 'timeout' }
  /** The caller's signal fired, or the client was closed. */
  | { readonly kind: 'aborted' }
  /** A 2xx whose body is not what the endpoint documents. */
  | { readonly kind: 'unreadable'; readonly detail: string }

/** A response body in an error message is cut to this many characters. */
const MAX_BODY_CHARS = 300
/**
 * Idle keep-alive sockets are dropped after this long, so a socket a load balancer silently
 * closed is not reused for the next call (node-consul #122). Requests in flight are unaffected:
 * each sets its own socket timeout.
 */
const IDLE_SOCKET_TIMEOUT_MS = 30_000

/** LooseOptions is an options bag as node-consul reads it (keys lower-cased, values as given). */
type LooseOptions = Readonly<Record<string, unknown>>

interface LooseKv {
  get(options: LooseOptions): Promise<unknown>
  set(options: LooseOptions): Promise<unknown>
  del(options: LooseOptions): Promise<unknown>
}

interface LooseAgent {
  readonly service: {
    register(options: LooseOptions): Promise<unknown>
    deregister(options: LooseOptions): Promise<unknown>
  }
}

interface LooseHealth {
  service(options: LooseOptions): Promise<unknown>
}

/** LooseRequest is a papi request description, as node-consul's own methods build them. */
interface LooseRequest {
  readonly name: string
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly type: 'json'
  readonly body: unknown
  readonly ctx: EventEmitter
  readonly timeout: number
}

interface LooseConsul {
  readonly kv: LooseKv
  readonly agent: LooseAgent
  readonly health: LooseHealth
  /** papi's request helper, which node-consul's methods call; resolves to the response. */
  _put(request: LooseRequest): Promise<unknown>
}

/** The constructor as it behaves at runtime (papi also takes baseUrl and decoders). */
const LooseConsulClass = Consul as unknown as new (options: LooseOptions) => LooseConsul

/** RawCheck is a service check in Consul's JSON field names, durations as Go strings. */
export interface RawCheck {
  readonly CheckID: string
  readonly Name: string
  readonly TTL?: string
  readonly HTTP?: string
  readonly Interval?: string
  readonly Timeout?: string
  readonly DeregisterCriticalServiceAfter: string
  readonly Status?: 'passing' | 'warning' | 'critical'
  readonly Output?: string
}

/** RawRegistration is a /v1/agent/service/register body in Consul's JSON field names. */
export interface RawRegistration {
  readonly ID: string
  readonly Name: string
  readonly Address: string
  readonly Port: number
  readonly Tags?: readonly string[]
  readonly Meta?: Readonly<Record<string, string>>
  readonly Check: RawCheck
}

/**
 * RawConsul issues KV, agent and health requests through node-consul with the `ctx`
 * EventEmitter hook (`includeResponse` to see X-Consul-Index, `'cancel'` to abort), over a
 * keep-alive agent that carries the TLS settings.
 */
export class RawConsul {
  readonly #agent: HttpAgent | HttpsAgent
  readonly #consul: LooseConsul
  readonly #kv: LooseKv
  readonly #token: string | undefined
  readonly #inFlight = new Set<() => void>()

  /**
   * RawConsul's constructor builds the agent and the node-consul client; it sends nothing.
   *
   * @param options - validated settings.
   */
  constructor(options: RawClientOptions) {
    const secure = options.baseUrl.protocol === 'https:'
    this.#agent = secure
      ? new HttpsAgent(buildAgentOptions(options.tls))
      : new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS })
    const path = options.baseUrl.pathname.replace(/\/+$/, '')
    const defaults: Record<string, string> = {}
    if (options.token !== undefined && options.token !== '') {
      defaults['token'] = options.token
    }
    if (options.datacenter !== undefined && options.datacenter !== '') {
      defaults['dc'] = options.datacenter
    }
    const consul = new LooseConsulClass({
      baseUrl: `${options.baseUrl.origin}${path}/v1`,
      agent: this.#agent,
      defaults,
      decoders: { 'application/json': decodeJson },
    })
    this.#consul = consul
    this.#kv = consul.kv
    this.#token = defaults['token']
  }

  /**
   * get reads one key, or every key under a prefix with `recurse`; values arrive as Buffers.
   *
   * @param key - the key or prefix, without a leading slash.
   * @param query - recurse, and the blocking `index`/`wait` pair when blocking.
   * @param call - timeout and cancellation.
   * @returns the outcome; on 404 `ok` with an undefined body.
   */
  get(
    key: string,
    query: { readonly recurse: boolean; readonly index?: string; readonly wait?: string },
    call: RawCall
  ): Promise<RawResult> {
    return this.#call(call, (ctx) =>
      this.#kv.get({
        key,
        buffer: true,
        ...(query.recurse ? { recurse: true } : {}),
        ...(query.index === undefined ? {} : { index: query.index }),
        ...(query.wait === undefined ? {} : { wait: query.wait }),
        ctx,
        timeout: call.timeoutMs,
      })
    )
  }

  /**
   * put writes a value; Consul answers `true` or `false` (a failed check-and-set).
   *
   * @param key - the key, without a leading slash.
   * @param value - the bytes to store.
   * @param query - `cas` and `flags` as decimal strings (uint64).
   * @param call - timeout and cancellation.
   * @returns the outcome.
   */
  put(
    key: string,
    value: Buffer,
    query: { readonly cas?: string; readonly flags?: string },
    call: RawCall
  ): Promise<RawResult> {
    return this.#call(call, (ctx) =>
      this.#kv.set({
        key,
        value,
        ...(query.cas === undefined ? {} : { cas: query.cas }),
        ...(query.flags === undefined ? {} : { flags: query.flags }),
        ctx,
        timeout: call.timeoutMs,
      })
    )
  }

  /**
   * del deletes a key, or every key under a prefix with `recurse`.
   *
   * @param key - the key or prefix, without a leading slash.
   * @param query - recurse, and `cas` as a decimal string.
   * @param call - timeout and cancellation.
   * @returns the outcome.
   */
  del(
    key: string,
    query: { readonly recurse: boolean; readonly cas?: string },
    call: RawCall
  ): Promise<RawResult> {
    return this.#call(call, (ctx) =>
      this.#kv.del({
        key,
        ...(query.recurse ? { recurse: true } : {}),
        ...(query.cas === undefined ? {} : { cas: query.cas }),
        ctx,
        timeout: call.timeoutMs,
      })
    )
  }

  /**
   * registerService is PUT /v1/agent/service/register. node-consul lower-cases the keys and
   * writes them back in Consul's spelling, so the PascalCase fields pass through unchanged.
   *
   * @param registration - the body, in Consul's field names.
   * @param call - timeout and cancellation.
   * @returns the outcome; Consul answers 200 with an empty body.
   */
  registerService(registration: RawRegistration, call: RawCall): Promise<RawResult> {
    return this.#call(call, (ctx) =>
      this.#consul.agent.service.register({ ...registration, ctx, timeout: call.timeoutMs })
    )
  }

  /**
   * deregisterService is PUT /v1/agent/service/deregister/:id.
   *
   * @param id - the service ID.
   * @param call - timeout and cancellation.
   * @returns the outcome; 404 when the agent does not know the ID.
   */
  deregisterService(id: string, call: RawCall): Promise<RawResult> {
    return this.#call(call, (ctx) =>
      this.#consul.agent.service.deregister({ id, ctx, timeout: call.timeoutMs })
    )
  }

  /**
   * updateCheck is PUT /v1/agent/check/update/:id with `{Status, Output}`. node-consul has only
   * pass/warn/fail, which carry the output in the query string; update takes it in the body,
   * so this goes through papi's request helper the way node-consul's own methods do, setting
   * the token header they would set. Agent endpoints ignore `?dc`, so none is sent.
   *
   * @param id - the check ID.
   * @param status - the new status.
   * @param output - the check output shown by Consul.
   * @param call - timeout and cancellation.
   * @returns the outcome; 404 or 500 when the agent has no TTL check by that ID.
   */
  updateCheck(
    id: string,
    status: 'passing' | 'warning' | 'critical',
    output: string,
    call: RawCall
  ): Promise<RawResult> {
    return this.#call(call, async (ctx) => {
      const response = await this.#consul._put({
        name: 'agent.check.update',
        path: '/agent/check/update/{id}',
        params: { id },
        headers: this.#token === undefined ? {} : { 'x-consul-token': this.#token },
        type: 'json',
        body: { Status: status, Output: output },
        ctx,
        timeout: call.timeoutMs,
      })
      // Without a middleware papi resolves to the bare response; shape it like node-consul's
      // includeResponse answers.
      return [response]
    })
  }

  /**
   * healthService is GET /v1/health/service/:name?passing, blocking when `index` is given.
   *
   * @param service - the service name.
   * @param query - `tag` to filter on, and the blocking `index`/`wait` pair when blocking.
   * @param call - timeout and cancellation.
   * @returns the outcome; the body is Consul's array of CheckServiceNode.
   */
  healthService(
    service: string,
    query: { readonly tag?: string; readonly index?: string; readonly wait?: string },
    call: RawCall
  ): Promise<RawResult> {
    return this.#call(call, (ctx) =>
      this.#consul.health.service({
        service,
        passing: true,
        ...(query.tag === undefined ? {} : { tag: query.tag }),
        ...(query.index === undefined ? {} : { index: query.index }),
        ...(query.wait === undefined ? {} : { wait: query.wait }),
        ctx,
        timeout: call.timeoutMs,
      })
    )
  }

  /** destroy cancels the requests in flight and closes every socket of the agent. */
  destroy(): void {
    for (const cancel of [...this.#inFlight]) {
      cancel()
    }
    this.#agent.destroy()
  }

  async #call(call: RawCall, send: (ctx: EventEmitter) => Promise<unknown>): Promise<RawResult> {
    if (call.signal?.aborted === true) {
      return { kind: 'aborted' }
    }
    // papi aborts the request when 'cancel' is emitted on the ctx it was given; includeResponse
    // makes node-consul resolve to [response, body] so the X-Consul-Index header is visible.
    const ctx = Object.assign(new EventEmitter(), { includeResponse: true })
    const cancel = (): void => {
      ctx.emit('cancel')
    }
    call.signal?.addEventListener('abort', cancel, { once: true })
    this.#inFlight.add(cancel)
    try {
      return readAnswer(await send(ctx))
    } catch (err: unknown) {
      return classifyFailure(err)
    } finally {
      call.signal?.removeEventListener('abort', cancel)
      this.#inFlight.delete(cancel)
    }
  }
}

/**
 * buildAgentOptions maps the TLS settings onto an https.Agent: the agent's options override the
 * per-request ones in Node, so the server name set here is also the name the certificate is
 * checked against.
 *
 * @param tls - the TLS settings, if any.
 * @returns keep-alive agent options.
 */
export function buildAgentOptions(tls: RawTls | undefined): AgentOptions {
  return {
    keepAlive: true,
    timeout: IDLE_SOCKET_TIMEOUT_MS,
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls?.key === undefined ? {} : { key: tls.key }),
    ...(tls?.serverName === undefined || tls.serverName === ''
      ? {}
      : { servername: tls.serverName }),
    rejectUnauthorized: tls?.insecureSkipVerify !== true,
  }
}

function decodeJson(data: unknown): unknown {
  return parseJsonLossless(Buffer.isBuffer(data) ? data.toString('utf8') : String(data))
}

/** readAnswer narrows node-consul's `[response, body?]` (includeResponse) to a RawResult. */
function readAnswer(answer: unknown): RawResult {
  if (!Array.isArray(answer)) {
    return { kind: 'unreadable', detail: 'node-consul returned no response object' }
  }
  const response: unknown = answer[0]
  const body: unknown = answer[1]
  if (
    typeof response !== 'object' ||
    response === null ||
    !('statusCode' in response) ||
    typeof response.statusCode !== 'number' ||
    !('headers' in response)
  ) {
    return { kind: 'unreadable', detail: 'node-consul returned no response object' }
  }
  return {
    kind: 'ok',
    status: response.statusCode,
    index: headerValue(response.headers, 'x-consul-index'),
    body,
  }
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null || !(name in headers)) {
    return undefined
  }
  const value: unknown = (headers as Readonly<Record<string, unknown>>)[name]
  return typeof value === 'string' ? value : undefined
}

/** classifyFailure sorts papi's errors (AbortError, TimeoutError, ResponseError, CodecError). */
function classifyFailure(err: unknown): RawResult {
  if (!(err instanceof Error)) {
    return { kind: 'network', error: new Error(String(err)) }
  }
  if (flag(err, 'isAbort')) {
    return { kind: 'aborted' }
  }
  if (flag(err, 'isTimeout')) {
    return { kind: 'timeout' }
  }
  const response = 'response' in err ? err.response : undefined
  if (
    typeof response === 'object' &&
    response !== null &&
    'statusCode' in response &&
    typeof response.statusCode === 'number' &&
    (response.statusCode < 200 || response.statusCode > 299)
  ) {
    const body = 'body' in response ? response.body : undefined
    return { kind: 'status', status: response.statusCode, body: bodyText(body) }
  }
  if (flag(err, 'isCodec')) {
    return { kind: 'unreadable', detail: err.message }
  }
  // papi prefixes the message in place ("consul: kv.get: connect ECONNREFUSED …"); the caller
  // names the request itself.
  err.message = err.message.replace(/^consul: [\w.]+: /, '')
  return { kind: 'network', error: err }
}

function flag(err: Error, name: string): boolean {
  return name in err && (err as unknown as Readonly<Record<string, unknown>>)[name] === true
}

function bodyText(body: unknown): string {
  let text: string
  if (body === undefined || body === null) {
    text = ''
  } else if (typeof body === 'string') {
    text = body
  } else if (Buffer.isBuffer(body)) {
    text = body.toString('utf8')
  } else {
    text = JSON.stringify(body)
  }
  text = text.trim()
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text
}
