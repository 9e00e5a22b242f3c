/**
 * Notify benchmark: notifications per second through the email path (a local plain-SMTP server)
 * and the Slack path (a local HTTP server answering 200 "ok"), Alertmanager 0.25 and alertmesh
 * in the same run with the same parameters (see bench/README.md).
 *
 * Each run is a fresh target process whose only receiver uses one path. The benchmark posts
 * 1,000 alerts, each its own aggregation group (group_by the per-alert `id` label, group_wait
 * 0s), and times from the start of posting to the first notification of the last group. Runs
 * alternate between the targets, so a burst of load on the machine hits both alike; the table
 * gives the medians.
 *
 * Goal (from the issue): alertmesh at least as fast as Alertmanager, i.e. notifications/s
 * alertmesh / alertmanager >= 1 on every path.
 *
 * With --warm-up=N each fresh process first notifies N alerts, one at a time, which the measure
 * does not count: the figures are then those of a process past its start (V8 compiles
 * alertmesh's hot code while the first thousands of notifications run; Go is compiled ahead).
 *
 *   npm run bench -- --only=notify [--runs=3] [--groups=1000] [--paths=email,slack]
 *     [--targets=alertmanager,alertmesh] [--serial=true] [--warm-up=2000]
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { renderTable } from './ingest/compare.js'
import type { ComparisonRow, GoalStatus } from './ingest/compare.js'
import {
  booleanFlag,
  listOf,
  nonNegativeInteger,
  positiveInteger,
  positiveNumber,
} from './lib/args.js'
import type { FlagSpec } from './lib/args.js'
import { openPool } from './lib/http.js'
import { cpuSnapshot, cpuUse, waitForQuiet } from './lib/proc.js'
import type { CpuUse } from './lib/proc.js'
import { errorText, formatFigure, log, runBenchmark, writeResults } from './lib/report.js'
import { WebhookSink } from './lib/sink.js'
import { SmtpSink } from './lib/smtp-sink.js'
import { startBench } from './lib/start.js'
import { median, ratio } from './lib/stats.js'
import { readTargetFlags, targetFlags } from './lib/target-flags.js'
import type { TargetParams } from './lib/target-flags.js'
import { TARGET_NAMES, TargetError, startTarget, targetSpec } from './lib/target.js'
import type { RunningTarget, TargetName, TargetSpec } from './lib/target.js'
import {
  Arrivals,
  DEFAULT_PATHS,
  IncompleteError,
  NOTIFY_PATHS,
  measureNotify,
  notifyConfig,
} from './notify/measure.js'
import type { NotifyParams, NotifyPath, NotifyRun, ReceiverAddress } from './notify/measure.js'

/** BENCH_NAME names the results file and the `--only=` value of scripts/run-bench.mjs. */
const BENCH_NAME = 'notify'

/** REPO_ROOT is the repository root; this file runs from dist/bench/. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** NOISY_OTHER_PERCENT is the CPU share of foreign processes above which a run is flagged. */
const NOISY_OTHER_PERCENT = 5

/** GOAL_RATIO is the goal on notifications/s, alertmesh / alertmanager. */
const GOAL_RATIO = 1

/** SERIAL_P99_GOAL_MS is issue 20's goal on one notification's p99 (--serial=true). */
const SERIAL_P99_GOAL_MS = 2

/** FLAGS declares the benchmark's flags and their defaults; `--help` prints them. */
const FLAGS = {
  paths: {
    default: DEFAULT_PATHS.join(','),
    help: 'notification paths, each measured on its own processes: email, slack, webhook (webhook checks the harness)',
  },
  runs: {
    default: '3',
    help: 'runs per path and target, each on a fresh process; the median is reported',
  },
  groups: { default: '1000', help: 'alerts posted, each its own aggregation group' },
  batch: { default: '100', help: 'alerts per POST /api/v2/alerts' },
  connections: { default: '8', help: 'POSTs in flight at once' },
  serial: {
    default: 'false',
    help: 'true: post one alert at a time, the next once the previous notification arrived (the latency of one notification; --batch and --connections unused)',
  },
  'warm-up': {
    default: '0',
    help: 'alerts posted and notified one at a time before the measure, not counted (the measure then sees a process past its JIT warm-up)',
  },
  timeout: {
    default: '60',
    help: 'seconds from the first POST until every group must have been notified',
  },
  ...targetFlags(REPO_ROOT, {
    targetsHelp:
      'targets to run: alertmanager, alertmesh (one or both; runs alternate between them)',
    quietWaitS: 30,
  }),
} satisfies Record<string, FlagSpec>

/** Params are the validated flags. */
interface Params extends NotifyParams, TargetParams {
  readonly paths: readonly NotifyPath[]
  readonly runs: number
}

/**
 * Outcome is what one fresh target process yielded: the run's figures or why it has none, plus
 * how the machine's CPU was shared while it ran.
 */
type Outcome =
  | { readonly ok: true; readonly value: NotifyRun; readonly cpu: CpuUse }
  | {
      readonly ok: false
      readonly error: string
      /** The target refused the config or did not start: its later runs are skipped. */
      readonly startFailed: boolean
      /** Groups notified before the measure failed (0 when it never started). */
      readonly notified: number
    }

/** PathRecord is every run of one path on one target. */
interface PathRecord {
  readonly target: TargetName
  readonly path: NotifyPath
  readonly runs: Outcome[]
  /** Why the remaining runs were not done, when they were not. */
  skipped?: string
}

/**
 * readParams validates the flags.
 *
 * @param flags - parsed flag text.
 * @returns the params.
 * @throws UsageError for a bad value.
 */
function readParams(flags: Record<keyof typeof FLAGS, string>): Params {
  return {
    ...readTargetFlags(flags),
    paths: listOf('paths', flags.paths, NOTIFY_PATHS),
    runs: positiveInteger('runs', flags.runs),
    groups: positiveInteger('groups', flags.groups),
    batch: positiveInteger('batch', flags.batch),
    connections: positiveInteger('connections', flags.connections),
    timeoutS: positiveNumber('timeout', flags.timeout),
    serial: booleanFlag('serial', flags.serial),
    warmUp: nonNegativeInteger('warm-up', flags['warm-up']),
  }
}

/** Receiver is a running sink for one path, with the address the target's config names. */
interface Receiver {
  readonly address: ReceiverAddress
  close(): Promise<void>
}

/**
 * startReceiver starts the sink of one path and wires its arrivals into `arrivals`.
 *
 * @param path - the path.
 * @param arrivals - where each notification is recorded.
 * @returns the running receiver.
 */
async function startReceiver(path: NotifyPath, arrivals: Arrivals): Promise<Receiver> {
  const record = (payload: Buffer, receivedMs: number): void => {
    arrivals.record(payload, receivedMs)
  }
  if (path === 'email') {
    const smtp = await SmtpSink.start(record)
    return { address: { path, smarthost: smtp.smarthost }, close: () => smtp.close() }
  }
  // WebhookSink answers 200 "ok", which is what Slack's incoming webhooks answer.
  const http = await WebhookSink.start(record)
  return { address: { path, url: http.url }, close: () => http.close() }
}

/**
 * oneRun measures one path on a fresh target process: it waits for a quiet machine, starts the
 * receiver and the target, runs the measure, accounts the CPU, and stops both.
 *
 * @param params - the flags.
 * @param spec - the target.
 * @param path - the path.
 * @param run - run number, from 1.
 * @returns the outcome; a target that refuses the config is a failed outcome, not a throw.
 */
async function oneRun(
  params: Params,
  spec: TargetSpec,
  path: NotifyPath,
  run: number
): Promise<Outcome> {
  const say = (m: string): void => {
    log(spec.name, `${path} run ${run}/${params.runs}: ${m}`)
  }
  if (params.quietWaitS > 0) {
    const quiet = await waitForQuiet({
      maxWaitMs: params.quietWaitS * 1000,
      thresholdPercent: NOISY_OTHER_PERCENT,
      windowMs: 2000,
      onWait: (pct, waitedMs) => {
        say(
          `waiting for other processes to leave the CPU (${pct.toFixed(0)}% busy, ` +
            `${Math.round(waitedMs / 1000)}/${params.quietWaitS} s)...`
        )
      },
    })
    if (!quiet.quiet) {
      say(
        `machine still busy after ${params.quietWaitS} s (other processes ` +
          `${quiet.otherPercent.toFixed(0)}% CPU); going ahead`
      )
    }
  }
  const prefix = `notify${run}`
  const arrivals = new Arrivals(prefix, params.warmUp + params.groups)
  const receiver = await startReceiver(path, arrivals)
  let target: RunningTarget
  try {
    say(`starting a fresh process: ${[spec.command, ...spec.args].join(' ')}`)
    target = await startTarget(spec, {
      config: notifyConfig(receiver.address),
      readyTimeoutMs: params.readyTimeoutS * 1000,
    })
  } catch (err) {
    await receiver.close()
    const error = errorText(err)
    console.error(
      `[${spec.name}] ERROR: ${spec.name} did not start with the ${path} config\n${error}`
    )
    return { ok: false, error, startFailed: true, notified: 0 }
  }
  say(`ready at ${target.baseUrl} (pid ${target.pid})`)
  const pool = openPool(target.baseUrl, params.connections)
  const cpuBefore = await cpuSnapshot(target.pid)
  let outcome: Outcome
  try {
    const value = await measureNotify({ params, path, prefix, target, pool, arrivals, say })
    outcome = { ok: true, value, cpu: cpuUse(cpuBefore, await cpuSnapshot(target.pid)) }
  } catch (err) {
    // A request error is most often the target dying; a timeout is most often a target that
    // accepted the config but cannot send on this path. Both show in its output.
    await sleep(200)
    let failure: unknown
    if (err instanceof TargetError) {
      failure = err
    } else if (err instanceof IncompleteError && target.exitInfo === undefined) {
      // The count is the headline; the output tail says why (e.g. SMTP errors).
      failure = target.failure(err.message)
    } else {
      const message = err instanceof Error ? err.message : String(err)
      const what = target.exitInfo === undefined ? `${path} run failed` : 'died during the run'
      failure = target.failure(`${what}: ${message}`, err)
    }
    const error = errorText(failure)
    console.error(`[${spec.name}] ERROR: ${path} run ${run} failed\n${error}`)
    outcome = {
      ok: false,
      error,
      startFailed: false,
      notified: err instanceof IncompleteError ? err.notified : arrivals.notified,
    }
  } finally {
    await pool.destroy()
    const exit = await target.stop()
    if (exit.killed) {
      say('did not exit within the grace period after SIGTERM; killed')
    }
    await receiver.close()
  }
  if (outcome.ok) {
    const { value: v, cpu } = outcome
    say(
      `${formatFigure(v.perS)} notifications/s (${v.groups} groups in ${v.durationS.toFixed(2)} s), ` +
        `latency p50 ${v.latencyMs.p50.toFixed(2)} ms, p99 ${v.latencyMs.p99.toFixed(2)} ms, ` +
        `max ${v.latencyMs.max.toFixed(2)} ms, ` +
        `RSS ${v.memoryAfter.rssMiB.toFixed(1)} MiB`
    )
    if (v.duplicates + v.unidentified > 0) {
      say(
        `WARNING: ${v.duplicates} duplicate notifications, ${v.unidentified} without an alert id of this run`
      )
    }
    say(
      `CPU: target ${cpu.targetCpuS.toFixed(1)} s, benchmark and receiver ${cpu.benchCpuS.toFixed(1)} s, ` +
        `other processes ${cpu.otherCpuS.toFixed(1)} s (${cpu.otherPercent.toFixed(0)}% of the ` +
        `machine over ${cpu.wallS.toFixed(0)} s)`
    )
    if (cpu.otherPercent > NOISY_OTHER_PERCENT) {
      say(
        `WARNING: other processes used ${cpu.otherPercent.toFixed(0)}% of the machine's CPU ` +
          'during this run; its figures are noisy'
      )
    }
  }
  return outcome
}

/**
 * medianOf takes the median of a figure over a record's successful runs.
 *
 * @param record - one path on one target, or undefined.
 * @param pick - the figure.
 * @returns the median, or undefined when no run succeeded.
 */
function medianOf(
  record: PathRecord | undefined,
  pick: (r: NotifyRun) => number
): number | undefined {
  const values = (record?.runs ?? []).flatMap((o) => (o.ok ? [pick(o.value)] : []))
  return values.length === 0 ? undefined : median(values)
}

/**
 * compare builds the comparison rows, per path: notifications/s against the goal, latency and
 * RSS for information.
 *
 * @param params - what ran.
 * @param records - every path on every target.
 * @returns the rows.
 */
function compare(params: Params, records: readonly PathRecord[]): ComparisonRow[] {
  const rows: ComparisonRow[] = []
  for (const path of params.paths) {
    const am = records.find((r) => r.path === path && r.target === 'alertmanager')
    const mesh = records.find((r) => r.path === path && r.target === 'alertmesh')
    // A run with duplicates or strangers notified something other than the 1,000 groups.
    const invalid = [am, mesh].some((r) =>
      (r?.runs ?? []).some((o) => o.ok && o.value.duplicates + o.value.unidentified > 0)
    )
    const row = (
      measure: string,
      pick: (r: NotifyRun) => number,
      digits: number,
      goal?: { readonly op: '>=' | '<='; readonly ratio: number; readonly absolute?: number }
    ): ComparisonRow => {
      const a = medianOf(am, pick)
      const m = medianOf(mesh, pick)
      const r = ratio(m, a)
      let status: GoalStatus | undefined
      if (goal !== undefined) {
        const met =
          r !== undefined &&
          (goal.op === '>=' ? r >= goal.ratio : r <= goal.ratio) &&
          (goal.absolute === undefined || (m !== undefined && m <= goal.absolute))
        status = r === undefined ? 'n/a' : invalid ? 'invalid' : met ? 'met' : 'missed'
      }
      return {
        measure,
        alertmanager: a,
        alertmesh: m,
        ratio: r,
        goal: goal === undefined ? undefined : { op: goal.op, ratio: goal.ratio },
        status,
        digits,
      }
    }
    if (params.serial) {
      // Issue 20: one notification, POST to receiver, p99 at most 2 ms and at most Alertmanager's.
      const what =
        params.warmUp === 0
          ? `${path}: one at a time`
          : `${path}: one at a time after ${params.warmUp} warm-up notifications`
      rows.push(
        row(`${what}, latency p50 (ms)`, (r) => r.latencyMs.p50, 2),
        row(`${what}, latency p99 (ms; goal also <= 2)`, (r) => r.latencyMs.p99, 2, {
          op: '<=',
          ratio: 1,
          absolute: SERIAL_P99_GOAL_MS,
        }),
        row(`${what}, latency max (ms)`, (r) => r.latencyMs.max, 2)
      )
      continue
    }
    rows.push(
      // The webhook path only checks the harness; the goal is on email and Slack.
      row(
        `${path}: notifications/s`,
        (r) => r.perS,
        0,
        path === 'webhook' ? undefined : { op: '>=', ratio: GOAL_RATIO }
      ),
      row(`${path}: latency p50 (ms)`, (r) => r.latencyMs.p50, 0),
      row(`${path}: latency p99 (ms)`, (r) => r.latencyMs.p99, 0),
      row(`${path}: latency max (ms)`, (r) => r.latencyMs.max, 0),
      row(`${path}: RSS after the run (MiB)`, (r) => r.memoryAfter.rssMiB, 1)
    )
  }
  return rows
}

/**
 * refusal finds why a target did not start in the output tail of its start error: the `err`
 * field of its last error record (both targets log logfmt), e.g. a config it refuses.
 *
 * @param error - the start error's text, output tail included.
 * @returns the reason, or undefined when the tail has none.
 */
function refusal(error: string): string | undefined {
  const line = error
    .split('\n')
    .reverse()
    .find((l) => l.includes('level=error') && l.includes('err='))
  const match = line === undefined ? null : /err="((?:[^"\\]|\\.)*)"/.exec(line)
  return match?.[1]?.replace(/\\(.)/g, '$1')
}

/**
 * failures lists the runs that have no result.
 *
 * @param params - what ran.
 * @param records - every path on every target.
 * @returns one line per failed or skipped run.
 */
function failures(params: Params, records: readonly PathRecord[]): string[] {
  const firstLine = (s: string): string => s.split('\n')[0] ?? ''
  return records.flatMap((r) => {
    const lines = r.runs.flatMap((o, i) => {
      if (o.ok) {
        return []
      }
      const reason = o.startFailed ? refusal(o.error) : undefined
      return [
        `${r.target} ${r.path} run ${i + 1}: ${firstLine(o.error)}` +
          (reason === undefined ? '' : `; it said: ${reason}`),
      ]
    })
    const missing = params.runs - r.runs.length
    if (missing > 0) {
      lines.push(`${r.target} ${r.path}: ${missing} run(s) skipped: ${r.skipped ?? 'not run'}`)
    }
    return lines
  })
}

/**
 * main runs the benchmark.
 *
 * @returns the exit code: 0 when every run produced a result.
 */
async function main(): Promise<number> {
  const start = await startBench(
    'notify',
    FLAGS,
    readParams,
    (p) => ({ alertmanagerBin: p.alertmanagerBin }),
    REPO_ROOT
  )
  if ('exitCode' in start) {
    return start.exitCode
  }
  const { params, started, machine } = start
  log(
    'bench',
    `${BENCH_NAME}: targets ${params.targets.join(', ')}; paths ${params.paths.join(', ')}; ` +
      `${params.runs} runs of ${params.groups} groups each` +
      (params.warmUp > 0 ? ` after ${params.warmUp} warm-up notifications` : '') +
      `; ${machine.nproc} CPUs, ` +
      `node ${machine.node}, ${machine.alertmanagerVersion}`
  )
  const records: PathRecord[] = []
  for (const path of params.paths) {
    const byTarget = params.targets.map((target): PathRecord => ({ target, path, runs: [] }))
    records.push(...byTarget)
    // Runs alternate between the targets, so a burst of load on the machine hits both alike.
    for (let run = 1; run <= params.runs; run++) {
      for (const record of byTarget) {
        if (record.skipped !== undefined) {
          continue
        }
        const outcome = await oneRun(params, targetSpec(record.target, params), path, run)
        record.runs.push(outcome)
        if (!outcome.ok && (outcome.startFailed || outcome.notified === 0)) {
          // The same config on the same binary fails the same way: do not spend the timeout on
          // every remaining run.
          record.skipped = outcome.startFailed
            ? `${record.target} did not start with the ${path} config`
            : `${record.target} sent no ${path} notification at all`
          log(record.target, `${path}: ${record.skipped}; skipping its remaining ${path} runs`)
        }
      }
    }
  }
  const rows = compare(params, records)
  console.log(`\n## alertmesh notify benchmark (${started.toISOString()})\n`)
  console.log(
    `${params.groups} alerts, each its own aggregation group (group_by [id], group_wait 0s)` +
      `${params.serial ? ', posted one at a time' : ''}, ` +
      `medians of ${params.runs} runs, each on a fresh process` +
      (params.warmUp > 0
        ? `, measured after ${params.warmUp} warm-up notifications on that process`
        : '') +
      '\n'
  )
  console.log(renderTable(rows, params.targets))
  if (params.targets.length === TARGET_NAMES.length) {
    const verdicts = rows
      .filter((r) => r.goal !== undefined)
      .map((r) => {
        const missing = TARGET_NAMES.filter((t) => r[t] === undefined)
        const detail =
          r.ratio !== undefined
            ? ` (${r.ratio.toFixed(2)}x)`
            : ` (no ${missing.join(' or ')} result, see FAILED below)`
        return `${r.measure.split(':')[0] ?? ''} ${r.status ?? 'n/a'}${detail}`
      })
    const goal = params.serial
      ? `one notification's p99 at most ${SERIAL_P99_GOAL_MS} ms and at most alertmanager's`
      : `alertmesh at least as fast as alertmanager (notifications/s >= ${GOAL_RATIO}x)`
    console.log(`\ngoal: ${goal}: ${verdicts.join(', ')}`)
  } else {
    console.log('\n(one target only: no ratios; run with both targets to compare)')
  }
  const noise = records.flatMap((r) => {
    const parts = r.runs.flatMap((o) =>
      o.ok
        ? [
            `${o.cpu.otherPercent.toFixed(0)}%${o.cpu.otherPercent > NOISY_OTHER_PERCENT ? ' (noisy)' : ''}`,
          ]
        : []
    )
    return parts.length === 0 ? [] : [`  ${r.target} ${r.path}: ${parts.join(', ')}`]
  })
  if (noise.length > 0) {
    console.log('\nCPU share taken by other processes on this machine during each run:')
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
    configs: Object.fromEntries(
      params.paths.map((p) => [
        p,
        notifyConfig(
          p === 'email'
            ? { path: p, smarthost: '127.0.0.1:<port>' }
            : { path: p, url: 'http://127.0.0.1:<port>/webhook' }
        ),
      ])
    ),
    targets: records,
    comparison: rows,
    failures: failed,
  })
  console.log(`results written to ${path}`)
  return failed.length === 0 ? 0 : 1
}

runBenchmark(main)
