// `alertmesh template render` against Debian's `amtool template render` (Alertmanager 0.25):
// the default templates and the corpus of test/fixtures/templates, same stdout, stderr and
// exit code. Debian's amtool loads no default templates of its own, so both get them through
// --template.glob.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

import { MAIN_JS } from '../support/node-process.js'

const AMTOOL = '/usr/bin/amtool'
const DEFAULTS = '/usr/share/prometheus/alertmanager/*.tmpl'
const CORPUS = join(process.cwd(), 'test', 'fixtures', 'templates')

const DATA = {
  receiver: 'team\\.x',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: {
        alertname: 'HighCPU',
        severity: 'critical',
        instance: 'h1:9100',
        msg: `<b>"q" & 'y'</b> é 😀`,
      },
      annotations: { summary: 'CPU > 90%', description: 'line1\nline2' },
      startsAt: '2024-03-10T12:34:56.789Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph?g0.expr=x',
      fingerprint: '0123456789abcdef',
    },
    {
      status: 'resolved',
      labels: { alertname: 'HighCPU', severity: 'warning', instance: 'h2:9100' },
      annotations: { summary: 'CPU > 80%' },
      startsAt: '2024-03-10T10:00:00+02:00',
      endsAt: '2024-03-10T11:00:00.5Z',
      generatorURL: '',
      fingerprint: 'fedcba9876543210',
    },
  ],
  groupLabels: { alertname: 'HighCPU' },
  commonLabels: { alertname: 'HighCPU' },
  commonAnnotations: {},
  externalURL: 'http://am:9093',
}

function run(cmd: string, args: string[]): { out: string; err: string; code: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
  return {
    out: r.stdout,
    err: r.stderr.replace(/^(amtool|alertmesh): /m, 'CMD: '),
    code: r.status,
  }
}

const skip =
  existsSync(AMTOOL) && existsSync(DEFAULTS.replace('*.tmpl', 'default.tmpl'))
    ? false
    : 'amtool 0.25 (Debian prometheus-alertmanager) is not installed'

describe('alertmesh template render vs amtool template render', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertmesh-render-'))
  const dataFile = join(dir, 'data.json')
  writeFileSync(dataFile, JSON.stringify(DATA))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const texts = [
    '{{ template "slack.default.title" . }}',
    '{{ template "slack.default.text" . }}',
    '{{ template "email.default.subject" . }}',
    '{{ template "pagerduty.default.description" . }}',
    '{{ template "opsgenie.default.message" . }}',
    '{{ template "wechat.default.message" . }}',
    '{{ template "x.all" . }}{{ template "teams.text" . }}',
    '{{ .Foo }}',
    '{{ ',
    '',
  ]
  const parseError = {
    name: 'parse error in a file',
    args: [`--template.glob=${join(CORPUS, '36-*.tmpl')}`, '--template.text=x'],
  }
  const corpus = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.tmpl'))
    .sort()
  const cases = [
    ...texts.map((text) => ({ name: text, args: [`--template.text=${text}`] })),
    ...corpus
      .filter((f) => !f.startsWith('36-'))
      .map((f) => ({ name: f, args: [`--template.text={{ template "${f}" . }}`] })),
    parseError,
  ]
  it(`renders ${cases.length} texts identically`, () => {
    const diffs: string[] = []
    for (const c of cases) {
      const args = [
        `--template.glob=${DEFAULTS}`,
        // 36-error-parse.tmpl would fail every render; its error is checked by its own case.
        `--template.glob=${join(CORPUS, '[0-2][0-9]-*.tmpl')}`,
        `--template.glob=${join(CORPUS, '3[0-57-9]-*.tmpl')}`,
        `--template.data=${dataFile}`,
        ...c.args,
      ]
      const want = run(AMTOOL, ['template', 'render', ...args])
      const got = run(process.execPath, [MAIN_JS, 'template', 'render', ...args])
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        diffs.push(
          `${c.name}\n  amtool:    ${JSON.stringify(want)}\n  alertmesh: ${JSON.stringify(got)}`
        )
      }
    }
    assert.equal(diffs.length, 0, diffs.join('\n'))
  })
})
