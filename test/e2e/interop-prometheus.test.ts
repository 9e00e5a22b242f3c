// Debian's Prometheus 2.42, unchanged, sending to a 3-node cluster: it posts every alert to every
// node listed in alerting.alertmanagers and re-sends it every --rules.alert.resend-delay, and the
// receiver still hears once that the alert fires and once that it is resolved.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { startReceiverCluster, waitForFullMembership } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { Prometheus, sampleValue } from '../support/prometheus.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import type { Delivery, WebhookReceiver } from '../support/webhook-receiver.js'

const GROUP_WAIT_MS = 1000
const GROUP_INTERVAL_MS = 2000
/**
 * Two seconds for position 0's nflog entry to reach the others by gossip, which takes
 * milliseconds; the duplicate windows below are twice that plus two group_intervals.
 */
const PEER_TIMEOUT_MS = 2000
/**
 * A duplicate could only come from a node that did not see position 0's nflog entry in time.
 * Prometheus posts to the three nodes together, so they flush the group at about the same
 * moment; the last position (2) sends 2 × peer_timeout after its flush, and every node checks
 * again at each later flush, one group_interval apart. Two group_intervals past the last
 * position's wait cover that first flush and one more flush of every node.
 */
const DUPLICATE_WINDOW_MS = 2 * PEER_TIMEOUT_MS + 2 * GROUP_INTERVAL_MS

/**
 * Prometheus re-sends a firing alert at the first evaluation (1 s apart) more than resend-delay
 * after the last send, so every 4 s here, with endsAt 4 × max(resend-delay, evaluation
 * interval) = 12 s ahead. 1 s would promise only 4 s, less than the up to 5 s for which
 * Prometheus 2.42 drops alerts after a reload (see the resolution test): the alert would expire
 * on the nodes before Prometheus's resolved alert reached them.
 */
const RESEND_DELAY_S = 3

const ALERTNAME = 'InteropAlwaysFiring'
const RULE_LABELS = { alertname: ALERTNAME, severity: 'critical' }

function rules(expr: string): string {
  return `groups:
- name: interop
  rules:
  - alert: ${ALERTNAME}
    expr: ${expr}
    for: 0s
    labels:
      severity: critical
    annotations:
      summary: 'value is {{ $value }}'
`
}

function config(receiver: WebhookReceiver): string {
  return `route:
  receiver: r
  group_by: [alertname]
  group_wait: ${GROUP_WAIT_MS}ms
  group_interval: ${GROUP_INTERVAL_MS}ms
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${receiver.url}/prometheus
    send_resolved: true
`
}

interface GettableAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  generatorURL?: string
  endsAt: string
  fingerprint: string
  status: { state: string }
}

const received = (status: 'firing' | 'resolved'): string =>
  `alertmanager_alerts_received_total{status="${status}",version="v2"}`

describe('Prometheus 2.42 sending to a 3-node cluster', { timeout: 240_000 }, () => {
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  let prometheus: Prometheus | undefined
  const teardown = new Teardown()

  const ours = (status: 'firing' | 'resolved') => (d: Delivery) =>
    d.payload.status === status && d.payload.groupLabels['alertname'] === ALERTNAME
  const listed = async (member: ClusterMember): Promise<GettableAlert[]> =>
    member.node.getJson<GettableAlert[]>(`/api/v2/alerts?filter=alertname%3D%22${ALERTNAME}%22`)

  before(async () => {
    ;({ receiver, members } = await startReceiverCluster(teardown, 3, (r) => ({
      config: config(r),
      args: [`--cluster.peer-timeout=${PEER_TIMEOUT_MS}ms`],
    })))
    // The exactly-once guarantee needs the nodes to know each other's positions first.
    await waitForFullMembership(members)
    prometheus = teardown.stop(
      await Prometheus.start({
        alertmanagers: members.map((m) => m.node.url),
        rules: rules('vector(1)'),
        evaluationInterval: '1s',
        args: [
          // Resending every few seconds instead of every minute makes every node receive the
          // alert again and again while we watch for duplicates. --rules.alert.for-grace-period
          // is left alone: it only matters when restoring a `for` state after a restart, and
          // this rule has `for: 0s`.
          `--rules.alert.resend-delay=${RESEND_DELAY_S}s`,
        ],
      })
    )
  })
  after(() => teardown.run())

  it('sends the alert to all three nodes, which each list it', async () => {
    assert.ok(prometheus !== undefined)
    const pm = prometheus
    const discovered = await waitFor(
      'prometheus to discover the three nodes',
      async () => {
        const res = await pm.getJson<{ data: { activeAlertmanagers: { url: string }[] } }>(
          '/api/v1/alertmanagers'
        )
        const urls = res.data.activeAlertmanagers.map((a) => a.url).sort()
        return urls.length === 3 ? urls : undefined
      },
      { timeoutMs: 30_000 }
    )
    assert.deepEqual(discovered, members.map((m) => `${m.node.url}/api/v2/alerts`).sort())
    for (const member of members) {
      const alerts = await waitFor(
        `${member.name} to list the alert`,
        async () => {
          const list = await listed(member)
          return list.length > 0 ? list : undefined
        },
        { timeoutMs: 30_000 }
      )
      assert.equal(alerts.length, 1)
      const [alert] = alerts as [GettableAlert]
      assert.deepEqual(alert.labels, RULE_LABELS)
      // Prometheus rendered the annotation template before sending.
      assert.deepEqual(alert.annotations, { summary: 'value is 1' })
      assert.equal(alert.generatorURL, `${pm.url}/graph?g0.expr=vector%281%29&g0.tab=1`)
      assert.equal(alert.status.state, 'active')
    }
  })

  it('delivers the firing alert once, though every node got it and Prometheus resends it', async () => {
    const first = await receiver.next(ours('firing'), { timeoutMs: 30_000 })
    await sleep(DUPLICATE_WINDOW_MS)
    // The window only proves something if resends reached every node during it: the first
    // post and at least two resends each.
    for (const { name, node } of members) {
      await waitFor(
        `${name} to receive the alert three times`,
        async () => (await sampleValue(node.url, received('firing'))) >= 3,
        { timeoutMs: 30_000 }
      )
    }
    const firing = receiver.deliveries.filter(ours('firing'))
    assert.equal(firing.length, 1, `firing delivered ${firing.length} times`)
    const { payload } = first
    assert.equal(first.path, '/prometheus')
    assert.equal(payload.receiver, 'r')
    assert.deepEqual(payload.groupLabels, { alertname: ALERTNAME })
    assert.deepEqual(payload.commonLabels, RULE_LABELS)
    assert.equal(payload.alerts.length, 1)
    const [alert] = payload.alerts
    assert.equal(alert?.status, 'firing')
    assert.deepEqual(alert.labels, RULE_LABELS)
    assert.deepEqual(alert.annotations, { summary: 'value is 1' })
  })

  it('delivers the resolution once after the rule stops firing and Prometheus is reloaded', async () => {
    assert.ok(prometheus !== undefined)
    const firing = receiver.deliveries.find(ours('firing'))
    assert.ok(firing !== undefined)
    const resolvedBefore = await Promise.all(
      members.map((m) => sampleValue(m.node.url, received('resolved')))
    )
    // Prometheus 2.42 rebuilds its Alertmanager list on every reload and drops what it sends
    // until its discovery pushes the static targets again (at most 5 s later), so the resolved
    // alert evaluated right after the reload is dropped and reaches the nodes one or two resends
    // later. Reloading just after a resend arrived makes that fit in the 12 s of endsAt Prometheus
    // has just promised: the resolution then comes from Prometheus, not from endsAt running out.
    const endsAt = async (): Promise<string | undefined> =>
      (await listed(members[0] as ClusterMember))[0]?.endsAt
    const before = await endsAt()
    const promised = await waitFor(
      'a resend',
      async () => {
        const now = await endsAt()
        return now !== before ? now : undefined
      },
      { timeoutMs: 30_000 }
    )
    const reloadAt = Date.now()
    await prometheus.writeRules(rules('vector(1) unless vector(1)'))
    await prometheus.reload()
    const resolved = await receiver.next(ours('resolved'), { timeoutMs: 30_000 })
    await sleep(DUPLICATE_WINDOW_MS)
    // Prometheus keeps re-sending the resolved alert: every node got it at least twice.
    for (const [i, { name, node }] of members.entries()) {
      await waitFor(
        `${name} to receive the resolved alert twice`,
        async () =>
          (await sampleValue(node.url, received('resolved'))) >= (resolvedBefore[i] ?? 0) + 2,
        { timeoutMs: 30_000 }
      )
      assert.deepEqual(await listed(members[i] as ClusterMember), [])
    }
    const resolutions = receiver.deliveries.filter(ours('resolved'))
    assert.equal(resolutions.length, 1, `resolution delivered ${resolutions.length} times`)
    assert.equal(receiver.deliveries.length, 2, 'one firing and one resolved notification in all')
    const [alert] = resolved.payload.alerts
    assert.equal(resolved.payload.alerts.length, 1)
    assert.equal(alert?.status, 'resolved')
    assert.deepEqual(alert.labels, RULE_LABELS)
    assert.equal(alert.fingerprint, firing.payload.alerts[0]?.fingerprint)
    assert.equal(alert.startsAt, firing.payload.alerts[0]?.startsAt)
    // endsAt is when Prometheus evaluated the changed rule: after the reload, before the end
    // it had promised with the last firing resend.
    const ended = Date.parse(alert.endsAt)
    assert.ok(ended >= reloadAt, `endsAt ${alert.endsAt} after the reload`)
    assert.ok(ended < Date.parse(promised), `endsAt ${alert.endsAt} before ${promised}`)
  })
})
