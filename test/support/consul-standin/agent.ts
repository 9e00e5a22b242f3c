// The local agent: services and checks registered through /v1/agent, the checks it runs itself
// (TTL and HTTP), the reaper for DeregisterCriticalServiceAfter, and the sync of all of it into
// the catalog. Semantics follow Consul's agent/agent.go, agent/local/state.go and
// agent/checks/check.go:
// - a check without CheckID is `service:<id>`, or `service:<id>:<n>` (1-based) when the
//   registration has several; its default name is `Service '<name>' check`;
// - a new check starts critical unless Status says otherwise; re-registering keeps the status
//   and output a check already had;
// - a status change reaches the catalog at once; an output-only change is deferred by
//   check_update_interval (5 minutes, staggered), so health queries do not wake for it;
// - a TTL check that is not updated within its TTL turns critical with output "TTL expired";
// - HTTP checks run every Interval (at least 1 s) after a random initial stagger: 2xx is
//   passing, 429 warning, anything else critical;
// - the reaper runs every 30 s and removes a service whose check has been critical for longer
//   than its DeregisterCriticalServiceAfter, which is raised to at least 1 minute.

import { STATUS_CODES } from 'node:http'

import type {
  Catalog,
  CatalogCheckInput,
  CatalogServiceInput,
  CheckStatus,
  ServiceFields,
} from './catalog.js'
import { checkJson } from './catalog.js'
import { formatGoDuration, parseGoDuration } from './duration.js'
import { HttpError } from './http-error.js'

/** CHECK_OUTPUT_MAX_BYTES is Consul's default check_output_max_size (4 KiB). */
const CHECK_OUTPUT_MAX_BYTES = 4096
/** DEFAULT_HTTP_TIMEOUT_MS is Consul's timeout for an HTTP check without Timeout. */
const DEFAULT_HTTP_TIMEOUT_MS = 10_000

/** CheckDefinition is a parsed `Check` or `Checks[]` entry. */
export interface CheckDefinition {
  readonly checkId: string | undefined
  readonly name: string | undefined
  readonly notes: string
  readonly status: CheckStatus | undefined
  readonly ttlMs: number | undefined
  readonly http: string | undefined
  readonly method: string
  readonly header: Readonly<Record<string, readonly string[]>>
  readonly body: string
  readonly intervalMs: number | undefined
  readonly timeoutMs: number | undefined
  readonly deregisterAfterMs: number | undefined
}

/** ServiceDefinition is a parsed /v1/agent/service/register body. */
export interface ServiceDefinition extends ServiceFields {
  readonly name: string
  readonly checks: readonly CheckDefinition[]
}

type Loose = Readonly<Record<string, unknown>>

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * normalizeKeys lower-cases keys and drops underscores, so `DeregisterCriticalServiceAfter`,
 * `deregister_critical_service_after` and `deregistercriticalserviceafter` all match, as Consul's
 * key translation plus mapstructure's case-insensitive matching allow.
 */
function normalizeKeys(value: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>()
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.set(k.replace(/_/g, '').toLowerCase(), v)
    }
  }
  return out
}

function decodeFailed(detail: string): HttpError {
  return new HttpError(400, `Request decode failed: ${detail}`)
}

function readString(fields: Map<string, unknown>, name: string, field: string): string {
  const v = fields.get(name)
  if (v === undefined || v === null) {
    return ''
  }
  if (typeof v !== 'string') {
    throw decodeFailed(`'${field}' expected type 'string', got ${typeof v}`)
  }
  return v
}

function readDuration(fields: Map<string, unknown>, name: string): number | undefined {
  const v = fields.get(name)
  if (v === undefined || v === null || v === '') {
    return undefined
  }
  if (typeof v === 'number') {
    // JSON numbers decode into time.Duration as nanoseconds.
    return v / 1e6
  }
  if (typeof v !== 'string') {
    throw decodeFailed(`time: invalid duration ${JSON.stringify(v)}`)
  }
  const ms = parseGoDuration(v)
  if (ms === undefined) {
    throw decodeFailed(`time: invalid duration ${JSON.stringify(v)}`)
  }
  return ms
}

function readStringMap(value: unknown, field: string): Record<string, string> | null {
  if (value === undefined || value === null) {
    return null
  }
  if (!isObject(value)) {
    throw decodeFailed(`'${field}' expected a map`)
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw decodeFailed(`'${field}[${k}]' expected type 'string'`)
    }
    out[k] = v
  }
  return out
}

function parseStatus(value: string): CheckStatus | undefined {
  if (value === '') {
    return undefined
  }
  if (value !== 'passing' && value !== 'warning' && value !== 'critical') {
    throw new HttpError(400, "Status for checks must 'passing', 'warning', 'critical'")
  }
  return value
}

function parseCheck(raw: unknown): CheckDefinition | undefined {
  const f = normalizeKeys(raw)
  if (f.size === 0) {
    return undefined
  }
  for (const unsupported of [
    'args',
    'script',
    'tcp',
    'udp',
    'grpc',
    'h2ping',
    'aliasnode',
    'aliasservice',
    'dockercontainerid',
    'osservice',
  ]) {
    if (f.get(unsupported) !== undefined && f.get(unsupported) !== '') {
      throw new HttpError(400, 'Invalid check: the Consul stand-in runs only TTL and HTTP checks')
    }
  }
  const header: Record<string, string[]> = {}
  const rawHeader = f.get('header')
  if (isObject(rawHeader)) {
    for (const [k, v] of Object.entries(rawHeader)) {
      header[k] = Array.isArray(v) ? v.map(String) : [String(v)]
    }
  }
  const http = readString(f, 'http', 'HTTP')
  const def: CheckDefinition = {
    checkId: readString(f, 'checkid', 'CheckID') || readString(f, 'id', 'ID') || undefined,
    name: readString(f, 'name', 'Name') || undefined,
    notes: readString(f, 'notes', 'Notes'),
    status: parseStatus(readString(f, 'status', 'Status')),
    ttlMs: readDuration(f, 'ttl'),
    http: http === '' ? undefined : http,
    method: readString(f, 'method', 'Method'),
    header,
    body: readString(f, 'body', 'Body'),
    intervalMs: readDuration(f, 'interval'),
    timeoutMs: readDuration(f, 'timeout'),
    deregisterAfterMs: readDuration(f, 'deregistercriticalserviceafter'),
  }
  // CheckType.Validate, in Consul's order and words.
  const intervalCheck = def.http !== undefined
  const interval = def.intervalMs ?? 0
  const ttl = def.ttlMs ?? 0
  if (interval > 0 && ttl > 0) {
    throw new HttpError(400, 'Invalid check: Interval and TTL cannot both be specified')
  }
  if (intervalCheck && interval <= 0) {
    throw new HttpError(
      400,
      'Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks'
    )
  }
  if (!intervalCheck && ttl <= 0) {
    throw new HttpError(400, 'Invalid check: TTL must be > 0 for TTL checks')
  }
  return def
}

/**
 * parseServiceDefinition validates a /v1/agent/service/register body like
 * AgentRegisterService does, accepting PascalCase, camelCase and snake_case keys.
 *
 * @param body - the decoded JSON body.
 * @returns the definition.
 * @throws HttpError 400 with Consul's reason.
 */
export function parseServiceDefinition(body: unknown): ServiceDefinition {
  if (!isObject(body)) {
    throw decodeFailed('expected a JSON object')
  }
  const f = normalizeKeys(body)
  const name = readString(f, 'name', 'Name')
  if (name === '') {
    throw new HttpError(400, 'Missing service name')
  }
  const address = readString(f, 'address', 'Address')
  if (address === '0.0.0.0' || address === '::' || address === '[::]') {
    throw new HttpError(400, 'Invalid service address')
  }
  const rawTags = f.get('tags')
  if (rawTags !== undefined && rawTags !== null && !Array.isArray(rawTags)) {
    throw decodeFailed("'Tags' expected a list")
  }
  const rawPort = f.get('port') ?? 0
  if (typeof rawPort !== 'number' || !Number.isInteger(rawPort)) {
    throw decodeFailed("'Port' expected type 'int'")
  }
  const weights = normalizeKeys(f.get('weights'))
  const passing = weights.get('passing')
  const warning = weights.get('warning')
  const tagged = f.get('taggedaddresses')
  let taggedAddresses: Record<string, { Address: string; Port: number }> | null = null
  if (isObject(tagged)) {
    taggedAddresses = {}
    for (const [k, v] of Object.entries(tagged)) {
      const a = normalizeKeys(v)
      taggedAddresses[k] = {
        Address: typeof a.get('address') === 'string' ? (a.get('address') as string) : '',
        Port: typeof a.get('port') === 'number' ? (a.get('port') as number) : 0,
      }
    }
  }
  const checks: CheckDefinition[] = []
  const single = parseCheck(f.get('check'))
  if (single !== undefined) {
    checks.push(single)
  }
  const many = f.get('checks')
  if (Array.isArray(many)) {
    for (const raw of many) {
      const def = parseCheck(raw)
      if (def !== undefined) {
        checks.push(def)
      }
    }
  }
  return {
    id: readString(f, 'id', 'ID') || name,
    name,
    tags: Array.isArray(rawTags) ? rawTags.map(String) : null,
    address,
    port: rawPort,
    meta: readStringMap(f.get('meta'), 'Meta'),
    taggedAddresses,
    weights: {
      // buildAgentService: a missing or zero Passing weight shows as 1.
      Passing: typeof passing === 'number' && passing > 0 ? passing : 1,
      Warning: typeof warning === 'number' ? warning : 1,
    },
    enableTagOverride: f.get('enabletagoverride') === true,
    checks,
  }
}

interface LocalService {
  readonly def: ServiceDefinition
}

interface LocalCheck {
  readonly checkId: string
  readonly name: string
  readonly def: CheckDefinition
  readonly serviceId: string
  readonly serviceName: string
  readonly serviceTags: readonly string[]
  status: CheckStatus
  output: string
  /** When the check last turned critical (epoch ms), for the reaper. */
  criticalSince: number | undefined
  /** Last output a TTL update gave, quoted when the TTL expires. */
  lastTtlOutput: string
  timer: NodeJS.Timeout | undefined
  deferTimer: NodeJS.Timeout | undefined
  /** Bumped when the check is replaced or removed, so late HTTP results are ignored. */
  generation: number
}

/** AgentOptions are the agent's timing knobs and its link to the blocking queries. */
export interface AgentOptions {
  readonly nodeName: string
  readonly datacenter: string
  readonly reapIntervalMs: number
  readonly minDeregisterMs: number
  readonly checkUpdateIntervalMs: number
  readonly minCheckIntervalMs: number
  /** Called after every change visible through the HTTP API. */
  readonly onChange: () => void
}

function checkType(def: CheckDefinition): 'http' | 'ttl' {
  return def.http !== undefined ? 'http' : 'ttl'
}

function definitionJson(def: CheckDefinition): Record<string, unknown> {
  return {
    Interval: formatGoDuration(def.intervalMs ?? 0),
    Timeout: formatGoDuration(def.timeoutMs ?? 0),
    DeregisterCriticalServiceAfter: formatGoDuration(def.deregisterAfterMs ?? 0),
    HTTP: def.http ?? '',
    Header: Object.keys(def.header).length === 0 ? null : def.header,
    Method: def.method,
    Body: def.body,
    TLSServerName: '',
    TLSSkipVerify: false,
    TCP: '',
  }
}

function truncateOutput(output: string): string {
  const bytes = Buffer.from(output)
  if (bytes.length <= CHECK_OUTPUT_MAX_BYTES) {
    return output
  }
  return `${bytes.subarray(0, CHECK_OUTPUT_MAX_BYTES).toString()} ...\n(Output maxed out at ${CHECK_OUTPUT_MAX_BYTES} bytes)`
}

function describeFetchError(method: string, url: string, err: unknown): string {
  const op = method.charAt(0) + method.slice(1).toLowerCase()
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err
  const code = (cause as { code?: unknown } | undefined)?.code
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `${op} "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
  }
  if (code === 'ECONNREFUSED') {
    return `${op} "${url}": dial tcp ${new URL(url).host}: connect: connection refused`
  }
  return `${op} "${url}": ${cause instanceof Error ? cause.message : String(cause)}`
}

/**
 * LocalAgent is the agent half of the stand-in: what /v1/agent/* manages, kept in sync with the
 * catalog.
 */
export class LocalAgent {
  readonly #catalog: Catalog
  readonly #options: AgentOptions
  readonly #services = new Map<string, LocalService>()
  readonly #checks = new Map<string, LocalCheck>()
  #reaper: NodeJS.Timeout | undefined
  #running = false

  /**
   * Creates an agent with no services.
   *
   * @param catalog - the catalog it syncs to.
   * @param options - timing and change notification.
   */
  constructor(catalog: Catalog, options: AgentOptions) {
    this.#catalog = catalog
    this.#options = options
  }

  /** start runs the reaper and the checks; after stop() it resumes them with full TTLs. */
  start(): void {
    if (this.#running) {
      return
    }
    this.#running = true
    this.#reaper = setInterval(() => {
      this.reap()
    }, this.#options.reapIntervalMs)
    this.#reaper.unref()
    for (const check of this.#checks.values()) {
      this.#startCheck(check)
    }
  }

  /** stop halts the reaper and every check timer, keeping the state. */
  stop(): void {
    this.#running = false
    clearInterval(this.#reaper)
    this.#reaper = undefined
    for (const check of this.#checks.values()) {
      this.#stopCheck(check)
    }
  }

  /** clear stops everything and forgets every service and check. */
  clear(): void {
    this.stop()
    this.#services.clear()
    this.#checks.clear()
  }

  /**
   * register adds or replaces a service and its checks (Agent.AddService).
   *
   * @param def - the parsed definition.
   * @param replaceExistingChecks - `?replace-existing-checks`: drop checks not in `def`.
   */
  register(def: ServiceDefinition, replaceExistingChecks: boolean): void {
    const ids = def.checks.map((c, i) => {
      if (c.checkId !== undefined) {
        return c.checkId
      }
      return def.checks.length > 1 ? `service:${def.id}:${i + 1}` : `service:${def.id}`
    })
    if (replaceExistingChecks) {
      for (const check of [...this.#checks.values()]) {
        if (check.serviceId === def.id && !ids.includes(check.checkId)) {
          this.#removeCheck(check)
          this.#catalog.deregisterCheck(check.checkId)
        }
      }
    }
    this.#services.set(def.id, { def })
    const now = Date.now()
    const fresh: LocalCheck[] = def.checks.map((c, i) => {
      const checkId = ids[i] as string
      const previous = this.#checks.get(checkId)
      if (previous !== undefined) {
        this.#stopCheck(previous)
        previous.generation += 1
      }
      const status = previous?.status ?? c.status ?? 'critical'
      return {
        checkId,
        name: c.name ?? `Service '${def.name}' check`,
        def: c,
        serviceId: def.id,
        serviceName: def.name,
        serviceTags: def.tags ?? [],
        status,
        output: previous?.output ?? '',
        criticalSince: status === 'critical' ? (previous?.criticalSince ?? now) : undefined,
        lastTtlOutput: previous?.lastTtlOutput ?? '',
        timer: undefined,
        deferTimer: undefined,
        generation: (previous?.generation ?? 0) + 1,
      }
    })
    for (const check of fresh) {
      this.#checks.set(check.checkId, check)
      this.#startCheck(check)
    }
    this.#catalog.register(
      this.#catalogService(def),
      fresh.map((c) => this.#catalogCheck(c))
    )
    this.#options.onChange()
  }

  /**
   * service looks up a local service.
   *
   * @param id - the service ID.
   * @returns its definition, if registered.
   */
  service(id: string): ServiceDefinition | undefined {
    return this.#services.get(id)?.def
  }

  /**
   * checkServiceName finds the service a local check belongs to.
   *
   * @param id - the check ID.
   * @returns its service name ('' for a node check), if registered.
   */
  checkServiceName(id: string): string | undefined {
    return this.#checks.get(id)?.serviceName
  }

  /**
   * deregister removes a service and its checks (Agent.RemoveService).
   *
   * @param id - the service ID.
   */
  deregister(id: string): void {
    if (!this.#services.has(id)) {
      throw new HttpError(
        404,
        `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`
      )
    }
    this.#services.delete(id)
    for (const check of [...this.#checks.values()]) {
      if (check.serviceId === id) {
        this.#removeCheck(check)
      }
    }
    this.#catalog.deregister(id)
    this.#options.onChange()
  }

  /**
   * updateTtl is a pass/warn/fail/update call on a TTL check: it sets the status and restarts
   * the TTL.
   *
   * @param id - the check ID.
   * @param status - the new status.
   * @param output - the note or output.
   */
  updateTtl(id: string, status: CheckStatus, output: string): void {
    const check = this.#checks.get(id)
    if (check === undefined) {
      throw new HttpError(
        404,
        `Unknown check ID "${id}". Ensure that the check ID is passed, not the check name.`
      )
    }
    if (checkType(check.def) !== 'ttl') {
      throw new HttpError(500, `CheckID "${id}" does not have associated TTL`)
    }
    const truncated = truncateOutput(output)
    this.#setStatus(check, status, truncated)
    check.lastTtlOutput = truncated
    this.#armTtl(check)
  }

  /**
   * reap removes services whose checks stayed critical past DeregisterCriticalServiceAfter.
   * The stand-in's timer calls it; tests may too.
   */
  reap(): void {
    const now = Date.now()
    const reaped = new Set<string>()
    for (const check of [...this.#checks.values()]) {
      const after = check.def.deregisterAfterMs
      if (
        after === undefined ||
        after <= 0 ||
        check.status !== 'critical' ||
        check.criticalSince === undefined ||
        reaped.has(check.serviceId)
      ) {
        continue
      }
      const timeout = Math.max(after, this.#options.minDeregisterMs)
      if (now - check.criticalSince > timeout && this.#services.has(check.serviceId)) {
        reaped.add(check.serviceId)
        this.deregister(check.serviceId)
      }
    }
  }

  /**
   * servicesJson is GET /v1/agent/services.
   *
   * @param visible - ACL filter on service names.
   * @returns the map and whether anything was filtered out.
   */
  servicesJson(visible: (name: string) => boolean): {
    result: Record<string, unknown>
    filtered: boolean
  } {
    const result: Record<string, unknown> = {}
    let filtered = false
    for (const [id, { def }] of this.#services) {
      if (!visible(def.name)) {
        filtered = true
        continue
      }
      result[id] = {
        ID: def.id,
        Service: def.name,
        Tags: def.tags ?? [],
        Meta: def.meta ?? {},
        Port: def.port,
        Address: def.address,
        ...(def.taggedAddresses === null ? {} : { TaggedAddresses: def.taggedAddresses }),
        Weights: def.weights,
        EnableTagOverride: def.enableTagOverride,
        Datacenter: this.#options.datacenter,
      }
    }
    return { result, filtered }
  }

  /**
   * checksJson is GET /v1/agent/checks.
   *
   * @param visible - ACL filter on service names ('' for node checks).
   * @returns the map and whether anything was filtered out.
   */
  checksJson(visible: (serviceName: string) => boolean): {
    result: Record<string, unknown>
    filtered: boolean
  } {
    const result: Record<string, unknown> = {}
    let filtered = false
    for (const [id, check] of this.#checks) {
      if (!visible(check.serviceName)) {
        filtered = true
        continue
      }
      result[id] = checkJson(this.#options.nodeName, this.#localCheckInput(check))
    }
    return { result, filtered }
  }

  #catalogService(def: ServiceDefinition): CatalogServiceInput {
    return {
      id: def.id,
      service: def.name,
      tags: def.tags,
      address: def.address,
      port: def.port,
      meta: def.meta,
      taggedAddresses: def.taggedAddresses,
      weights: def.weights,
      enableTagOverride: def.enableTagOverride,
    }
  }

  #localCheckInput(check: LocalCheck): CatalogCheckInput {
    return {
      checkId: check.checkId,
      name: check.name,
      status: check.status,
      notes: check.def.notes,
      output: check.output,
      serviceId: check.serviceId,
      serviceName: check.serviceName,
      serviceTags: check.serviceTags,
      type: checkType(check.def),
      interval: check.def.intervalMs === undefined ? '' : formatGoDuration(check.def.intervalMs),
      timeout: check.def.timeoutMs === undefined ? '' : formatGoDuration(check.def.timeoutMs),
      definition: definitionJson(check.def),
    }
  }

  #catalogCheck(check: LocalCheck): CatalogCheckInput {
    return this.#localCheckInput(check)
  }

  /** #setStatus is local/state.go's UpdateCheck: status changes sync now, output-only later. */
  #setStatus(check: LocalCheck, status: CheckStatus, output: string): void {
    if (status === 'critical') {
      check.criticalSince ??= Date.now()
    } else {
      check.criticalSince = undefined
    }
    if (check.status === status && check.output === output) {
      return
    }
    const interval = this.#options.checkUpdateIntervalMs
    if (interval > 0 && check.status === status) {
      check.output = output
      if (check.deferTimer === undefined) {
        const delay = interval / 2 + Math.random() * interval
        check.deferTimer = setTimeout(() => {
          check.deferTimer = undefined
          if (this.#checks.get(check.checkId) === check) {
            this.#catalog.updateCheck(check.checkId, check.status, check.output)
            this.#options.onChange()
          }
        }, delay)
        check.deferTimer.unref()
      }
      return
    }
    check.status = status
    check.output = output
    clearTimeout(check.deferTimer)
    check.deferTimer = undefined
    this.#catalog.updateCheck(check.checkId, status, output)
    this.#options.onChange()
  }

  #startCheck(check: LocalCheck): void {
    if (!this.#running) {
      return
    }
    if (checkType(check.def) === 'ttl') {
      this.#armTtl(check)
    } else {
      const interval = Math.max(check.def.intervalMs ?? 0, this.#options.minCheckIntervalMs)
      this.#scheduleHttp(check, Math.random() * interval)
    }
  }

  #stopCheck(check: LocalCheck): void {
    clearTimeout(check.timer)
    check.timer = undefined
    clearTimeout(check.deferTimer)
    check.deferTimer = undefined
  }

  #removeCheck(check: LocalCheck): void {
    this.#stopCheck(check)
    check.generation += 1
    this.#checks.delete(check.checkId)
  }

  #armTtl(check: LocalCheck): void {
    clearTimeout(check.timer)
    check.timer = setTimeout(() => {
      check.timer = undefined
      const last = check.lastTtlOutput
      const output =
        last === '' ? 'TTL expired' : `TTL expired (last output before timeout follows): ${last}`
      this.#setStatus(check, 'critical', output)
    }, check.def.ttlMs ?? 0)
    check.timer.unref()
  }

  #scheduleHttp(check: LocalCheck, delayMs: number): void {
    const generation = check.generation
    check.timer = setTimeout(() => {
      check.timer = undefined
      void this.#runHttp(check).then(() => {
        if (
          this.#running &&
          check.generation === generation &&
          this.#checks.get(check.checkId) === check
        ) {
          const interval = Math.max(check.def.intervalMs ?? 0, this.#options.minCheckIntervalMs)
          this.#scheduleHttp(check, interval)
        }
      })
    }, delayMs)
    check.timer.unref()
  }

  async #runHttp(check: LocalCheck): Promise<void> {
    const generation = check.generation
    const url = check.def.http ?? ''
    const method = check.def.method === '' ? 'GET' : check.def.method.toUpperCase()
    let status: CheckStatus
    let output: string
    let target: URL | undefined
    try {
      target = new URL(url)
    } catch {
      target = undefined
    }
    if (target === undefined) {
      status = 'critical'
      output = `parse "${url}": invalid URL`
    } else if (target.hostname !== '127.0.0.1') {
      // The stand-in must not send traffic anywhere but the loopback address.
      status = 'critical'
      output = `the Consul stand-in only runs HTTP checks against 127.0.0.1, not ${target.host}`
    } else {
      const headers = new Headers({
        'User-Agent': 'Consul Health Check',
        Accept: 'text/plain, text/*, */*',
      })
      for (const [name, values] of Object.entries(check.def.header)) {
        headers.delete(name)
        for (const v of values) {
          headers.append(name, v)
        }
      }
      try {
        const res = await fetch(url, {
          method,
          headers,
          ...(check.def.body === '' ? {} : { body: check.def.body }),
          signal: AbortSignal.timeout(check.def.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS),
        })
        const text = truncateOutput(await res.text())
        output = `HTTP ${method} ${url}: ${res.status} ${STATUS_CODES[res.status] ?? ''} Output: ${text}`
        status =
          res.status >= 200 && res.status <= 299
            ? 'passing'
            : res.status === 429
              ? 'warning'
              : 'critical'
      } catch (err: unknown) {
        status = 'critical'
        output = describeFetchError(method, url, err)
      }
    }
    if (check.generation === generation && this.#checks.get(check.checkId) === check) {
      this.#setStatus(check, status, output)
    }
  }
}
