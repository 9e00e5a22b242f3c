/**
 * Types of the ingest benchmark: its parameters and the record each measure leaves in the
 * JSON results file.
 */
import type { GetResult } from '../lib/http.js'
import type { CpuUse, MemorySample } from '../lib/proc.js'
import type { SinkCounts } from '../lib/sink.js'
import type { TargetName } from '../lib/target.js'
import type { WrkResult } from '../lib/wrk.js'

/** Measure names one of the three measures. */
export type Measure = 'throughput' | 'memory' | 'latency'

/** MEASURES lists the measures in the order they run. */
export const MEASURES: readonly Measure[] = ['throughput', 'memory', 'latency']

/** GETS_BEFORE_SECOND_RSS is how many GET /api/v2/alerts the memory measure serves. */
export const GETS_BEFORE_SECOND_RSS = 3

/** NOISY_OTHER_PERCENT is the CPU share of foreign processes above which a run is flagged. */
export const NOISY_OTHER_PERCENT = 5

/** Params are the validated flags. */
export interface Params {
  readonly targets: readonly TargetName[]
  readonly measures: readonly Measure[]
  readonly durationS: number
  readonly warmupS: number
  readonly connections: number
  readonly threads: number
  readonly batch: number
  readonly memoryAlerts: number
  readonly latencySizes: readonly number[]
  readonly latencyRuns: number
  readonly settleS: number
  readonly readyTimeoutS: number
  /** Longest wait for a quiet machine before each fresh process; 0 disables waiting. */
  readonly quietWaitS: number
  readonly alertmanagerBin: string
  readonly alertmeshMain: string
  readonly wrkBin: string
  /** --log.level given to both targets: debug shows what per-alert debug logging costs. */
  readonly logLevel: 'info' | 'debug'
  readonly resultsDir: string
}

/**
 * Outcome is what one fresh target process yielded: the measure's result or why it has none,
 * plus how the machine's CPU was shared while it ran (absent when the target never started).
 */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T; readonly cpu: CpuUse }
  | { readonly ok: false; readonly error: string; readonly cpu?: CpuUse }

/** ThroughputResult is measure 1. */
export interface ThroughputResult {
  /** The warm-up run; its rawOutput is left empty. */
  readonly warmup: WrkResult
  readonly run: WrkResult
  /** RSS after the warm-up and the measured run, i.e. with every ingested alert in memory. */
  readonly memoryAfter: MemorySample
  readonly alertsIngested: number
  /** Notifications the webhook sink received during the measure. */
  readonly webhook: SinkCounts
}

/** MemoryResult is measure 2. */
export interface MemoryResult {
  readonly alerts: number
  readonly loadS: number
  readonly memoryAfterLoad: MemorySample
  /** After the settle wait: "RSS at 100k". */
  readonly memoryLoaded: MemorySample
  /** After the GETs: "RSS after GETs". */
  readonly memoryAfterGets: MemorySample
  readonly gets: readonly GetResult[]
  /** Notifications the webhook sink received while the GETs ran. */
  readonly webhookDuringGets: SinkCounts
  readonly webhook: SinkCounts
}

/** LatencySeries is the timed GETs of one listing at one alert count. */
export interface LatencySeries {
  /** Alerts the warm-up GET returned (in all groups); should equal the alert count. */
  readonly returnedAlerts: number | undefined
  readonly bodyBytes: number
  readonly warmupMs: number
  readonly runsMs: readonly number[]
  readonly medianMs: number
  readonly maxMs: number
}

/**
 * LatencyPoint is measure 3 at one alert count, on its own fresh process: GET /api/v2/alerts
 * (the series' fields at the top level), then GET /api/v2/alerts/groups.
 */
export interface LatencyPoint extends LatencySeries {
  readonly alerts: number
  readonly loadS: number
  readonly groups: LatencySeries
  /** Notifications the webhook sink received while the timed GETs ran. */
  readonly webhookDuringRuns: SinkCounts
  readonly webhook: SinkCounts
}

/** LatencyRecord is the outcome of measure 3 at one size. */
export interface LatencyRecord {
  readonly alerts: number
  readonly outcome: Outcome<LatencyPoint>
}

/** TargetRecord is everything measured on one target. */
export interface TargetRecord {
  readonly name: TargetName
  readonly command: string
  throughput?: Outcome<ThroughputResult>
  memory?: Outcome<MemoryResult>
  latency?: LatencyRecord[]
  /** Set when the target could not start; the measures after that were skipped. */
  startError?: string
}
