// The typed values the Consul client takes and returns, in our names, not Consul's.
/** ConsulSettings say where and how to reach Consul; src/cli builds them from flags and env. */
export interface ConsulSettings {
  /** `http://127.0.0.1:8500` or `https://…`, without `/v1`. */
  readonly baseUrl: string
  /** The ACL token, sent as X-Consul-Token; never shown in messages. */
  readonly token?: string
  /** Sent as `?dc=` on every request. */
  readonly datacenter?: string
  /** Used when baseUrl is https; ignored for http. */
  readonly tls?: {
    /** PEM CA bundle the server certificate must chain to. */
    readonly ca?: Buffer
    /** PEM client certificate, for Consul's `verify_incoming`. */
    readonly cert?: Buffer
    /** PEM key of the client certificate. */
    readonly key?: Buffer
    /** SNI name, and the name the server certificate is checked against. */
    readonly serverName?: string
    /** Accept any server certificate (CONSUL_HTTP_SSL_VERIFY=false). */
    readonly insecureSkipVerify?: boolean
  }
}

/** ConsulClientOptions tune a {@link ConsulClient}. */
export interface ConsulClientOptions {
  /**
   * How long a non-blocking call may take. Blocking reads get their wait plus Consul's jitter
   * (wait/16) plus 5 s instead.
   *
   * @default 10_000
   */
  readonly requestTimeoutMs?: number
}

/** KvEntry is one KV pair; indexes and flags are uint64 and kept exact as bigint. */
export interface KvEntry {
  readonly key: string
  readonly value: Buffer
  readonly flags: bigint
  readonly createIndex: bigint
  readonly modifyIndex: bigint
}

/** QueryOptions make a read blocking (index > 0) and cancellable. */
export interface QueryOptions {
  /** Wait until the X-Consul-Index passes this; 0 or absent reads without blocking. */
  readonly index?: bigint
  /**
   * The longest Consul may hold a blocking read, at most 10 minutes.
   *
   * @default 60_000
   */
  readonly waitMs?: number
  readonly signal?: AbortSignal
}

/** QueryResult is a read's value together with the X-Consul-Index it was read at. */
export interface QueryResult<T> {
  readonly index: bigint
  readonly value: T
}

/** CheckStatus is a Consul health check status. */
export type CheckStatus = 'passing' | 'warning' | 'critical'

/**
 * ServiceCheck is the one health check registered with a service: a TTL check the process feeds
 * itself (`ttlMs`), or an HTTP check the agent runs (`http` with `intervalMs`).
 */
export interface ServiceCheck {
  /** The check ID; set explicitly so it is known without asking Consul. */
  readonly id: string
  readonly name: string
  /** TTL check: critical unless updated within this long. */
  readonly ttlMs?: number
  /** HTTP check: the URL the agent polls; 2xx is passing, 429 warning, else critical. */
  readonly http?: string
  /** HTTP check: how often the agent polls. */
  readonly intervalMs?: number
  /** HTTP check: how long one poll may take. */
  readonly timeoutMs?: number
  /**
   * How long the check may stay critical before the agent deregisters the service. Consul
   * raises anything below 1 minute to 1 minute, and its reaper runs every 30 s.
   */
  readonly deregisterCriticalAfterMs: number
  /**
   * The status before the first update; a re-registration keeps the status the check has.
   *
   * @default 'critical'
   */
  readonly initialStatus?: CheckStatus
}

/** ServiceRegistration describes one service instance for the local agent. */
export interface ServiceRegistration {
  /** Unique on the agent; Consul keys deregistration and the catalog entry on it. */
  readonly id: string
  /** The service name that discovery queries by. */
  readonly name: string
  readonly address: string
  readonly port: number
  readonly tags?: readonly string[]
  readonly meta?: Readonly<Record<string, string>>
  readonly check: ServiceCheck
}

/** ServiceInstance is one instance of a service as the health endpoint reports it. */
export interface ServiceInstance {
  /** The service ID. */
  readonly id: string
  /** The Consul node the instance is registered on. */
  readonly node: string
  /** The service address, or the node's address when the service has none. */
  readonly address: string
  readonly port: number
  readonly meta: Readonly<Record<string, string>>
  readonly tags: readonly string[]
}

/** CallOptions cancel a single write. */
export interface CallOptions {
  readonly signal?: AbortSignal
}
