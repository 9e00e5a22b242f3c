// The side-by-side harness on the receiver alertmesh has sent longest: the webhook's requests
// match Alertmanager 0.25's byte for byte, firing and then resolved.
import { describe, it } from 'node:test'

import { assertSameRequests, sideBySideForSuite } from '../../support/side-by-side.js'

const CONFIG = `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 2s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: '{{CAPTURE}}/hook?token=x'
        send_resolved: true
`

// Alerts that start when posted: 0.25 flushes a new group at once when its first alert started
// more than group_wait ago, which would race the rest of the POST.
const startsAt = new Date().toISOString()
const ALERTS = [
  {
    labels: { alertname: 'Disk<&>', instance: 'a', note: 'é "q" 😀' },
    annotations: { summary: 'x < y' },
    startsAt,
  },
  { labels: { alertname: 'Disk<&>', instance: 'b' }, annotations: {}, startsAt },
]

describe('side by side with Alertmanager 0.25: webhook', { timeout: 120_000 }, () => {
  const run = sideBySideForSuite({ config: CONFIG })

  it('sends the same firing and then resolved notification', async () => {
    await run().post(ALERTS)
    const [firingAm, firingMesh] = await run().waitForRequests(1)
    assertSameRequests(firingAm, firingMesh)
    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(ALERTS.map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run().waitForRequests(2)
    assertSameRequests(am, mesh)
  })
})
