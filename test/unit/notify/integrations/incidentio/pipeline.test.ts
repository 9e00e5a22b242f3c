// The notification reason on the wire: the real pipeline (dedup stage, nflog) in front of the
// incidentio notifier, flush after flush, gives `notification_reason` as newer Alertmanager's
// DedupStage.needsUpdate names it (notify/dedup_stage.go at 68fb2d5).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { Registry } from 'prom-client'

import type { Alert } from '#src/alerts/index.js'
import { fingerprint, initHashing } from '#src/labels/index.js'
import { Nflog } from '#src/nflog/index.js'
import { buildPipeline, createNotifyMetrics } from '#src/notify/index.js'
import { IncidentioNotifier } from '#src/notify/integrations/incidentio/index.js'

import { TEST_INTEGRATIONS } from '../../../../support/integrations.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, UA } from '../fixtures.js'

const T0 = Date.UTC(2024, 0, 1)
const HOUR = 3_600_000

function firing(i: string): Alert {
  const labels = { alertname: 'A', i }
  return {
    labels,
    annotations: {},
    startsAt: T0,
    endsAt: 0,
    generatorURL: '',
    updatedAt: T0,
    timeout: false,
    fingerprint: fingerprint(labels),
  }
}

describe('incidentio behind the notification pipeline', () => {
  let server: Running
  let notifier: IncidentioNotifier
  before(async () => {
    await initHashing()
    server = await listen((_req, res) => {
      res.writeHead(200).end()
    })
    notifier = new IncidentioNotifier({
      config: {
        send_resolved: true,
        http_config: httpConfig(),
        url: `${server.origin}/v2/alert_events/http/x`,
        alert_source_token: 'tok',
        max_alerts: 0,
        timeout: 0,
      },
      receiverName: 'team',
      externalURL: 'http://am:9093',
      userAgent: UA,
      log: capture('fatal').log,
    })
  })
  after(async () => {
    await notifier.close()
    await server.close()
  })

  it('sends the reason the dedup stage saw, flush after flush', async () => {
    const clock = { now: T0 }
    const log = capture('fatal').log
    const pipeline = buildPipeline({
      receivers: new Map([
        ['team', [{ name: 'incidentio', index: 0, sendResolved: true, notifier }]],
      ]),
      inhibitor: { mutes: () => false },
      silencer: { mutes: () => false },
      withinTimeInterval: () => true,
      nflog: new Nflog({ now: () => clock.now }),
      peer: undefined,
      waitMs: () => 0,
      metrics: createNotifyMetrics(new Registry(), TEST_INTEGRATIONS),
      log,
      now: () => clock.now,
    })
    const flush = async (alerts: readonly Alert[]): Promise<string | undefined> => {
      const before = server.requests.length
      await pipeline.exec(context({ now: clock.now }), alerts)
      clock.now += 60_000
      if (server.requests.length === before) {
        return undefined
      }
      const body = server.requests.at(-1)?.body.toString() ?? ''
      return (JSON.parse(body) as { notification_reason: string }).notification_reason
    }
    const resolved = (a: Alert): Alert => ({ ...a, endsAt: clock.now - 1 })
    // [what happens, the alerts of the flush, the reason sent or undefined for no request]
    const steps: readonly (readonly [string, () => readonly Alert[], string | undefined])[] = [
      ['the first flush', () => [firing('1')], 'first notification'],
      ['nothing changed', () => [firing('1')], undefined],
      ['a new alert', () => [firing('1'), firing('2')], 'new alerts added'],
      ['one resolved', () => [firing('1'), resolved(firing('2'))], 'some alerts resolved'],
      ['all resolved', () => [resolved(firing('1')), resolved(firing('2'))], 'all alerts resolved'],
      ['firing again', () => [firing('3')], 'first notification'],
    ]
    for (const [what, alerts, reason] of steps) {
      assert.equal(await flush(alerts()), reason, what)
    }
    clock.now += 5 * HOUR
    assert.equal(await flush([firing('3')]), 'repeat interval elapsed')
  })
})
