import type Logger from 'bunyan'

import {
  ClosedError,
  Deadline,
  ExponentialBackoff,
  InvalidArgumentError,
  WarnLimiter,
  errorMessage,
} from '../util/index.js'

import type { CheckStatus, ServiceRegistration } from './client-types.js'
import type { ConsulClient } from './client.js'
import { ConsulError } from './errors.js'
import { isUnknownCheckError } from './wire.js'

/** ServiceRegistrarOptions configure a {@link ServiceRegistrar}. */
export interface ServiceRegistrarOptions {
  readonly client: ConsulClient
  /**
   * The Consul service every node registers under; peers are its passing instances.
   *
   * @default 'alertmesh'
   */
  readonly serviceName?: string
  /**
   * This node's name (Alertmanager's `--cluster.peer-name`). The service ID is
   * `<serviceName>-<nodeName>` and the check ID `service:<serviceId>:ttl`.
   */
  readonly nodeName: string
  /** The cluster advertise host; must not be an unspecified address such as 0.0.0.0. */
  readonly address: string
  /** The cluster port. */
  readonly port: number
  /**
   * Service meta, e.g. `{ cluster_address: 'h:9094', web_url: 'http://h:9093' }`. `node_name`
   * is added as `nodeName` unless given. Keys follow Consul's rules: letters, digits, `_` and
   * `-`, at most 128 characters, not starting with `consul-`; values at most 512 characters;
   * at most 64 pairs.
   */
  readonly meta: Readonly<Record<string, string>>
  /**
   * The TTL of the check; the registrar feeds it every ttlMs / 3, so two updates in a row may
   * be lost before Consul marks the node critical.
   *
   * @default 15_000
   */
  readonly ttlMs?: number
  /**
   * How long the check may stay critical before Consul deregisters the service, which cleans
   * up after a node that died without deregistering. Consul raises values below 1 minute to
   * 1 minute and reaps every 30 s.
   *
   * @default 60_000
   */
  readonly deregisterCriticalAfterMs?: number
  /**
   * Readiness, e.g. config applied and gossip settled. Polled at every feed; true feeds
   * `passing`, false (or a throw) `critical`. Call {@link ServiceRegistrar.refresh} when it
   * changes to tell Consul at once.
   */
  readonly isHealthy: () => boolean
  /**
   * The check output: why the node is (not) ready. Polled with isHealthy.
   *
   * @default 'ready' or 'not ready'
   */
  readonly healthOutput?: () => string
  readonly log: Logger
  /**
   * Monotonic clock in milliseconds, for rate-limiting warnings.
   *
   * @default performance.now
   */
  readonly now?: () => number
  /**
   * The longest stop() waits for the deregistration; Consul may be down at shutdown.
   *
   * @default 2_000
   */
  readonly stopTimeoutMs?: number
  /** Delays between failed registrations: grow by 1.5× with ±50 % jitter, up to maxMs. */
  readonly retry?: {
    /** @default 500 */
    readonly initialMs?: number
    /** @default 15_000 */
    readonly maxMs?: number
  }
}

const DEFAULT_SERVICE_NAME = 'alertmesh'
const DEFAULT_TTL_MS = 15_000
/** Consul's minimum for DeregisterCriticalServiceAfter (api-docs/agent/check.mdx). */
const DEFAULT_DEREGISTER_CRITICAL_AFTER_MS = 60_000
const DEFAULT_STOP_TIMEOUT_MS = 2_000
const DEFAULT_RETRY_INITIAL_MS = 500
const DEFAULT_RETRY_MAX_MS = 15_000
/** Below this a TTL would make the feed loop a busy loop. */
const MIN_TTL_MS = 100
/** Repeated failures are logged at warn at most this often; the others go to debug. */
const WARN_INTERVAL_MS = 60_000
/** Consul's limits on service meta (agent/structs validateMetaPair). */
const META_KEY = /^[A-Za-z0-9_-]{1,128}$/
const META_MAX_VALUE_CHARS = 512
const META_MAX_PAIRS = 64
const UNSPECIFIED_ADDRESSES = new Set(['0.0.0.0', '::', '[::]'])

type FeedOutcome = 'fed' | 'unknown' | 'failed' | 'closed' | 'aborted'

/**
 * ServiceRegistrar keeps this node registered as an instance of the Consul service with a TTL
 * check that passes while the node is ready, so peers (a PeerCatalog on every node)
 * find it, and drop it when it is not ready, hangs, or stops.
 *
 * - start() registers with the local agent, retrying with backoff until Consul answers; the
 *   check starts critical, so the node is not a peer before its first passing update.
 * - Every ttlMs / 3 it sets the check to passing or critical (with the output saying why)
 *   from `isHealthy`. A node that stops feeding (hung, partitioned from its agent) turns
 *   critical after ttlMs.
 * - When Consul does not know the check (it restarted and lost its state) it registers again.
 * - stop() deregisters, so peers drop the node at once instead of after the TTL; a node that
 *   dies without stopping is removed by Consul after deregisterCriticalAfterMs.
 *
 * Failures are logged at warn once a minute at most, and a recovery at info.
 *
 * @example
 * ```ts
 * const registrar = new ServiceRegistrar({
 *   client, nodeName: 'am-1', address: '10.0.0.5', port: 9094,
 *   meta: { cluster_address: '10.0.0.5:9094', web_url: 'http://10.0.0.5:9093' },
 *   isHealthy: () => ready, log,
 * })
 * registrar.start()
 * await registrar.stop() // deregisters
 * ```
 */
export class ServiceRegistrar {
  readonly #client: ConsulClient
  readonly #registration: ServiceRegistration
  readonly #feedIntervalMs: number
  readonly #stopTimeoutMs: number
  readonly #isHealthy: () => boolean
  readonly #healthOutput: (() => string) | undefined
  readonly #log: Logger
  readonly #now: () => number
  readonly #backoff: ExponentialBackoff
  readonly #controller = new AbortController()
  #loop: Promise<void> | undefined
  #stopping: Promise<void> | undefined
  /** Whether a registration was ever sent, so stop() knows whether to deregister. */
  #sent = false
  /** Set when the client was closed under us: nothing can succeed any more. */
  #closed = false
  #unhealthyReason: string | undefined
  #lastStatus: CheckStatus | undefined
  #refreshPending = false
  #wake: (() => void) | undefined
  #failures = 0
  readonly #warn: WarnLimiter

  /**
   * ServiceRegistrar's constructor checks the options; nothing is sent until start().
   *
   * @param options - client, identity, readiness and tunables.
   * @throws InvalidArgumentError naming the option that is out of range.
   */
  constructor(options: ServiceRegistrarOptions) {
    const serviceName = options.serviceName ?? DEFAULT_SERVICE_NAME
    checkName('serviceName', serviceName)
    checkName('nodeName', options.nodeName)
    if (options.address === '' || UNSPECIFIED_ADDRESSES.has(options.address)) {
      // Consul refuses these with 400 "Invalid service address"; peers could not dial them.
      throw new InvalidArgumentError(
        `address must be the host peers dial, got ${JSON.stringify(options.address)}`
      )
    }
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new InvalidArgumentError(`port must be an integer in [1, 65535], got ${options.port}`)
    }
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
    if (!(Number.isFinite(ttlMs) && ttlMs >= MIN_TTL_MS)) {
      throw new InvalidArgumentError(`ttlMs must be ≥ ${MIN_TTL_MS}, got ${ttlMs}`)
    }
    const deregisterAfterMs =
      options.deregisterCriticalAfterMs ?? DEFAULT_DEREGISTER_CRITICAL_AFTER_MS
    if (!(Number.isFinite(deregisterAfterMs) && deregisterAfterMs > 0)) {
      throw new InvalidArgumentError(
        `deregisterCriticalAfterMs must be > 0, got ${deregisterAfterMs}`
      )
    }
    this.#stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS
    if (!(Number.isFinite(this.#stopTimeoutMs) && this.#stopTimeoutMs > 0)) {
      throw new InvalidArgumentError(`stopTimeoutMs must be > 0, got ${this.#stopTimeoutMs}`)
    }
    const initialMs = options.retry?.initialMs ?? DEFAULT_RETRY_INITIAL_MS
    const maxMs = options.retry?.maxMs ?? DEFAULT_RETRY_MAX_MS
    if (!(Number.isFinite(initialMs) && initialMs > 0)) {
      throw new InvalidArgumentError(`retry.initialMs must be > 0, got ${initialMs}`)
    }
    if (!(Number.isFinite(maxMs) && maxMs >= initialMs)) {
      throw new InvalidArgumentError(`retry.maxMs must be ≥ retry.initialMs, got ${maxMs}`)
    }
    const meta = { node_name: options.nodeName, ...options.meta }
    checkMeta(meta)

    const serviceId = `${serviceName}-${options.nodeName}`
    this.#registration = {
      id: serviceId,
      name: serviceName,
      address: options.address,
      port: options.port,
      meta,
      check: {
        id: `service:${serviceId}:ttl`,
        name: `${serviceName} readiness`,
        ttlMs,
        deregisterCriticalAfterMs: deregisterAfterMs,
        initialStatus: 'critical',
      },
    }
    this.#client = options.client
    this.#feedIntervalMs = ttlMs / 3
    this.#isHealthy = options.isHealthy
    this.#healthOutput = options.healthOutput
    this.#log = options.log
    this.#now = options.now ?? (() => performance.now())
    this.#warn = new WarnLimiter(this.#log, WARN_INTERVAL_MS, this.#now)
    this.#backoff = new ExponentialBackoff({ initialIntervalMs: initialMs, maxIntervalMs: maxMs })
  }

  /** serviceId is the Consul service ID, `<serviceName>-<nodeName>`. */
  get serviceId(): string {
    return this.#registration.id
  }

  /** checkId is the ID of the TTL check, `service:<serviceId>:ttl`. */
  get checkId(): string {
    return this.#registration.check.id
  }

  /**
   * start registers and begins feeding the check in the background; a second call does
   * nothing.
   *
   * @throws ClosedError after stop().
   */
  start(): void {
    if (this.#stopping !== undefined) {
      throw new ClosedError('ServiceRegistrar')
    }
    this.#loop ??= this.#run(this.#controller.signal)
  }

  /**
   * refresh feeds the check now instead of at the next interval, e.g. when readiness changed,
   * so peers learn it within one round trip.
   */
  refresh(): void {
    this.#refreshPending = true
    this.#wake?.()
  }

  /**
   * markUnhealthy turns the check critical with `reason` as its output from now until stop(),
   * whatever isHealthy says; e.g. at the start of a graceful shutdown, so peers stop counting
   * on this node while it drains.
   *
   * @param reason - the check output, saying why.
   */
  markUnhealthy(reason: string): void {
    this.#unhealthyReason = reason
    this.refresh()
  }

  /**
   * stop ends the feed loop and deregisters the service (best effort, within stopTimeoutMs)
   * so peers drop this node at once. Idempotent; start() afterwards throws.
   *
   * @returns a promise that resolves when the loop has ended and deregistration is done or
   *   has given up; it never rejects.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown()
    return this.#stopping
  }

  async #shutdown(): Promise<void> {
    this.#controller.abort()
    await this.#loop
    if (!this.#sent) {
      return
    }
    // A registration aborted in flight may still have reached the agent, so deregister
    // whenever one was sent.
    const deadline = new Deadline(this.#stopTimeoutMs)
    try {
      await this.#client.deregisterService(this.serviceId, { signal: deadline.signal })
      this.#log.info({ serviceId: this.serviceId }, 'Deregistered from Consul')
    } catch (err: unknown) {
      if (err instanceof ConsulError && err.status === 404) {
        this.#log.debug({ serviceId: this.serviceId }, 'Consul had no registration to remove')
        return
      }
      this.#log.warn(
        {
          serviceId: this.serviceId,
          err: errorMessage(err),
          removedAfterMs: this.#registration.check.deregisterCriticalAfterMs,
        },
        'Cannot deregister from Consul; peers drop this node once its check expires'
      )
    } finally {
      deadline.clear()
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    let registered = false
    while (!signal.aborted) {
      if (!registered) {
        registered = await this.#register(signal)
        if (!registered) {
          if (this.#closed) {
            break
          }
          await this.#pause(this.#backoff.next(), signal, false)
          continue
        }
      }
      const outcome = await this.#feed(signal)
      if (outcome === 'closed' || outcome === 'aborted') {
        break
      }
      if (outcome === 'unknown') {
        // Consul forgot the service (restart with lost state): register again right away.
        registered = false
        continue
      }
      await this.#pause(this.#feedIntervalMs, signal, true)
    }
  }

  async #register(signal: AbortSignal): Promise<boolean> {
    this.#sent = true
    try {
      await this.#client.registerService(this.#registration, { signal })
    } catch (err: unknown) {
      if (!signal.aborted) {
        this.#failed(err, 'Cannot register with Consul')
      }
      return false
    }
    this.#backoff.reset()
    this.#lastStatus = 'critical'
    this.#log.info(
      { serviceId: this.serviceId, checkId: this.checkId, ttlMs: this.#registration.check.ttlMs },
      'Registered with Consul'
    )
    this.#recovered()
    return true
  }

  async #feed(signal: AbortSignal): Promise<FeedOutcome> {
    this.#refreshPending = false
    const { status, output } = this.#health()
    try {
      await this.#client.updateTtlCheck(this.checkId, status, output, { signal })
    } catch (err: unknown) {
      if (signal.aborted) {
        return 'aborted'
      }
      if (isUnknownCheckError(err)) {
        this.#log.info(
          { serviceId: this.serviceId, err: errorMessage(err) },
          'Consul does not know the check; registering again'
        )
        return 'unknown'
      }
      this.#failed(err, 'Cannot update the Consul check')
      return this.#closed ? 'closed' : 'failed'
    }
    this.#recovered()
    if (status !== this.#lastStatus) {
      this.#log.info({ status, output }, 'Consul check status changed')
      this.#lastStatus = status
    }
    return 'fed'
  }

  #health(): { readonly status: CheckStatus; readonly output: string } {
    if (this.#unhealthyReason !== undefined) {
      return { status: 'critical', output: this.#unhealthyReason }
    }
    try {
      const healthy = this.#isHealthy()
      const output = this.#healthOutput?.() ?? (healthy ? 'ready' : 'not ready')
      return { status: healthy ? 'passing' : 'critical', output }
    } catch (err: unknown) {
      return { status: 'critical', output: `readiness check failed: ${errorMessage(err)}` }
    }
  }

  /** pause waits, ending early on stop, and on refresh() when `wakeable`. */
  #pause(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void> {
    if (signal.aborted || (wakeable && this.#refreshPending)) {
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      // done only runs after the timer below exists (its own callback, abort, or refresh).
      const done = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      timer.unref()
      signal.addEventListener('abort', done, { once: true })
      if (wakeable) {
        this.#wake = done
      }
    })
  }

  #failed(err: unknown, message: string): void {
    if (err instanceof ClosedError) {
      this.#closed = true
      this.#log.warn({ err: errorMessage(err) }, `${message}: the Consul client is closed`)
      return
    }
    this.#failures++
    const fields = {
      serviceId: this.serviceId,
      err: errorMessage(err),
      failures: this.#failures,
    }
    this.#warn.warn('registration', fields, message)
  }

  #recovered(): void {
    if (this.#failures === 0) {
      return
    }
    this.#log.info(
      { serviceId: this.serviceId, failures: this.#failures },
      'Consul registration recovered'
    )
    this.#failures = 0
    this.#warn.reset('registration')
  }
}

function checkName(option: string, value: string): void {
  if (value === '' || value.includes('/')) {
    // The ID goes into agent URLs (deregister/:id), where a slash would change the path.
    throw new InvalidArgumentError(
      `${option} must be non-empty and without "/", got ${JSON.stringify(value)}`
    )
  }
}

function checkMeta(meta: Readonly<Record<string, string>>): void {
  const keys = Object.keys(meta)
  if (keys.length > META_MAX_PAIRS) {
    throw new InvalidArgumentError(`meta has ${keys.length} keys; Consul allows ${META_MAX_PAIRS}`)
  }
  for (const key of keys) {
    if (!META_KEY.test(key) || key.startsWith('consul-')) {
      throw new InvalidArgumentError(
        `meta key ${JSON.stringify(key)} must be 1-128 letters, digits, _ or - and not start with consul-`
      )
    }
    if ((meta[key] ?? '').length > META_MAX_VALUE_CHARS) {
      throw new InvalidArgumentError(
        `meta ${key} is longer than Consul's ${META_MAX_VALUE_CHARS} characters`
      )
    }
  }
}
