import type { WarnLimiter } from '../util/index.js'

import { resolveAddress } from './address.js'
import type { Lookup } from './address.js'

/** Alertmanager's refresh period: --cluster.peer names are re-resolved this often. */
const REFRESH_INTERVAL_MS = 15_000

/** DiscoveryOptions configure a {@link Discovery}. */
export interface DiscoveryOptions {
  /** The --cluster.peer addresses, `host:port` each; names are resolved at every refresh. */
  readonly knownPeers: readonly string[]
  /** Whether a discovered list (Consul's passing instances) is expected before settling. */
  readonly expectDiscovered: boolean
  /** Hands one source's resolved `ip:port` addresses to the dialer (its `setSource`). */
  readonly setSource: (source: 'static' | 'discovered', addresses: readonly string[]) => void
  /** Called once --cluster.peer is first resolved and after each discovered list is applied. */
  readonly onResolved: () => void
  readonly warn: WarnLimiter
  /**
   * The DNS lookup for names; injectable for tests.
   *
   * @default the system resolver (`dns.promises.lookup`)
   */
  readonly lookup?: Lookup
}

/**
 * Discovery keeps the addresses this node is told to join: the --cluster.peer list, resolved
 * at start and again every 15 s as Alertmanager's refresh does (so a DNS name that moves is
 * followed), and the list discovery hands over (Consul's passing instances). Each source goes
 * to the dialer on its own, so one replacing its addresses leaves the other's alone. It also
 * knows whether every source has spoken, which settling waits for, and which addresses count
 * as healthy members when discovery is the only source.
 */
export class Discovery {
  readonly #options: DiscoveryOptions
  #discovered: readonly string[] = []
  #discoveryGeneration = 0
  /** Whether --cluster.peer has been resolved once, so the dialer knows every static peer. */
  #staticResolved = false
  /** Whether a discovered list has been applied once. */
  #discoveredOnce = false
  #discoveredSet: ReadonlySet<string> | undefined
  #refresh: NodeJS.Timeout | undefined
  #stopped = false

  /**
   * Discovery's constructor takes the sources and the dialer's sink; nothing is resolved
   * before {@link Discovery.start}.
   *
   * @param options - the static list, whether discovery is expected, the sink and the hooks.
   */
  constructor(options: DiscoveryOptions) {
    this.#options = options
  }

  /**
   * expectsPeers tells whether any peer may come: --cluster.peer names some, or discovery is
   * expected to. A node for which neither holds is ready at once.
   */
  get expectsPeers(): boolean {
    return this.#options.knownPeers.length > 0 || this.#options.expectDiscovered
  }

  /** sourcesKnown: --cluster.peer is resolved and, when discovery is expected, it has spoken. */
  get sourcesKnown(): boolean {
    return this.#staticResolved && (this.#discoveredOnce || !this.#options.expectDiscovered)
  }

  /**
   * healthyAddresses is, when discovery is the only source of peers (Consul mode without
   * --cluster.peer), the set discovery last named: a peer that fails its health check drops out
   * of members(), positions and waits even while its connection is still open (a hung node's
   * socket can stay up), and comes back when it passes again. The connection itself is kept so
   * a recovering or starting node still exchanges state. Undefined when every peer counts.
   */
  get healthyAddresses(): ReadonlySet<string> | undefined {
    return this.#options.expectDiscovered && this.#options.knownPeers.length === 0
      ? this.#discoveredSet
      : undefined
  }

  /** start resolves --cluster.peer now and starts the periodic refresh of both sources. */
  start(): void {
    this.#refresh = setInterval(() => {
      void this.#resolveStatic()
      void this.#resolveDiscovered()
    }, REFRESH_INTERVAL_MS)
    this.#refresh.unref()
    void this.#resolveStatic().then(() => {
      this.#staticResolved = true
      this.#options.onResolved()
    })
  }

  /**
   * setDiscovered replaces the discovered addresses; the newest list wins even when an older
   * one is still resolving. Ignored after stop().
   *
   * @param addresses - `host:port` each; names are resolved, invalid entries skipped.
   */
  setDiscovered(addresses: readonly string[]): void {
    if (this.#stopped) {
      return
    }
    this.#discovered = [...addresses]
    void this.#resolveDiscovered()
  }

  /** stop ends the refresh; resolutions still running are dropped when they finish. */
  stop(): void {
    this.#stopped = true
    clearInterval(this.#refresh)
  }

  async #resolveStatic(): Promise<void> {
    const addresses = await this.#resolveAll(this.#options.knownPeers)
    if (!this.#stopped) {
      this.#options.setSource('static', addresses)
    }
  }

  async #resolveDiscovered(): Promise<void> {
    const generation = ++this.#discoveryGeneration
    const addresses = await this.#resolveAll(this.#discovered)
    // A newer set may have arrived while this one resolved; the newest wins.
    if (generation === this.#discoveryGeneration && !this.#stopped) {
      this.#options.setSource('discovered', addresses)
      this.#discoveredSet = new Set(addresses)
      this.#discoveredOnce = true
      this.#options.onResolved()
    }
  }

  async #resolveAll(addresses: readonly string[]): Promise<string[]> {
    const resolved = await Promise.all(
      addresses.map(async (a) => {
        try {
          return await resolveAddress(a, this.#options.lookup)
        } catch (err: unknown) {
          this.#options.warn.warn(
            'peer_address',
            { address: a, err },
            'Ignored an invalid peer address'
          )
          return []
        }
      })
    )
    return resolved.flat()
  }
}
