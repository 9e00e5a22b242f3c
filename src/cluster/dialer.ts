/**
 * TargetSource says why the node dials an address: `static` (--cluster.peer), `discovered`
 * (Consul's catalog through setDiscoveredPeers) or `gossip` (a peer's MEMBERS list, or a peer
 * that dialled in).
 */
export type TargetSource = 'static' | 'discovered' | 'gossip'

/** DialerOptions configure a {@link Dialer}. */
export interface DialerOptions {
  /** The first retry delay after a failure or a lost connection. */
  readonly initialBackoffMs: number
  /** The retry delay doubles up to this (--cluster.reconnect-interval). */
  readonly maxBackoffMs: number
  /** A gossip-learned address that stays unreachable this long is forgotten. */
  readonly forgetAfterMs: number
  readonly now: () => number
  /** Opens an outbound connection; the owner reports its end with {@link Dialer.dialEnded}. */
  readonly dial: (address: string) => void
  /** Whether a peer with this name is connected (in either direction). */
  readonly isConnected: (name: string) => boolean
  /** Counts a dial that is a retry, and a retry that failed. */
  readonly onReconnect: (failed: boolean) => void
}

interface Target {
  readonly address: string
  readonly sources: Set<TargetSource>
  /** The node name last seen at this address (from an authenticated handshake or MEMBERS). */
  name: string | undefined
  /** An outbound connection to this address is open (connecting, handshaking or established). */
  dialing: boolean
  /** Whether the open dial is a retry: an earlier one failed, or the node was connected. */
  retry: boolean
  /** The node at this address has been connected at some point. */
  seen: boolean
  attempts: number
  backoffMs: number
  timer: NodeJS.Timeout | undefined
  /** Since when nobody reachable at this address has been connected. */
  downSince: number | undefined
}

/**
 * Dialer keeps the set of addresses this node should be connected to and (re)dials each one
 * that is not, with a delay that starts at `initialBackoffMs` and doubles up to `maxBackoffMs`
 * (memberlist retries failed peers only every reconnect-interval; a restarted peer is back here
 * within about 100 ms). A successful connection resets the delay. An address whose node is
 * connected anyway (it dialled in, or is reachable under another address) is not dialled.
 *
 * Static and discovered addresses are dialled for as long as they are configured: Alertmanager
 * forgets failed peers after reconnect-timeout but re-joins --cluster.peer addresses on its 15 s
 * refresh, which comes to the same. Gossip-learned addresses are forgotten after
 * `forgetAfterMs` unreachable.
 */
export class Dialer {
  readonly #options: DialerOptions
  readonly #targets = new Map<string, Target>()
  readonly #self = new Set<string>()
  #started = false
  #stopped = false

  /**
   * Dialer's constructor takes the policy and the callbacks; nothing is dialled before
   * {@link Dialer.start}.
   *
   * @param options - backoff, forgetting and the owner's callbacks.
   * @param self - addresses of this very node, never dialled.
   */
  constructor(options: DialerOptions, self: Iterable<string>) {
    this.#options = options
    for (const a of self) {
      this.#self.add(a)
    }
  }

  /** start dials every known address. */
  start(): void {
    this.#started = true
    for (const t of this.#targets.values()) {
      this.#schedule(t, 0)
    }
  }

  /** stop cancels every pending retry; open connections are the owner's to close. */
  stop(): void {
    this.#stopped = true
    for (const t of this.#targets.values()) {
      clearTimeout(t.timer)
      t.timer = undefined
    }
  }

  /**
   * setSource replaces the addresses one source contributes; addresses no source wants any
   * more stop being dialled (their open connections stay).
   *
   * @param source - `static` or `discovered`.
   * @param addresses - resolved `ip:port` strings.
   */
  setSource(source: 'static' | 'discovered', addresses: Iterable<string>): void {
    const wanted = new Set(addresses)
    for (const t of [...this.#targets.values()]) {
      if (t.sources.has(source) && !wanted.has(t.address)) {
        t.sources.delete(source)
        if (t.sources.size === 0) {
          this.#remove(t)
        }
      }
    }
    for (const address of wanted) {
      this.#add(address, source, undefined)
    }
  }

  /**
   * learn adds an address heard from a peer: its MEMBERS list, or its own HELLO.
   *
   * @param address - the advertised `host:port`.
   * @param name - the node name at that address.
   */
  learn(address: string, name: string): void {
    const t = this.#add(address, 'gossip', name)
    if (t !== undefined) {
      t.name = name
      if (this.#options.isConnected(name)) {
        t.downSince = undefined
        t.seen = true
      }
    }
  }

  /**
   * markSelf records that an address reaches this very node (found by the handshake), so it is
   * never dialled again.
   *
   * @param address - the address.
   */
  markSelf(address: string): void {
    this.#self.add(address)
    const t = this.#targets.get(address)
    if (t !== undefined) {
      this.#remove(t)
    }
  }

  /**
   * dialEnded reports that the outbound connection to an address closed.
   *
   * @param address - the address dialled.
   * @param name - the node reached, when the handshake succeeded.
   * @param unanswered - the dial gave up with no answer at all (see CONNECT_TIMEOUT_MS).
   */
  dialEnded(address: string, name: string | undefined, unanswered = false): void {
    const t = this.#targets.get(address)
    if (t === undefined) {
      return
    }
    t.dialing = false
    const now = this.#options.now()
    if (name !== undefined) {
      t.name = name
      t.seen = true
      t.backoffMs = this.#options.initialBackoffMs
      t.attempts = 0
      if (!this.#options.isConnected(name)) {
        t.downSince ??= now
      }
      this.#schedule(t, this.#options.initialBackoffMs)
      return
    }
    if (t.retry) {
      this.#options.onReconnect(true)
    }
    if (
      t.sources.size === 1 &&
      t.sources.has('gossip') &&
      t.downSince !== undefined &&
      now - t.downSince >= this.#options.forgetAfterMs
    ) {
      this.#remove(t)
      return
    }
    // A node that was connected and now does not answer at all (no refusal either) may be
    // behind a partition that heals at any moment: it is redialled at once, each dial giving up
    // after CONNECT_TIMEOUT_MS (mesh.ts), so the states meet again within about half a second of
    // the heal, where doubling up to reconnect-interval took up to 10 s. A refused or failed dial,
    // or an address never reached, backs off.
    const lost = unanswered && (t.seen || t.name !== undefined)
    const delay = lost ? this.#options.initialBackoffMs : t.backoffMs
    t.backoffMs = Math.min(t.backoffMs * 2, this.#options.maxBackoffMs)
    this.#schedule(t, delay)
  }

  /**
   * connected reports that a node is connected, so its addresses count as reachable.
   *
   * @param name - the node.
   */
  connected(name: string): void {
    for (const t of this.#targets.values()) {
      if (t.name === name) {
        t.downSince = undefined
        t.seen = true
      }
    }
  }

  /**
   * disconnected reports that a node's connection closed: its addresses are dialled again
   * after the initial delay.
   *
   * @param name - the node.
   */
  disconnected(name: string): void {
    const now = this.#options.now()
    for (const t of this.#targets.values()) {
      if (t.name === name) {
        t.downSince ??= now
        t.backoffMs = this.#options.initialBackoffMs
        if (!t.dialing && t.timer === undefined) {
          this.#schedule(t, this.#options.initialBackoffMs)
        }
      }
    }
  }

  /**
   * failedCount is `alertmanager_cluster_failed_peers`: known nodes that are not connected.
   * Addresses of one node (dialled and advertised) count once; an address whose node is not
   * known yet counts on its own.
   *
   * @returns the count.
   */
  failedCount(): number {
    const down = new Set<string>()
    let unnamed = 0
    for (const t of this.#targets.values()) {
      if (t.name === undefined) {
        unnamed++
      } else if (!this.#options.isConnected(t.name)) {
        down.add(t.name)
      }
    }
    return down.size + unnamed
  }

  /**
   * allDownFor tells whether every known address has been unreachable for at least `ms` (true
   * when none is known).
   *
   * @param ms - how long.
   * @returns the verdict.
   */
  allDownFor(ms: number): boolean {
    const now = this.#options.now()
    for (const t of this.#targets.values()) {
      if (t.downSince === undefined || now - t.downSince < ms) {
        return false
      }
    }
    return true
  }

  /**
   * allReachedOrDownFor tells whether every known address belongs to one of `reached` (nodes by
   * name) or has been unreachable for at least `ms`.
   *
   * @param ms - how long an address must have been down.
   * @param reached - names of nodes that count as reached.
   * @returns the verdict.
   */
  allReachedOrDownFor(ms: number, reached: ReadonlySet<string>): boolean {
    const now = this.#options.now()
    for (const t of this.#targets.values()) {
      if (t.name !== undefined && reached.has(t.name)) {
        continue
      }
      if (t.downSince === undefined || now - t.downSince < ms) {
        return false
      }
    }
    return true
  }

  /**
   * addresses lists the known addresses with their sources, for tests and debugging.
   *
   * @returns address → sources.
   */
  addresses(): Map<string, TargetSource[]> {
    return new Map([...this.#targets.values()].map((t) => [t.address, [...t.sources]]))
  }

  #add(address: string, source: TargetSource, name: string | undefined): Target | undefined {
    if (this.#self.has(address)) {
      return undefined
    }
    const existing = this.#targets.get(address)
    if (existing !== undefined) {
      existing.sources.add(source)
      return existing
    }
    const t: Target = {
      address,
      sources: new Set([source]),
      name,
      dialing: false,
      retry: false,
      seen: false,
      attempts: 0,
      backoffMs: this.#options.initialBackoffMs,
      timer: undefined,
      downSince:
        name !== undefined && this.#options.isConnected(name) ? undefined : this.#options.now(),
    }
    this.#targets.set(address, t)
    if (this.#started) {
      this.#schedule(t, 0)
    }
    return t
  }

  #remove(t: Target): void {
    clearTimeout(t.timer)
    t.timer = undefined
    this.#targets.delete(t.address)
  }

  #schedule(t: Target, delayMs: number): void {
    if (this.#stopped || !this.#started || t.timer !== undefined || t.dialing) {
      return
    }
    t.timer = setTimeout(() => {
      t.timer = undefined
      this.#dial(t)
    }, delayMs)
    t.timer.unref()
  }

  #dial(t: Target): void {
    if (this.#stopped || t.dialing || this.#targets.get(t.address) !== t) {
      return
    }
    // Connected under another address or by dialling in: nothing to do until it disconnects.
    if (t.name !== undefined && this.#options.isConnected(t.name)) {
      return
    }
    t.retry = t.attempts > 0 || t.seen
    t.attempts++
    if (t.retry) {
      this.#options.onReconnect(false)
    }
    t.dialing = true
    this.#options.dial(t.address)
  }
}
