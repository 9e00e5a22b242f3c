// Silences end to end (Alertmanager's silence/silence.go): states over time, muting in the
// pipeline and in the API, and notifications resuming when a silence ends; Alertmanager 0.25's
// acceptance TestSilencing in spirit, with a real webhook receiver. How a posted silence updates
// or replaces another is handler logic, tested in-process in test/unit/api/handlers.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { alertnameSilence as silence, fastWebhookConfig } from '../support/fixtures.js'
import type { GettableSilence } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

interface GettableAlert {
  labels: Record<string, string>
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] }
}

const CONFIG = fastWebhookConfig

describe('silences', () => {
  let receiver: WebhookReceiver
  let node: TestNode
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    node = teardown.stop(await TestNode.start({ config: CONFIG(`${receiver.url}/silences`) }))
  })
  after(() => teardown.run())

  async function alertStatus(alertname: string): Promise<GettableAlert['status'] | undefined> {
    const alerts = await node.getJson<GettableAlert[]>(
      `/api/v2/alerts?filter=alertname%3D${alertname}`
    )
    return alerts[0]?.status
  }

  async function silenceState(id: string): Promise<string> {
    return (await node.getJson<GettableSilence>(`/api/v2/silence/${id}`)).status.state
  }

  it('moves a silence from pending to active to expired and notifies once it ends', async () => {
    const t0 = Date.now()
    const res = await node.postSilence(silence('Pending', t0 + 1500, t0 + 3500))
    assert.equal(res.status, 200)
    const { silenceID } = (await res.json()) as { silenceID: string }
    assert.equal(await silenceState(silenceID), 'pending')
    await sleep(t0 + 1700 - Date.now())
    assert.equal(await silenceState(silenceID), 'active')
    await node.postAlerts([{ labels: { alertname: 'Pending' } }])
    // Status reflects the silence at once, before any flush.
    assert.deepEqual(await alertStatus('Pending'), {
      inhibitedBy: [],
      silencedBy: [silenceID],
      state: 'suppressed',
    })
    const delivered = await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Pending', {
      timeoutMs: 10_000,
    })
    assert.ok(Date.now() - t0 >= 3500, 'nothing was sent while the silence was active')
    assert.ok(delivered.at > 0)
    assert.equal(await silenceState(silenceID), 'expired')
    assert.deepEqual(await alertStatus('Pending'), {
      inhibitedBy: [],
      silencedBy: [],
      state: 'active',
    })
  })

  it('mutes at once and resumes notifications when the silence is deleted', async () => {
    const now = Date.now()
    const res = await node.postSilence(silence('Deleted', now - 1000, now + 3_600_000))
    const { silenceID } = (await res.json()) as { silenceID: string }
    await node.postAlerts([{ labels: { alertname: 'Deleted' } }])
    assert.deepEqual((await alertStatus('Deleted'))?.silencedBy, [silenceID])
    // Two group ticks pass without a notification.
    await sleep(2300)
    assert.equal(
      receiver.deliveries.filter((d) => d.payload.groupLabels['alertname'] === 'Deleted').length,
      0
    )
    const del = await fetch(`${node.url}/api/v2/silence/${silenceID}`, { method: 'DELETE' })
    assert.equal(del.status, 200)
    assert.deepEqual(await alertStatus('Deleted'), {
      inhibitedBy: [],
      silencedBy: [],
      state: 'active',
    })
    const deletedAt = Date.now()
    await receiver.next((d) => d.payload.groupLabels['alertname'] === 'Deleted')
    assert.ok(Date.now() - deletedAt < 2500, 'notified at the next group tick')
    assert.equal(await silenceState(silenceID), 'expired')
  })
})
