import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import { GoBox, Template, float64 } from '#src/notify/template/go/index.js'
import { Template as HtmlTemplate } from '#src/notify/template/html/index.js'
import {
  AlertTemplate,
  DEFAULT_TMPL,
  EMAIL_TMPL,
  NEWER_KINDS_TMPL,
  HTMLUnavailableError,
  KV,
  buildData,
  dataPointer,
  durationString,
  fixedZone,
  formatTime,
  humanizeDuration,
  kvValue,
  loadLocation,
  timeValue,
} from '#src/notify/template/index.js'
import type { GoTemplateSet, TemplateSetFactory } from '#src/notify/template/index.js'

const tmpl = AlertTemplate.fromGlobs([])
const render = (text: string, data?: unknown): string => tmpl.executeTextString(text, data as GoBox)

describe('default templates', () => {
  for (const [name, text] of [
    ['default.tmpl', DEFAULT_TMPL],
    ['email.tmpl', EMAIL_TMPL],
  ] as const) {
    const path = `/usr/share/prometheus/alertmanager/${name}`
    it(`${name} equals Debian's 0.25 copy byte for byte`, { skip: !existsSync(path) }, () => {
      assert.equal(text, readFileSync(path, 'utf8'))
    })
  }
})

describe('the defaults of kinds newer than 0.25', () => {
  const names = (text: string) =>
    [...text.matchAll(/\{\{-? define "([^"]+)" -?\}\}/g)].map((m) => m[1] ?? '')
  it("define no name 0.25's default files define, so 0.25's renderings are unchanged", () => {
    const old = new Set([...names(DEFAULT_TMPL), ...names(EMAIL_TMPL)])
    assert.deepEqual(
      names(NEWER_KINDS_TMPL).filter((n) => old.has(n)),
      []
    )
    assert.deepEqual(names(NEWER_KINDS_TMPL), [
      '__text_alert_list_markdown',
      'msteams.default.summary',
      'msteams.default.title',
      'msteams.default.text',
      'msteamsv2.default.title',
      'msteamsv2.default.text',
      'jira.default.summary',
      'jira.default.description',
      'jira.default.priority',
      'rocketchat.default.title',
      'rocketchat.default.alias',
      'rocketchat.default.titlelink',
      'rocketchat.default.emoji',
      'rocketchat.default.iconurl',
      'rocketchat.default.text',
      'mattermost.default.color',
      'mattermost.default.username',
      'mattermost.default.title',
      'mattermost.default.titlelink',
      'mattermost.default.fallback',
      'mattermost.default.text',
    ])
  })
  it('are parsed with the defaults, so msteams_configs work without a template file', () => {
    assert.equal(render('{{ template "__text_alert_list_markdown" . }}', []), '\n')
    assert.match(
      tmpl.executeTextString(
        '{{ template "msteams.default.title" . }}',
        tmpl.data('r', { a: 'b' }, [], 0)
      ),
      /^\[RESOLVED\] b/
    )
  })
})

describe('KV, Pairs and Alerts methods (0.25 template_test.go)', () => {
  const kv = kvValue({ d: 'dVal', b: 'bVal', c: 'cVal', alertname: 'alert', a: 'aVal' })
  it('SortedPairs puts alertname first, the rest sorted', () => {
    assert.equal(
      render('{{ .SortedPairs }}', kv),
      '[{alertname alert} {a aVal} {b bVal} {c cVal} {d dVal}]'
    )
    assert.equal(
      render('{{ .SortedPairs.Names }}|{{ .SortedPairs.Values }}', kv),
      '[alertname a b c d]|[alert aVal bVal cVal dVal]'
    )
  })
  it('Remove, Names and Values', () => {
    const kv2 = kvValue({ key1: 'val1', key2: 'val2', key3: 'val3', key4: 'val4' })
    assert.equal(render('{{ (.Remove (stringSlice "key2" "key4")).Names }}', kv2), '[key1 key3]')
    assert.equal(
      render('{{ .Values }} {{ printf "%T" . }}', kv2),
      '[val1 val2 val3 val4] template.KV'
    )
  })
  it('a nil KV prints as an empty map', () => {
    assert.equal(render('{{ . }}{{ .SortedPairs }}', new GoBox(KV, null)), 'map[][]')
  })
})

describe('time', () => {
  const t = { sec: 1710074096, nsec: 789_000_000, loc: fixedZone('CET', 3600) }
  const table: [string, string][] = [
    ['2006-01-02 15:04:05.999999999 -0700 MST', '2024-03-10 13:34:56.789 +0100 CET'],
    ['Jan January 01 1 Mon Monday 02 2 _2 06 2006', 'Mar March 03 3 Sun Sunday 10 10 10 24 2024'],
    ['15 03 3 04 4 05 5 PM pm', '13 01 1 34 34 56 56 PM pm'],
    [
      '-0700 -07:00 -07 Z0700 Z07:00 Z07 -070000 -07:00:00',
      '+0100 +01:00 +01 +0100 +01:00 +01 +010000 +01:00:00',
    ],
    ['.000 .999 ,000 .0 .99999', '.789 .789 ,789 .7 .789'],
    ['002 __2 _2006', '070  70 _2024'],
    ['Janx Mond MST', 'Janx Mond CET'],
  ]
  for (const [layout, want] of table) {
    it(`Format ${layout}`, () => {
      assert.equal(formatTime(t, layout), want)
    })
  }
  it('UTC uses Z in the ISO 8601 elements and a nameless zone prints its offset for MST', () => {
    assert.equal(formatTime({ ...t, loc: loadLocation('UTC') }, 'Z07:00 MST'), 'Z UTC')
    assert.equal(formatTime({ ...t, loc: fixedZone('', -9000) }, 'MST -07:00'), '-0230 -02:30')
  })
  it(
    'IANA zones use the TZif abbreviations Go prints',
    { skip: !existsSync('/usr/share/zoneinfo/Europe/Paris') },
    () => {
      const paris = loadLocation('Europe/Paris')
      assert.equal(formatTime({ ...t, loc: paris }, 'MST -0700'), 'CET +0100')
      assert.equal(formatTime({ sec: 1720000000, nsec: 0, loc: paris }, 'MST -0700'), 'CEST +0200')
      assert.throws(() => loadLocation('Nowhere/City'), /^Error: unknown time zone Nowhere\/City$/)
    }
  )
  const durations: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1100, '1.1µs'],
    [2_200_000, '2.2ms'],
    [3_500_000_000, '3.5s'],
    [3_723_500_000_000, '1h2m3.5s'],
    [-60_000_000_000, '-1m0s'],
  ]
  for (const [ns, want] of durations) {
    it(`Duration.String ${ns}`, () => {
      assert.equal(durationString(ns), want)
    })
  }
  it('Duration methods', () => {
    const d = timeValue(t)
    assert.equal(
      render(
        '{{ (.Sub .) }} {{ (.Sub .).Seconds }} {{ .Unix }} {{ .Year }} {{ .Month }} {{ .Weekday }}',
        d
      ),
      '0s 0 1710074096 2024 March Sunday'
    )
  })
})

// The functions added after 0.25 have no oracle in Debian's 0.25; their expected outputs
// follow the upstream sources named in src/notify/template/funcs.ts.
describe('newer functions (golden)', () => {
  it('humanizeDuration: prometheus/common helpers/templates humanize_duration_test.go', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [1, '1s'],
      [60, '1m 0s'],
      [3600, '1h 0m 0s'],
      [86400, '1d 0h 0m 0s'],
      [86400 + 3600, '1d 1h 0m 0s'],
      [-(86400 * 2 + 3600 * 3 + 60 * 4 + 5), '-2d 3h 4m 5s'],
      [899.99, '14m 59s'],
      [0.1, '100ms'],
      [0.0001, '100us'],
      [0.12345, '123.5ms'],
      [60.1, '1m 0s'],
      [1.2345, '1.234s'],
      [12.345, '12.35s'],
    ]
    for (const [v, want] of cases) {
      assert.equal(humanizeDuration(float64(v)), want, String(v))
    }
    assert.equal(humanizeDuration('86400'), '1d 0h 0m 0s')
    assert.equal(humanizeDuration(1234567), '14d 6h 56m 7s')
    assert.throws(
      () => humanizeDuration('one'),
      /strconv.ParseFloat: parsing "one": invalid syntax/
    )
  })
  it('trimSpace, urlUnescape, safeUrl, toJson, list, append, dict', () => {
    assert.equal(render('[{{ trimSpace "\\t a b \\n" }}]'), '[a b]')
    assert.equal(render('{{ urlUnescape "a%20b+c%2F" }}'), 'a b c/')
    assert.throws(
      () => render('{{ urlUnescape "%zz" }}'),
      /error calling urlUnescape: invalid URL escape "%zz"/
    )
    assert.equal(render('{{ printf "%T" (safeUrl "x") }}'), 'template.URL')
    assert.equal(
      render('{{ toJson . }}', kvValue({ b: '<&>', a: '1' })),
      '{"a":"1","b":"\\u003c\\u0026\\u003e"}'
    )
    assert.equal(render('{{ toJson (list 1 "a" 2.5 true) }}'), '[1,"a",2.5,true]')
    assert.equal(render('{{ append (list 1) 2 3 }}'), '[1 2 3]')
    assert.equal(render('{{ (dict "a" 1 "b" "x").b }}'), 'x')
    assert.throws(
      () => render('{{ dict "a" }}'),
      /error calling dict: dict: odd number of arguments/
    )
  })
  it('date and tz', { skip: !existsSync('/usr/share/zoneinfo/Asia/Tokyo') }, () => {
    const at = timeValue({ sec: 1710074096, nsec: 0, loc: loadLocation('UTC') })
    assert.equal(render('{{ date "2006-01-02 15:04 MST" . }}', at), '2024-03-10 12:34 UTC')
    assert.equal(render('{{ (tz "Asia/Tokyo" .).Format "15:04 MST" }}', at), '21:34 JST')
    assert.throws(
      () => render('{{ tz "Bad/Zone" . }}', at),
      /error calling tz: unknown time zone Bad\/Zone/
    )
  })
  it('since returns a Duration', () => {
    const at = timeValue({
      sec: Math.floor(Date.now() / 1000) - 7200,
      nsec: 0,
      loc: loadLocation('UTC'),
    })
    assert.match(
      render('{{ printf "%T" (since .) }} {{ (since .).Hours | printf "%.0f" }}', at),
      /^time\.Duration 2$/
    )
  })
})

describe('AlertTemplate', () => {
  it('empty text renders nothing; HTML needs an html/template set', () => {
    assert.equal(tmpl.executeTextString('', undefined), '')
    assert.equal(tmpl.executeHTMLString('', undefined), '')
    const textOnly = AlertTemplate.fromGlobs([], { html: false })
    assert.throws(() => textOnly.executeHTMLString('x', undefined), HTMLUnavailableError)
  })
  it('takes an HTML set through the TemplateSetFactory interface', () => {
    const t = AlertTemplate.fromGlobs([], {
      html: (name, funcs) => Template.new(name).option('missingkey=zero').funcs(funcs),
    })
    assert.equal(t.executeHTMLString('{{ "a" | toUpper }}', undefined), 'A')
  })

  // fromGlobs parses each text once and gives the html set copies of the trees; a set
  // without addParseTreeCopies parses the text again, as Go does. Both must give the same set.
  const htmlSet: TemplateSetFactory = (name, funcs) =>
    HtmlTemplate.new(name).option('missingkey=zero').funcs(funcs)
  const withoutCopies = (t: GoTemplateSet): GoTemplateSet => ({
    get name() {
      return t.name
    },
    parse: (text) => withoutCopies(t.parse(text)),
    newAssociated: (name) => withoutCopies(t.newAssociated(name)),
    option: (...opts) => withoutCopies(t.option(...opts)),
    clone: () => withoutCopies(t.clone()),
    execute: (data) => t.execute(data),
  })
  const fixtures = join(
    dirname(fileURLToPath(import.meta.url)),
    '../../../../../test/fixtures/templates'
  )
  it('builds the HTML set from tree copies exactly as by parsing again', () => {
    const globs = [
      join(fixtures, '0*.tmpl'),
      join(fixtures, '2*.tmpl'),
      join(fixtures, '30-*.tmpl'),
    ]
    const copied = AlertTemplate.fromGlobs(globs, { html: htmlSet })
    const parsed = AlertTemplate.fromGlobs(globs, {
      html: (name, funcs) => withoutCopies(htmlSet(name, funcs)),
    })
    const data = dataPointer(
      buildData({
        receiver: 'r',
        groupLabels: { alertname: 'A' },
        alerts: [
          {
            labels: { alertname: 'A', x: '<b>&"' },
            annotations: { summary: "it's <down>" },
            startsAt: 1_700_000_000_000,
            endsAt: 0,
            generatorURL: 'http://p/graph?g0.expr=up&x=<1>',
            updatedAt: 0,
            timeout: false,
            fingerprint: '0000000000000001',
          },
        ],
        externalURL: 'http://am',
        now: 1_700_000_100_000,
      })
    )
    for (const text of [
      '{{ template "email.default.html" . }}',
      '{{ template "x.all" . }}',
      '{{ template "teams.title" . }}',
      '{{ template "05-nested-defines.tmpl" . }}',
    ]) {
      const want = parsed.executeHTMLString(text, data)
      assert.equal(copied.executeHTMLString(text, data), want)
      assert.ok(want.length > 0)
    }
    const bad = [join(fixtures, '36-*.tmpl')]
    assert.throws(
      () => AlertTemplate.fromGlobs(bad, { html: htmlSet }),
      (e: Error) => {
        assert.throws(
          () => AlertTemplate.fromGlobs(bad, { html: (n, f) => withoutCopies(htmlSet(n, f)) }),
          { message: e.message }
        )
        return true
      }
    )
  })
})

describe('AlertTemplate HTML set (html/template by default)', () => {
  it('escapes plain strings for their context', () => {
    assert.equal(
      tmpl.executeHTMLString('<a href="{{ . }}">{{ . }}</a>', `O'Reilly & <co>`),
      '<a href="O%27Reilly%20&amp;%20%3cco%3e">O&#39;Reilly &amp; &lt;co&gt;</a>'
    )
  })
  it('does not escape safeHtml output: it is html/template.HTML itself', () => {
    assert.equal(tmpl.executeHTMLString('{{ "<b>x</b>" | safeHtml }}', undefined), '<b>x</b>')
  })
  it('keeps a safeUrl scheme that a plain string would lose (only normalised, as Go)', () => {
    assert.equal(
      tmpl.executeHTMLString('<a href="{{ "javascript:x()" }}">', undefined),
      '<a href="#ZgotmplZ">'
    )
    assert.equal(
      tmpl.executeHTMLString('<a href="{{ "javascript:x()" | safeUrl }}">', undefined),
      '<a href="javascript:x%28%29">'
    )
  })
  it('renders the default email.default.html', () => {
    const alerts = [
      {
        labels: { alertname: 'Down', msg: '<i>"q"</i>' },
        annotations: { summary: 'a & b' },
        startsAt: 1_700_000_000_000,
        endsAt: 0,
        generatorURL: 'http://prom/graph?x=1&y=2',
        updatedAt: 0,
        timeout: false,
        fingerprint: '0000000000000001',
      },
    ]
    const t = AlertTemplate.fromGlobs([], { externalURL: 'http://am:9093' })
    const data = t.data('team', { alertname: 'Down' }, alerts, 1_700_000_100_000)
    const out = t.executeHTMLString('{{ template "email.default.html" . }}', data)
    assert.match(out, /^\s*<!DOCTYPE html/)
    assert.match(out, /msg = &lt;i&gt;&#34;q&#34;&lt;\/i&gt;<br/)
    assert.match(out, /summary = a &amp; b<br/)
    assert.match(out, /href="http:\/\/prom\/graph\?x=1&amp;y=2"/)
    assert.match(out, /href="http:\/\/am:9093\/#\/alerts\?receiver=team"/)
  })
})

describe('AlertTemplate defaults cache', () => {
  it('clones the cached default sets: one build never leaks into the next', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmesh-tmpl-'))
    try {
      writeFileSync(join(dir, 'over.tmpl'), '{{ define "__alertmanager" }}Mine{{ end }}')
      const mine = AlertTemplate.fromGlobs([join(dir, '*.tmpl')])
      const text = '{{ template "__alertmanager" . }}'
      assert.equal(mine.executeTextString(text, undefined), 'Mine')
      assert.equal(mine.executeHTMLString(text, undefined), 'Mine')
      const plain = AlertTemplate.fromGlobs([])
      assert.equal(plain.executeTextString(text, undefined), 'Alertmanager')
      assert.equal(plain.executeHTMLString(text, undefined), 'Alertmanager')
      assert.equal(AlertTemplate.fromGlobs([]).executeHTMLString(text, undefined), 'Alertmanager')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
