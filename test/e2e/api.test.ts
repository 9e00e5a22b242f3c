// amtool (Debian's 0.25 build) talking to a node process. The handler logic behind it (GET
// /alerts filters, groups, receivers, status) is tested in-process in
// test/unit/api/handlers.test.ts.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

const run = promisify(execFile)

interface GettableAlert {
  labels: Record<string, string>
  startsAt: string
}

const CONFIG = 'route:\n  receiver: default\n  group_wait: 1h\nreceivers:\n- name: default\n'

describe('API v2 through amtool', () => {
  let node: TestNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await TestNode.start({ config: CONFIG }))
    const res = await node.postAlerts([
      { labels: { alertname: 'A', team: 'db' } },
      { labels: { alertname: 'B', team: 'web' } },
    ])
    assert.equal(res.status, 200)
  })
  after(() => teardown.run())

  const names = (alerts: GettableAlert[]): string[] =>
    alerts.map((a) => a.labels['alertname'] ?? '').sort()

  it('works with amtool alert add and alert query', async () => {
    const url = `--alertmanager.url=${node.url}`
    await run('amtool', [
      url,
      'alert',
      'add',
      'alertname=FromAmtool',
      'team=db',
      '--annotation=summary=added by amtool',
    ])
    const { stdout } = await run('amtool', [url, 'alert', 'query', 'alertname=FromAmtool'])
    assert.match(stdout, /FromAmtool/)
    assert.match(stdout, /added by amtool/)
    const { stdout: json } = await run('amtool', [url, '-o', 'json', 'alert', 'query', 'team=db'])
    const listed = JSON.parse(json) as GettableAlert[]
    assert.deepEqual(names(listed), ['A', 'FromAmtool'])
    // amtool's zero start/end mean "unset": the node defaulted them.
    const added = listed.find((a) => a.labels['alertname'] === 'FromAmtool')
    assert.ok(added)
    assert.notEqual(added.startsAt, '0001-01-01T00:00:00.000Z')
  })

  it('shows the config through amtool config show', async () => {
    const { stdout } = await run('amtool', [`--alertmanager.url=${node.url}`, 'config', 'show'])
    assert.match(stdout, /receiver: default/)
  })
})
