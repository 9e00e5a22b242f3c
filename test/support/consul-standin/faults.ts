// Test controls that are not part of Consul's API: injected failures, latency and dropped
// connections, and a log of the requests the stand-in answered so tests can check client
// behaviour (rate limiting, backoff, blocking versus plain reads).
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'

/** FailRule answers the next `count` matching requests with an error instead of the real reply. */
export interface FailRule {
  /** How many requests to fail. */
  readonly count: number
  /** @defaultValue 500 */
  readonly status?: number
  /** @defaultValue 'No cluster leader', the text Consul answers while it has no leader. */
  readonly body?: string
  /** Only requests whose path starts with this (e.g. `/v1/kv/`). */
  readonly pathPrefix?: string
}

/** DropRule destroys matching connections without answering. */
export interface DropRule {
  /** Drop this many requests; with durationMs, whichever runs out first. */
  readonly count?: number
  /** Drop every matching request for this long. */
  readonly durationMs?: number
  /** Only requests whose path starts with this. */
  readonly pathPrefix?: string
}

/** LatencyRule delays matching requests before they are handled. */
export interface LatencyRule {
  readonly ms: number
  /** Only requests whose path starts with this. */
  readonly pathPrefix?: string
}

/** InterceptedRequest is what an intercept hook sees of a request (its body is not read yet). */
export interface InterceptedRequest {
  readonly method: string
  /** The decoded path, e.g. `/v1/kv/alertmesh/config`. */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
}

/**
 * InterceptHook scripts answers the fault rules cannot express (a malformed body, a missing
 * header, an index that only grows): it answers a request itself and returns true, or returns
 * false to leave it to the stand-in. To hold a request and let the stand-in answer it later,
 * it returns true and calls `proceed` when ready.
 */
export type InterceptHook = (
  request: InterceptedRequest,
  res: ServerResponse,
  proceed: () => void
) => boolean

/** FaultDecision is what the injector wants done with one request. */
export interface FaultDecision {
  readonly drop: boolean
  readonly delayMs: number
  readonly fail: { readonly status: number; readonly body: string } | undefined
}

interface ActiveFail {
  remaining: number
  readonly status: number
  readonly body: string
  readonly pathPrefix: string
}

interface ActiveDrop {
  remaining: number
  readonly until: number
  readonly pathPrefix: string
}

/** DEFAULT_FAIL_BODY is what Consul's HTTP API says while the cluster has no leader. */
export const DEFAULT_FAIL_BODY = 'No cluster leader'

/**
 * FaultInjector holds the active faults and decides, per request, whether to drop it, delay it
 * or fail it. Rules apply in the order they were added; a request consumes at most one fail and
 * one drop.
 */
export class FaultInjector {
  #fails: ActiveFail[] = []
  #drops: ActiveDrop[] = []
  #latency: LatencyRule[] = []

  /**
   * failNext adds a fail rule.
   *
   * @param rule - the rule.
   */
  failNext(rule: FailRule): void {
    this.#fails.push({
      remaining: rule.count,
      status: rule.status ?? 500,
      body: rule.body ?? DEFAULT_FAIL_BODY,
      pathPrefix: rule.pathPrefix ?? '',
    })
  }

  /**
   * dropConnections adds a drop rule. With neither count nor durationMs it drops one request.
   *
   * @param rule - the rule.
   */
  dropConnections(rule: DropRule): void {
    const byTime = rule.durationMs !== undefined
    this.#drops.push({
      remaining: rule.count ?? (byTime ? Number.POSITIVE_INFINITY : 1),
      until: byTime ? Date.now() + (rule.durationMs ?? 0) : Number.POSITIVE_INFINITY,
      pathPrefix: rule.pathPrefix ?? '',
    })
  }

  /**
   * setLatency adds latency to matching requests (replacing any rule with the same prefix); 0
   * removes it.
   *
   * @param rule - the rule.
   */
  setLatency(rule: LatencyRule): void {
    const prefix = rule.pathPrefix ?? ''
    this.#latency = this.#latency.filter((r) => (r.pathPrefix ?? '') !== prefix)
    if (rule.ms > 0) {
      this.#latency.push({ ms: rule.ms, pathPrefix: prefix })
    }
  }

  /** clear removes every fault. */
  clear(): void {
    this.#fails = []
    this.#drops = []
    this.#latency = []
  }

  /**
   * decide consumes the rules that match a request.
   *
   * @param path - the request path.
   * @returns what to do.
   */
  decide(path: string): FaultDecision {
    const now = Date.now()
    this.#drops = this.#drops.filter((d) => d.remaining > 0 && d.until > now)
    const drop = this.#drops.find((d) => path.startsWith(d.pathPrefix))
    if (drop !== undefined) {
      drop.remaining -= 1
      return { drop: true, delayMs: 0, fail: undefined }
    }
    let delayMs = 0
    for (const rule of this.#latency) {
      if (path.startsWith(rule.pathPrefix ?? '')) {
        delayMs = Math.max(delayMs, rule.ms)
      }
    }
    this.#fails = this.#fails.filter((f) => f.remaining > 0)
    const fail = this.#fails.find((f) => path.startsWith(f.pathPrefix))
    if (fail !== undefined) {
      fail.remaining -= 1
      return { drop: false, delayMs, fail: { status: fail.status, body: fail.body } }
    }
    return { drop: false, delayMs, fail: undefined }
  }
}

/** RequestOutcome says how a logged request ended. */
export type RequestOutcome = 'answered' | 'failed' | 'dropped' | 'aborted'

/** RequestRecord is one request the stand-in saw (control requests are not logged). */
export interface RequestRecord {
  readonly method: string
  /** The decoded path, e.g. `/v1/kv/alertmesh/config`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** The Consul endpoint, e.g. `kv.get`, `kv.list`, `health.service`; `unknown` if none. */
  readonly endpoint: string
  /** The KV key or service name the request was about, when there is one. */
  readonly subject: string | undefined
  /** Whether it carried `?index` > 0 (a blocking query). */
  readonly blocking: boolean
  /** Milliseconds since the stand-in started. */
  readonly startedAtMs: number
  readonly durationMs: number
  /** The HTTP status sent, undefined when the connection was dropped or the client left. */
  readonly status: number | undefined
  readonly outcome: RequestOutcome
}

/** RequestFilter selects records; every given field must match. */
export interface RequestFilter {
  readonly method?: string
  readonly endpoint?: string
  readonly subject?: string
  readonly pathPrefix?: string
  readonly blocking?: boolean
  readonly outcome?: RequestOutcome
}

/** MAX_RECORDS bounds the log; the oldest records are dropped first. */
const MAX_RECORDS = 50_000

/**
 * RequestLog keeps the most recent requests.
 */
export class RequestLog {
  #records: RequestRecord[] = []

  /**
   * add appends a finished request.
   *
   * @param record - the record.
   */
  add(record: RequestRecord): void {
    this.#records.push(record)
    if (this.#records.length > MAX_RECORDS) {
      this.#records = this.#records.slice(-MAX_RECORDS)
    }
  }

  /**
   * list returns the matching records, oldest first.
   *
   * @param filter - what to match.
   * @returns the records.
   */
  list(filter: RequestFilter = {}): RequestRecord[] {
    return this.#records.filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method) &&
        (filter.endpoint === undefined || r.endpoint === filter.endpoint) &&
        (filter.subject === undefined || r.subject === filter.subject) &&
        (filter.pathPrefix === undefined || r.path.startsWith(filter.pathPrefix)) &&
        (filter.blocking === undefined || r.blocking === filter.blocking) &&
        (filter.outcome === undefined || r.outcome === filter.outcome)
    )
  }

  /** clear forgets every record. */
  clear(): void {
    this.#records = []
  }
}
