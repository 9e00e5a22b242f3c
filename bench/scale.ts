/**
 * Scale benchmark (issue 20, "Scale"): for each target in the same run, on one fresh process,
 * create N silences (default 10k), then load M active alerts (default 1M) spread over G groups
 * (default 100k; `group_by: [group]` on a label with G values), with group_wait and
 * group_interval short enough that every group flushes to a local webhook sink during the run.
 *
 * It measures the load throughput, RSS after the load and at the end (with the peak), GET
 * /-/ready latency probed every ~20 ms from a worker thread during the load and during the
 * flush storms that follow it, whether the process survived, and how long until every group was
 * notified (once, and with all its unsilenced alerts). What a target cannot finish within
 * --notify-timeout is reported as measured.
 *
 *   node dist/bench/scale.js                                   # 1M alerts, 100k groups, 10k silences
 *   node dist/bench/scale.js --alerts=100000 --groups=10000 --silences=1000   # quick
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import type { Pool } from 'undici'

import { ALERT_NAMES } from './lib/alerts.js'
import { UsageError, nonNegativeInteger, positiveInteger, positiveNumber } from './lib/args.js'
import type { FlagSpec } from './lib/args.js'
import { loadAlerts, openPool } from './lib/http.js'
import { cpuSnapshot, cpuUse, readMemory, waitForQuiet } from './lib/proc.js'
import type { CpuUse, MemorySample } from './lib/proc.js'
import {
  errorText,
  formatFigure,
  log,
  markdownTable,
  runBenchmark,
  writeResults,
} from './lib/report.js'
import { WebhookSink } from './lib/sink.js'
import { startBench } from './lib/start.js'
import { readTargetFlags, targetFlags } from './lib/target-flags.js'
import type { TargetParams } from './lib/target-flags.js'
import { startTarget, targetSpec } from './lib/target.js'
import type { RunningTarget, TargetName, TargetSpec } from './lib/target.js'
import { NotificationTracker } from './scale/notifications.js'
import { ReadyProbe } from './scale/probe.js'
import type { LatencySummary } from './scale/probe.js'

/** BENCH_NAME names the results file and the `--only=` value of scripts/run-bench.mjs. */
const BENCH_NAME = 'scale'

/** REPO_ROOT is the repository root; this file runs from dist/bench/. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** PREFIX is the run prefix of the alerts' `id` label (see makeAlert). */
const PREFIX = 'scale'

/** READY_TARGET_P99_MS is the issue's goal for GET /-/ready during flush storms. */
const READY_TARGET_P99_MS = 100

/** FLAGS declares the benchmark's flags and their defaults; `--help` prints them. */
const FLAGS = {
  alerts: { default: '1000000', help: 'active alerts loaded (alert n is in group n mod groups)' },
  groups: { default: '100000', help: 'aggregation groups: values of the `group` label' },
  silences: {
    default: '10000',
    help: 'silences created before the load; silence i mutes the first alert of group i*(groups/silences)',
  },
  batch: { default: '100', help: 'alerts per POST /api/v2/alerts' },
  connections: { default: '8', help: 'POST requests in flight during the load' },
  'group-wait': { default: '5', help: 'route group_wait, seconds' },
  'group-interval': { default: '15', help: 'route group_interval, seconds' },
  'probe-interval': { default: '20', help: 'ms between GET /-/ready probes' },
  'notify-timeout': {
    default: '240',
    help: 'seconds after the load to wait for every group to be notified with all its alerts',
  },
  'alertmesh-heap': {
    default: '3072',
    help: "alertmesh's V8 heap limit in MiB (node --max-old-space-size), as docs/runbook.md §1 sets it for 1M alerts",
  },
  'alertmesh-young': {
    default: '64',
    help: "alertmesh's young generation in MiB (node --max-semi-space-size), as docs/runbook.md §1 sets it for 1M alerts; 0 for V8's default (16)",
  },
  'alertmesh-node-args': {
    default: '',
    help: 'extra node flags for alertmesh, space-separated, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"',
  },
  ...targetFlags(REPO_ROOT, {
    targetsHelp: 'targets to run, in this order: alertmanager, alertmesh (one or both)',
    quietWaitS: 30,
  }),
} satisfies Record<string, FlagSpec>

/** Params are the validated flags. */
interface Params extends TargetParams {
  readonly alerts: number
  readonly groups: number
  readonly silences: number
  readonly batch: number
  readonly connections: number
  readonly groupWaitS: number
  readonly groupIntervalS: number
  readonly probeIntervalMs: number
  readonly notifyTimeoutS: number
  readonly alertmeshHeapMiB: number
  /** --max-semi-space-size for alertmesh, MiB; 0 leaves V8's default. */
  readonly alertmeshYoungMiB: number
  readonly alertmeshNodeArgs: readonly string[]
}

/**
 * readParams validates the flags.
 *
 * @param flags - parsed flag text.
 * @returns the params.
 * @throws UsageError for a bad value or a shape the benchmark cannot check.
 */
function readParams(flags: Record<keyof typeof FLAGS, string>): Params {
  const alerts = positiveInteger('alerts', flags.alerts)
  const groups = positiveInteger('groups', flags.groups)
  const silences = flags.silences === '0' ? 0 : positiveInteger('silences', flags.silences)
  if (groups > alerts) {
    throw new UsageError('--groups must not exceed --alerts: every group needs an alert')
  }
  if (silences > groups || (silences > 0 && alerts < 2 * groups)) {
    // A silenced group would never notify, and "every group notified" would never hold.
    throw new UsageError('--silences needs --silences <= --groups and --alerts >= 2 x --groups')
  }
  if (Math.ceil(alerts / groups) > 0xffff) {
    throw new UsageError('--alerts / --groups must stay below 65536 alerts per group')
  }
  const nodeArgs = flags['alertmesh-node-args'].split(/\s+/).filter(Boolean)
  return {
    ...readTargetFlags(flags),
    alerts,
    groups,
    silences,
    batch: positiveInteger('batch', flags.batch),
    connections: positiveInteger('connections', flags.connections),
    groupWaitS: positiveNumber('group-wait', flags['group-wait']),
    groupIntervalS: positiveNumber('group-interval', flags['group-interval']),
    probeIntervalMs: positiveNumber('probe-interval', flags['probe-interval']),
    notifyTimeoutS: positiveNumber('notify-timeout', flags['notify-timeout']),
    alertmeshHeapMiB: positiveInteger('alertmesh-heap', flags['alertmesh-heap']),
    alertmeshYoungMiB: nonNegativeInteger('alertmesh-young', flags['alertmesh-young']),
    alertmeshNodeArgs: nodeArgs,
  }
}

/**
 * silenceStride is the distance between the groups whose first alert is silenced.
 *
 * @param params - alerts, groups, silences.
 * @returns groups per silence, at least 1.
 */
function silenceStride(params: Params): number {
  return Math.max(1, Math.floor(params.groups / Math.max(1, params.silences)))
}

/**
 * expectedAlerts says, per group, how many alerts a complete notification carries: the
 * group's alerts minus its first when a silence mutes it.
 *
 * @param params - alerts, groups, silences.
 * @returns one count per group.
 */
function expectedAlerts(params: Params): Uint16Array {
  const stride = silenceStride(params)
  const expected = new Uint16Array(params.groups)
  for (let g = 0; g < params.groups; g++) {
    const alerts = Math.floor((params.alerts - 1 - g) / params.groups) + 1
    const silenced = g % stride === 0 && g / stride < params.silences
    expected[g] = silenced ? alerts - 1 : alerts
  }
  return expected
}

/**
 * scaleConfig renders the targets' configuration: group by the 100k-valued `group` label, short
 * group_wait and group_interval so groups flush during the run, and a repeat_interval longer
 * than any run so only changed groups notify again.
 *
 * @param params - group_wait and group_interval.
 * @param webhookUrl - the sink.
 * @returns YAML text.
 */
function scaleConfig(params: Params, webhookUrl: string): string {
  return [
    'global:',
    '  resolve_timeout: 5m',
    'route:',
    '  receiver: bench-sink',
    '  group_by: [group]',
    `  group_wait: ${params.groupWaitS}s`,
    `  group_interval: ${params.groupIntervalS}s`,
    '  repeat_interval: 4h',
    'receivers:',
    '  - name: bench-sink',
    '    webhook_configs:',
    `      - url: ${webhookUrl}`,
    '        send_resolved: false',
    '',
  ].join('\n')
}

/**
 * silenceBody is silence i: it mutes alert number i*stride, the first alert of that group,
 * with two equality matchers (alertname and id), as narrow per-host silences do.
 *
 * @param i - silence number.
 * @param stride - groups per silence.
 * @param nowMs - wall clock.
 * @returns the JSON body of POST /api/v2/silences.
 */
function silenceBody(i: number, stride: number, nowMs: number): string {
  const n = i * stride
  return JSON.stringify({
    matchers: [
      {
        name: 'alertname',
        value: ALERT_NAMES[n % ALERT_NAMES.length] ?? 'Unknown',
        isRegex: false,
      },
      { name: 'id', value: `${PREFIX}-0-${n}`, isRegex: false },
    ],
    startsAt: new Date(nowMs).toISOString(),
    endsAt: new Date(nowMs + 4 * 3_600_000).toISOString(),
    createdBy: 'bench',
    comment: `scale silence ${i}`,
  })
}

/**
 * createSilences posts the silences, `concurrency` at a time.
 *
 * @param pool - a pool to the target.
 * @param params - how many, and the shape.
 * @returns seconds it took.
 * @throws Error on a non-200 answer.
 */
async function createSilences(pool: Pool, params: Params): Promise<number> {
  const started = performance.now()
  const stride = silenceStride(params)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < params.silences) {
      const i = next++
      const res = await pool.request({
        method: 'POST',
        path: '/api/v2/silences',
        headers: { 'content-type': 'application/json' },
        body: silenceBody(i, stride, Date.now()),
      })
      const text = await res.body.text()
      if (res.statusCode !== 200) {
        throw new Error(`POST /api/v2/silences answered ${res.statusCode}: ${text.slice(0, 300)}`)
      }
    }
  }
  await Promise.all(Array.from({ length: params.connections }, worker))
  return (performance.now() - started) / 1000
}

/** TargetResult is everything measured on one target; absent figures were not reached. */
interface TargetResult {
  readonly name: TargetName
  command?: string
  startError?: string
  /** Why the run ended early: the process died, or a request failed. */
  failure?: string
  survived?: boolean
  silencesS?: number
  loadS?: number
  alertsPerS?: number
  memoryAfterLoad?: MemorySample
  memoryAtEnd?: MemorySample
  /**
   * Heap in use at the end, from /metrics (nodejs_heap_size_used_bytes or
   * go_memstats_heap_inuse_bytes), or why there is none.
   */
  heapAtEndMiB?: number | string
  /** Seconds one GET /metrics took at the end, with every alert loaded. */
  metricsScrapeS?: number
  readyDuringLoad?: LatencySummary
  readyDuringFlush?: LatencySummary
  /** Seconds from the end of the load until every group had a notification. */
  allNotifiedS?: number
  /** Seconds from the end of the load until every group was notified with all its alerts. */
  allCompleteS?: number
  groupsNotified?: number
  groupsComplete?: number
  webhookRequests?: number
  cpu?: CpuUse
}

/** METRICS_TIMEOUT_MS bounds the heap reading; a target too busy to answer is noted, not fatal. */
const METRICS_TIMEOUT_MS = 15_000

/**
 * heapInUseMiB reads the heap figure each product exports on /metrics.
 *
 * @param pool - a pool to the target.
 * @returns MiB, or why there is no figure (no answer in time, or neither metric there).
 */
async function heapInUseMiB(pool: Pool): Promise<number | string> {
  try {
    const res = await pool.request({
      method: 'GET',
      path: '/metrics',
      headersTimeout: METRICS_TIMEOUT_MS,
      bodyTimeout: METRICS_TIMEOUT_MS,
    })
    const text = await res.body.text()
    const match = /^(?:nodejs_heap_size_used_bytes|go_memstats_heap_inuse_bytes) (\S+)$/m.exec(text)
    return match?.[1] === undefined ? 'no heap metric' : Number(match[1]) / 1_048_576
  } catch (err) {
    return `GET /metrics: ${errorText(err)} (${METRICS_TIMEOUT_MS / 1000} s)`
  }
}

/**
 * launchSpec is the operator's command line for a target; alertmesh gets the heap limit the
 * systemd unit sets, plus any profiling flags.
 *
 * @param name - the target.
 * @param params - binaries, heap limit, extra node flags.
 * @returns the spec.
 */
function launchSpec(name: TargetName, params: Params): TargetSpec {
  const spec = targetSpec(name, params)
  if (name !== 'alertmesh') {
    return spec
  }
  return {
    ...spec,
    args: [
      `--max-old-space-size=${params.alertmeshHeapMiB}`,
      ...(params.alertmeshYoungMiB > 0
        ? [`--max-semi-space-size=${params.alertmeshYoungMiB}`]
        : []),
      ...params.alertmeshNodeArgs,
      ...spec.args,
    ],
  }
}

/**
 * runTarget runs the whole scenario on one fresh target process.
 *
 * @param params - the run's parameters.
 * @param name - the target.
 * @returns what was measured, as far as the target got.
 */
async function runTarget(params: Params, name: TargetName): Promise<TargetResult> {
  const say = (m: string): void => {
    log(name, m)
  }
  const result: TargetResult = { name }
  if (params.quietWaitS > 0) {
    const quiet = await waitForQuiet({
      maxWaitMs: params.quietWaitS * 1000,
      thresholdPercent: 5,
      windowMs: 2000,
    })
    if (!quiet.quiet) {
      say(`machine still busy (${quiet.otherPercent.toFixed(0)}% CPU by others); going ahead`)
    }
  }
  const tracker = new NotificationTracker(expectedAlerts(params))
  const sink = await WebhookSink.start((body, receivedMs) => {
    tracker.record(body, performance.timeOrigin + receivedMs)
  })
  const spec = launchSpec(name, params)
  result.command = [spec.command, ...spec.args].join(' ')
  say(`starting: ${result.command}`)
  let target: RunningTarget
  try {
    target = await startTarget(spec, {
      config: scaleConfig(params, sink.url),
      readyTimeoutMs: params.readyTimeoutS * 1000,
    })
  } catch (err) {
    result.startError = errorText(err)
    await sink.close()
    return result
  }
  const pool = openPool(target.baseUrl, params.connections + 1)
  const probe = new ReadyProbe({
    url: `${target.baseUrl}/-/ready`,
    intervalMs: params.probeIntervalMs,
    timeoutMs: 30_000,
  })
  const cpuBefore = await cpuSnapshot(target.pid)
  const loadStart = Date.now()
  let loadEnd: number | undefined
  let flushEnd: number | undefined
  try {
    say(`creating ${params.silences} silences...`)
    result.silencesS = await createSilences(pool, params)
    say(`silences created in ${result.silencesS.toFixed(1)} s; loading ${params.alerts} alerts...`)
    const load = await loadAlerts(pool, {
      prefix: PREFIX,
      from: 0,
      to: params.alerts,
      batch: params.batch,
      concurrency: params.connections,
      extraLabels: (n) => ({ group: `g-${n % params.groups}` }),
      onProgress: (sent) => {
        const c = tracker.counts()
        say(`loaded ${sent}/${params.alerts}; groups notified ${c.notified}`)
      },
    })
    loadEnd = Date.now()
    result.loadS = load.durationS
    result.alertsPerS = load.alerts / load.durationS
    result.memoryAfterLoad = await readMemory(target.pid)
    say(
      `loaded in ${load.durationS.toFixed(1)} s (${Math.round(result.alertsPerS)}/s); RSS ` +
        `${result.memoryAfterLoad.rssMiB.toFixed(0)} MiB; waiting for every group's notification...`
    )
    const deadline = loadEnd + params.notifyTimeoutS * 1000
    let lastReport = Date.now()
    while (tracker.counts().allCompleteAtMs === undefined && Date.now() < deadline) {
      target.assertAlive()
      await sleep(250)
      if (Date.now() - lastReport >= 5000) {
        lastReport = Date.now()
        const c = tracker.counts()
        say(`groups notified ${c.notified}, complete ${c.complete}/${params.groups}`)
      }
    }
    // One more group_interval: the tick storm of groups that have nothing new to send.
    say(`watching one more group_interval (${params.groupIntervalS} s) of flushes...`)
    await sleep(params.groupIntervalS * 1000)
    target.assertAlive()
    flushEnd = Date.now()
    result.memoryAtEnd = await readMemory(target.pid)
    result.cpu = cpuUse(cpuBefore, await cpuSnapshot(target.pid))
    // Last, outside the probed windows: at 1M alerts one scrape holds either product for
    // seconds (the alerts gauge looks at every alert), which is its own figure.
    const scrapeStart = performance.now()
    result.heapAtEndMiB = await heapInUseMiB(pool)
    result.metricsScrapeS = (performance.now() - scrapeStart) / 1000
    result.survived = true
  } catch (err) {
    await sleep(500)
    const exit = target.exitInfo
    result.survived = exit === undefined
    result.failure = errorText(
      exit === undefined ? err : target.failure('died during the run', err)
    )
    console.error(`[${name}] ERROR: ${result.failure}`)
  } finally {
    await probe.stop()
    await pool.destroy()
    const exit = await target.stop()
    if (exit.killed) {
      say('did not exit within the grace period after SIGTERM; killed')
    }
    await sink.close()
  }
  const end = flushEnd ?? Date.now()
  result.readyDuringLoad = probe.summary(loadStart, loadEnd ?? end)
  if (loadEnd !== undefined) {
    result.readyDuringFlush = probe.summary(loadEnd, end)
  }
  const c = tracker.counts()
  result.groupsNotified = c.notified
  result.groupsComplete = c.complete
  result.webhookRequests = c.requests
  if (loadEnd !== undefined) {
    if (c.allNotifiedAtMs !== undefined) {
      result.allNotifiedS = Math.max(0, c.allNotifiedAtMs - loadEnd) / 1000
    }
    if (c.allCompleteAtMs !== undefined) {
      result.allCompleteS = Math.max(0, c.allCompleteAtMs - loadEnd) / 1000
    }
  }
  return result
}

/**
 * latencyCell renders p50 / p99 / max of a probe window.
 *
 * @param s - the window's summary.
 * @returns the cell text.
 */
function latencyCell(s: LatencySummary | undefined): string {
  if (s === undefined || s.samples === 0) {
    return '-'
  }
  const failed = s.failed > 0 ? `, ${s.failed} failed` : ''
  return `${s.p50Ms.toFixed(1)} / ${s.p99Ms.toFixed(1)} / ${s.maxMs.toFixed(0)} (${s.samples}${failed})`
}

/**
 * notifiedCell renders a "time until every group" figure, or how far the target got.
 *
 * @param seconds - the time, when reached.
 * @param reached - groups that got there.
 * @param params - the group count and the timeout.
 * @returns the cell text.
 */
function notifiedCell(seconds: number | undefined, reached: number | undefined, params: Params) {
  if (seconds !== undefined) {
    return `${seconds.toFixed(1)} s`
  }
  return `not within ${params.notifyTimeoutS} s (${formatFigure(reached)}/${formatFigure(params.groups)})`
}

/**
 * renderTable prints the comparison, one column per target.
 *
 * @param params - the run's parameters.
 * @param results - per target.
 * @returns markdown.
 */
function renderTable(params: Params, results: readonly TargetResult[]): string {
  const row = (label: string, cell: (r: TargetResult) => string): string[] => [
    label,
    ...results.map((r) => (r.startError === undefined ? cell(r) : 'did not start')),
  ]
  const mib = (m: MemorySample | undefined, pick: (m: MemorySample) => number): string =>
    m === undefined ? '-' : formatFigure(pick(m))
  return markdownTable(
    ['measure', ...results.map((r) => r.name)],
    [
      row('survived the run (no OOM, no crash)', (r) =>
        r.survived === true ? 'yes' : `NO: ${(r.failure ?? '').split('\n')[0] ?? ''}`
      ),
      row(`create ${formatFigure(params.silences)} silences (s)`, (r) =>
        formatFigure(r.silencesS, 1)
      ),
      row(`load ${formatFigure(params.alerts)} alerts (alerts/s)`, (r) =>
        formatFigure(r.alertsPerS)
      ),
      row('RSS after load (MiB)', (r) => mib(r.memoryAfterLoad, (m) => m.rssMiB)),
      row('RSS at end / peak (MiB)', (r) =>
        r.memoryAtEnd === undefined
          ? '-'
          : `${formatFigure(r.memoryAtEnd.rssMiB)} / ${formatFigure(r.memoryAtEnd.peakRssMiB)}`
      ),
      row('heap in use at end (MiB)', (r) =>
        typeof r.heapAtEndMiB === 'string' ? r.heapAtEndMiB : formatFigure(r.heapAtEndMiB)
      ),
      row('one GET /metrics at the end (s)', (r) => formatFigure(r.metricsScrapeS, 1)),
      row('GET /-/ready during load: p50 / p99 / max ms (probes)', (r) =>
        latencyCell(r.readyDuringLoad)
      ),
      row(
        `GET /-/ready during flushes: p50 / p99 / max ms (goal p99 < ${READY_TARGET_P99_MS})`,
        (r) => latencyCell(r.readyDuringFlush)
      ),
      row(`every group (${formatFigure(params.groups)}) notified, after the load`, (r) =>
        notifiedCell(r.allNotifiedS, r.groupsNotified, params)
      ),
      row('every group notified with all its alerts, after the load', (r) =>
        notifiedCell(r.allCompleteS, r.groupsComplete, params)
      ),
      row('webhook requests received', (r) => formatFigure(r.webhookRequests)),
      row('target CPU (s) / wall (s)', (r) =>
        r.cpu === undefined
          ? '-'
          : `${r.cpu.targetCpuS.toFixed(0)} / ${r.cpu.wallS.toFixed(0)} (others ${r.cpu.otherPercent.toFixed(0)}%)`
      ),
    ]
  )
}

/**
 * main runs the benchmark.
 *
 * @returns 0 when every target survived and notified every group in time.
 */
async function main(): Promise<number> {
  const start = await startBench(
    'scale',
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
    `${BENCH_NAME}: ${params.alerts} alerts in ${params.groups} groups, ${params.silences} ` +
      `silences; targets ${params.targets.join(', ')}; ${machine.nproc} CPUs, node ${machine.node}`
  )
  const results: TargetResult[] = []
  for (const name of params.targets) {
    results.push(await runTarget(params, name))
  }
  console.log(
    `\n## alertmesh scale benchmark (${started.toISOString()}): ${formatFigure(params.alerts)} ` +
      `alerts, ${formatFigure(params.groups)} groups, ${formatFigure(params.silences)} silences, ` +
      `group_wait ${params.groupWaitS}s, group_interval ${params.groupIntervalS}s, alertmesh heap ` +
      `limit ${params.alertmeshHeapMiB} MiB, young generation ` +
      `${params.alertmeshYoungMiB > 0 ? `${params.alertmeshYoungMiB} MiB` : "V8's default"}\n`
  )
  console.log(renderTable(params, results))
  const path = await writeResults(params.resultsDir, BENCH_NAME, started, {
    benchmark: BENCH_NAME,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    params,
    targets: results,
  })
  console.log(`results written to ${path}`)
  const incomplete = results.filter(
    (r) => r.survived !== true || r.allCompleteS === undefined || r.startError !== undefined
  )
  for (const r of incomplete) {
    console.log(
      `INCOMPLETE: ${r.name}: ${(r.startError ?? r.failure ?? 'did not notify every group in time').split('\n')[0] ?? ''}`
    )
  }
  return incomplete.length === 0 ? 0 : 1
}

runBenchmark(main)
