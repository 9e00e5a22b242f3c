import { ClosedError, InvalidArgumentError, REDACTED } from '../util/index.js'

import type {
  CallOptions,
  CheckStatus,
  ConsulClientOptions,
  ConsulSettings,
  KvEntry,
  QueryOptions,
  QueryResult,
  ServiceInstance,
  ServiceRegistration,
} from './client-types.js'
import { ConsulError } from './errors.js'
import { RawConsul } from './raw-client.js'
import type { RawResult } from './raw-client.js'
import {
  checkKey,
  nonEmpty,
  portNumber,
  readIndex,
  toBoolean,
  toEntry,
  toInstance,
  toRawCheck,
  uint64,
  unreadable,
} from './wire.js'

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
const DEFAULT_WAIT_MS = 60_000
/** Consul's cap on `wait` (api-docs/features/blocking.mdx). */
const MAX_WAIT_MS = 600_000
/** Headroom beyond wait + wait/16 for a slow agent or network before a long poll counts as lost. */
const BLOCKING_MARGIN_MS = 5_000
const ADDRESS_HINT = 'check --consul.address / CONSUL_HTTP_ADDR and that the agent runs'
const TOKEN_HINT = 'check --consul.token / CONSUL_HTTP_TOKEN and its ACL policy'
const TLS_HINT =
  'check the CA, client certificate and TLS server name (CONSUL_CACERT, CONSUL_CLIENT_CERT, ' +
  'CONSUL_CLIENT_KEY, CONSUL_TLS_SERVER_NAME)'
/** Node's error codes for a failed TLS handshake or certificate check. */
const TLS_ERROR_PREFIXES = [
  'ERR_TLS_',
  'ERR_SSL_',
  'CERT_',
  'UNABLE_TO_',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]

/** The request a failure message talks about. */
interface CallSite {
  readonly method: 'GET' | 'PUT' | 'DELETE'
  readonly path: string
  readonly timeoutMs: number
  readonly signal: AbortSignal | undefined
}

/**
 * ConsulClient is alertmesh's typed view of the Consul KV API, over the `consul` package. Reads
 * return the X-Consul-Index next to the value so callers can run blocking queries; a missing
 * key is a value, not an error. Failures are {@link ConsulError}s whose messages say what to
 * check; an aborted call rejects with the signal's reason.
 *
 * @example
 * ```ts
 * const client = new ConsulClient({ baseUrl: 'http://127.0.0.1:8500' })
 * const { index, value } = await client.kvGet('alertmesh/config')
 * await client.kvGet('alertmesh/config', { index, waitMs: 60_000 }) // blocks until it changes
 * client.close()
 * ```
 */
export class ConsulClient {
  readonly #raw: RawConsul
  readonly #baseUrl: string
  readonly #token: string | undefined
  readonly #requestTimeoutMs: number
  #closed = false

  /**
   * ConsulClient's constructor checks the settings and prepares a keep-alive agent; it does
   * not connect.
   *
   * @param settings - address, token, datacenter and TLS.
   * @param options - timeouts.
   * @throws InvalidArgumentError when baseUrl is not an http(s) URL or a timeout is not positive.
   */
  constructor(settings: ConsulSettings, options: ConsulClientOptions = {}) {
    let url: URL
    try {
      url = new URL(settings.baseUrl)
    } catch {
      throw new InvalidArgumentError(
        `consul baseUrl ${JSON.stringify(settings.baseUrl)} is not a URL; want http://host:port`
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidArgumentError(
        `consul baseUrl ${JSON.stringify(settings.baseUrl)} must start with http:// or https://`
      )
    }
    if (url.search !== '' || url.hash !== '') {
      throw new InvalidArgumentError('consul baseUrl must not have a query or fragment')
    }
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new InvalidArgumentError(`requestTimeoutMs must be > 0, got ${requestTimeoutMs}`)
    }
    this.#requestTimeoutMs = requestTimeoutMs
    this.#token = settings.token === '' ? undefined : settings.token
    // Userinfo in the address is a secret too; messages show the address without it.
    const shown = new URL(url.href)
    shown.username = ''
    shown.password = ''
    this.#baseUrl = shown.href.replace(/\/+$/, '')
    this.#raw = new RawConsul({
      baseUrl: url,
      ...(this.#token === undefined ? {} : { token: this.#token }),
      ...(settings.datacenter === undefined ? {} : { datacenter: settings.datacenter }),
      ...(url.protocol === 'https:' && settings.tls !== undefined ? { tls: settings.tls } : {}),
    })
  }

  /**
   * kvGet reads one key.
   *
   * @param key - the key, e.g. `alertmesh/config`.
   * @param options - `index` and `waitMs` to block until the key changes; `signal` to cancel.
   * @returns the entry, or `value: undefined` when the key does not exist, with the index.
   */
  async kvGet(key: string, options: QueryOptions = {}): Promise<QueryResult<KvEntry | undefined>> {
    const { index, body } = await this.#read(key, false, options)
    if (body === undefined) {
      return { index, value: undefined }
    }
    return { index, value: toEntry(body, `GET /v1/kv/${key}`) }
  }

  /**
   * kvList reads every key that starts with `prefix` (Consul's `?recurse`).
   *
   * @param prefix - a key prefix, usually ending in `/`.
   * @param options - as for {@link ConsulClient.kvGet}.
   * @returns the entries in Consul's order (byte order of keys), `[]` when there are none.
   */
  async kvList(prefix: string, options: QueryOptions = {}): Promise<QueryResult<KvEntry[]>> {
    const { index, body } = await this.#read(prefix, true, options)
    if (body === undefined) {
      return { index, value: [] }
    }
    const where = `GET /v1/kv/${prefix}?recurse`
    if (!Array.isArray(body)) {
      throw unreadable(where, 'expected a JSON array')
    }
    return { index, value: body.map((item: unknown) => toEntry(item, where)) }
  }

  /**
   * kvPut writes a value.
   *
   * @param key - the key.
   * @param value - text (stored as UTF-8) or bytes; Consul limits values to 512 KiB.
   * @param options - `cas`: write only if the key's ModifyIndex equals it (0: only if absent);
   *   `flags`: an opaque uint64 stored with the value.
   * @returns false when a check-and-set did not match; true otherwise.
   */
  async kvPut(
    key: string,
    value: string | Buffer,
    options: { readonly cas?: bigint; readonly flags?: bigint; readonly signal?: AbortSignal } = {}
  ): Promise<boolean> {
    checkKey(key)
    const cas = options.cas === undefined ? undefined : uint64('cas', options.cas)
    const flags = options.flags === undefined ? undefined : uint64('flags', options.flags)
    const site = this.#site('PUT', key, this.#requestTimeoutMs, options.signal)
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
    const result = await this.#send(site, (raw) =>
      raw.put(
        key,
        bytes,
        {
          ...(cas === undefined ? {} : { cas }),
          ...(flags === undefined ? {} : { flags }),
        },
        site
      )
    )
    return toBoolean(result.body, `PUT ${site.path}`)
  }

  /**
   * kvDelete deletes a key, or with `recurse` every key under a prefix.
   *
   * @param key - the key or prefix.
   * @param options - `recurse`; `cas`: delete only if the key's ModifyIndex equals it.
   * @returns false when a check-and-set did not match; true otherwise (also for a missing key).
   */
  async kvDelete(
    key: string,
    options: {
      readonly recurse?: boolean
      readonly cas?: bigint
      readonly signal?: AbortSignal
    } = {}
  ): Promise<boolean> {
    checkKey(key)
    const cas = options.cas === undefined ? undefined : uint64('cas', options.cas)
    const site = this.#site('DELETE', key, this.#requestTimeoutMs, options.signal)
    const result = await this.#send(site, (raw) =>
      raw.del(
        key,
        { recurse: options.recurse === true, ...(cas === undefined ? {} : { cas }) },
        site
      )
    )
    return toBoolean(result.body, `DELETE ${site.path}`)
  }

  /**
   * registerService registers (or replaces) a service instance and its check with the local
   * agent (PUT /v1/agent/service/register), which syncs it to the catalog. Re-registering an
   * unchanged instance is harmless, and the check keeps its current status.
   *
   * @param registration - the instance and its check; the check ID is always sent explicitly.
   * @param options - `signal` to cancel.
   * @throws InvalidArgumentError when the registration is malformed (see the field docs).
   * @throws ConsulError when Consul refuses it or cannot be reached.
   */
  async registerService(
    registration: ServiceRegistration,
    options: CallOptions = {}
  ): Promise<void> {
    const body = {
      ID: nonEmpty('service id', registration.id),
      Name: nonEmpty('service name', registration.name),
      Address: registration.address,
      Port: portNumber(registration.port),
      ...(registration.tags === undefined ? {} : { Tags: registration.tags }),
      ...(registration.meta === undefined ? {} : { Meta: registration.meta }),
      Check: toRawCheck(registration.check),
    }
    const site: CallSite = {
      method: 'PUT',
      path: '/v1/agent/service/register',
      timeoutMs: this.#requestTimeoutMs,
      signal: options.signal,
    }
    await this.#send(site, (raw) => raw.registerService(body, site))
  }

  /**
   * deregisterService removes a service instance and its checks from the local agent (PUT
   * /v1/agent/service/deregister/:id); the catalog drops it at once.
   *
   * @param serviceId - the service ID, not its name.
   * @param options - `signal` to cancel.
   * @throws ConsulError with status 404 when the agent does not know the ID.
   */
  async deregisterService(serviceId: string, options: CallOptions = {}): Promise<void> {
    nonEmpty('service id', serviceId)
    const site: CallSite = {
      method: 'PUT',
      path: `/v1/agent/service/deregister/${serviceId}`,
      timeoutMs: this.#requestTimeoutMs,
      signal: options.signal,
    }
    await this.#send(site, (raw) => raw.deregisterService(serviceId, site))
  }

  /**
   * updateTtlCheck sets a TTL check's status and output and restarts its TTL (PUT
   * /v1/agent/check/update/:id). Only a status change reaches the catalog at once; Consul
   * syncs an output-only change later (check_update_interval).
   *
   * @param checkId - the check ID.
   * @param status - the new status.
   * @param output - shown next to the status in Consul; defaults to empty.
   * @param options - `signal` to cancel.
   * @throws ConsulError when the agent has no TTL check by that ID: status 404 ("Unknown check
   *   ID") from Consul 1.11 on, 500 ("CheckID … does not have associated TTL") before, and
   *   also 500 for a check that is not a TTL check. See {@link isUnknownCheckError}.
   */
  async updateTtlCheck(
    checkId: string,
    status: CheckStatus,
    output = '',
    options: CallOptions = {}
  ): Promise<void> {
    nonEmpty('check id', checkId)
    const site: CallSite = {
      method: 'PUT',
      path: `/v1/agent/check/update/${checkId}`,
      timeoutMs: this.#requestTimeoutMs,
      signal: options.signal,
    }
    await this.#send(site, (raw) => raw.updateCheck(checkId, status, output, site))
  }

  /**
   * healthyInstances lists the instances of a service whose checks all pass, node checks
   * included (GET /v1/health/service/:name?passing). With `index` it is a blocking query.
   *
   * @param service - the service name.
   * @param options - `index`, `waitMs` and `signal` as for {@link ConsulClient.kvGet}; `tag`
   *   keeps only instances with that tag.
   * @returns the instances in Consul's order, `[]` when there are none, with the index.
   */
  async healthyInstances(
    service: string,
    options: QueryOptions & { readonly tag?: string } = {}
  ): Promise<QueryResult<ServiceInstance[]>> {
    nonEmpty('service name', service)
    const { query, timeoutMs } = this.#blocking(options)
    const site: CallSite = {
      method: 'GET',
      path: `/v1/health/service/${service}?passing`,
      timeoutMs,
      signal: options.signal,
    }
    const tag = options.tag === undefined ? {} : { tag: options.tag }
    const result = await this.#send(site, (raw) =>
      raw.healthService(service, { ...tag, ...query }, site)
    )
    const where = `GET ${site.path}`
    const index = readIndex(result, where)
    if (!Array.isArray(result.body)) {
      throw unreadable(where, 'expected a JSON array')
    }
    return { index, value: result.body.map((item: unknown) => toInstance(item, where)) }
  }

  /**
   * close cancels the calls in flight (they reject with ClosedError) and destroys the
   * keep-alive sockets; later calls reject with ClosedError. Idempotent.
   */
  close(): void {
    if (this.#closed) {
      return
    }
    this.#closed = true
    this.#raw.destroy()
  }

  async #read(
    key: string,
    recurse: boolean,
    options: QueryOptions
  ): Promise<{ readonly index: bigint; readonly body: unknown }> {
    const { query, timeoutMs } = this.#blocking(options)
    const site = this.#site('GET', key, timeoutMs, options.signal)
    const result = await this.#send(site, (raw) => raw.get(key, { recurse, ...query }, site))
    const index = readIndex(result, `GET ${site.path}`)
    return { index, body: result.status === 404 ? undefined : result.body }
  }

  #site(
    method: CallSite['method'],
    key: string,
    timeoutMs: number,
    signal: AbortSignal | undefined
  ): CallSite {
    return { method, path: `/v1/kv/${key}`, timeoutMs, signal }
  }

  /** blocking turns QueryOptions into the raw query and the time the read may take. */
  #blocking(options: QueryOptions): {
    readonly query: { readonly index?: string; readonly wait?: string }
    readonly timeoutMs: number
  } {
    const index = options.index ?? 0n
    uint64('index', index)
    if (index === 0n) {
      return { query: {}, timeoutMs: this.#requestTimeoutMs }
    }
    const waitMs = Math.ceil(options.waitMs ?? DEFAULT_WAIT_MS)
    if (!Number.isFinite(waitMs) || waitMs < 1 || waitMs > MAX_WAIT_MS) {
      throw new InvalidArgumentError(`waitMs must be within [1, ${MAX_WAIT_MS}], got ${waitMs}`)
    }
    return {
      query: { index: index.toString(), wait: `${waitMs}ms` },
      // Consul adds up to wait/16 of jitter before answering (api-docs/features/blocking.mdx).
      timeoutMs: waitMs + Math.ceil(waitMs / 16) + BLOCKING_MARGIN_MS,
    }
  }

  /** send runs one raw call and turns every failure into the error the caller should see. */
  async #send(
    site: CallSite,
    run: (raw: RawConsul) => Promise<RawResult>
  ): Promise<Extract<RawResult, { kind: 'ok' }>> {
    if (this.#closed) {
      throw new ClosedError('ConsulClient')
    }
    site.signal?.throwIfAborted()
    const result = await run(this.#raw)
    switch (result.kind) {
      case 'ok':
        return result
      case 'aborted':
        // Only close() and the caller's signal cancel a call; close() may have run meanwhile.
        if (this.#isClosed()) {
          throw new ClosedError('ConsulClient')
        }
        site.signal?.throwIfAborted()
        throw new ConsulError('AM_CONSUL_UNAVAILABLE', this.#unreachable('request aborted'))
      case 'timeout':
        throw new ConsulError(
          'AM_CONSUL_UNAVAILABLE',
          this.#redact(
            this.#unreachable(
              `no answer to ${site.method} ${site.path} within ${site.timeoutMs} ms`
            )
          )
        )
      case 'network':
        throw this.#networkError(result.error)
      case 'unreadable':
        throw unreadable(`${site.method} ${site.path}`, this.#redact(result.detail))
      case 'status':
        throw this.#statusError(site, result.status, result.body)
    }
  }

  #networkError(error: Error): ConsulError {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : ''
    if (code !== '' && TLS_ERROR_PREFIXES.some((prefix) => code.startsWith(prefix))) {
      return new ConsulError(
        'AM_CONSUL_UNAVAILABLE',
        this.#redact(
          `TLS handshake with Consul at ${this.#baseUrl} failed: ${error.message}; ${TLS_HINT}`
        ),
        { cause: error }
      )
    }
    return new ConsulError(
      'AM_CONSUL_UNAVAILABLE',
      this.#redact(this.#unreachable(error.message)),
      {
        cause: error,
      }
    )
  }

  #statusError(site: CallSite, status: number, body: string): ConsulError {
    const detail = body === '' ? String(status) : `${status} ${body}`
    if (status === 403) {
      return new ConsulError(
        'AM_CONSUL_PERMISSION',
        this.#redact(`Consul refused the request to ${site.path} (${detail}): ${TOKEN_HINT}`),
        { status }
      )
    }
    return new ConsulError(
      'AM_CONSUL_REQUEST',
      this.#redact(`Consul answered ${site.method} ${site.path} with ${detail}`),
      { status }
    )
  }

  #isClosed(): boolean {
    return this.#closed
  }

  #unreachable(cause: string): string {
    return `cannot reach Consul at ${this.#baseUrl}: ${cause}; ${ADDRESS_HINT}`
  }

  /** redact keeps the token out of messages even if a proxy or Consul echoes it back. */
  #redact(message: string): string {
    return this.#token === undefined ? message : message.split(this.#token).join(REDACTED)
  }
}
