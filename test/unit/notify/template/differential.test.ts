// Differential test: every case is rendered by Alertmanager 0.25's own template package (the
// Go oracle of test/support/template-oracle.ts) and by alertmesh; output and errors must be
// byte-identical. Cases: 0.25's template_test.go, every named template of default.tmpl over
// firing, resolved and mixed groups, and the user-template corpus of test/fixtures/templates;
// on the HTML side (html/template) email.default.html, HTML contexts and corpus templates.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import type { Alert } from '#src/alerts/index.js'
import { fingerprint, initHashing } from '#src/labels/index.js'
import {
  AlertTemplate,
  DEFAULT_TMPL,
  dataFromJSON,
  dataPointer,
  buildData,
} from '#src/notify/template/index.js'
import { parseRFC3339 } from '#src/util/index.js'

import type { OracleAlert, OracleCase } from '../../../support/template-oracle.js'
import { askOracle, buildOracle, oracleUnavailable } from '../../../support/template-oracle.js'

function fixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'templates')
    try {
      readdirSync(candidate)
      return candidate
    } catch {
      dir = dirname(dir)
    }
  }
}

const TRICKY = `<b>"quoted" & 'single'</b> é ü 日本 😀`

const firing: OracleAlert[] = [
  {
    labels: { alertname: 'HighCPU', severity: 'critical', instance: 'h1:9100', msg: TRICKY },
    annotations: { summary: 'CPU > 90% on <h1>', description: 'Load is "high"\nsecond line' },
    startsAt: '2024-03-10T12:34:56.789Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prom:9090/graph?g0.expr=up&g0.tab=1',
  },
  {
    labels: { alertname: 'HighCPU', severity: 'warning', instance: 'h2:9100', msg: 'ΣΑΣ straße' },
    annotations: { summary: 'CPU > 80%', runbook: 'https://runbooks/cpu' },
    startsAt: '2024-03-10T12:30:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: '',
  },
]
const resolved: OracleAlert[] = [
  {
    labels: { alertname: 'DiskFull', severity: 'page', instance: 'db-1:9100', msg: TRICKY },
    annotations: { summary: 'disk "full"', description: 'résolu' },
    startsAt: '2020-01-01T00:00:00.123Z',
    endsAt: '2020-01-01T01:02:03.5Z',
    generatorURL: 'http://prom/graph',
  },
]
const GROUPS: {
  name: string
  receiver: string
  groupLabels: Record<string, string>
  alerts: OracleAlert[]
}[] = [
  {
    name: 'firing',
    receiver: 'team-x.pager',
    groupLabels: { alertname: 'HighCPU' },
    alerts: firing,
  },
  {
    name: 'resolved',
    receiver: 'db (ops)',
    groupLabels: { alertname: 'DiskFull', severity: 'page' },
    alerts: resolved,
  },
  { name: 'mixed', receiver: 'all', groupLabels: {}, alerts: [...firing, ...resolved] },
]
// Times have millisecond precision: src/alerts stores epoch milliseconds.
const EXTERNAL_URL = 'http://am.example:9093/prefix'

function toAlert(a: OracleAlert): Alert {
  const ms = (s: string): number => parseRFC3339(s) ?? 0
  return {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: ms(a.startsAt),
    endsAt: ms(a.endsAt),
    generatorURL: a.generatorURL,
    updatedAt: 0,
    timeout: false,
    fingerprint: fingerprint(a.labels),
  }
}

function buildCases(): { name: string; c: OracleCase }[] {
  const cases: { name: string; c: OracleCase }[] = []
  const withGroups = (name: string, text: string, globs: string[] = [], html = false): void => {
    for (const g of GROUPS) {
      cases.push({
        name: `${name} [${g.name}]${html ? ' (html)' : ''}`,
        c: {
          globs,
          text,
          html,
          receiver: g.receiver,
          groupLabels: g.groupLabels,
          alerts: g.alerts,
          externalURL: EXTERNAL_URL,
        },
      })
    }
  }
  // Alertmanager 0.25 template_test.go TestTemplateExpansion (text side).
  const raw = (name: string, text: string, rawData: unknown): void => {
    cases.push({ name, c: { globs: [], text, rawData } })
  }
  raw('without action', 'abc', {})
  raw('simple action', '{{ "abc" }}', {})
  raw('invalid syntax', '{{ ', {})
  raw('toUpper', '{{ "abc" | toUpper }}', {})
  raw('toLower', '{{ "ABC" | toLower }}', {})
  raw('title', '{{ "abc" | title }}', {})
  raw('positive match', '{{ if match "^a" "abc"}}abc{{ end }}', {})
  raw('negative match', '{{ if match "abcd" "abc" }}abc{{ end }}', {})
  raw('no HTML escaping', '{{ "<b>" }}', {})
  raw('reReplaceAll', '{{ reReplaceAll "ab" "AB" "abcdabcda"}}', {})
  raw(
    'stringSlice',
    '{{ with .GroupLabels }}{{ with .Remove (stringSlice "key1" "key3") }}{{ .SortedPairs.Values }}{{ end }}{{ end }}',
    { groupLabels: { key1: 'key1', key2: 'key2', key3: 'key3', key4: 'key4' } }
  )
  raw('empty text', '', {})
  raw('raw data print', '{{ . }}', {
    receiver: 'r',
    alerts: [
      {
        status: 'firing',
        labels: { a: 'b' },
        startsAt: '2024-01-02T03:04:05+02:00',
        endsAt: '2024-01-02T03:04:05.123-07:30',
      },
    ],
  })
  raw(
    'raw data nil maps',
    '{{ .GroupLabels }}|{{ .Alerts }}|{{ .CommonLabels.SortedPairs }}|{{ len .Alerts.Firing }}',
    {}
  )
  // Every named template of default.tmpl.
  for (const m of DEFAULT_TMPL.matchAll(/\{\{ define "([^"]+)" \}\}/g)) {
    withGroups(`default.tmpl ${m[1] ?? ''}`, `{{ template "${m[1] ?? ''}" . }}`)
  }
  // The corpus: each file as the text, and each file's templates through a glob.
  const dir = fixturesDir()
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tmpl'))
    .sort()) {
    withGroups(`corpus ${file}`, readFileSync(join(dir, file), 'utf8'))
  }
  withGroups(
    'corpus via glob',
    '{{ template "x.all" . }}|{{ template "teams.title" . }}|{{ template "05-nested-defines.tmpl" . }}',
    [join(dir, '0*.tmpl'), join(dir, '30-*.tmpl')]
  )
  withGroups('glob matching nothing', 'ok', [join(dir, 'nothing-*.tmpl')])
  withGroups('glob with a parse error', 'x', [join(dir, '36-*.tmpl')])
  // The HTML side (ExecuteHTMLString, html/template): the default email over every group,
  // whose labels hold HTML, quotes and non-ASCII text, and corpus templates in HTML contexts.
  withGroups('email.default.html', '{{ template "email.default.html" . }}', [], true)
  withGroups('email.default.subject', '{{ template "email.default.subject" . }}', [], true)
  withGroups(
    'html contexts',
    '<p title="{{ .CommonLabels.msg }}">{{ .CommonLabels.msg }}</p><a href="{{ .ExternalURL }}/x?r={{ .Receiver }}">' +
      '{{ "<b>x</b>" | safeHtml }}</a><script>var r = {{ .Receiver }};</script>' +
      '<style>p { color: {{ .Status }} }</style>',
    [],
    true
  )
  withGroups('html safeHtml', '{{ "<b>x</b>" | safeHtml }}|{{ "<b>x</b>" }}', [], true)
  withGroups('html parse error', '{{ if }}', [], true)
  withGroups('html escape error', '<a href="{{ if .Receiver }}x">{{ end }}', [], true)
  for (const file of [
    '01-slack-title.tmpl',
    '03-sortedpairs-table.tmpl',
    '16-email-subject.tmpl',
    '23-generator-links.tmpl',
    '32-error-bad-field.tmpl',
  ]) {
    withGroups(`corpus ${file}`, readFileSync(join(dir, file), 'utf8'), [], true)
  }
  withGroups(
    'corpus via glob',
    '{{ template "x.all" . }}|{{ template "teams.title" . }}',
    [join(dir, '0*.tmpl'), join(dir, '30-*.tmpl')],
    true
  )
  withGroups('data print', '{{ . }}')
  withGroups('printf %v of data', '{{ printf "%v|%+v|%T" .Alerts .CommonLabels . }}')
  return cases
}

const skip = oracleUnavailable()

describe('templates: alertmesh vs Alertmanager 0.25 (Go oracle)', { skip: skip ?? false }, () => {
  it('renders every case byte for byte, errors included', async () => {
    await initHashing()
    const cases = buildCases()
    const bin = buildOracle()
    const want = askOracle(
      bin,
      cases.map((x) => x.c)
    )
    const diffs: string[] = []
    for (const [i, { name, c }] of cases.entries()) {
      let got: { out?: string; err?: string }
      try {
        const tmpl = AlertTemplate.fromGlobs(c.globs, { externalURL: c.externalURL ?? '' })
        const data =
          c.rawData !== undefined
            ? dataFromJSON(JSON.stringify(c.rawData))
            : dataPointer(
                buildData({
                  receiver: c.receiver ?? '',
                  groupLabels: c.groupLabels ?? {},
                  alerts: (c.alerts ?? []).map(toAlert),
                  externalURL: c.externalURL ?? '',
                  now: Date.now(),
                })
              )
        got = {
          out:
            c.html === true
              ? tmpl.executeHTMLString(c.text, data)
              : tmpl.executeTextString(c.text, data),
        }
      } catch (e) {
        got = { err: e instanceof Error ? e.message : String(e) }
      }
      const w = want[i] ?? {}
      if (got.out !== w.out || got.err !== w.err) {
        diffs.push(`${name}\n  go:   ${JSON.stringify(w)}\n  mesh: ${JSON.stringify(got)}`)
      }
    }
    console.log(`template differential: ${cases.length} cases, ${diffs.length} differences`)
    assert.equal(diffs.length, 0, diffs.join('\n'))
  })
})
