/**
 * Differential test of the html/template port against Go 1.19's html/template: the rows of
 * Go's own test tables (escape_test.go TestEscape, TestEscapeMap, TestEscapeSet, TestErrors,
 * TestEscapeText, TestEscapeMalformedPipelines; content_test.go TestTypedContent), read from
 * the Go sources by the oracle, and Alertmanager 0.25's email.default.html, each run through
 * both implementations and compared byte for byte, outputs and error messages alike.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, describe, it } from 'node:test'

import { Template } from '#src/notify/template/html/index.js'

import { goHtmlTemplateTables, runHtmlTemplateOracle } from '../../../../support/go-html-oracle.js'
import type {
  AmDataJson,
  GoHtmlTemplateTables,
  OracleCase,
  StepResult,
  TypedJson,
} from '../../../../support/go-html-oracle.js'
import { ORACLE_FUNCS, decodeTypedJson } from '../../../../support/go-value-json.js'

const AM_TEMPLATES = '/usr/share/gocode/src/github.com/prometheus/alertmanager/template'

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** runTs runs a case's steps through the TypeScript port, as the oracle runs them in Go. */
function runTs(c: OracleCase): StepResult[] {
  const res: StepResult[] = []
  let t: Template | undefined
  const tmpl = (): Template => {
    if (t === undefined) {
      throw new Error('no template')
    }
    return t
  }
  try {
    for (const s of c.steps) {
      const r: StepResult = {}
      switch (s.op) {
        case 'new':
          t = Template.new(s.name)
          break
        case 'newAssociated':
          t = tmpl().newAssociated(s.name)
          break
        case 'funcs':
          tmpl().funcs(
            Object.fromEntries(
              s.args.flatMap((n) => (ORACLE_FUNCS[n] ? [[n, ORACLE_FUNCS[n]]] : []))
            )
          )
          break
        case 'option':
          tmpl().option(...s.args)
          break
        case 'parse':
          try {
            tmpl().parse(s.text)
          } catch (e) {
            r.err = message(e)
          }
          break
        case 'clone':
          try {
            t = tmpl().clone()
          } catch (e) {
            r.err = message(e)
          }
          break
        case 'lookup':
          t = tmpl().lookup(s.name)
          break
        case 'execute':
        case 'executeTemplate':
          try {
            const data = decodeTypedJson(s.data)
            r.out = s.op === 'execute' ? tmpl().execute(data) : tmpl().executeTemplate(s.name, data)
          } catch (e) {
            r.err = message(e)
          }
          break
      }
      res.push(r)
    }
  } catch (e) {
    res.push({ err: `panic: ${message(e)}` })
  }
  return res
}

const str = (s: string): TypedJson => ({ s })

/** ESCAPE_DATA is TestEscape's data, without the json.Marshaler fields B and M. */
const ESCAPE_DATA: TypedJson = {
  struct: [
    { name: 'F', type: 'bool', v: { b: false } },
    { name: 'T', type: 'bool', v: { b: true } },
    { name: 'C', type: 'string', v: str('<Cincinnati>') },
    { name: 'G', type: 'string', v: str('<Goodbye>') },
    { name: 'H', type: 'string', v: str('<Hello>') },
    { name: 'A', type: '[]string', v: { slice: 'string', items: [str('<a>'), str('<b>')] } },
    { name: 'E', type: '[]string', v: { slice: 'string', items: [] } },
    { name: 'N', type: 'int', v: { i: 42 } },
    { name: 'U', type: 'any', v: { nil: true } },
    { name: 'Z', type: '*int', v: { nilptr: 'int' } },
    {
      name: 'W',
      type: 'HTML',
      v: {
        content: 'HTML',
        s: `&iexcl;<b class="foo">Hello</b>, <textarea>O'World</textarea>!`,
      },
    },
  ],
}

/** ESCAPE_SET_DATA is TestEscapeSet's dataItem tree. */
const ESCAPE_SET_DATA: TypedJson = {
  item: { children: [{ x: 'foo' }, { x: '<bar>' }, { children: [{ x: 'baz' }] }] },
}

// TestEscape rows left out (2 of 113): their data are json.Marshaler values (the fields B
// and M of Go's data), which Alertmanager's template data never hold:
//   badMarshaler  <button onclick='alert(1/{{.B}}in numbers)'>
//   jsMarshaler   <button onclick='alert({{.M}})'>
const USES_MARSHALER = /\.[BM]\b/

/** AM_DATA is realistic notification data with HTML specials, quotes and Unicode. */
const AM_DATA: AmDataJson = {
  receiver: `team-<db>&"ops"`,
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: {
        alertname: 'DiskFull <sda1>',
        instance: `db-1:9100 & "replica"`,
        severity: 'critical',
        team: 'Ωmega ☃ \u2028 équipe',
      },
      annotations: {
        summary: `Disk > 95% on 'db-1' & <rising>`,
        description: 'Free: 1.2\u00a0GiB\nsee <https://wiki.example.com/disk?a=1&b=2>',
        runbook: 'javascript:alert(1)',
      },
      startsAt: '2024-01-02T03:04:05.678Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prom.example.com/graph?g0.expr=node_filesystem_free{mountpoint="/"}<0.05&g0.tab=1`,
      fingerprint: 'a1b2c3d4e5f60718',
    },
    {
      status: 'resolved',
      labels: { alertname: 'DiskFull <sda1>', instance: 'db-2:9100', zone: '東京' },
      annotations: { summary: 'Resolved: "ok" & fine' },
      startsAt: '2024-01-02T02:00:00Z',
      endsAt: '2024-01-02T03:00:00Z',
      generatorURL: 'javascript:void(0)',
      fingerprint: '0f0e0d0c0b0a0908',
    },
  ],
  groupLabels: { alertname: 'DiskFull <sda1>' },
  commonLabels: { alertname: 'DiskFull <sda1>', severity: `"crit" & <hi>` },
  commonAnnotations: { owner: `O'Brien <ob@example.com>` },
  externalURL: `http://am.example.com/prefix?x="1"&y=<2>`,
}

function amCases(): OracleCase[] {
  const defaultTmpl = readFileSync(`${AM_TEMPLATES}/default.tmpl`, 'utf8')
  const emailTmpl = readFileSync(`${AM_TEMPLATES}/email.tmpl`, 'utf8')
  const funcs = Object.keys(ORACLE_FUNCS).filter((n) => n !== 'pred')
  // Alertmanager 0.25 template.FromGlobs and ExecuteHTMLString, step for step.
  const fromGlobs = (): OracleCase['steps'] => [
    { op: 'new', name: '' },
    { op: 'option', args: ['missingkey=zero'] },
    { op: 'funcs', args: funcs },
    { op: 'parse', text: defaultTmpl },
    { op: 'parse', text: emailTmpl },
  ]
  const executeHTMLString = (text: string, data: TypedJson): OracleCase['steps'] => [
    { op: 'clone' },
    { op: 'newAssociated', name: '' },
    { op: 'option', args: ['missingkey=zero'] },
    { op: 'parse', text },
    { op: 'execute', data },
  ]
  const resolvedOnly: AmDataJson = {
    ...AM_DATA,
    status: 'resolved',
    alerts: AM_DATA.alerts.filter((a) => a.status === 'resolved'),
  }
  return [
    {
      id: 'am/email.default.html',
      steps: [
        ...fromGlobs(),
        ...executeHTMLString('{{ template "email.default.html" . }}', { am: AM_DATA }),
      ],
    },
    {
      id: 'am/email.default.html resolved',
      steps: [
        ...fromGlobs(),
        ...executeHTMLString('{{ template "email.default.html" . }}', { am: resolvedOnly }),
      ],
    },
    {
      id: 'am/custom html with safeHtml, urls, attributes and script',
      steps: [
        ...fromGlobs(),
        ...executeHTMLString(
          `<p title="{{ .CommonAnnotations.owner }}">{{ safeHtml "<b>bold</b>" }} {{ .Receiver }}</p>` +
            `{{ range .Alerts }}<a href="{{ .GeneratorURL }}">{{ .Labels.alertname }}</a>` +
            `<a href="{{ .Annotations.runbook }}">rb</a>` +
            `<a href="/silences?filter={{ .Labels.instance }}">s</a>{{ end }}` +
            `<script>var d = {{ .CommonLabels }}; var r = "{{ .Receiver }}";</script>` +
            `<div style="color: {{ .Status }}">{{ template "__subject" . }}</div>`,
          { am: AM_DATA }
        ),
      ],
    },
    {
      id: 'am/text and html sets are one: a second ExecuteHTMLString on the same set',
      steps: [
        ...fromGlobs(),
        ...executeHTMLString('{{ template "__subject" . }}', { am: AM_DATA }),
        { op: 'new', name: 'again' },
        { op: 'parse', text: '{{ template "__alertmanagerURL" . }}' },
        { op: 'execute', data: { am: AM_DATA } },
      ],
    },
  ]
}

/** buildCases turns the Go tables into oracle cases, grouped by table. */
function buildCases(tables: GoHtmlTemplateTables): Map<string, OracleCase[]> {
  const groups = new Map<string, OracleCase[]>()
  groups.set(
    'TestEscape',
    tables.escape
      .map((r, i) => ({ ...r, i }))
      .filter((r) => !USES_MARSHALER.test(r.input))
      .map((r) => ({
        id: `TestEscape/${r.i}/${r.name}`,
        steps: [
          { op: 'new', name: r.name },
          { op: 'parse', text: r.input },
          { op: 'execute', data: ESCAPE_DATA },
          { op: 'execute', data: { ptr: ESCAPE_DATA } },
        ],
      }))
  )
  groups.set(
    'TestEscapeMap',
    tables.escapeMap.map((r) => ({
      id: `TestEscapeMap/${r.name}`,
      steps: [
        { op: 'new', name: '' },
        { op: 'parse', text: r.input },
        {
          op: 'execute',
          data: {
            map: 'string',
            entries: {
              html: str('<h1>Hi!</h1>'),
              urlquery: str('http://www.foo.com/index.html?title=main'),
            },
          },
        },
      ],
    }))
  )
  groups.set(
    'TestEscapeSet',
    tables.escapeSet.map((r, i) => {
      // Go builds the source in map order; sorted here, which only orders the defines.
      const source = Object.keys(r.inputs)
        .sort()
        .map((name) => `{{define ${JSON.stringify(name)}}}${r.inputs[name] ?? ''}{{end}} `)
        .join('')
      return {
        id: `TestEscapeSet/${i}`,
        steps: [
          { op: 'new', name: 'root' },
          { op: 'funcs', args: ['pred'] },
          { op: 'parse', text: source },
          { op: 'executeTemplate', name: 'main', data: ESCAPE_SET_DATA },
        ],
      }
    })
  )
  groups.set(
    'TestErrors',
    tables.errors.map((r, i) => ({
      id: `TestErrors/${i}: ${r.input}`,
      steps: [
        { op: 'new', name: 'z' },
        { op: 'parse', text: r.input },
        { op: 'execute' },
        { op: 'execute' },
      ],
    }))
  )
  groups.set(
    'TestEscapeText',
    tables.escapeText.map((input, i) => ({
      id: `TestEscapeText/${i}: ${input}`,
      steps: [{ op: 'new', name: 't' }, { op: 'parse', text: input }, { op: 'execute' }],
    }))
  )
  groups.set(
    'TestEscapeMalformedPipelines',
    tables.malformed.map((input) => ({
      id: `TestEscapeMalformedPipelines/${input}`,
      steps: [{ op: 'new', name: 'test' }, { op: 'parse', text: input }, { op: 'execute' }],
    }))
  )
  const typed: OracleCase[] = []
  tables.typedContent.forEach((r, i) => {
    tables.typedContentData.forEach((d, j) => {
      const data: TypedJson =
        d.content === undefined || d.content === '' ? str(d.s) : { content: d.content, s: d.s }
      typed.push({
        id: `TestTypedContent/${i}/${j}: ${r.input}`,
        steps: [
          { op: 'new', name: 'x' },
          { op: 'parse', text: r.input },
          { op: 'execute', data },
          { op: 'execute', data: { ptr: data } },
        ],
      })
    })
  })
  groups.set('TestTypedContent', typed)
  groups.set('other Go tests', [
    {
      id: 'TestEscapeErrorsNotIgnorable',
      steps: [{ op: 'new', name: 'dangerous' }, { op: 'parse', text: '<a' }, { op: 'execute' }],
    },
    {
      id: 'TestEscapeSetErrorsNotIgnorable',
      steps: [
        { op: 'new', name: 'root' },
        { op: 'parse', text: '{{define "t"}}<a{{end}}' },
        { op: 'executeTemplate', name: 't' },
      ],
    },
    {
      id: 'TestErrorOnUndefined',
      steps: [{ op: 'new', name: 'undefined' }, { op: 'execute' }],
    },
    {
      id: 'TestIdempotentExecute',
      steps: [
        { op: 'new', name: '' },
        { op: 'parse', text: '{{define "main"}}<body>{{template "hello"}}</body>{{end}}' },
        { op: 'parse', text: '{{define "hello"}}Hello, {{"Ladies & Gentlemen!"}}{{end}}' },
        { op: 'executeTemplate', name: 'hello' },
        { op: 'executeTemplate', name: 'hello' },
        { op: 'executeTemplate', name: 'main' },
      ],
    },
    {
      id: 'clone after execute, parse after execute, undefined template',
      steps: [
        { op: 'new', name: 'x' },
        { op: 'parse', text: '{{define "a"}}<b>{{.}}</b>{{end}}{{template "a" .}}' },
        { op: 'execute', data: str('<&>') },
        { op: 'clone' },
        { op: 'parse', text: 'more' },
        { op: 'executeTemplate', name: 'nope' },
      ],
    },
    {
      id: 'template called in attribute, script, style and URL contexts',
      steps: [
        { op: 'new', name: 'x' },
        {
          op: 'parse',
          text:
            '{{define "v"}}{{.}}{{end}}<a title="{{template "v" .}}" href="/p?q={{template "v" .}}">' +
            '<script>var x = {{template "v" .}};</script><style>p { color: {{template "v" .}} }</style>',
        },
        { op: 'execute', data: str(`x'"<&>/`) },
      ],
    },
  ])
  // Values of every kind through every escaper: encoding/json for script values (floats
  // at the 'e' format thresholds, nested maps, nil), entities inside attributes, srcset,
  // RCDATA and comments.
  const contexts = [
    '<script>var v = {{.}};</script>',
    '<script>var s = "{{.}}"; var r = /{{.}}/;</script>',
    '<a onclick="x = &quot;{{.}}&quot;" href="&#x6a;avascript:{{.}}">',
    '<img srcset="{{.}}"><a style="background: url(\'{{.}}\')">',
    '<textarea>{{.}}</textarea><title>{{.}}</title><!-- {{.}} -->',
    '<p class={{.}} {{.}}>',
  ]
  const values: TypedJson[] = [
    { f: 1e21 },
    { f: 1e-7 },
    { f: 0.000001 },
    { f: -1.5 },
    { i: -42 },
    { b: true },
    { nil: true },
    str('a\u2028b "q" \'s\' </script> & /x/ \\'),
    str('http://x.example.com/a b,c 2x, javascript:alert(1) 1x'),
    { slice: 'any', items: [{ i: 1 }, str('<'), { nil: true }, { f: 2.5 }] },
    {
      map: 'any',
      entries: {
        z: { map: 'string', entries: { '<k>': str('&v') } },
        a: { slice: 'string', items: [] },
        m: { content: 'JS', s: 'alert(1)' },
      },
    },
    { content: 'JSStr', s: "it's" },
    { content: 'HTMLAttr', s: 'dir="ltr"' },
  ]
  groups.set(
    'escapers by value kind',
    contexts.flatMap((text, i) =>
      values.map((data, j) => ({
        id: `values/${i}/${j}`,
        steps: [
          { op: 'new', name: 'v' },
          { op: 'parse', text },
          { op: 'execute', data },
        ],
      }))
    )
  )
  groups.set('Alertmanager 0.25 email.tmpl', amCases())
  return groups
}

describe('html/template against Go 1.19 html/template', () => {
  let groups: Map<string, OracleCase[]>
  let goResults: Map<string, StepResult[]>
  let tables: GoHtmlTemplateTables

  before(() => {
    tables = goHtmlTemplateTables()
    groups = buildCases(tables)
    goResults = runHtmlTemplateOracle([...groups.values()].flat())
  })

  it('reads every row of the Go tables', () => {
    assert.deepEqual(tables.unparsed ?? [], [])
    assert.ok(tables.escape.length > 100, `only ${tables.escape.length} TestEscape rows`)
  })

  for (const group of [
    'TestEscape',
    'TestEscapeMap',
    'TestEscapeSet',
    'TestErrors',
    'TestEscapeText',
    'TestEscapeMalformedPipelines',
    'TestTypedContent',
    'other Go tests',
    'escapers by value kind',
    'Alertmanager 0.25 email.tmpl',
  ]) {
    it(`${group}: same output and errors as Go, byte for byte`, () => {
      const cases = groups.get(group) ?? []
      assert.ok(cases.length > 0)
      const diffs: string[] = []
      for (const c of cases) {
        const want = goResults.get(c.id)
        const got = runTs(c)
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          diffs.push(`${c.id}\n  go: ${JSON.stringify(want)}\n  ts: ${JSON.stringify(got)}`)
        }
      }
      assert.equal(
        diffs.length,
        0,
        `${diffs.length} of ${cases.length} cases differ:\n${diffs.join('\n')}`
      )
    })
  }
})
