// alertmesh's own routing-tree API (/api/alertmesh/v1/routes and /routes/test) on a node wired
// in this process (test/support/api-harness.ts): the tree with effective and inherited options,
// the routes and receivers a label set reaches, refused labels, unknown paths and methods, and
// a reload that swaps the tree. The same answers against amtool are checked in
// test/e2e/routes-amtool.test.ts.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'

import type { RouteJson, RouteTestJson } from '#src/api/index.js'

import { InProcessNode } from '../../support/api-harness.js'
import { NESTED_ROUTES_CONFIG } from '../../support/fixtures.js'
import { getJson, reload } from '../../support/node-api.js'
import { Teardown } from '../../support/teardown.js'

const TREE = '/api/alertmesh/v1/routes'

function testPath(labels: readonly string[]): string {
  const query = labels.map((l) => `label=${encodeURIComponent(l)}`).join('&')
  return `${TREE}/test?${query}`
}

describe('alertmesh API: routing tree', () => {
  let node: InProcessNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: NESTED_ROUTES_CONFIG }))
  })
  after(() => teardown.run())

  it('shows each route with its effective options and marks the inherited ones', async () => {
    const root = await getJson<RouteJson>(node.url, TREE)
    assert.deepEqual(
      { ...root, routes: root.routes.length },
      {
        path: [],
        matchers: [],
        receiver: 'default',
        groupBy: ['alertname', 'cluster'],
        groupWait: '1h',
        groupInterval: '5m', // Alertmanager's default, filled at the root
        repeatInterval: '4h',
        continue: false,
        muteTimeIntervals: [],
        activeTimeIntervals: [],
        inherited: [], // the root has no parent
        routes: 3,
      }
    )
    const [pager, service, db] = root.routes
    assert.ok(pager !== undefined && service !== undefined && db !== undefined)
    assert.deepEqual(pager.matchers, ['severity=~"critical|page"'])
    assert.equal(pager.continue, true)
    assert.deepEqual(pager.inherited, ['groupBy', 'groupWait', 'groupInterval', 'repeatInterval'])
    const [dbPager, quiet] = pager.routes
    assert.ok(dbPager !== undefined && quiet !== undefined)
    assert.deepEqual(dbPager.path, [0, 0])
    assert.deepEqual(dbPager.groupBy, ['...']) // configured, not inherited
    assert.deepEqual(dbPager.inherited, ['groupWait', 'groupInterval', 'repeatInterval'])
    assert.deepEqual(quiet.matchers, ['env!="prod"'])
    assert.deepEqual(quiet.muteTimeIntervals, ['nights'])
    assert.deepEqual(quiet.groupBy, ['alertname', 'cluster']) // from the root, two levels up
    // match_re is anchored as Alertmanager prints it; the receiver comes from the root.
    assert.deepEqual(service.matchers, ['service=~"^(?:api|web.*)$"'])
    assert.equal(service.receiver, 'default')
    assert.equal(service.groupInterval, '10m')
    assert.deepEqual(service.inherited, ['receiver', 'groupBy', 'groupWait', 'repeatInterval'])
    const eu = service.routes[1]
    assert.ok(eu !== undefined)
    assert.deepEqual(eu.path, [1, 1])
    assert.deepEqual(eu.matchers, ['region=~"eu-.+"', 'tier!~"test|dev"'])
    assert.deepEqual(eu.activeTimeIntervals, ['office'])
    assert.equal(eu.groupInterval, '10m') // from its parent, not the root
    assert.equal(db.repeatInterval, '12h')
    assert.deepEqual(db.routes, [])
  })

  // Each row: labels → matching route paths and receivers, in routing order.
  const cases: [string, string[], number[][], string[]][] = [
    ['no route matches', ['alertname=A'], [[]], ['default']],
    [
      'continue on the parent, first child stops',
      ['severity=critical', 'team=db'],
      [[0, 0], [2]],
      ['db-pager', 'db'],
    ],
    ['parent itself when no child matches', ['severity=page', 'env=prod'], [[0]], ['pager']],
    [
      'continue in a child: unicode, then eu',
      ['service=web-1', 'owner=ünïcode team', 'region=eu-west'],
      [
        [1, 0],
        [1, 1],
      ],
      ['unicode', 'eu'],
    ],
    ['negative regex refuses', ['service=api', 'region=eu-west', 'tier=test'], [[1]], ['default']],
    ['anchored match_re', ['service=xapi'], [[]], ['default']],
  ]
  for (const [name, labels, paths, receivers] of cases) {
    it(`routes a label set: ${name}`, async () => {
      const answer = await getJson<RouteTestJson>(node.url, testPath(labels))
      assert.deepEqual(
        answer.routes.map((r) => r.path),
        paths
      )
      assert.deepEqual(answer.receivers, receivers)
      assert.deepEqual(
        answer.routes.map((r) => r.receiver),
        receivers
      )
    })
  }

  it('reads quoted values, spaces and markup as amtool does and returns them as JSON strings', async () => {
    const markup = '<img src=x onerror=alert(1)>'
    const res = await fetch(
      `${node.url}${testPath(['alertname="say \\"hi\\" there"', `note=${markup}`, 'owner=ünïcode team', 'service=api'])}`
    )
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    const answer = (await res.json()) as RouteTestJson
    assert.deepEqual(answer.labels, {
      alertname: 'say "hi" there',
      note: markup,
      owner: 'ünïcode team',
      service: 'api',
    })
    // unicode continues, but no later sibling matches and the parent is not added back.
    assert.deepEqual(answer.receivers, ['unicode'])
  })

  it('refuses labels that are not name=value pairs', async () => {
    for (const label of ['team=~db', 'no-operator', '=x']) {
      const res = await fetch(`${node.url}${testPath([label])}`)
      assert.equal(res.status, 400, label)
      const body = (await res.json()) as { code: number; message: string }
      assert.equal(body.code, 400)
      assert.ok(body.message.length > 0)
    }
  })

  it('answers unknown paths with 404 and writes with 405, as JSON', async () => {
    const missing = await fetch(`${node.url}/api/alertmesh/v1/nope`)
    assert.equal(missing.status, 404)
    assert.deepEqual(await missing.json(), {
      code: 404,
      message: 'path /api/alertmesh/v1/nope was not found',
    })
    const post = await fetch(`${node.url}${TREE}`, { method: 'POST' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET')
    await post.body?.cancel()
  })

  it('shows the new tree after a reload', async () => {
    await writeFile(node.configFile, 'route:\n  receiver: only\nreceivers:\n- name: only\n')
    assert.equal((await reload(node.url)).status, 200)
    const root = await getJson<RouteJson>(node.url, TREE)
    assert.equal(root.receiver, 'only')
    assert.deepEqual(root.routes, [])
    const answer = await getJson<RouteTestJson>(node.url, testPath(['severity=critical']))
    assert.deepEqual(answer.receivers, ['only'])
  })
})
