// Jira end to end. jira is newer than the Alertmanager 0.25 on this machine, so there is no
// binary to run side by side: the expected requests are built by Go instead, the fields
// rendered by Alertmanager 0.25's template package (test/support/template-oracle) with the
// jira default templates of newer Alertmanager, and the bodies encoded by the copied jira types
// (test/support/jira-oracle). A stateful Jira stand-in answers the search, so one group goes
// through its life: searched and created while firing, then searched, updated and moved with
// `resolve_transition` once resolved. The config /api/v2/status shows and the notification
// counters are checked too.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { NEWER_KINDS_TMPL } from '#src/notify/template/index.js'

import { encodeJiraBodies } from '../../support/jira-oracle.js'
import { TestNode } from '../../support/node-process.js'
import { notificationMetrics } from '../../support/notification-metrics.js'
import { CaptureServer, EXTERNAL_URL } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply } from '../../support/side-by-side.js'
import { askOracle, buildOracle, oracleUnavailable } from '../../support/template-oracle.js'
import type { OracleAlert } from '../../support/template-oracle.js'
import { waitFor } from '../../support/wait.js'

const API = '/rest/api/2'

const config = (capture: string) => `
global:
  jira_api_url: '${capture}${API}'
route:
  receiver: jira
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: jira
    jira_configs:
      - project: OPS
        issue_type: Bug
        labels: ['alertmanager', '{{ .GroupLabels.alertname }}']
        resolve_transition: Done
        wont_fix_resolution: "Won't Fix"
        http_config:
          basic_auth: {username: bot, password: s3cr3t}
        fields:
          customfield_10001: '{{ .CommonLabels.instance }}'
          customfield_10002: '{{ len .Alerts }}'
          components: [{name: '{{ .CommonLabels.team }}'}]
`

/** The group key of the alerts' group under the root route, and its label. */
const GROUP_KEY = '{}:{alertname="DiskFull"}'
const LABEL = `ALERT{${createHash('sha256').update(GROUP_KEY).digest('hex')}}`

function alerts(startsAt: string, endsAt = '0001-01-01T00:00:00Z'): OracleAlert[] {
  return [
    {
      labels: {
        alertname: 'DiskFull',
        instance: 'db-1',
        team: 'storage',
        severity: 'warning',
        note: 'é "q" 😀 <b>bold</b> & `code`',
      },
      annotations: { summary: 'x < y & "z"' },
      startsAt,
      endsAt,
      generatorURL: 'http://prometheus.example/graph?g0.expr=up&x=<1>',
    },
  ]
}

/** JiraStandIn answers like Jira: the issue exists once created, and can be moved to Done. */
function standIn(): (request: CapturedRequest) => Reply {
  let created = false
  return (request) => {
    const path = request.path
    if (request.method === 'POST' && path === `${API}/search`) {
      const issues = created
        ? [{ key: 'OPS-1', fields: { status: { name: 'Open', statusCategory: { key: 'new' } } } }]
        : []
      return { status: 200, body: JSON.stringify({ issues }) }
    }
    if (request.method === 'POST' && path === `${API}/issue`) {
      created = true
      return { status: 201, body: '{"id":"10000","key":"OPS-1"}' }
    }
    if (request.method === 'PUT' && path === `${API}/issue/OPS-1`) {
      return { status: 204 }
    }
    if (path === `${API}/issue/OPS-1/transitions`) {
      return request.method === 'GET'
        ? {
            status: 200,
            body: '{"transitions":[{"id":"11","name":"To Do"},{"id":"31","name":"Done"}]}',
          }
        : { status: 204 }
    }
    return { status: 404, body: 'unexpected' }
  }
}

describe(
  'jira end to end against Go (no Alertmanager release here has jira)',
  { timeout: 180_000, skip: oracleUnavailable() },
  () => {
    let capture: CaptureServer
    let node: TestNode
    let oracle: string
    let globs: string[]
    before(async () => {
      oracle = buildOracle()
      capture = await CaptureServer.start(standIn())
      const dir = await mkdtemp(join(tmpdir(), 'jira-e2e-'))
      await writeFile(join(dir, 'newer.tmpl'), NEWER_KINDS_TMPL)
      globs = [join(dir, 'newer.tmpl')]
      node = await TestNode.start({
        dir,
        config: config(capture.url),
        args: [`--web.external-url=${EXTERNAL_URL}`],
      })
    })
    after(async () => {
      await node.stop()
      await capture.stop()
    })

    /** render renders the templates with Go for one notification of the group. */
    function render(texts: readonly string[], group: OracleAlert[]): string[] {
      const results = askOracle(
        oracle,
        texts.map((text) => ({
          globs,
          text,
          receiver: 'jira',
          groupLabels: { alertname: 'DiskFull' },
          alerts: group,
          externalURL: EXTERNAL_URL,
        }))
      )
      return results.map((r) => {
        assert.equal(r.err, undefined)
        return r.out ?? ''
      })
    }

    /** issueBody is the create/update body Go sends for the group. */
    function issueBody(group: OracleAlert[], priority: boolean): string {
      const [summary = '', description = '', prio = ''] = render(
        [
          '{{ template "jira.default.summary" . }}',
          '{{ template "jira.default.description" . }}',
          '{{ template "jira.default.priority" . }}',
        ],
        group
      )
      const [result] = encodeJiraBodies([
        {
          kind: 'issue',
          fields: {
            summary,
            description: { text: description },
            issuetype: 'Bug',
            labels: [LABEL, 'DiskFull', 'alertmanager'],
            project: 'OPS',
            ...(priority ? { priority: prio } : {}),
            // '{{ len .Alerts }}' renders "1", which yaml.v2 reads as the number 1.
            custom: {
              customfield_10001: 'db-1',
              customfield_10002: 1,
              components: [{ name: 'storage' }],
            },
          },
        },
      ])
      assert.ok(result !== undefined && result.error === undefined)
      return result.body
    }

    /** searchBody is the search Go sends; with no reopen transition, firing or not alike. */
    function searchBody(): string {
      const jql =
        `(resolution is EMPTY or resolution != "Won't Fix") and statusCategory != Done and ` +
        `project="OPS" and labels="${LABEL}" order by status ASC,resolutiondate DESC`
      const [result] = encodeJiraBodies([{ kind: 'search', jql }])
      return result?.body ?? ''
    }

    const summary = (r: CapturedRequest) => [r.method, r.path, r.body.toString('utf8')]

    it('creates the issue while firing, then updates and resolves it', async () => {
      const startsAt = new Date().toISOString()
      const firing = alerts(startsAt)
      const response = await node.postAlerts(firing)
      assert.equal(response.status, 200, await response.text())
      const created = await capture.waitForRequests(2)
      assert.deepEqual(created.map(summary), [
        ['POST', `${API}/search`, searchBody()],
        ['POST', `${API}/issue`, issueBody(firing, true)],
      ])
      for (const r of created) {
        assert.equal(r.headers['content-type'], 'application/json')
        assert.equal(r.headers['accept-language'], 'en')
        assert.equal(r.headers['user-agent'], 'Alertmanager/0.25.0')
        assert.equal(
          r.headers.authorization,
          `Basic ${Buffer.from('bot:s3cr3t').toString('base64')}`
        )
      }

      const resolved = alerts(startsAt, new Date(Date.now() - 1000).toISOString())
      const again = await node.postAlerts(resolved)
      assert.equal(again.status, 200, await again.text())
      const all = await capture.waitForRequests(6)
      const [transitions] = encodeJiraBodies([{ kind: 'transition', transition: '31' }])
      assert.deepEqual(all.slice(2).map(summary), [
        ['POST', `${API}/search`, searchBody()],
        // The warning alert resolved: the priority template finds no firing severity and falls
        // back to the resolved ones.
        ['PUT', `${API}/issue/OPS-1`, issueBody(resolved, true)],
        ['GET', `${API}/issue/OPS-1/transitions`, ''],
        ['POST', `${API}/issue/OPS-1/transitions`, transitions?.body ?? ''],
      ])

      await waitFor('two jira notifications counted', async () => {
        const m = await notificationMetrics(node.url, 'jira')
        return m['alertmanager_notifications_total'] === 2 &&
          m['alertmanager_notifications_failed_total'] === 0
          ? true
          : undefined
      })
    })

    it('shows the config with jira_api_url after http_config and the password as <secret>', async () => {
      const status = await node.getJson<{ config: { original: string } }>('/api/v2/status')
      const original = status.config.original
      assert.ok(!original.includes('s3cr3t'), original)
      assert.match(original, /\n {2}jira_api_url: http:\/\/127\.0\.0\.1:\d+\/rest\/api\/2\n/)
      assert.match(original, /jira_configs:\n {2}- send_resolved: true\n/)
      assert.match(original, /password: <secret>\n/)
      assert.match(
        original,
        /\n {4}fields:\n {6}components:\n {6}- name: '\{\{ \.CommonLabels\.team \}\}'\n/
      )
    })
  }
)
