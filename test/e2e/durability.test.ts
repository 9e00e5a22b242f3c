// Nothing is lost across a crash: silences are on disk before the API answers, the nflog within
// a second (better than Alertmanager, which snapshots every 15 minutes).
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { fastWebhookConfig, iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

const CONFIG = fastWebhookConfig

describe('durability', () => {
  let receiver: WebhookReceiver
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
  })
  after(() => teardown.run())

  it('keeps all 100 silences created just before a SIGKILL', async () => {
    const first = teardown.stop(await TestNode.start({ config: CONFIG(`${receiver.url}/kill`) }))
    const now = Date.now()
    const ids = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const res = await first.postSilence({
          matchers: [{ name: 'alertname', value: `Kill${i}`, isRegex: false }],
          startsAt: iso(now),
          endsAt: iso(now + 3_600_000),
          createdBy: 'durability',
          comment: `silence ${i}`,
        })
        assert.equal(res.status, 200)
        return ((await res.json()) as { silenceID: string }).silenceID
      })
    )
    assert.equal(await first.kill('SIGKILL'), 'SIGKILL')
    const second = teardown.stop(
      await TestNode.start({ config: CONFIG(`${receiver.url}/kill`), dir: first.dir })
    )
    const listed =
      await second.getJson<{ id: string; comment: string; status: { state: string } }[]>(
        '/api/v2/silences'
      )
    assert.deepEqual(listed.map((s) => s.id).sort(), [...ids].sort())
    assert.ok(listed.every((s) => s.status.state === 'active'))
  })

  it('does not notify again after a SIGKILL and restart within repeat_interval', async () => {
    const path = '/nflog-kill'
    const first = teardown.stop(await TestNode.start({ config: CONFIG(`${receiver.url}${path}`) }))
    const alert = {
      labels: { alertname: 'Once' },
      startsAt: iso(Date.now() - 60_000),
      endsAt: iso(Date.now() + 3_600_000),
    }
    await first.postAlerts([alert])
    await receiver.next((d) => d.path === path)
    // The nflog reaches the disk within a second of the notification.
    await sleep(1200)
    await first.kill('SIGKILL')
    const second = teardown.stop(
      await TestNode.start({
        config: CONFIG(`${receiver.url}${path}`),
        dir: first.dir,
      })
    )
    await second.postAlerts([alert])
    // The restored group flushes at once (old alert) and on two more ticks; dedup finds the entry.
    await sleep(2500)
    assert.equal(receiver.on(path).length, 1, 'the notification was not repeated')
  })

  it('starts with what it can read from a corrupt snapshot and says so', async () => {
    const first = teardown.stop(await TestNode.start({ config: CONFIG(`${receiver.url}/corrupt`) }))
    const now = Date.now()
    const res = await first.postSilence({
      matchers: [{ name: 'alertname', value: 'Survivor', isRegex: false }],
      startsAt: iso(now),
      endsAt: iso(now + 3_600_000),
      createdBy: 'durability',
      comment: 'kept',
    })
    const { silenceID } = (await res.json()) as { silenceID: string }
    // A clean stop compacts everything into the snapshot files.
    await first.kill('SIGTERM')
    const data = join(first.dir, 'data')
    await writeFile(join(data, 'silences.journal'), Buffer.from([0xff, 0xff, 0xff, 0x07, 1, 2, 3]))
    await writeFile(join(data, 'nflog'), Buffer.from('this is not a protobuf snapshot'))
    const second = teardown.stop(
      await TestNode.start({
        config: CONFIG(`${receiver.url}/corrupt`),
        dir: first.dir,
      })
    )
    const listed = await second.getJson<{ id: string }[]>('/api/v2/silences')
    assert.deepEqual(
      listed.map((s) => s.id),
      [silenceID]
    )
    assert.match(second.output, /silences\.journal/)
    assert.match(second.output, /nflog/)
  })
})
