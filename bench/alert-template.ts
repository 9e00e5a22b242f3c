/**
 * Alert template benchmark: Alertmanager 0.25's template layer (template.Template: FromGlobs,
 * ExecuteTextString, ExecuteHTMLString) against alertmesh's AlertTemplate, in the same run, on
 * the same group of 100 alerts.
 *
 * - render: `{{ template "email.default.html" . }}` through ExecuteHTMLString (html/template,
 *   escaped on each call because every call executes a fresh clone of the set, as in Go),
 *   `{{ template "slack.default.text" . }}` and `{{ template "opsgenie.default.description" . }}`
 *   through ExecuteTextString. Each call clones the set, parses the field and executes it.
 * - parse: FromGlobs with no globs, i.e. default.tmpl and email.tmpl into the text and the
 *   html set; warm (mean over many calls) and cold (the first call in a fresh process).
 *
 * Go's side is the oracle program of the differential test (test/support/template-oracle) in
 * its `bench` mode; every render's output must be identical to ours. Each round runs ours and
 * then Go's; the table shows medians over the rounds.
 *
 *   node dist/bench/alert-template.js [--iterations=200] [--parse-iterations=100] [--rounds=5]
 *     [--cold-runs=7]
 */
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

import type { Alert } from '#src/alerts/index.js'
import { fingerprint, initHashing } from '#src/labels/index.js'
import { Template as HtmlTemplate } from '#src/notify/template/html/index.js'
import { AlertTemplate } from '#src/notify/template/index.js'
import type { TemplateSetFactory } from '#src/notify/template/index.js'

import type { OracleAlert, OracleBenchRender } from '../test/support/template-oracle.js'
import { benchOracle, buildOracle, oracleUnavailable } from '../test/support/template-oracle.js'

import { ALERT_NAMES, INSTANCE_COUNT, JOBS, ONE_HOUR_MS } from './lib/alerts.js'
import { commandFlags, positiveInteger } from './lib/args.js'
import { cpuSnapshot, cpuUse } from './lib/proc.js'
import { markdownTable } from './lib/report.js'
import { median } from './lib/stats.js'

/**
 * HTML_SET is the html/template factory Alertmanager's FromGlobs uses
 * (`tmplhtml.New("").Option("missingkey=zero").Funcs(...)`). AlertTemplate does not make the
 * HTML set on its own yet, so the benchmark passes it; email.default.html calls no function
 * whose result type differs between the text and the html function maps (safeHtml).
 */
const HTML_SET: TemplateSetFactory = (name, funcs) =>
  HtmlTemplate.new(name).option('missingkey=zero').funcs(funcs)

const RENDERS: readonly OracleBenchRender[] = [
  { name: 'email.default.html (html)', html: true, text: '{{ template "email.default.html" . }}' },
  { name: 'slack.default.text (text)', html: false, text: '{{ template "slack.default.text" . }}' },
  {
    name: 'opsgenie.default.description (text)',
    html: false,
    text: '{{ template "opsgenie.default.description" . }}',
  },
]

const RECEIVER = 'team-infra.email'
const EXTERNAL_URL = 'http://alertmanager.example.internal:9093'
const GROUP_LABELS = { alertname: 'HostHighCpuLoad' }

/**
 * groupAlerts is one group of `n` alerts as `group_by: [alertname]` makes it: one alert name,
 * the instance, job and severity of the ingest benchmark's generator, three annotations, and
 * one in five resolved (its endsAt an hour ago; the others end in an hour).
 */
function groupAlerts(n: number, nowMs: number): OracleAlert[] {
  const alertname = GROUP_LABELS.alertname
  return Array.from({ length: n }, (_, i) => {
    const instance = `node-${String((i * 7) % INSTANCE_COUNT).padStart(3, '0')}.example.internal:9100`
    const job = JOBS[i % JOBS.length] ?? 'node'
    const severity = i % 3 === 0 ? 'critical' : 'warning'
    // Whole seconds: Go's JSON times and our epoch milliseconds then agree exactly.
    const starts = Math.floor(nowMs / 1000) * 1000 - (i + 1) * 60_000
    const resolved = i % 5 === 4
    return {
      labels: { alertname, instance, job, severity, team: `team-${i % 4}`, region: 'eu-west-1' },
      annotations: {
        summary: `${alertname} on ${instance}`,
        description: `${alertname} on ${instance} (job ${job}): CPU load above 90% for more than 5 minutes.`,
        runbook_url: `https://runbooks.example.internal/${ALERT_NAMES[0] ?? ''}/${severity}`,
      },
      startsAt: new Date(starts).toISOString(),
      endsAt: new Date(resolved ? starts + 30_000 : starts + ONE_HOUR_MS + 600_000).toISOString(),
      generatorURL: `http://prometheus.example.internal:9090/graph?g0.expr=${alertname}&g0.tab=1`,
    }
  })
}

function toAlert(a: OracleAlert): Alert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: Date.parse(a.startsAt),
    endsAt: Date.parse(a.endsAt),
    generatorURL: a.generatorURL,
    updatedAt: 0,
    timeout: false,
    fingerprint: fingerprint(a.labels),
  }
}

/** fromGlobs is what both sides time as "parse": the defaults into both sets. */
function fromGlobs(): AlertTemplate {
  return AlertTemplate.fromGlobs([], { html: HTML_SET, externalURL: EXTERNAL_URL })
}

/** timeNs is the oracle's timeNs: n/10+1 untimed runs, then the mean of n timed ones. */
function timeNs(n: number, f: () => void): number {
  for (let i = 0; i < Math.floor(n / 10) + 1; i++) {
    f()
  }
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    f()
  }
  return Number(process.hrtime.bigint() - start) / n
}

/** coldChild is the child process of a cold-parse run: it times its first FromGlobs. */
function coldChild(): void {
  const start = process.hrtime.bigint()
  fromGlobs()
  const ns = Number(process.hrtime.bigint() - start)
  process.stdout.write(`${JSON.stringify({ ns })}\n`)
}

/** coldParse runs `runs` fresh node processes and returns each one's first-parse time. */
function coldParse(runs: number): number[] {
  const self = fileURLToPath(import.meta.url)
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [self, '--mode=cold-child'], { encoding: 'utf8' })
    if (r.status !== 0) {
      throw new Error(`cold-parse child failed: ${r.stderr}`)
    }
    out.push((JSON.parse(r.stdout) as { ns: number }).ns)
  }
  return out
}

const FLAGS = {
  iterations: { default: '200', help: 'timed calls of each render per round, on each side' },
  'parse-iterations': { default: '100', help: 'timed FromGlobs calls per round, on each side' },
  rounds: { default: '5', help: 'rounds (ours, then Go); the table shows medians' },
  'cold-runs': { default: '7', help: 'fresh node processes timing their first FromGlobs' },
  mode: { default: 'compare', help: 'compare, or cold-child (internal)' },
}

interface Round {
  ours: number[]
  go: number[]
  oursParse: number
  goParse: number
  goCold: number
}

async function main(): Promise<void> {
  const flags = commandFlags('node dist/bench/alert-template.js', FLAGS)
  if (flags === undefined) {
    return
  }
  if (flags.mode === 'cold-child') {
    coldChild()
    return
  }
  const skip = oracleUnavailable()
  if (skip !== undefined) {
    console.error(`alert template benchmark: ${skip}`)
    process.exit(1)
  }
  const iterations = positiveInteger('iterations', flags.iterations)
  const parseIterations = positiveInteger('parse-iterations', flags['parse-iterations'])
  const rounds = positiveInteger('rounds', flags.rounds)
  const coldRuns = positiveInteger('cold-runs', flags['cold-runs'])

  await initHashing()
  const bin = buildOracle()
  const now = Date.now()
  const oracleAlerts = groupAlerts(100, now)
  const load0 = loadavg()
  const cpu0 = await cpuSnapshot()

  // Cold first: the fresh processes should not run while this one is busy.
  const oursCold = coldParse(coldRuns)
  const results: Round[] = []
  let sizes: number[] = []
  for (let r = 0; r < rounds; r++) {
    const tmpl = fromGlobs()
    const data = tmpl.data(RECEIVER, GROUP_LABELS, oracleAlerts.map(toAlert), Date.now())
    const outs: string[] = []
    const ours = RENDERS.map((c) => {
      const exec = (): string =>
        c.html ? tmpl.executeHTMLString(c.text, data) : tmpl.executeTextString(c.text, data)
      outs.push(exec())
      return timeNs(iterations, exec)
    })
    const oursParse = timeNs(parseIterations, fromGlobs)
    const go = benchOracle(bin, {
      globs: [],
      receiver: RECEIVER,
      groupLabels: GROUP_LABELS,
      alerts: oracleAlerts,
      externalURL: EXTERNAL_URL,
      iterations,
      parseIterations,
      renders: [...RENDERS],
    })
    for (const [i, c] of RENDERS.entries()) {
      if (go.renders[i]?.out !== outs[i]) {
        throw new Error(`${c.name}: the outputs differ, the benchmark would compare different work`)
      }
    }
    sizes = outs.map((o) => o.length)
    results.push({
      ours,
      go: go.renders.map((x) => x.nsPerOp),
      oursParse,
      goParse: go.parseNsPerOp,
      goCold: go.parseColdNs,
    })
    console.error(`round ${r + 1}/${rounds} done`)
  }
  const cpu = cpuUse(cpu0, await cpuSnapshot())
  const load1 = loadavg()

  const ms = (ns: number): string => (ns / 1e6).toFixed(3)
  const row = (name: string, ours: number[], go: number[]): string[] => {
    const o = median(ours)
    const g = median(go)
    return [name, ms(o), ms(g), `${(o / g).toFixed(2)}x`]
  }
  const rows = RENDERS.map((c, i) =>
    row(
      `${c.name}, ${sizes[i] ?? 0} B`,
      results.map((x) => x.ours[i] ?? Number.NaN),
      results.map((x) => x.go[i] ?? Number.NaN)
    )
  )
  rows.push(
    row(
      'parse default.tmpl + email.tmpl, warm',
      results.map((x) => x.oursParse),
      results.map((x) => x.goParse)
    ),
    row(
      'parse default.tmpl + email.tmpl, cold (1st in process)',
      oursCold,
      results.map((x) => x.goCold)
    )
  )
  console.log(
    `alert template benchmark: 100 alerts, ${iterations} renders and ${parseIterations} parses ` +
      `per round, median of ${rounds} rounds (cold: ${coldRuns} fresh node processes, ` +
      `${rounds} Go processes); outputs identical`
  )
  console.log(
    markdownTable(['case (ms/op)', 'alertmesh', 'Alertmanager 0.25', 'ratio'], rows) +
      `\nload average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ` +
      `${load1.map((l) => l.toFixed(2)).join(' ')} after; ` +
      `other processes used ${cpu.otherPercent.toFixed(0)}% of the machine's CPU during the run`
  )
}

await main()
