// alertmesh's /api/alertmesh/v1/routes/test against Debian's amtool 0.25 `config routes test`,
// on the same config file the node runs: the bundled example config and a nested tree
// (continue at two levels, regex and negative matchers, match_re, inherited group_by). amtool
// is run with --verify.receivers set to the node's answer, so it both prints its own receivers
// and fails when they differ.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { RouteTestJson } from '#src/api/index.js'

import { amtoolRoutesTest } from '../support/amtool.js'
import { NESTED_ROUTES_CONFIG } from '../support/fixtures.js'
import { REPO_ROOT, TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

async function nodeRoutesTest(node: TestNode, labels: readonly string[]): Promise<RouteTestJson> {
  const query = labels.map((l) => `label=${encodeURIComponent(l)}`).join('&')
  return node.getJson<RouteTestJson>(`/api/alertmesh/v1/routes/test?${query}`)
}

const EXAMPLE_LABEL_SETS: readonly (readonly string[])[] = [
  ['alertname=A'],
  ['alertname=A', 'severity=critical'],
  ['severity=critical', 'team=db'],
  ['severity=warning', 'team=storage'],
  ['team=storage2'],
  ['team=db', 'cluster=eu'],
  ['severity=critical', 'team=web'],
  ['severity=Critical'],
  ['alertname="say \\"hi\\" there"', 'team=db'],
  ['note=<script>alert(1)</script>', 'severity=critical', 'owner=ünïcode team'],
]

const NESTED_LABEL_SETS: readonly (readonly string[])[] = [
  ['alertname=A'],
  ['severity=critical', 'team=db'],
  ['severity=page', 'env=prod'],
  ['severity=page', 'env=staging', 'team=db'],
  ['service=web-1', 'owner=ünïcode team', 'region=eu-west'],
  ['service=api', 'region=eu-west', 'tier=test'],
  ['service=api', 'region=eu-west', 'tier=prod', 'team=db'],
  ['service=xapi', 'team=db'],
  ['severity=critical', 'service=web', 'region=eu-1', 'team=db'],
  ['alertname="a \\"quoted\\" <b>name</b>"', 'owner="ünïcode team"', 'service=api'],
]

describe('routes/test answers as amtool config routes test', () => {
  const teardown = new Teardown()
  const nodes = new Map<string, TestNode>()
  const suites: readonly [string, () => Promise<string>, readonly (readonly string[])[]][] = [
    [
      'example config',
      () => readFile(join(REPO_ROOT, 'scripts', 'example', 'alertmanager.yml'), 'utf8'),
      EXAMPLE_LABEL_SETS,
    ],
    ['nested routes', () => Promise.resolve(NESTED_ROUTES_CONFIG), NESTED_LABEL_SETS],
  ]

  before(async () => {
    await Promise.all(
      suites.map(async ([name, config]) => {
        nodes.set(name, teardown.stop(await TestNode.start({ config: await config() })))
      })
    )
  })
  after(() => teardown.run())

  for (const [name, , labelSets] of suites) {
    it(`gives amtool's receivers for 10 label sets on the ${name}`, async () => {
      const node = nodes.get(name)
      assert.ok(node !== undefined)
      for (const labels of labelSets) {
        const answer = await nodeRoutesTest(node, labels)
        const receivers = answer.receivers.join(',')
        const amtool = await amtoolRoutesTest(node.configFile, labels, receivers)
        assert.equal(
          amtool.stdout,
          `${receivers}\n`,
          `amtool and node differ for ${labels.join(' ')}`
        )
        assert.equal(amtool.code, 0, labels.join(' '))
        assert.equal(answer.routes.length, answer.receivers.length)
      }
    })
  }

  it('returns label values with markup as plain JSON strings', async () => {
    const node = nodes.get('nested routes')
    assert.ok(node !== undefined)
    const answer = await nodeRoutesTest(node, ['note=<img src=x onerror=alert(1)>'])
    assert.equal(answer.labels['note'], '<img src=x onerror=alert(1)>')
  })
})
