// Microsoft Teams end to end. msteams is newer than the Alertmanager 0.25 on this machine, so
// there is no binary to run side by side: the expected request is built by Go instead, the
// fields rendered by Alertmanager 0.25's template package (test/support/template-oracle) with
// the msteams default templates of newer Alertmanager, and the card encoded by the copied
// msteams notifier code (test/support/msteams-oracle). alertmesh's requests must match it byte
// for byte: firing then resolved, a group of 1 and of 60, unicode, quotes and HTML in labels,
// a custom template file and webhook_url_file.
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { NEWER_KINDS_TMPL } from '#src/notify/template/index.js'

import { encodeMessageCards } from '../../support/msteams-oracle.js'
import { TestNode } from '../../support/node-process.js'
import { CaptureServer, EXTERNAL_URL } from '../../support/side-by-side.js'
import type { CapturedRequest } from '../../support/side-by-side.js'
import { askOracle, buildOracle, oracleUnavailable } from '../../support/template-oracle.js'
import type { OracleAlert } from '../../support/template-oracle.js'

const CUSTOM_TMPL = `{{ define "teams.title" }}{{ .Status | toUpper }} {{ .CommonLabels.alertname }} <{{ len .Alerts }}>{{ end }}
{{ define "teams.text" }}{{ range .Alerts }}* {{ .Labels.note }} — {{ .Annotations.summary }}
{{ end }}{{ end }}`

const config = (capture: string, urlFile: string) => `
route:
  receiver: teams
  group_by: [case]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - {matchers: [case="custom"], receiver: custom}
templates: ['custom.tmpl']
receivers:
  - name: teams
    msteams_configs:
      - webhook_url: '${capture}/webhookb2/default'
  - name: custom
    msteams_configs:
      - webhook_url_file: '${urlFile}'
        title: '{{ template "teams.title" . }}'
        summary: 'custom {{ .GroupLabels.case }}'
        text: '{{ template "teams.text" . }}'
`

/** The templates each receiver renders, as its config says. */
const FIELDS: Readonly<Record<string, { title: string; summary: string; text: string }>> = {
  '/webhookb2/default': {
    title: '{{ template "msteams.default.title" . }}',
    summary: '{{ template "msteams.default.summary" . }}',
    text: '{{ template "msteams.default.text" . }}',
  },
  '/webhookb2/custom': {
    title: '{{ template "teams.title" . }}',
    summary: 'custom {{ .GroupLabels.case }}',
    text: '{{ template "teams.text" . }}',
  },
}

const NASTY = { note: 'é "q" \'s\' 😀 <b>bold</b> & `code` *star*', alertname: 'Disk<&>' }

function alerts(startsAt: string, endsAt?: string): (OracleAlert & { case: string })[] {
  const make = (kase: string, labels: Record<string, string>, summary: string) => ({
    case: kase,
    labels: { ...labels, case: kase },
    annotations: { summary },
    startsAt,
    endsAt: endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph?g0.expr=up&x=<1>',
  })
  return [
    make('one', { ...NASTY, instance: 'a' }, 'x < y & "z"'),
    make('custom', { ...NASTY, instance: 'a' }, 'ünï\ncode\u2028sep'),
    ...Array.from({ length: 60 }, (_, i) =>
      make(
        'many',
        { alertname: 'Many', instance: `host-${String(i).padStart(2, '0')}` },
        `disk ${i} is <full>`
      )
    ),
  ]
}

describe(
  'msteams end to end against Go (no Alertmanager release here has msteams)',
  {
    timeout: 180_000,
    skip: oracleUnavailable(),
  },
  () => {
    let capture: CaptureServer
    let node: TestNode
    let oracle: string
    before(async () => {
      oracle = buildOracle()
      capture = await CaptureServer.start(() => ({ status: 200, body: '1' }))
      const dir = await mkdtemp(join(tmpdir(), 'msteams-e2e-'))
      const urlFile = join(dir, 'teams-url')
      await writeFile(urlFile, `  ${capture.url}/webhookb2/custom\n`)
      await writeFile(join(dir, 'custom.tmpl'), CUSTOM_TMPL)
      node = await TestNode.start({
        dir,
        config: config(capture.url, urlFile),
        args: [`--web.external-url=${EXTERNAL_URL}`],
      })
    })
    after(async () => {
      await node.stop()
      await capture.stop()
    })

    /** expected builds, with Go, the request body for one group of alerts. */
    async function expected(
      path: string,
      group: readonly (OracleAlert & { case: string })[],
      resolved: boolean
    ): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'msteams-tmpl-'))
      await writeFile(join(dir, 'newer.tmpl'), NEWER_KINDS_TMPL)
      await writeFile(join(dir, 'custom.tmpl'), CUSTOM_TMPL)
      const fields = FIELDS[path]
      assert.ok(fields !== undefined, path)
      const receiver = path.endsWith('custom') ? 'custom' : 'teams'
      const render = (text: string) => ({
        globs: [join(dir, 'newer.tmpl'), join(dir, 'custom.tmpl')],
        text,
        receiver,
        groupLabels: { case: group[0]?.case ?? '' },
        alerts: group.map(({ case: _case, ...alert }) => alert),
        externalURL: EXTERNAL_URL,
      })
      const [title, summary, text] = askOracle(oracle, [
        render(fields.title),
        render(fields.summary),
        render(fields.text),
      ])
      for (const r of [title, summary, text]) {
        assert.equal(r?.err, undefined)
      }
      const [body] = encodeMessageCards([
        {
          title: title?.out ?? '',
          summary: summary?.out ?? '',
          text: text?.out ?? '',
          status: resolved ? 'resolved' : 'firing',
        },
      ])
      return body ?? ''
    }

    function assertRequest(request: CapturedRequest, body: string): void {
      assert.equal(request.method, 'POST')
      assert.equal(request.headers['content-type'], 'application/json')
      assert.equal(request.headers['user-agent'], 'Alertmanager/0.25.0')
      assert.equal(request.body.toString('utf8'), body)
    }

    it('sends the cards Go builds, firing and then resolved', async () => {
      // A start within group_wait of now, so each group is flushed once, after all its alerts.
      const startsAt = new Date().toISOString()
      const firing = alerts(startsAt)
      const post = async (list: readonly (OracleAlert & { case: string })[]) => {
        const response = await node.postAlerts(list.map(({ case: _case, ...alert }) => alert))
        assert.equal(response.status, 200, await response.text())
      }
      await post(firing)
      const first = await capture.waitForRequests(3)
      for (const request of first) {
        const body = request.body.toString('utf8')
        const kase = request.path.endsWith('custom')
          ? 'custom'
          : body.includes('Many')
            ? 'many'
            : 'one'
        assertRequest(
          request,
          await expected(
            request.path,
            firing.filter((a) => a.case === kase),
            false
          )
        )
      }
      assert.match(first.map((r) => r.body.toString()).join(''), /"themeColor":"8C1A1A"/)

      const endsAt = new Date(Date.now() - 1000).toISOString()
      const resolved = alerts(startsAt, endsAt).filter((a) => a.case === 'one')
      await post(resolved)
      const [last] = (await capture.waitForRequests(4)).slice(3)
      assert.ok(last !== undefined)
      assertRequest(last, await expected('/webhookb2/default', resolved, true))
      assert.match(last.body.toString(), /"themeColor":"2DC72D"/)
    })
  }
)
