/**
 * HTTP clients of the benchmark, on an undici Pool: a loader that posts an exact number of
 * distinct alerts in batches with fixed concurrency, and a timer for GET /api/v2/alerts that
 * downloads the whole body.
 */
import { performance } from 'node:perf_hooks'

import { Pool } from 'undici'

import { makeBatch } from './alerts.js'
import type { ExtraLabels } from './alerts.js'

/** HTTP_TIMEOUT_MS bounds every benchmark request; a 100k-alert GET takes seconds, not minutes. */
const HTTP_TIMEOUT_MS = 120_000

/** PROGRESS_EVERY_MS is how often the loader reports progress. */
const PROGRESS_EVERY_MS = 2_000

/** HttpStatusError reports a non-2xx answer to a benchmark request. */
export class HttpStatusError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.name = 'HttpStatusError'
    this.status = status
  }
}

/**
 * openPool opens a keep-alive connection pool to a target.
 *
 * @param baseUrl - e.g. `http://127.0.0.1:9093`.
 * @param connections - the most connections it opens.
 * @returns the pool; close it when done.
 */
export function openPool(baseUrl: string, connections: number): Pool {
  return new Pool(baseUrl, {
    connections,
    headersTimeout: HTTP_TIMEOUT_MS,
    bodyTimeout: HTTP_TIMEOUT_MS,
  })
}

/** LoadOptions configures loadAlerts. */
export interface LoadOptions {
  /** Run prefix of the alerts' `id` label. */
  readonly prefix: string
  /** Number of the first alert to send (for loading in steps under one prefix). */
  readonly from: number
  /** Number one past the last alert to send. */
  readonly to: number
  /** Alerts per POST. */
  readonly batch: number
  /** Requests in flight at once. */
  readonly concurrency: number
  /** Labels added to each alert (see ExtraLabels); none when absent. */
  readonly extraLabels?: ExtraLabels
  /** Called every PROGRESS_EVERY_MS and at the end with the alerts accepted so far. */
  readonly onProgress?: (sent: number) => void
  /**
   * Called just before each POST with its alert numbers and `performance.now()`, so a
   * benchmark can time what happens to each alert from the moment it was sent.
   */
  readonly onBatch?: (first: number, size: number, sentMs: number) => void
}

/** LoadResult is what loadAlerts did. */
export interface LoadResult {
  readonly alerts: number
  readonly requests: number
  readonly durationS: number
}

/**
 * loadAlerts posts alerts `from`..`to`-1 of stream 0 under `prefix`, `batch` per request and
 * `concurrency` requests at a time, each worker taking the next batch when its last finished.
 *
 * @param pool - a pool to the target.
 * @param opts - see LoadOptions.
 * @returns counts and elapsed time.
 * @throws HttpStatusError on the first non-2xx answer; undici errors when the target is gone.
 */
export async function loadAlerts(pool: Pool, opts: LoadOptions): Promise<LoadResult> {
  const started = performance.now()
  let next = opts.from
  let accepted = 0
  let requests = 0
  let lastReport = started
  const worker = async (): Promise<void> => {
    while (next < opts.to) {
      const first = next
      const size = Math.min(opts.batch, opts.to - first)
      next += size
      const body = makeBatch(opts.prefix, 0, first, size, Date.now(), opts.extraLabels)
      opts.onBatch?.(first, size, performance.now())
      const res = await pool.request({
        method: 'POST',
        path: '/api/v2/alerts',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const text = await res.body.text()
      requests++
      if (res.statusCode < 200 || res.statusCode > 299) {
        throw new HttpStatusError(
          res.statusCode,
          `POST /api/v2/alerts answered ${res.statusCode}: ${text.slice(0, 300)}`
        )
      }
      accepted += size
      const now = performance.now()
      if (now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now
        opts.onProgress?.(accepted)
      }
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker))
  opts.onProgress?.(accepted)
  return { alerts: accepted, requests, durationS: (performance.now() - started) / 1000 }
}

/** GetResult is one timed GET of an alert listing. */
export interface GetResult {
  /** From sending the request to receiving the last body byte. */
  readonly ms: number
  readonly bytes: number
  /** Number of alerts in the body; only when the caller asked to parse it. */
  readonly alerts?: number
}

/** AlertListing is a GET that lists alerts: flat, or in aggregation groups. */
export type AlertListing = '/api/v2/alerts' | '/api/v2/alerts/groups'

/**
 * timedGetAlerts times a GET of an alert listing including the whole body download. Parsing
 * (when asked) happens after the clock stops.
 *
 * @param pool - a pool to the target.
 * @param parse - whether to JSON-parse the body and count the alerts (in all groups).
 * @param path - the listing; GET /api/v2/alerts unless told.
 * @returns the time, size and optional count.
 * @throws HttpStatusError on a non-2xx answer.
 */
export async function timedGetAlerts(
  pool: Pool,
  parse: boolean,
  path: AlertListing = '/api/v2/alerts'
): Promise<GetResult> {
  const started = performance.now()
  const res = await pool.request({ method: 'GET', path })
  const ok = res.statusCode >= 200 && res.statusCode <= 299
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    bytes += chunk.length
    if (parse || !ok) {
      chunks.push(chunk)
    }
  }
  const ms = performance.now() - started
  if (!ok) {
    throw new HttpStatusError(
      res.statusCode,
      `GET ${path} answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8', 0, 300)}`
    )
  }
  if (!parse) {
    return { ms, bytes }
  }
  const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  if (!Array.isArray(body)) {
    throw new Error(`GET ${path} did not answer a JSON array`)
  }
  if (path === '/api/v2/alerts') {
    return { ms, bytes, alerts: body.length }
  }
  const alerts = (body as { alerts?: unknown }[]).reduce(
    (sum, group) => sum + (Array.isArray(group.alerts) ? group.alerts.length : 0),
    0
  )
  return { ms, bytes, alerts }
}
