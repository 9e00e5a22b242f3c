/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
// The v2 API's read side as clients see it, on an in-process node: GET /alerts filters, the
// receivers an alert routes to, /alerts/groups, /receivers and /status. amtool talking to a
// node stays in test/e2e/api.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { InProcessNode } from '../../support/api-harness.js'
import { getJson, postAlerts } from '../../support/node-api.js'
import { Teardown } from '../../support/teardown.js'

interface GettableAlert {
  labels: Record<string, string>
  fingerprint: string
  receivers: { name: string }[]
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] }
}

const CONFIG = `
route:
  receiver: default
  group_wait: 1h
  routes:
  - matchers: ['team="db"']
    receiver: db
    continue: true
  - matchers: ['severity=~"crit|page"']
    receiver: pager
receivers:
- name: default
- name: db
- name: pager
`

describe('API v2 reads', () => {
  let node: InProcessNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: CONFIG }))
    const res = await postAlerts(node.url, [
      { labels: { alertname: 'A', team: 'db', severity: 'crit' } },
      { labels: { alertname: 'B', team: 'web' } },
      {
        labels: { alertname: 'C', severity: 'page' },
        endsAt: new Date(Date.now() - 1000).toISOString(),
        startsAt: new Date(Date.now() - 5000).toISOString(),
      },
    ])
    assert.equal(res.status, 200)
  })
  after(() => teardown.run())

  const names = (alerts: GettableAlert[]): string[] =>
    alerts.map((a) => a.labels['alertname'] ?? '').sort()

  // Each row: query string → alertnames expected (resolved C is never listed).
  const cases: [string, string[]][] = [
    ['', ['A', 'B']], // defaults: everything that has not ended
    ['?filter=team%3D%22db%22', ['A']], // equality filter
    ['?filter=team%3D~%22d.*%22&filter=severity%21%3D%22x%22', ['A']], // every filter must match
    ['?filter=severity%3D%22%22', ['B']], // absent label matches ""
    ['?receiver=pager', ['A']], // A routes to db and pager (continue)
    ['?receiver=db%7Cdefault', ['A', 'B']], // anchored regex over receivers
    ['?receiver=pag', []], // anchored: a prefix does not match
    ['?active=false', []], // every listed alert is active
    ['?silenced=false&inhibited=false', ['A', 'B']], // none is muted yet
    ['?unprocessed=false', ['A', 'B']], // accepted and ignored, as in 0.25
  ]
  for (const [query, expected] of cases) {
    it(`GET /api/v2/alerts${query} lists ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(
        names(await getJson<GettableAlert[]>(node.url, `/api/v2/alerts${query}`)),
        expected
      )
    })
  }

  it('lists receivers in routing order and sorts alerts by fingerprint', async () => {
    const alerts = await getJson<GettableAlert[]>(node.url, '/api/v2/alerts')
    const a = alerts.find((x) => x.labels['alertname'] === 'A')
    assert.ok(a)
    assert.deepEqual(a.receivers, [{ name: 'db' }, { name: 'pager' }])
    assert.deepEqual(a.status, { inhibitedBy: [], silencedBy: [], state: 'active' })
    const fps = alerts.map((x) => x.fingerprint)
    assert.deepEqual(fps, [...fps].sort())
  })

  it('answers a bad filter or receiver regex with 400 and the parser message', async () => {
    const bad = await fetch(`${node.url}/api/v2/alerts?filter=foo`)
    assert.equal(bad.status, 400)
    assert.equal(await bad.json(), 'bad matcher format: foo')
    const re = await fetch(`${node.url}/api/v2/alerts?receiver=(`)
    assert.equal(re.status, 400)
    assert.equal(
      await re.json(),
      'failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`'
    )
  })

  it('groups alerts by route and receiver in /api/v2/alerts/groups', async () => {
    const groups = await getJson<
      { labels: Record<string, string>; receiver: { name: string }; alerts: GettableAlert[] }[]
    >(node.url, '/api/v2/alerts/groups')
    assert.deepEqual(
      groups.map((g) => [g.receiver.name, names(g.alerts)]),
      [
        ['db', ['A']],
        ['default', ['B']],
        ['pager', ['A']],
      ]
    )
    const pagerOnly = await getJson<unknown[]>(node.url, '/api/v2/alerts/groups?receiver=pager')
    assert.equal(pagerOnly.length, 1)
  })

  it('lists configured receivers, referenced or not, in config order', async () => {
    assert.deepEqual(await getJson(node.url, '/api/v2/receivers'), [
      { name: 'default' },
      { name: 'db' },
      { name: 'pager' },
    ])
  })

  it('shows a node without clustering, its version and its config in /api/v2/status', async () => {
    const status = await getJson<{
      cluster: { status: string; peers: unknown[] }
      versionInfo: { version: string }
      alertmesh: { name: string; config: { hash: string; appliedAt: string }; nodes: unknown[] }
    }>(node.url, '/api/v2/status')
    assert.deepEqual(status.cluster, { peers: [], status: 'disabled' })
    assert.equal(status.versionInfo.version, '0.25.0')
    // Without clustering the node lists only itself.
    const { name, config } = status.alertmesh
    assert.match(config.hash, /^[0-9a-f]{12}$/)
    assert.deepEqual(status.alertmesh.nodes, [
      { name, hash: config.hash, appliedAt: config.appliedAt },
    ])
  })
})
