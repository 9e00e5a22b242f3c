// Bad input end to end: Debian's Alertmanager 0.25 still answers each malformed POST
// /api/v2/alerts as pinned in test/support/alertmanager-answers.ts (test/unit/api/handlers.test.ts
// holds alertmesh to the same answers, in-process), and a node process refuses an invalid
// config on reload and keeps routing with the old one.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { ALERT_POST_CASES, ask } from '../support/alertmanager-answers.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

const CONFIG = (url: string, receiver = 'r'): string => `
route:
  receiver: ${receiver}
  group_wait: 200ms
  group_interval: 1s
receivers:
- name: ${receiver}
  webhook_configs:
  - url: ${url}
`

describe('bad input', () => {
  let receiver: WebhookReceiver
  let alertmanager: TestNode
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    alertmanager = teardown.stop(
      await TestNode.start({
        config: CONFIG(`${receiver.url}/am`),
        command: ['/usr/bin/prometheus-alertmanager'],
      })
    )
  })
  after(() => teardown.run())

  for (const c of ALERT_POST_CASES) {
    it(`Alertmanager 0.25 answers ${c.why} as pinned`, async () => {
      assert.deepEqual(await ask(alertmanager.url, c), c.answer)
    })
  }

  it('refuses an invalid config on reload, reports why, and keeps routing with the old one', async () => {
    const path = '/keep'
    const n = await TestNode.start({ config: CONFIG(`${receiver.url}${path}`) })
    try {
      // Each row: an invalid config and a fragment of the refusal.
      const invalid: [string, RegExp][] = [
        ['route: [unclosed', /yaml|YAML|line/],
        [
          CONFIG(`${receiver.url}${path}`).replace('group_wait: 200ms', 'group_wait: 5x'),
          /not a valid duration string: "5x"/,
        ],
        [
          CONFIG(`${receiver.url}${path}`).replace('  receiver: r\n', '  receiver: nope\n'),
          /undefined receiver "nope" used in route/,
        ],
        [CONFIG(`${receiver.url}${path}`) + 'unknown_key: 1\n', /unknown_key/],
      ]
      for (const [text, message] of invalid) {
        await n.writeConfig(text)
        const res = await n.reload()
        assert.equal(res.status, 500)
        assert.match(await res.text(), message)
        const metrics = await (await fetch(`${n.url}/metrics`)).text()
        assert.match(metrics, /^alertmanager_config_last_reload_successful 0$/m)
      }
      await n.postAlerts([{ labels: { alertname: 'StillRouted' } }])
      const d = await receiver.next((x) => x.path === path)
      assert.equal(d.payload.alerts[0]?.labels['alertname'], 'StillRouted')
      await n.writeConfig(CONFIG(`${receiver.url}${path}`))
      assert.equal((await n.reload()).status, 200)
      assert.match(
        await (await fetch(`${n.url}/metrics`)).text(),
        /^alertmanager_config_last_reload_successful 1$/m
      )
    } finally {
      await n.stop()
    }
  })
})
