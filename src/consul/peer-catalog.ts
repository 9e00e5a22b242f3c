import type Logger from 'bunyan'

import { ClosedError, WarnLimiter, compareGoStrings, errorMessage } from '../util/index.js'

import { BlockingQuery } from './blocking-query.js'
import type { ServiceInstance } from './client-types.js'
import type { ConsulClient } from './client.js'

/** ConsulPeer is one passing instance of the service, as a cluster member to dial. */
export interface ConsulPeer {
  /** The node's name: meta `node_name`, else the service ID. */
  readonly nodeName: string
  /** Where its cluster listener is: meta `cluster_address`, else `<address>:<port>`. */
  readonly clusterAddress: string
  readonly serviceId: string
}

/** PeerCatalogOptions configure a {@link PeerCatalog}. */
export interface PeerCatalogOptions {
  readonly client: ConsulClient
  /**
   * The Consul service the nodes register under.
   *
   * @default 'alertmesh'
   */
  readonly serviceName?: string
  /**
   * Receives the passing instances, this node included (the caller filters itself out),
   * sorted by node name, then address, then service ID: first once Consul answers, then
   * whenever the set changes. Never called because Consul is unreachable. If it throws, the
   * error goes to onError and the same list is offered again after the backoff.
   */
  readonly onPeers: (peers: readonly ConsulPeer[]) => void
  /** Hears every failed read with the delay before the next. Must not throw. */
  readonly onError?: (err: unknown, retryInMs: number) => void
  /**
   * How long Consul may hold each blocking read; a change answers it at once.
   *
   * @default 60_000
   */
  readonly waitMs?: number
  readonly log: Logger
  /**
   * Monotonic clock in milliseconds, for rate-limiting warnings and the query's rate limit.
   *
   * @default performance.now
   */
  readonly now?: () => number
}

const DEFAULT_SERVICE_NAME = 'alertmesh'
/** Repeated failures are logged at warn at most this often; the others go to debug. */
const WARN_INTERVAL_MS = 60_000

/**
 * PeerCatalog follows the passing instances of the alertmesh service in Consul with a blocking
 * query on /v1/health/service/:name?passing and turns them into cluster peers. A node joins
 * the list when its TTL check passes and leaves it when the check turns critical, its
 * registration is removed, or Consul reaps it.
 *
 * While Consul cannot be read the last list stays in force: an outage of Consul is not an
 * outage of the cluster, so nothing is delivered until Consul answers again, and then only if
 * the set changed.
 *
 * @example
 * ```ts
 * const catalog = new PeerCatalog({
 *   client, log,
 *   onPeers: (peers) => peer.setDiscoveredPeers(
 *     peers.filter((p) => p.nodeName !== self).map((p) => p.clusterAddress)),
 * })
 * catalog.start()
 * await catalog.stop()
 * ```
 */
export class PeerCatalog {
  readonly #serviceName: string
  readonly #query: BlockingQuery<readonly ConsulPeer[]>
  readonly #log: Logger
  readonly #now: () => number
  #peers: readonly ConsulPeer[] | undefined
  #stopping: Promise<void> | undefined
  #failures = 0
  readonly #warn: WarnLimiter

  /**
   * PeerCatalog's constructor prepares the query; nothing is read until start().
   *
   * @param options - client, service name, callbacks and tunables.
   * @throws InvalidArgumentError for a waitMs outside [1, 600_000].
   */
  constructor(options: PeerCatalogOptions) {
    const serviceName = options.serviceName ?? DEFAULT_SERVICE_NAME
    this.#serviceName = serviceName
    this.#log = options.log
    this.#now = options.now ?? (() => performance.now())
    this.#warn = new WarnLimiter(this.#log, WARN_INTERVAL_MS, this.#now)
    const { client } = options
    this.#query = new BlockingQuery<readonly ConsulPeer[]>({
      name: `health service ${serviceName}`,
      fetch: async (index, waitMs, signal) => {
        const result = await client.healthyInstances(serviceName, { index, waitMs, signal })
        return { index: result.index, value: toPeers(result.value) }
      },
      equals: samePeers,
      onChange: (peers) => {
        this.#log.info(
          { service: serviceName, peers: peers.map((p) => p.nodeName) },
          'Consul peers changed'
        )
        options.onPeers(peers)
        this.#peers = peers
      },
      onError: (err, _attempt, retryInMs) => {
        this.#failed(err, retryInMs)
        options.onError?.(err, retryInMs)
      },
      onRecovered: () => {
        this.#log.info(
          { service: serviceName, failures: this.#failures },
          'Reading peers from Consul again'
        )
        this.#failures = 0
        this.#warn.reset('peers')
      },
      now: this.#now,
      ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
    })
  }

  /** peers is the last list delivered to onPeers; undefined before the first. */
  get peers(): readonly ConsulPeer[] | undefined {
    return this.#peers
  }

  /**
   * start begins the blocking query; a second call does nothing.
   *
   * @throws ClosedError after stop().
   */
  start(): void {
    if (this.#stopping !== undefined) {
      throw new ClosedError('PeerCatalog')
    }
    this.#query.start()
  }

  /**
   * stop aborts the read in flight and resolves once the loop has ended; onPeers is not called
   * afterwards. Idempotent.
   *
   * @returns a promise that resolves when the loop is done.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#query.stop()
    return this.#stopping
  }

  #failed(err: unknown, retryInMs: number): void {
    this.#failures++
    const fields = {
      service: this.#serviceName,
      err: errorMessage(err),
      failures: this.#failures,
      retryInMs,
      keptPeers: this.#peers?.length ?? 0,
    }
    this.#warn.warn('peers', fields, 'Cannot read peers from Consul; keeping the last list')
  }
}

/** toPeers maps instances to peers, sorted so that equal sets compare equal. */
function toPeers(instances: readonly ServiceInstance[]): readonly ConsulPeer[] {
  const peers = instances.map((instance): ConsulPeer => ({
    nodeName: nonEmpty(instance.meta['node_name']) ?? instance.id,
    clusterAddress:
      nonEmpty(instance.meta['cluster_address']) ?? hostPort(instance.address, instance.port),
    serviceId: instance.id,
  }))
  peers.sort(
    (a, b) =>
      compareGoStrings(a.nodeName, b.nodeName) ||
      compareGoStrings(a.clusterAddress, b.clusterAddress) ||
      compareGoStrings(a.serviceId, b.serviceId)
  )
  return Object.freeze(peers)
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** hostPort is Go's net.JoinHostPort: IPv6 literals get brackets. */
function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`
}

function samePeers(a: readonly ConsulPeer[], b: readonly ConsulPeer[]): boolean {
  return (
    a.length === b.length &&
    a.every((peer, i) => {
      const other = b[i]
      return (
        peer.nodeName === other?.nodeName &&
        peer.clusterAddress === other.clusterAddress &&
        peer.serviceId === other.serviceId
      )
    })
  )
}
