/**
 * The three measures of the ingest benchmark. Each runs against a fresh, ready target process
 * that the caller starts and stops.
 */
import { setTimeout as sleep } from 'node:timers/promises'

import type { Pool } from 'undici'

import { loadAlerts, timedGetAlerts } from '../lib/http.js'
import type { AlertListing, GetResult } from '../lib/http.js'
import type { MemorySample } from '../lib/proc.js'
import { formatFigure } from '../lib/report.js'
import type { SinkCounts, WebhookSink } from '../lib/sink.js'
import { max, median } from '../lib/stats.js'
import type { RunningTarget } from '../lib/target.js'
import { runWrk } from '../lib/wrk.js'
import type { WrkResult } from '../lib/wrk.js'

import { GETS_BEFORE_SECOND_RSS } from './types.js'
import type {
  LatencyPoint,
  LatencySeries,
  MemoryResult,
  Params,
  ThroughputResult,
} from './types.js'

/** MeasureContext is what a measure gets: the run's setup and its fresh target. */
export interface MeasureContext {
  readonly params: Params
  readonly sink: WebhookSink
  /** The wrk Lua script (throughput only). */
  readonly scriptPath: string
  readonly target: RunningTarget
  /** Keep-alive connections to the target, `params.connections` of them. */
  readonly pool: Pool
  /** Prints a progress line tagged with the target and the measure. */
  readonly say: (message: string) => void
}

/**
 * shortCount writes alert counts the way the issue does: 100000 → 100k.
 *
 * @param n - a count.
 * @returns the short form.
 */
export function shortCount(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n)
}

/**
 * fmtMiB formats a memory sample for a progress line.
 *
 * @param m - the sample.
 * @returns e.g. `289.4 MiB`.
 */
function fmtMiB(m: MemorySample): string {
  const tree = m.processes > 1 ? ` (${m.processes} processes: ${m.treeRssMiB.toFixed(1)} MiB)` : ''
  return `${m.rssMiB.toFixed(1)} MiB${tree}`
}

/**
 * since subtracts an earlier sink reading from the current one.
 *
 * @param sink - the webhook sink.
 * @param before - the earlier reading.
 * @returns what arrived in between.
 */
function since(sink: WebhookSink, before: SinkCounts): SinkCounts {
  const now = sink.counts()
  return { requests: now.requests - before.requests, bytes: now.bytes - before.bytes }
}

/**
 * socketErrorCount adds up wrk's socket error counters.
 *
 * @param w - a wrk result.
 * @returns connect + read + write + timeout errors.
 */
export function socketErrorCount(w: WrkResult): number {
  const e = w.socketErrors
  return e.connect + e.read + e.write + e.timeout
}

/**
 * load posts alerts 0..n-1 under `prefix`, printing progress.
 *
 * @param ctx - the measure's context.
 * @param prefix - run prefix of the alerts' id label.
 * @param n - how many alerts.
 * @returns the loader's result.
 */
async function load(
  ctx: MeasureContext,
  prefix: string,
  n: number
): Promise<{ alerts: number; durationS: number }> {
  const progress = (sent: number): void => {
    ctx.say(`loading ${shortCount(n)} alerts... ${sent}/${n}`)
  }
  progress(0)
  const result = await loadAlerts(ctx.pool, {
    prefix,
    from: 0,
    to: n,
    batch: ctx.params.batch,
    concurrency: ctx.params.connections,
    onProgress: progress,
  })
  ctx.say(`loaded ${result.alerts} alerts in ${result.durationS.toFixed(1)} s`)
  return result
}

/**
 * measureThroughput is measure 1: a wrk warm-up, then the measured wrk run, each sending
 * distinct alerts (run prefixes `warmup` and `run`).
 *
 * @param ctx - the measure's context.
 * @returns the figures.
 */
export async function measureThroughput(ctx: MeasureContext): Promise<ThroughputResult> {
  const { params, target, say } = ctx
  const sinkBefore = ctx.sink.counts()
  const wrkBase = {
    wrkBin: params.wrkBin,
    baseUrl: target.baseUrl,
    scriptPath: ctx.scriptPath,
    batch: params.batch,
    threads: params.threads,
    connections: params.connections,
  }
  const how = `wrk -t${params.threads} -c${params.connections}, ${params.batch} alerts/request`
  say(`warm-up ${params.warmupS} s (${how})...`)
  const warmupRun = await runWrk({ ...wrkBase, prefix: 'warmup', durationS: params.warmupS })
  // The warm-up's wrk text output would only clutter the JSON record.
  const warmup: WrkResult = { ...warmupRun, rawOutput: '' }
  target.assertAlive()
  say(`measuring ${params.durationS} s (${how})...`)
  const run = await runWrk({
    ...wrkBase,
    prefix: 'run',
    durationS: params.durationS,
    onTick: (s) => {
      say(`measuring... ${Math.min(s, params.durationS)}/${params.durationS} s`)
    },
  })
  const memoryAfter = await target.memory()
  say(
    `${formatFigure(run.alertsPerS)} alerts/s, p50 ${run.latencyMs.p50.toFixed(1)} ms, ` +
      `p99 ${run.latencyMs.p99.toFixed(1)} ms, ${run.requests} requests, ` +
      `non-2xx ${run.non2xx}, socket errors ${socketErrorCount(run)}; RSS ${fmtMiB(memoryAfter)}`
  )
  const non2xx = warmup.non2xx + run.non2xx
  if (non2xx > 0) {
    say(`WARNING: ${non2xx} non-2xx responses; first: ${run.firstError || warmup.firstError}`)
  }
  if (socketErrorCount(warmup) + socketErrorCount(run) > 0) {
    say(
      `WARNING: socket errors: warm-up ${JSON.stringify(warmup.socketErrors)}, run ${JSON.stringify(run.socketErrors)}`
    )
  }
  return {
    warmup,
    run,
    memoryAfter,
    alertsIngested: warmup.alertsAccepted + run.alertsAccepted,
    webhook: since(ctx.sink, sinkBefore),
  }
}

/**
 * measureMemory is measure 2: load N distinct alerts, wait `settle` seconds, read RSS; serve
 * 3 sequential GET /api/v2/alerts (whole body read), read RSS again. Nothing forces a GC.
 *
 * @param ctx - the measure's context.
 * @returns the figures.
 */
export async function measureMemory(ctx: MeasureContext): Promise<MemoryResult> {
  const { params, target, say } = ctx
  const sinkBefore = ctx.sink.counts()
  const n = params.memoryAlerts
  const loaded = await load(ctx, 'mem', n)
  const memoryAfterLoad = await target.memory()
  say(`RSS right after loading: ${fmtMiB(memoryAfterLoad)}; settling ${params.settleS} s...`)
  await sleep(params.settleS * 1000)
  const memoryLoaded = await target.memory()
  say(`RSS at ${shortCount(n)}: ${fmtMiB(memoryLoaded)}`)
  const sinkBeforeGets = ctx.sink.counts()
  const gets: GetResult[] = []
  for (let i = 1; i <= GETS_BEFORE_SECOND_RSS; i++) {
    const get = await timedGetAlerts(ctx.pool, false)
    gets.push(get)
    say(
      `GET /api/v2/alerts ${i}/${GETS_BEFORE_SECOND_RSS}: ${get.ms.toFixed(0)} ms, ` +
        `${(get.bytes / 1024 / 1024).toFixed(1)} MiB`
    )
  }
  const webhookDuringGets = since(ctx.sink, sinkBeforeGets)
  const memoryAfterGets = await target.memory()
  say(`RSS after ${GETS_BEFORE_SECOND_RSS} GETs: ${fmtMiB(memoryAfterGets)}`)
  if (webhookDuringGets.requests > 0) {
    say(`note: ${webhookDuringGets.requests} notifications arrived while the GETs ran`)
  }
  return {
    alerts: loaded.alerts,
    loadS: loaded.durationS,
    memoryAfterLoad,
    memoryLoaded,
    memoryAfterGets,
    gets,
    webhookDuringGets,
    webhook: since(ctx.sink, sinkBefore),
  }
}

/**
 * timeListing times one listing: one warm-up GET (parsed after the clock stops, to check the
 * count), then the timed GETs, each downloading the whole body.
 *
 * @param ctx - the measure's context.
 * @param path - the listing.
 * @param size - the alerts loaded.
 * @returns the series.
 */
async function timeListing(
  ctx: MeasureContext,
  path: AlertListing,
  size: number
): Promise<LatencySeries> {
  const { params, say } = ctx
  const warm = await timedGetAlerts(ctx.pool, true, path)
  say(`warm-up GET ${path}: ${warm.ms.toFixed(1)} ms, ${String(warm.alerts)} alerts`)
  if (warm.alerts !== size) {
    say(`WARNING: GET ${path} returned ${String(warm.alerts)} alerts, expected ${size}`)
  }
  const runsMs: number[] = []
  for (let i = 1; i <= params.latencyRuns; i++) {
    const get = await timedGetAlerts(ctx.pool, false, path)
    runsMs.push(get.ms)
    say(
      `GET ${path} at ${shortCount(size)} run ${i}/${params.latencyRuns}: ${get.ms.toFixed(1)} ms`
    )
  }
  const series: LatencySeries = {
    returnedAlerts: warm.alerts,
    bodyBytes: warm.bytes,
    warmupMs: warm.ms,
    runsMs,
    medianMs: median(runsMs),
    maxMs: max(runsMs),
  }
  say(
    `GET ${path} at ${shortCount(size)}: median ${series.medianMs.toFixed(1)} ms, max ` +
      `${series.maxMs.toFixed(1)} ms, body ${(warm.bytes / 1024 / 1024).toFixed(1)} MiB`
  )
  return series
}

/**
 * measureLatency is measure 3 at one size: load `size` alerts into the fresh process, wait
 * `settle` seconds, then time GET /api/v2/alerts and GET /api/v2/alerts/groups in turn.
 *
 * @param ctx - the measure's context.
 * @param size - active alerts to load.
 * @returns the figures.
 */
export async function measureLatency(ctx: MeasureContext, size: number): Promise<LatencyPoint> {
  const { params, say } = ctx
  const sinkBefore = ctx.sink.counts()
  const loaded = await load(ctx, 'lat', size)
  say(`settling ${params.settleS} s...`)
  await sleep(params.settleS * 1000)
  const sinkBeforeRuns = ctx.sink.counts()
  const alerts = await timeListing(ctx, '/api/v2/alerts', size)
  const groups = await timeListing(ctx, '/api/v2/alerts/groups', size)
  const webhookDuringRuns = since(ctx.sink, sinkBeforeRuns)
  if (webhookDuringRuns.requests > 0) {
    say(`note: ${webhookDuringRuns.requests} notifications arrived while the GETs ran`)
  }
  return {
    ...alerts,
    alerts: size,
    loadS: loaded.durationS,
    groups,
    webhookDuringRuns,
    webhook: since(ctx.sink, sinkBefore),
  }
}
