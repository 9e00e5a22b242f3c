/**
 * Template benchmark: the text/template port against Go 1.19's own text/template, in the same
 * run, on the same templates and data.
 *
 * - render: a Slack-style notification text ranging over 100 alerts, with SortedPairs loops
 *   over each alert's labels, printf, index, nested {{template}} calls and a range over a map.
 * - parse: a ~200-line template set (the render set plus generated definitions).
 *
 * Go's side is the oracle program of the tests (test/support/go-oracle) in its `bench` mode;
 * the data is built once for both from the oracle's typed JSON (a map of alerts with `KV`
 * labels whose SortedPairs method is mirrored here). Outputs must be identical.
 *
 *   node dist/bench/template.js [--iterations=2000]
 */
import { spawnSync } from 'node:child_process'

import { GoType, STRING, Template, box, goStruct, sliceOf } from '#src/notify/template/go/index.js'
import type { GoFunc, GoValue } from '#src/notify/template/go/index.js'

import { buildTextTemplateOracle } from '../test/support/go-oracle.js'

import { commandFlags } from './lib/args.js'

const RENDER_SET = `{{define "title"}}[{{.Status}}{{if eq .Status "firing"}}:{{len .Alerts.Firing}}{{end}}] {{range .GroupLabels.SortedPairs}}{{.Value}} {{end}}{{end}}
{{define "alert"}}*Alert:* {{index .Labels "alertname"}} - \`{{index .Labels "severity"}}\`
*Details:*
{{range .Labels.SortedPairs}} • *{{.Name}}:* \`{{.Value}}\`
{{end}}{{end}}
{{define "text"}}{{template "title" .}}
{{range $i, $a := .Alerts}}{{if $i}}---
{{end}}{{template "alert" $a}}{{printf "%d/%d %s %q" $i (len $.Alerts) $a.Status (index $a.Labels "instance")}}
{{end}}{{with .CommonLabels}}{{range $k, $v := .}}{{$k}}={{printf "%q" $v}} {{end}}{{end}}{{end}}`

/** parseSet is the render set plus generated definitions, about 200 lines. */
function parseSet(): string {
  const defs: string[] = [RENDER_SET]
  for (let i = 0; i < 24; i++) {
    defs.push(`{{define "extra${i}"}}{{/* generated ${i} */}}
{{- if and .Alerts (gt (len .Alerts) ${i}) -}}
  {{range $j, $a := .Alerts}}{{if lt $j ${i}}}{{$a.Status}}:{{index $a.Labels "alertname"}}{{end}}{{end}}
{{- else if eq .Status "resolved" -}}
  {{printf "%s/%d %v" .Status ${i} .GroupLabels.SortedPairs.Names}}
{{- else -}}
  {{with .CommonLabels}}{{.SortedPairs.Values}}{{else}}none{{end}} {{template "title" .}}
{{- end}}{{end}}`)
  }
  return defs.join('\n')
}

// A mirror of the oracle's KV, Pair, Pairs, Alert and Alerts (main.go).
const PAIR = new GoType({
  kind: 'struct',
  name: 'main.Pair',
  named: true,
  fields: [
    { name: 'Name', type: STRING },
    { name: 'Value', type: STRING },
  ],
})
const PAIRS = new GoType({ kind: 'slice', name: 'main.Pairs', named: true, elem: PAIR })

function method(results: GoType[], fn: (...a: GoValue[]) => GoValue): GoFunc {
  return { params: [], variadic: false, results, fn }
}

function sortedPairs(kv: GoValue): GoValue {
  const m = (kv as { v: Record<string, string> }).v
  const keys = Object.keys(m).sort()
  return box(
    PAIRS,
    keys.map((k) => goStruct(PAIR, { Name: k, Value: m[k] }))
  )
}

const KV: GoType = new GoType({
  kind: 'map',
  name: 'main.KV',
  named: true,
  key: STRING,
  elem: STRING,
  methods: {
    SortedPairs: method([PAIRS], sortedPairs),
    Names: method([sliceOf(STRING)], (kv) =>
      box(sliceOf(STRING), Object.keys((kv as { v: Record<string, string> }).v).sort())
    ),
    Values: method([sliceOf(STRING)], (kv) => {
      const m = (kv as { v: Record<string, string> }).v
      return box(
        sliceOf(STRING),
        Object.keys(m)
          .sort()
          .map((k) => m[k] as string)
      )
    }),
  },
})
const ALERT = new GoType({
  kind: 'struct',
  name: 'main.Alert',
  named: true,
  fields: [
    { name: 'Status', type: STRING },
    { name: 'Labels', type: KV },
  ],
})
const ALERTS: GoType = new GoType({
  kind: 'slice',
  name: 'main.Alerts',
  named: true,
  elem: ALERT,
  methods: {
    Firing: method([sliceOf(ALERT)], (as) =>
      box(
        sliceOf(ALERT),
        ((as as { v: GoValue[] }).v as { v: GoValue[] }[]).filter((a) => a.v[0] === 'firing')
      )
    ),
  },
})

interface AlertData {
  status: string
  labels: Record<string, string>
}

function alerts(n: number): AlertData[] {
  return Array.from({ length: n }, (_, i) => ({
    status: i % 4 === 0 ? 'resolved' : 'firing',
    labels: {
      alertname: 'HighLatency',
      severity: i % 3 === 0 ? 'critical' : 'warning',
      instance: `node-${i}.example.com:9100`,
      job: 'node',
      cluster: 'eu-west-1',
      team: `team-${i % 5}`,
    },
  }))
}

const COMMON = { alertname: 'HighLatency', job: 'node', cluster: 'eu-west-1' }

function ourData(as: AlertData[]): GoValue {
  return {
    Status: 'firing',
    Alerts: box(
      ALERTS,
      as.map((a) => goStruct(ALERT, { Status: a.status, Labels: box(KV, a.labels) }))
    ),
    GroupLabels: box(KV, { alertname: 'HighLatency' }),
    CommonLabels: box(KV, COMMON),
  }
}

function goData(as: AlertData[]): unknown {
  return {
    map: {
      Status: { string: 'firing' },
      Alerts: { alerts: as },
      GroupLabels: { kv: { alertname: 'HighLatency' } },
      CommonLabels: { kv: COMMON },
    },
  }
}

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

function parseOurs(text: string): Template {
  return Template.new('set').parse(text)
}

const FLAGS = {
  iterations: { default: '2000', help: 'renders and parses timed on each side' },
}

function main(): void {
  const flags = commandFlags('node dist/bench/template.js', FLAGS)
  if (flags === undefined) {
    return
  }
  const n = Number(flags.iterations)
  const as = alerts(100)
  const text = parseSet()

  const tmpl = parseOurs(text)
  let out = ''
  const oursRender = timeNs(n, () => {
    out = tmpl.executeTemplate('text', ourData(as))
  })
  const oursParse = timeNs(n, () => parseOurs(text))

  const r = spawnSync(buildTextTemplateOracle(), ['bench'], {
    input: JSON.stringify({
      name: 'bench',
      templates: [{ name: 'set', text }],
      exec: 'text',
      data: goData(as),
      iterations: n,
    }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) {
    throw new Error(`the Go oracle failed: ${r.stderr}`)
  }
  const go = JSON.parse(r.stdout) as {
    parseNsPerOp: number
    renderNsPerOp: number
    output: string
  }
  if (go.output !== out) {
    throw new Error('the outputs differ: the benchmark would compare different work')
  }
  const lines = text.split('\n').length
  const fmt = (ns: number): string => `${(ns / 1000).toFixed(1)} µs/op`
  console.log(`template benchmark (${n} iterations; output ${out.length} bytes, identical)`)
  console.log(
    `  render 100 alerts: alertmesh ${fmt(oursRender)}  Go ${fmt(go.renderNsPerOp)}  ratio ${(oursRender / go.renderNsPerOp).toFixed(2)}x`
  )
  console.log(
    `  parse ${lines} lines:  alertmesh ${fmt(oursParse)}  Go ${fmt(go.parseNsPerOp)}  ratio ${(oursParse / go.parseNsPerOp).toFixed(2)}x`
  )
}

main()
