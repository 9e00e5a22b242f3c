/**
 * Silences benchmark: Alertmanager 0.25 and alertmesh in the same run, same parameters.
 *
 * For each target, on a fresh process: create N silences (default 10k) through the API, load
 * M alerts (default 100k; a few percent are silenced), then measure
 * 1. matching: after one more silence is added (a new silences version invalidates every
 *    cached mute decision), the time of a GET /api/v2/alerts, which must re-match every alert
 *    against every silence; three rounds, median;
 * 2. GET /api/v2/alerts latency with the silences in place and caches warm: 5 runs, median;
 * and report how long creating the silences took.
 *
 *   node dist/bench/silences.js [--silences=10000] [--alerts=100000] [--match-rounds=3] [--gets=5]
 *                               [--targets=alertmanager,alertmesh]
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Pool } from 'undici'

import { ALERT_NAMES, INSTANCE_COUNT } from './lib/alerts.js'
import { loadAlerts, openPool, timedGetAlerts } from './lib/http.js'
import { WebhookSink } from './lib/sink.js'
import { median } from './lib/stats.js'
import { installCleanup, startTarget } from './lib/target.js'
import type { TargetName, TargetSpec } from './lib/target.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const SPECS: Record<TargetName, TargetSpec> = {
  alertmanager: { name: 'alertmanager', command: '/usr/bin/prometheus-alertmanager', args: [] },
  alertmesh: {
    name: 'alertmesh',
    command: process.execPath,
    args: [resolve(ROOT, 'dist', 'bin', 'alertmesh.cjs')],
  },
}

interface Figures {
  createSilencesS: number
  matchMs: number
  getMs: number
  silencedAlerts: number
}

// Silence i matches one (alertname, instance) pair; every 20th silence matches nothing, the
// rest mostly hit few alerts, as in fleets where many narrow silences pile up.
function silenceBody(i: number, now: number): string {
  const alertname = ALERT_NAMES[i % ALERT_NAMES.length] ?? 'Unknown'
  const instance = `node-${String((i * 7) % INSTANCE_COUNT).padStart(3, '0')}.example.internal:9100`
  const matchers =
    i % 20 === 0
      ? [{ name: 'alertname', value: `NoSuchAlert${i}`, isRegex: false }]
      : [
          { name: 'alertname', value: alertname, isRegex: false },
          {
            name: 'instance',
            value: i % 3 === 0 ? `${instance.slice(0, 8)}.*` : instance,
            isRegex: i % 3 === 0,
          },
        ]
  return JSON.stringify({
    matchers,
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: 'bench',
    comment: `bench silence ${i}`,
  })
}

async function createSilences(
  pool: Pool,
  from: number,
  count: number,
  log: (s: string) => void
): Promise<number> {
  const started = performance.now()
  let next = from
  const worker = async (): Promise<void> => {
    while (next < from + count) {
      const i = next++
      const res = await pool.request({
        method: 'POST',
        path: '/api/v2/silences',
        headers: { 'content-type': 'application/json' },
        body: silenceBody(i, Date.now()),
      })
      const text = await res.body.text()
      if (res.statusCode !== 200) {
        throw new Error(`POST /api/v2/silences answered ${res.statusCode}: ${text}`)
      }
      if ((i - from + 1) % 2000 === 0) {
        log(`created ${i - from + 1}/${count} silences`)
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return (performance.now() - started) / 1000
}

async function measure(
  name: TargetName,
  silences: number,
  alerts: number,
  rounds: { readonly match: number; readonly gets: number },
  sink: WebhookSink
): Promise<Figures> {
  const log = (s: string): void => {
    process.stdout.write(`[${name}] ${s}\n`)
  }
  const target = await startTarget(SPECS[name], { webhookUrl: sink.url, readyTimeoutMs: 30_000 })
  const pool = openPool(target.baseUrl, 8)
  try {
    log(`creating ${silences} silences...`)
    const createSilencesS = await createSilences(pool, 0, silences, log)
    log(`created in ${createSilencesS.toFixed(1)} s; loading ${alerts} alerts...`)
    await loadAlerts(pool, { prefix: 'sil', from: 0, to: alerts, batch: 100, concurrency: 8 })
    // A GET that exceeds the HTTP client's timeout (120 s) is recorded as such: Alertmanager 0.25
    // does not finish a full re-match of 100k alerts against 10k silences within it here.
    let warm
    try {
      warm = await timedGetAlerts(pool, true)
    } catch (err: unknown) {
      log(
        `warm-up GET failed: ${err instanceof Error ? err.message : String(err)}; counting it as a timeout`
      )
      return {
        createSilencesS,
        matchMs: Number.POSITIVE_INFINITY,
        getMs: Number.POSITIVE_INFINITY,
        silencedAlerts: Number.NaN,
      }
    }
    log(`warm-up GET: ${warm.ms.toFixed(0)} ms, ${warm.alerts ?? 0} alerts`)
    const suppressed = await pool.request({ method: 'GET', path: '/api/v2/alerts?active=false' })
    const silencedAlerts = ((await suppressed.body.json()) as unknown[]).length
    const matches: number[] = []
    for (let round = 0; round < rounds.match; round++) {
      await createSilences(pool, silences + round, 1, () => undefined)
      const got = await timedGetAlerts(pool, false)
      matches.push(got.ms)
      log(
        `match round ${round + 1}/${rounds.match} (new silence, full re-match): ${got.ms.toFixed(0)} ms`
      )
    }
    const gets: number[] = []
    for (let run = 0; run < rounds.gets; run++) {
      const got = await timedGetAlerts(pool, false)
      gets.push(got.ms)
      log(`GET run ${run + 1}/${rounds.gets}: ${got.ms.toFixed(0)} ms`)
    }
    return { createSilencesS, matchMs: median(matches), getMs: median(gets), silencedAlerts }
  } finally {
    await pool.close()
    await target.stop()
  }
}

async function main(): Promise<void> {
  installCleanup()
  const args = new Map(
    process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string])
  )
  const silences = Number(args.get('silences') ?? 10_000)
  const alerts = Number(args.get('alerts') ?? 100_000)
  const targets = (args.get('targets') ?? 'alertmanager,alertmesh').split(',') as TargetName[]
  const rounds = {
    match: Number(args.get('match-rounds') ?? 3),
    gets: Number(args.get('gets') ?? 5),
  }
  const sink = await WebhookSink.start()
  const results = new Map<TargetName, Figures>()
  try {
    for (const name of targets) {
      results.set(name, await measure(name, silences, alerts, rounds, sink))
    }
  } finally {
    await sink.close()
  }
  const am = results.get('alertmanager')
  const mesh = results.get('alertmesh')
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined
      ? '-'
      : a === Number.POSITIVE_INFINITY
        ? '< 1/120 s'
        : `${(b / a).toFixed(2)}x`
  const show = (v: number, digits: number): string =>
    v === Number.POSITIVE_INFINITY
      ? 'no answer in 120 s'
      : Number.isNaN(v)
        ? '-'
        : v.toFixed(digits)
  const row = (what: string, pick: (f: Figures) => number, digits = 0): string =>
    `| ${what} | ${am === undefined ? '-' : show(pick(am), digits)} | ${mesh === undefined ? '-' : show(pick(mesh), digits)} | ${ratio(am === undefined ? undefined : pick(am), mesh === undefined ? undefined : pick(mesh))} |`
  process.stdout.write(
    [
      '',
      `## Silences benchmark: ${silences} silences x ${alerts} alerts (${new Date().toISOString()})`,
      '',
      '| measure | alertmanager | alertmesh | alertmesh/alertmanager |',
      '|---|---|---|---|',
      row('create silences through the API (s)', (f) => f.createSilencesS, 1),
      row('silenced alerts (check: must be equal)', (f) => f.silencedAlerts),
      row(
        'matching: GET /api/v2/alerts right after a silence change (ms, median of 3)',
        (f) => f.matchMs
      ),
      row(
        `GET /api/v2/alerts with silences, caches warm (ms, median of ${rounds.gets})`,
        (f) => f.getMs
      ),
      '',
    ].join('\n')
  )
}

main().catch((err: unknown) => {
  process.stderr.write(
    `silences benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`
  )
  process.exit(1)
})
