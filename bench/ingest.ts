/**
 * Ingest benchmark: runs Alertmanager 0.25 and alertmesh one after the other on this machine
 * with the same parameters and compares them (see bench/README.md).
 *
 * Three measures, each on a fresh target process:
 * 1. throughput - wrk posts batches of distinct alerts on 8 connections for a fixed time
 *    after a warm-up: alerts/s, p50/p99 request latency, non-2xx count.
 * 2. memory     - load exactly 100k distinct active alerts, wait, read RSS; then 3 GET
 *    /api/v2/alerts and read RSS again.
 * 3. latency    - for 10k and for 100k active alerts (a fresh process each), time GET
 *    /api/v2/alerts, then GET /api/v2/alerts/groups, with the whole body: 1 warm-up, then
 *    5 runs each; median and max.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { compare, renderTable } from './ingest/compare.js'
import type { ComparisonRow } from './ingest/compare.js'
import { measureLatency, measureMemory, measureThroughput, shortCount } from './ingest/measures.js'
import type { MeasureContext } from './ingest/measures.js'
import { MEASURES, NOISY_OTHER_PERCENT } from './ingest/types.js'
import type { Outcome, Params, TargetRecord } from './ingest/types.js'
import { listOf, nonNegativeNumber, positiveInteger } from './lib/args.js'
import type { FlagSpec } from './lib/args.js'
import { openPool } from './lib/http.js'
import { cpuSnapshot, cpuUse, waitForQuiet } from './lib/proc.js'
import { errorText, log, runBenchmark, writeResults } from './lib/report.js'
import { WebhookSink } from './lib/sink.js'
import { startBench } from './lib/start.js'
import { readTargetFlags, targetFlags } from './lib/target-flags.js'
import { TARGET_NAMES, TargetError, startTarget, targetSpec } from './lib/target.js'
import type { TargetName, TargetSpec } from './lib/target.js'
import { writeWrkScript } from './lib/wrk.js'

/** BENCH_NAME names the results file and the `--only=` value of scripts/run-bench.mjs. */
const BENCH_NAME = 'ingest'

/** REPO_ROOT is the repository root; this file runs from dist/bench/. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** FLAGS declares the benchmark's flags and their defaults; `--help` prints them. */
const FLAGS = {
  measures: {
    default: MEASURES.join(','),
    help: 'measures to run: throughput, memory, latency',
  },
  duration: { default: '20', help: 'throughput: measured seconds of wrk load' },
  warmup: { default: '3', help: 'throughput: warm-up seconds before the measured run' },
  connections: {
    default: '8',
    help: 'concurrent connections (wrk -c) and loader requests in flight',
  },
  threads: { default: '2', help: 'throughput: wrk threads (wrk -t)' },
  batch: { default: '100', help: 'alerts per POST /api/v2/alerts' },
  'memory-alerts': { default: '100000', help: 'memory: active alerts loaded before reading RSS' },
  'latency-sizes': {
    default: '10000,100000',
    help: 'latency: active alert counts at which GET is timed (a fresh process for each)',
  },
  'latency-runs': { default: '5', help: 'latency: timed GETs per size, after 1 warm-up GET' },
  settle: { default: '5', help: 'seconds to wait after loading before reading RSS or timing GETs' },
  'wrk-bin': { default: '/usr/bin/wrk', help: 'wrk binary' },
  ...targetFlags(REPO_ROOT, {
    targetsHelp: 'targets to run, in this order: alertmanager, alertmesh (one or both)',
    quietWaitS: 60,
    logLevelHelp: 'info or debug: --log.level of both targets (debug logs every alert and flush)',
  }),
} satisfies Record<string, FlagSpec>

/**
 * readParams validates the flags.
 *
 * @param flags - parsed flag text.
 * @returns the params.
 * @throws UsageError for a bad value.
 */
function readParams(flags: Record<keyof typeof FLAGS, string>): Params {
  const latencySizes = flags['latency-sizes']
    .split(',')
    .map((s) => positiveInteger('latency-sizes', s.trim()))
    .sort((a, b) => a - b)
  return {
    ...readTargetFlags(flags),
    measures: listOf('measures', flags.measures, MEASURES),
    durationS: positiveInteger('duration', flags.duration),
    warmupS: positiveInteger('warmup', flags.warmup),
    connections: positiveInteger('connections', flags.connections),
    threads: positiveInteger('threads', flags.threads),
    batch: positiveInteger('batch', flags.batch),
    memoryAlerts: positiveInteger('memory-alerts', flags['memory-alerts']),
    latencySizes: [...new Set(latencySizes)],
    latencyRuns: positiveInteger('latency-runs', flags['latency-runs']),
    settleS: nonNegativeNumber('settle', flags.settle),
    wrkBin: flags['wrk-bin'],
  }
}

/** Bench holds what every measure needs besides its target. */
interface Bench {
  readonly params: Params
  readonly sink: WebhookSink
  readonly scriptPath: string
}

/**
 * withFreshTarget starts a fresh target process, runs one measure on it, accounts for the
 * machine's CPU while it ran, and stops it.
 *
 * @param bench - shared state.
 * @param spec - the target.
 * @param label - the measure's name in progress lines.
 * @param body - the measure.
 * @returns the outcome, or `{ startFailed }` (already reported) when the target did not start.
 */
async function withFreshTarget<T>(
  bench: Bench,
  spec: TargetSpec,
  label: string,
  body: (ctx: MeasureContext) => Promise<T>
): Promise<Outcome<T> | { readonly startFailed: string }> {
  const say = (m: string): void => {
    log(spec.name, `${label}: ${m}`)
  }
  if (bench.params.quietWaitS > 0) {
    const quiet = await waitForQuiet({
      maxWaitMs: bench.params.quietWaitS * 1000,
      thresholdPercent: NOISY_OTHER_PERCENT,
      windowMs: 2000,
      onWait: (pct, waitedMs) => {
        say(
          `waiting for other processes to leave the CPU (${pct.toFixed(0)}% busy, ` +
            `${Math.round(waitedMs / 1000)}/${bench.params.quietWaitS} s)...`
        )
      },
    })
    if (!quiet.quiet) {
      say(
        `machine still busy after ${bench.params.quietWaitS} s (other processes ` +
          `${quiet.otherPercent.toFixed(0)}% CPU); going ahead`
      )
    }
  }
  say(`starting a fresh process: ${[spec.command, ...spec.args].join(' ')}`)
  let target
  try {
    target = await startTarget(spec, {
      webhookUrl: bench.sink.url,
      readyTimeoutMs: bench.params.readyTimeoutS * 1000,
    })
  } catch (err) {
    const error = errorText(err)
    console.error(`[${spec.name}] ERROR: ${spec.name} failed to start\n${error}`)
    return { startFailed: error }
  }
  say(`ready at ${target.baseUrl} (pid ${target.pid})`)
  const pool = openPool(target.baseUrl, bench.params.connections)
  const cpuBefore = await cpuSnapshot(target.pid)
  let outcome: Outcome<T>
  try {
    const value = await body({ ...bench, target, pool, say })
    target.assertAlive()
    outcome = { ok: true, value, cpu: cpuUse(cpuBefore, await cpuSnapshot(target.pid)) }
  } catch (err) {
    // A request error is most often the target dying: report its exit and output instead.
    await sleep(200)
    const failure =
      target.exitInfo === undefined || err instanceof TargetError
        ? err
        : target.failure(`died during ${label}`, err)
    const error = errorText(failure)
    console.error(`[${spec.name}] ERROR: ${label} failed\n${error}`)
    outcome = { ok: false, error }
  } finally {
    await pool.destroy()
    const exit = await target.stop()
    if (exit.killed) {
      say('did not exit within the grace period after SIGTERM; killed')
    }
  }
  if (outcome.ok) {
    const { cpu } = outcome
    say(
      `CPU: target ${cpu.targetCpuS.toFixed(1)} s, benchmark+wrk ${cpu.benchCpuS.toFixed(1)} s, ` +
        `other processes ${cpu.otherCpuS.toFixed(1)} s (${cpu.otherPercent.toFixed(0)}% of the ` +
        `machine over ${cpu.wallS.toFixed(0)} s)`
    )
    if (cpu.otherPercent > NOISY_OTHER_PERCENT) {
      say(
        `WARNING: other processes used ${cpu.otherPercent.toFixed(0)}% of the machine's CPU ` +
          'during this measure; its figures are noisy'
      )
    }
  }
  return outcome
}

/**
 * benchTarget runs the selected measures on one target, each on a fresh process. When the
 * target cannot start, the remaining measures are skipped.
 *
 * @param bench - shared state.
 * @param name - the target.
 * @returns what was measured.
 */
async function benchTarget(bench: Bench, name: TargetName): Promise<TargetRecord> {
  const spec = targetSpec(name, bench.params)
  const record: TargetRecord = { name, command: [spec.command, ...spec.args].join(' ') }
  for (const measure of bench.params.measures) {
    switch (measure) {
      case 'throughput': {
        const result = await withFreshTarget(bench, spec, measure, measureThroughput)
        if ('startFailed' in result) {
          record.startError = result.startFailed
        } else {
          record.throughput = result
        }
        break
      }
      case 'memory': {
        const result = await withFreshTarget(bench, spec, measure, measureMemory)
        if ('startFailed' in result) {
          record.startError = result.startFailed
        } else {
          record.memory = result
        }
        break
      }
      case 'latency':
        record.latency = []
        for (const size of bench.params.latencySizes) {
          const result = await withFreshTarget(
            bench,
            spec,
            `latency at ${shortCount(size)}`,
            (ctx) => measureLatency(ctx, size)
          )
          if ('startFailed' in result) {
            record.startError = result.startFailed
            break
          }
          record.latency.push({ alerts: size, outcome: result })
        }
        break
    }
    if (record.startError !== undefined) {
      log(name, 'could not start; skipping its remaining measures and continuing')
      break
    }
  }
  return record
}

/**
 * failures lists, for each target, the measures that have no result.
 *
 * @param params - what ran.
 * @param records - per-target results.
 * @returns one line per failed or skipped measure.
 */
function failures(params: Params, records: readonly TargetRecord[]): string[] {
  const lines: string[] = []
  const firstLine = (s: string): string => s.split('\n')[0] ?? ''
  for (const r of records) {
    const outcomes: [string, Outcome<unknown> | undefined][] = []
    for (const m of params.measures) {
      if (m === 'latency') {
        for (const size of params.latencySizes) {
          const found = r.latency?.find((l) => l.alerts === size)
          outcomes.push([`latency at ${shortCount(size)}`, found?.outcome])
        }
      } else {
        outcomes.push([m, r[m]])
      }
    }
    for (const [label, outcome] of outcomes) {
      if (outcome === undefined) {
        lines.push(
          `${r.name} ${label}: ${r.startError === undefined ? 'skipped' : `not run: ${firstLine(r.startError)}`}`
        )
      } else if (!outcome.ok) {
        lines.push(`${r.name} ${label}: failed: ${firstLine(outcome.error)}`)
      }
    }
  }
  return lines
}

/**
 * noiseLines summarises, per target and measure, the CPU share other processes took.
 *
 * @param records - per-target results.
 * @returns one line per target.
 */
function noiseLines(records: readonly TargetRecord[]): string[] {
  return records.flatMap((r) => {
    const outcomes: [string, Outcome<unknown> | undefined][] = [
      ['throughput', r.throughput],
      ['memory', r.memory],
      ...(r.latency ?? []).map((l): [string, Outcome<unknown>] => [
        `latency ${shortCount(l.alerts)}`,
        l.outcome,
      ]),
    ]
    const parts = outcomes.flatMap(([label, o]) =>
      o?.ok === true
        ? [
            `${label} ${o.cpu.otherPercent.toFixed(0)}%${o.cpu.otherPercent > NOISY_OTHER_PERCENT ? ' (noisy)' : ''}`,
          ]
        : []
    )
    return parts.length === 0 ? [] : [`  ${r.name}: ${parts.join(', ')}`]
  })
}

/**
 * main runs the benchmark.
 *
 * @returns the exit code: 0 when every selected measure ran on every selected target.
 */
async function main(): Promise<number> {
  const start = await startBench(
    'ingest',
    FLAGS,
    readParams,
    (p) => ({ alertmanagerBin: p.alertmanagerBin, wrkBin: p.wrkBin }),
    REPO_ROOT
  )
  if ('exitCode' in start) {
    return start.exitCode
  }
  const { params, started, machine } = start
  log(
    'bench',
    `${BENCH_NAME}: targets ${params.targets.join(', ')}; measures ${params.measures.join(', ')}; ` +
      `${machine.nproc} CPUs, node ${machine.node}, ${machine.alertmanagerVersion}`
  )
  const sink = await WebhookSink.start()
  const workDir = await mkdtemp(join(tmpdir(), 'alertmesh-bench-'))
  const records: TargetRecord[] = []
  try {
    const bench: Bench = { params, sink, scriptPath: await writeWrkScript(workDir) }
    for (const name of params.targets) {
      records.push(await benchTarget(bench, name))
    }
  } finally {
    await sink.close()
    await rm(workDir, { recursive: true, force: true })
  }
  const rows: ComparisonRow[] = compare(params, records)
  console.log(`\n## alertmesh ingest benchmark (${started.toISOString()})\n`)
  console.log(renderTable(rows, params.targets))
  if (params.targets.length === TARGET_NAMES.length) {
    const count = (status: ComparisonRow['status']): number =>
      rows.filter((r) => r.goal !== undefined && r.status === status).length
    console.log(
      `\ntargets: ${count('met')} met, ${count('missed')} missed, ${count('invalid')} invalid ` +
        `(errors or wrong alert count, see the log), ${count('n/a')} not measured`
    )
  } else {
    console.log('\n(one target only: no ratios; run with both targets to compare)')
  }
  const noise = noiseLines(records)
  if (noise.length > 0) {
    console.log('\nCPU share taken by other processes on this machine during each measure:')
    console.log(noise.join('\n'))
  }
  const failed = failures(params, records)
  for (const line of failed) {
    console.log(`FAILED: ${line}`)
  }
  const path = await writeResults(params.resultsDir, BENCH_NAME, started, {
    benchmark: BENCH_NAME,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    params,
    targets: records,
    comparison: rows,
    failures: failed,
  })
  console.log(`results written to ${path}`)
  return failed.length === 0 ? 0 : 1
}

runBenchmark(main)
