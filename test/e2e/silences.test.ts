// Silences end to end (Alertmanager's silence/silence.go): states over time, muting in the pipeline and in the API, and
// notifications resuming when a silence ends; Alertmanager 0.25's acceptance TestSilencing in
// spirit, with a real webhook receiver.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { fastWebhookConfig, iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

interface GettableAlert {
  labels: Record<string, string>
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] }
}
interface GettableSilence {
  id: string
  status: { state: string }
}

const CONFIG = fastWebhookConfig

function silence(alertname: string, startsAt: number, endsAt: number): object {
  return {
    matchers: [{ name: 'alertname', value: alertname, isRegex: false, isEqual: true }],
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
    createdBy: 'e2e',
    comment: `silence ${alertname}`,
  }
}

void describe('silences', () => {
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

  void it('moves a silence from pending to active to expired and notifies once it ends', async () => {
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

  void it('mutes at once and resumes notifications when the silence is deleted', async () => {
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

  void it('updates in place or replaces a silence by Alertmanager 0.25 rules', async () => {
    const now = Date.now()
    const created = (await (
      await node.postSilence(silence('Update', now - 1000, now + 60_000))
    ).json()) as { silenceID: string }
    // Same matchers and the stored start (clamped to the creation instant), later end: updated
    // in place, same id — what amtool silence update and the UI do after reading the silence.
    const stored = await node.getJson<{ startsAt: string }>(`/api/v2/silence/${created.silenceID}`)
    const extended = (await (
      await node.postSilence({
        ...silence('Update', Date.parse(stored.startsAt), now + 120_000),
        id: created.silenceID,
      })
    ).json()) as { silenceID: string }
    // Different matchers: the old silence is expired and a new id is returned.
    const replaced = (await (
      await node.postSilence({
        ...silence('Update2', now - 1000, now + 120_000),
        id: created.silenceID,
      })
    ).json()) as { silenceID: string }
    assert.equal(extended.silenceID, created.silenceID)
    assert.notEqual(replaced.silenceID, created.silenceID)
    assert.equal(await silenceState(created.silenceID), 'expired')
    assert.equal(await silenceState(replaced.silenceID), 'active')
  })
})
