import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import bunyan from 'bunyan'
import { Registry } from 'prom-client'

import type { Alert } from '#src/alerts/index.js'
import { fingerprint, initHashing, labelsHash } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'
import { Nflog } from '#src/nflog/index.js'
import { NotifyError, buildPipeline, createNotifyMetrics } from '#src/notify/index.js'
import type {
  Integration,
  Muter,
  NotifyContext,
  Peer,
  PipelineDecision,
  PipelineOptions,
} from '#src/notify/index.js'

import { TEST_INTEGRATIONS } from '../../support/integrations.js'

import { context } from './integrations/fixtures.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const HOUR = 3_600_000
const GROUP_KEY = '{}:{alertname="A"}'
const log = bunyan.createLogger({ name: 't', level: 'fatal' })

function firing(labels: LabelSet): Alert {
  return {
    labels,
    annotations: {},
    startsAt: T0 - 60_000,
    endsAt: 0,
    generatorURL: '',
    updatedAt: T0,
    timeout: false,
    fingerprint: fingerprint(labels),
  }
}

function resolved(alert: Alert): Alert {
  return { ...alert, endsAt: T0 - 1 }
}

/** fakeIntegration records what it was asked to send and fails while `failing` is set. */
function fakeIntegration(index: number, sendResolved = true) {
  const sent: (readonly Alert[])[] = []
  const state = { failing: false }
  const integration: Integration = {
    name: 'webhook',
    index,
    sendResolved,
    notifier: {
      notify(_ctx, alerts) {
        if (state.failing) {
          return Promise.reject(
            new NotifyError(`webhook[${index}] refused`, {
              retryable: false,
              reason: 'clientError',
            })
          )
        }
        sent.push(alerts)
        return Promise.resolve()
      },
    },
  }
  return { integration, sent, state }
}

/** mutedBy mutes alerts whose `name` label is in the (mutable) set, recording what it was asked. */
function mutedBy(names: Set<string>, asked: string[] = []): Muter {
  return {
    mutes(labels) {
      asked.push(labels['i'] ?? '')
      return names.has(labels['i'] ?? '')
    },
  }
}

interface Harness {
  readonly flush: (alerts: readonly Alert[], overrides?: Partial<NotifyContext>) => Promise<unknown>
  readonly clock: { now: number }
  readonly nflog: Nflog
  readonly inhibited: Set<string>
  readonly silenced: Set<string>
  readonly asked: { inhibit: string[]; silence: string[] }
}

function harness(integrations: Integration[], options: Partial<PipelineOptions> = {}): Harness {
  const clock = { now: T0 }
  const nflog = new Nflog({ now: () => clock.now })
  const inhibited = new Set<string>()
  const silenced = new Set<string>()
  const asked = { inhibit: [] as string[], silence: [] as string[] }
  const pipeline = buildPipeline({
    receivers: new Map([['team', integrations]]),
    inhibitor: mutedBy(inhibited, asked.inhibit),
    silencer: mutedBy(silenced, asked.silence),
    withinTimeInterval: (name) => name === 'always',
    nflog,
    peer: undefined,
    waitMs: () => 0,
    metrics: createNotifyMetrics(new Registry(), TEST_INTEGRATIONS),
    log,
    now: () => clock.now,
    ...options,
  })
  const flush = (alerts: readonly Alert[], overrides: Partial<NotifyContext> = {}) =>
    pipeline.exec(
      // The group of alertname A (GROUP_KEY), repeated every 4 h, at the test's clock.
      context({ now: clock.now, ...overrides }),
      alerts
    )
  return { flush, clock, nflog, inhibited, silenced, asked }
}

const A1 = firing({ alertname: 'A', i: '1' })
const A2 = firing({ alertname: 'A', i: '2' })
const RECEIVER0 = { groupName: 'team', integration: 'webhook', idx: 0 }

describe('buildPipeline', () => {
  before(async () => {
    await initHashing()
  })

  it('notifies a new group, logs it, and sends nothing for an unchanged flush', async () => {
    const hook = fakeIntegration(0)
    const h = harness([hook.integration])
    await h.flush([A1])
    assert.deepEqual(hook.sent, [[A1]])
    const entry = h.nflog.query(RECEIVER0, GROUP_KEY)
    assert.deepEqual(entry?.firingAlerts, [labelsHash(A1.labels)])
    assert.deepEqual(entry.resolvedAlerts, [])
    assert.equal(entry.timestamp, T0)
    h.clock.now += 60_000
    await h.flush([A1])
    assert.equal(hook.sent.length, 1)
  })

  it('notifies again when a new alert fires in the group', async () => {
    const hook = fakeIntegration(0)
    const h = harness([hook.integration])
    await h.flush([A1])
    await h.flush([A1, A2])
    assert.deepEqual(hook.sent, [[A1], [A1, A2]])
  })

  it('repeats an unchanged notification once repeat_interval has passed', async () => {
    const hook = fakeIntegration(0)
    const h = harness([hook.integration])
    await h.flush([A1])
    h.clock.now = T0 + 4 * HOUR
    await h.flush([A1])
    assert.equal(hook.sent.length, 1, 'exactly repeat_interval later is not yet a repeat')
    h.clock.now = T0 + 4 * HOUR + 1
    await h.flush([A1])
    assert.equal(hook.sent.length, 2)
  })

  it('sends the resolved notification with send_resolved and then goes quiet', async () => {
    const hook = fakeIntegration(0, true)
    const h = harness([hook.integration])
    await h.flush([A1])
    await h.flush([resolved(A1)])
    assert.deepEqual(hook.sent, [[A1], [resolved(A1)]])
    assert.deepEqual(h.nflog.query(RECEIVER0, GROUP_KEY)?.firingAlerts, [])
    await h.flush([resolved(A1)])
    assert.equal(hook.sent.length, 2)
  })

  it('clears the log without sending when everything resolved and send_resolved is off', async () => {
    const hook = fakeIntegration(0, false)
    const h = harness([hook.integration])
    await h.flush([A1, A2])
    // One of two resolved: nothing to send yet (waits for the repeat).
    await h.flush([A1, resolved(A2)])
    assert.equal(hook.sent.length, 1)
    // All resolved: no request, but the log now lists nothing firing.
    await h.flush([resolved(A1), resolved(A2)])
    assert.equal(hook.sent.length, 1)
    const entry = h.nflog.query(RECEIVER0, GROUP_KEY)
    assert.deepEqual(entry?.firingAlerts, [])
    assert.equal(entry.resolvedAlerts.length, 2)
    // When A1 fires again it is news.
    await h.flush([A1])
    assert.deepEqual(hook.sent, [[A1, A2], [A1]])
  })

  it('drops inhibited and silenced alerts before dedup, so a muted period is not logged', async () => {
    const hook = fakeIntegration(0)
    const h = harness([hook.integration])
    h.inhibited.add('1')
    h.silenced.add('2')
    await h.flush([A1, A2])
    assert.deepEqual(hook.sent, [])
    assert.equal(h.nflog.query(RECEIVER0, GROUP_KEY), undefined)
    // The silencer is only asked about what the inhibitor let through.
    assert.deepEqual(h.asked.inhibit, ['1', '2'])
    assert.deepEqual(h.asked.silence, ['2'])
    // Once the mutes end, the next flush notifies.
    h.inhibited.clear()
    h.silenced.clear()
    await h.flush([A1, A2])
    assert.deepEqual(hook.sent, [[A1, A2]])
  })

  const timeCases: { name: string; mute: string[]; active: string[]; sends: boolean }[] = [
    // Inside an active interval and no mute interval: sends.
    { name: 'inside its active interval', mute: [], active: ['always'], sends: true },
    // Outside every active interval: nothing.
    { name: 'outside its active intervals', mute: [], active: ['never'], sends: false },
    // Inside a mute interval: nothing.
    { name: 'inside a mute interval', mute: ['always'], active: [], sends: false },
  ]
  for (const c of timeCases) {
    it(`${c.sends ? 'notifies' : 'stays silent'} when the route is ${c.name}`, async () => {
      const hook = fakeIntegration(0)
      const h = harness([hook.integration])
      await h.flush([A1], { muteTimeIntervals: c.mute, activeTimeIntervals: c.active })
      assert.equal(hook.sent.length, c.sends ? 1 : 0)
      // Muted flushes never reach the silencer.
      assert.equal(h.asked.silence.length, c.sends ? 1 : 0)
    })
  }

  it('fans out to every integration, each with its own log entry, and fails if one fails', async () => {
    const ok = fakeIntegration(0)
    const broken = fakeIntegration(1)
    broken.state.failing = true
    const h = harness([ok.integration, broken.integration])
    await assert.rejects(h.flush([A1]), (err: unknown) => {
      assert.ok(err instanceof AggregateError)
      assert.match(
        err.message,
        /^team\/webhook\[1\]: notify retry canceled due to unrecoverable error after 1 attempts: webhook\[1\] refused$/
      )
      return true
    })
    assert.deepEqual(ok.sent, [[A1]])
    assert.notEqual(h.nflog.query(RECEIVER0, GROUP_KEY), undefined)
    assert.equal(h.nflog.query({ ...RECEIVER0, idx: 1 }, GROUP_KEY), undefined)
    // Next flush: only the integration that failed sends again.
    broken.state.failing = false
    await h.flush([A1])
    assert.deepEqual(ok.sent, [[A1]])
    assert.deepEqual(broken.sent, [[A1]])
  })

  it('stops retrying once a peer logged the same notification, and logs nothing itself', async (t) => {
    t.mock.method(Math, 'random', () => 0)
    const attempts: number[] = []
    const built: { h?: Harness } = {}
    const unreachable: Integration = {
      name: 'webhook',
      index: 0,
      sendResolved: true,
      notifier: {
        notify() {
          attempts.push(attempts.length + 1)
          const h = built.h
          if (attempts.length === 2 && h !== undefined) {
            // A peer's entry for the same firing alert, gossiped after this flush began.
            h.clock.now = T0 + 5_000
            h.nflog.log(RECEIVER0, GROUP_KEY, [labelsHash(A1.labels)], [], 8 * HOUR)
          }
          return Promise.reject(
            new NotifyError('connection refused', { retryable: true, reason: 'connectionError' })
          )
        },
      },
    }
    const h = (built.h = harness([unreachable]))
    await h.flush([A1])
    assert.deepEqual(attempts, [1, 2], 'retried after the peer had notified')
    assert.equal(h.nflog.query(RECEIVER0, GROUP_KEY)?.timestamp, T0 + 5_000, "the peer's entry")
  })

  it('leaves what a peer notified meanwhile without to the next flush', async (t) => {
    t.mock.method(Math, 'random', () => 0)
    const hook = fakeIntegration(0)
    let calls = 0
    const built: { h?: Harness } = {}
    const flaky: Integration = {
      ...hook.integration,
      notifier: {
        notify(ctx, alerts) {
          calls++
          const h = built.h
          if (calls === 1 && h !== undefined) {
            // The peer notified its own view of the group, A1 only, after this flush began:
            // as in the dedup stage, the newer entry wins over this flush's snapshot.
            h.clock.now = T0 + 5_000
            h.nflog.log(RECEIVER0, GROUP_KEY, [labelsHash(A1.labels)], [], 8 * HOUR)
            return Promise.reject(
              new NotifyError('HTTP 503', { retryable: true, reason: 'serverError' })
            )
          }
          return hook.integration.notifier.notify(ctx, alerts)
        },
      },
    }
    const h = (built.h = harness([flaky]))
    await h.flush([A1, A2])
    assert.deepEqual(hook.sent, [])
    h.clock.now = T0 + 60_000
    await h.flush([A1, A2], { now: h.clock.now })
    assert.deepEqual(hook.sent, [[A1, A2]], 'the next flush sends A2, which the peer lacked')
  })

  it('waits for the cluster peer to settle before anything else', async () => {
    const hook = fakeIntegration(0)
    let release!: () => void
    const signals: AbortSignal[] = []
    const peer: Peer = {
      waitReady(signal) {
        signals.push(signal)
        return new Promise((resolve) => {
          release = resolve
        })
      },
    }
    const h = harness([hook.integration], { peer })
    const pending = h.flush([A1])
    await new Promise<void>((resolve) => setImmediate(resolve))
    assert.equal(hook.sent.length, 0)
    assert.deepEqual(h.asked.inhibit, [])
    assert.equal(signals.length, 1)
    release()
    await pending
    assert.equal(hook.sent.length, 1)
  })

  it('reports each decision to the recorder: sent, deduplicated, muted, failed', async () => {
    const decisions: PipelineDecision[] = []
    const ok = fakeIntegration(0)
    const broken = fakeIntegration(1)
    broken.state.failing = true
    const h = harness([ok.integration, broken.integration], {
      decisions: { record: (d) => decisions.push(d) },
    })
    await assert.rejects(h.flush([A1]))
    // webhook[0] finds its notification logged; webhook[1] fails again.
    await assert.rejects(h.flush([A1]))
    h.silenced.add('1')
    h.inhibited.add('2')
    await h.flush([A1, A2])
    await h.flush([A1], { muteTimeIntervals: ['always'] })
    await h.flush([A1], { activeTimeIntervals: ['never'] })
    const sentAt = h.nflog.query(RECEIVER0, GROUP_KEY)?.timestamp
    assert.deepEqual(
      decisions.map((d) => [d.kind, d.integration, d.detail, d.notifiedAt]),
      [
        ['sent', 'webhook[0]', 'notified 1 firing and 0 resolved', sentAt],
        [
          'failed',
          'webhook[1]',
          'gave up: team/webhook[1]: notify retry canceled due to unrecoverable error after 1 attempts: webhook[1] refused',
          undefined,
        ],
        [
          'deduplicated',
          'webhook[0]',
          'same alerts already notified, repeat_interval not passed',
          sentAt,
        ],
        [
          'failed',
          'webhook[1]',
          'gave up: team/webhook[1]: notify retry canceled due to unrecoverable error after 1 attempts: webhook[1] refused',
          undefined,
        ],
        ['inhibited', '', '1 of 2 alerts inhibited, 1 left to send', undefined],
        ['silenced', '', 'all 1 alert silenced: nothing to send', undefined],
        ['muted-by-time', '', 'within mute time interval always: nothing sent', undefined],
        [
          'outside-active-time',
          '',
          'outside every active time interval (never): nothing sent',
          undefined,
        ],
      ]
    )
    assert.ok(decisions.every((d) => d.groupKey === GROUP_KEY && d.receiver === 'team'))
    assert.ok(decisions.every((d) => d.at === T0))
  })

  it('refuses a flush for a receiver it was not built for', async () => {
    const h = harness([fakeIntegration(0).integration])
    await assert.rejects(h.flush([A1], { receiver: 'ghost' }), {
      message: 'stage for receiver missing: ghost',
    })
  })

  it('succeeds without sending for a receiver with no integrations', async () => {
    const h = harness([])
    await h.flush([A1])
    assert.equal(h.nflog.size, 0)
  })
})
