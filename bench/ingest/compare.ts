/**
 * The comparison of the ingest benchmark: one row per figure with both targets' values, the
 * alertmesh/alertmanager ratio, the issue's goal on that ratio, and whether it was met.
 */
import { formatFigure, markdownTable } from '../lib/report.js'
import { ratio } from '../lib/stats.js'
import { TARGET_NAMES } from '../lib/target.js'
import type { TargetName } from '../lib/target.js'
import type { WrkResult } from '../lib/wrk.js'

import { socketErrorCount, shortCount } from './measures.js'
import { GETS_BEFORE_SECOND_RSS } from './types.js'
import type { LatencyPoint, LatencySeries, MemoryResult, Params, TargetRecord } from './types.js'

/** Goal is a target on the alertmesh/alertmanager ratio. */
export interface Goal {
  readonly op: '>=' | '<='
  readonly ratio: number
}

/**
 * GoalStatus says whether a goal was met. `invalid` means a target answered errors or
 * returned the wrong number of alerts, so its figure cannot be compared; `n/a` means a
 * figure is missing.
 */
export type GoalStatus = 'met' | 'missed' | 'invalid' | 'n/a'

/** ComparisonRow is one line of the table. */
export interface ComparisonRow {
  readonly measure: string
  readonly alertmanager: number | undefined
  readonly alertmesh: number | undefined
  /** alertmesh / alertmanager. */
  readonly ratio: number | undefined
  readonly goal: Goal | undefined
  readonly status: GoalStatus | undefined
  readonly digits: number
}

/** RowOptions tunes one comparison row. */
interface RowOptions {
  /** The goal on the ratio; rows without one are informative. */
  readonly goal?: Goal
  /** Decimals printed. */
  readonly digits?: number
  /** Whether a ratio makes sense for this figure. */
  readonly withRatio?: boolean
  /** Whether a target's figure cannot be trusted (e.g. it answered non-2xx). */
  readonly invalid?: (r: TargetRecord) => boolean
}

/**
 * throughputErrors counts the non-2xx responses and socket errors of a throughput measure.
 *
 * @param r - a target's record.
 * @returns the count, or undefined when the measure has no result.
 */
function throughputErrors(r: TargetRecord): number | undefined {
  if (r.throughput?.ok !== true) {
    return undefined
  }
  const { warmup, run } = r.throughput.value
  return warmup.non2xx + run.non2xx + socketErrorCount(warmup) + socketErrorCount(run)
}

/**
 * latencyPoint finds a target's latency result at one size.
 *
 * @param r - a target's record.
 * @param size - alert count.
 * @returns the point, or undefined when it has none.
 */
function latencyPoint(r: TargetRecord, size: number): LatencyPoint | undefined {
  const outcome = r.latency?.find((l) => l.alerts === size)?.outcome
  return outcome?.ok === true ? outcome.value : undefined
}

/**
 * compare builds the comparison rows from the targets' records.
 *
 * @param params - what ran.
 * @param records - per-target results.
 * @returns the rows.
 */
export function compare(params: Params, records: readonly TargetRecord[]): ComparisonRow[] {
  const am = records.find((r) => r.name === 'alertmanager')
  const mesh = records.find((r) => r.name === 'alertmesh')
  const rows: ComparisonRow[] = []
  const add = (
    measure: string,
    pick: (r: TargetRecord) => number | undefined,
    opts: RowOptions = {}
  ): void => {
    const { goal, digits = 1, withRatio = true, invalid } = opts
    const a = am === undefined ? undefined : pick(am)
    const m = mesh === undefined ? undefined : pick(mesh)
    const r = withRatio ? ratio(m, a) : undefined
    let status: GoalStatus | undefined
    if (goal !== undefined) {
      if (r === undefined) {
        status = 'n/a'
      } else if (invalid !== undefined && records.some(invalid)) {
        status = 'invalid'
      } else {
        status = (goal.op === '>=' ? r >= goal.ratio : r <= goal.ratio) ? 'met' : 'missed'
      }
    }
    rows.push({ measure, alertmanager: a, alertmesh: m, ratio: r, goal, status, digits })
  }
  if (params.measures.includes('throughput')) {
    const run = (r: TargetRecord): WrkResult | undefined =>
      r.throughput?.ok === true ? r.throughput.value.run : undefined
    add('Ingest throughput (alerts/s)', (r) => run(r)?.alertsPerS, {
      // Issue 20: at least twice Alertmanager's rate.
      goal: { op: '>=', ratio: 2 },
      digits: 0,
      invalid: (r) => (throughputErrors(r) ?? 0) > 0,
    })
    add('Ingest request latency p50 (ms)', (r) => run(r)?.latencyMs.p50)
    add('Ingest request latency p99 (ms)', (r) => run(r)?.latencyMs.p99)
    add('Ingest non-2xx responses + socket errors', throughputErrors, {
      digits: 0,
      withRatio: false,
    })
    add('RSS after ingest run (MiB)', (r) =>
      r.throughput?.ok === true ? r.throughput.value.memoryAfter.treeRssMiB : undefined
    )
  }
  if (params.measures.includes('memory')) {
    const n = shortCount(params.memoryAlerts)
    const mem = (r: TargetRecord): MemoryResult | undefined =>
      r.memory?.ok === true ? r.memory.value : undefined
    add(`RSS at ${n} alerts (MiB)`, (r) => mem(r)?.memoryLoaded.treeRssMiB, {
      goal: { op: '<=', ratio: 1 },
    })
    add(
      `RSS at ${n} after ${GETS_BEFORE_SECOND_RSS} GETs (MiB)`,
      (r) => mem(r)?.memoryAfterGets.treeRssMiB,
      { goal: { op: '<=', ratio: 0.5 } }
    )
  }
  if (params.measures.includes('latency')) {
    // The goals: /alerts at most 0.3x Alertmanager's time, /alerts/groups 0.5x.
    const listings = [
      { name: '/api/v2/alerts', goal: 0.3, series: (p: LatencyPoint) => p as LatencySeries },
      { name: '/api/v2/alerts/groups', goal: 0.5, series: (p: LatencyPoint) => p.groups },
    ]
    for (const size of params.latencySizes) {
      for (const listing of listings) {
        const series = (r: TargetRecord): LatencySeries | undefined => {
          const p = latencyPoint(r, size)
          return p === undefined ? undefined : listing.series(p)
        }
        const wrongCount = (r: TargetRecord): boolean => {
          const s = series(r)
          return s !== undefined && s.returnedAlerts !== size
        }
        add(`GET ${listing.name} at ${shortCount(size)}, median (ms)`, (r) => series(r)?.medianMs, {
          goal: { op: '<=', ratio: listing.goal },
          invalid: wrongCount,
        })
        add(`GET ${listing.name} at ${shortCount(size)}, max (ms)`, (r) => series(r)?.maxMs)
      }
    }
  }
  return rows
}

/**
 * renderTable prints the comparison rows for the targets that ran; the ratio, goal and result
 * columns appear only when both did.
 *
 * @param rows - the comparison.
 * @param targets - which targets ran.
 * @returns markdown.
 */
export function renderTable(
  rows: readonly ComparisonRow[],
  targets: readonly TargetName[]
): string {
  const both = targets.length === TARGET_NAMES.length
  const header = [
    'Measure',
    ...targets,
    ...(both ? ['alertmesh/alertmanager', 'Target', 'Result'] : []),
  ]
  const body = rows.map((row) => [
    row.measure,
    ...targets.map((t) => formatFigure(row[t], row.digits)),
    ...(both
      ? [
          row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`,
          row.goal === undefined ? '' : `${row.goal.op} ${row.goal.ratio}x`,
          row.status ?? '',
        ]
      : []),
  ])
  return markdownTable(header, body)
}
