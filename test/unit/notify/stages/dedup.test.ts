import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import { initHashing, labelsHash } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'
import type {
  NflogEntry,
  NflogReceiver,
  NotificationLog,
  NotifyContext,
} from '#src/notify/index.js'
import type { DedupOptions } from '#src/notify/stages/dedup.js'
import { dedupStage, needsUpdate, updateReason } from '#src/notify/stages/dedup.js'
import { GO_ZERO_TIME_MS } from '#src/util/time.js'

import { testAlert } from '../../../support/fixtures.js'
import { recordingLog } from '../../../support/recording-log.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const MIN = 60_000
const QUIET = bunyan.createLogger({ name: 't', level: 'fatal' })

/** debugLog records what the stage logs at debug. */
function debugLog(): { log: bunyan; records: Record<string, unknown>[] } {
  return recordingLog('debug')
}

function entry(fields: Partial<NflogEntry>): NflogEntry {
  return { timestamp: GO_ZERO_TIME_MS, firingAlerts: [], resolvedAlerts: [], ...fields }
}

describe('needsUpdate', () => {
  // Alertmanager 0.25 notify/notify_test.go TestDedupStageNeedsUpdate, row for row.
  const cases: {
    name: string
    entry: NflogEntry | undefined
    firing?: bigint[]
    resolved?: bigint[]
    repeatMs?: number
    sendResolved?: boolean
    want: boolean
  }[] = [
    // No matching nflog entry should update.
    { name: 'no entry, firing alerts', entry: undefined, firing: [2n, 3n, 4n], want: true },
    // No matching nflog entry shouldn't update if no alert fires.
    {
      name: 'no entry, only resolved alerts',
      entry: undefined,
      resolved: [2n, 3n, 4n],
      want: false,
    },
    // Different sets of firing alerts should update.
    {
      name: 'different firing set',
      entry: entry({ firingAlerts: [1n, 2n, 3n] }),
      firing: [2n, 3n, 4n],
      want: true,
    },
    // Zero timestamp in the nflog entry should always update.
    {
      name: 'zero timestamp',
      entry: entry({ firingAlerts: [1n, 2n, 3n] }),
      firing: [1n, 2n, 3n],
      want: true,
    },
    // Identical sets of alerts shouldn't update before repeat_interval.
    {
      name: 'same set before repeat_interval',
      entry: entry({ firingAlerts: [1n, 2n, 3n], timestamp: NOW - 9 * MIN }),
      repeatMs: 10 * MIN,
      firing: [1n, 2n, 3n],
      want: false,
    },
    // Identical sets of alerts should update after repeat_interval.
    {
      name: 'same set after repeat_interval',
      entry: entry({ firingAlerts: [1n, 2n, 3n], timestamp: NOW - 11 * MIN }),
      repeatMs: 10 * MIN,
      firing: [1n, 2n, 3n],
      want: true,
    },
    // Different sets of resolved alerts without firing alerts shouldn't update after repeat_interval.
    {
      name: 'only resolved alerts, none firing before either',
      entry: entry({ resolvedAlerts: [1n, 2n, 3n], timestamp: NOW - 11 * MIN }),
      repeatMs: 10 * MIN,
      resolved: [3n, 4n, 5n],
      sendResolved: true,
      want: false,
    },
    // Different sets of resolved alerts shouldn't update when resolve is false.
    {
      name: 'new resolved alerts without send_resolved',
      entry: entry({ firingAlerts: [1n, 2n], resolvedAlerts: [3n], timestamp: NOW - 9 * MIN }),
      repeatMs: 10 * MIN,
      firing: [1n],
      resolved: [2n, 3n],
      sendResolved: false,
      want: false,
    },
    // Different sets of resolved alerts should update when resolve is true.
    {
      name: 'new resolved alerts with send_resolved',
      entry: entry({ firingAlerts: [1n, 2n], resolvedAlerts: [3n], timestamp: NOW - 9 * MIN }),
      repeatMs: 10 * MIN,
      firing: [1n],
      resolved: [2n, 3n],
      sendResolved: true,
      want: true,
    },
    // Empty set of firing alerts should update when resolve is false.
    {
      name: 'all resolved without send_resolved',
      entry: entry({ firingAlerts: [1n, 2n], resolvedAlerts: [3n], timestamp: NOW - 9 * MIN }),
      repeatMs: 10 * MIN,
      firing: [],
      resolved: [1n, 2n, 3n],
      sendResolved: false,
      want: true,
    },
    // Empty set of firing alerts should update when resolve is true.
    {
      name: 'all resolved with send_resolved',
      entry: entry({ firingAlerts: [1n, 2n], resolvedAlerts: [3n], timestamp: NOW - 9 * MIN }),
      repeatMs: 10 * MIN,
      firing: [],
      resolved: [1n, 2n, 3n],
      sendResolved: true,
      want: true,
    },
    // Not ported from Go: a firing subset of the last notification waits for the repeat.
    {
      name: 'firing subset of the last notification',
      entry: entry({ firingAlerts: [1n, 2n], timestamp: NOW - 9 * MIN }),
      repeatMs: 10 * MIN,
      firing: [1n],
      want: false,
    },
    // Not ported from Go: a timestamp exactly at the cutoff is not before it.
    {
      name: 'timestamp exactly repeat_interval ago',
      entry: entry({ firingAlerts: [1n], timestamp: NOW - 10 * MIN }),
      repeatMs: 10 * MIN,
      firing: [1n],
      want: false,
    },
  ]
  for (const c of cases) {
    it(`decides as DedupStage.needsUpdate: ${c.name}`, () => {
      const args = [
        c.entry,
        c.firing ?? [],
        c.resolved ?? [],
        c.sendResolved ?? false,
        NOW - (c.repeatMs ?? 0),
      ] as const
      assert.equal(needsUpdate(...args), c.want)
      // The reason the debug log gives agrees with the verdict, row by row.
      const reason = updateReason(...args)
      assert.equal(reason.send, c.want)
      assert.ok(reason.why.length > 0)
    })
  }

  // Newer Alertmanager's NotifyReason for each verdict (notify/dedup_stage.go needsUpdate at
  // 68fb2d5), which the dedup stage hands notifiers as ctx.notificationReason.
  const reasons: readonly (readonly [
    string,
    NflogEntry | undefined,
    bigint[],
    bigint[],
    string,
  ])[] = [
    // Never notified, something fires.
    ['never notified', undefined, [1n], [], 'first notification'],
    // Never notified, nothing fires.
    ['never notified, nothing firing', undefined, [], [1n], 'none'],
    // New firing alerts after a notification that listed some.
    ['new firing', entry({ firingAlerts: [1n] }), [1n, 2n], [], 'new alerts added'],
    // New firing alerts after a notification that listed none: a first one again.
    [
      'firing after all resolved',
      entry({ resolvedAlerts: [1n], timestamp: NOW - MIN }),
      [2n],
      [1n],
      'first notification',
    ],
    // Everything resolved since.
    ['all resolved', entry({ firingAlerts: [1n] }), [], [1n], 'all alerts resolved'],
    // Some resolved, send_resolved on.
    [
      'some resolved',
      entry({ firingAlerts: [1n, 2n], timestamp: NOW - MIN }),
      [1n],
      [2n],
      'some alerts resolved',
    ],
    // Unchanged after repeat_interval.
    [
      'repeat',
      entry({ firingAlerts: [1n], timestamp: NOW - 11 * MIN }),
      [1n],
      [],
      'repeat interval elapsed',
    ],
    // Unchanged before it.
    ['unchanged', entry({ firingAlerts: [1n], timestamp: NOW - MIN }), [1n], [], 'none'],
  ]
  for (const [name, e, firing, resolved, want] of reasons) {
    it(`gives newer Alertmanager's notification reason: ${name}`, () => {
      assert.equal(updateReason(e, firing, resolved, true, NOW - 10 * MIN).reason, want)
    })
  }
})

/** memoryLog is a NotificationLog holding at most one entry, recording its queries. */
function memoryLog(
  stored: NflogEntry | undefined
): NotificationLog & { queries: [NflogReceiver, string][] } {
  const queries: [NflogReceiver, string][] = []
  return {
    queries,
    query(receiver, groupKey) {
      queries.push([receiver, groupKey])
      return stored
    },
    log() {
      assert.fail('the dedup stage never writes the log')
    },
  }
}

/** notifiedFiring is a log whose one entry lists `a` as firing, written at `timestamp`. */
function notifiedFiring(a: Alert, timestamp: number) {
  return memoryLog(entry({ firingAlerts: [labelsHash(a.labels)], timestamp }))
}

/** notifiedResolved is a log whose one entry lists `a` as resolved, written at `timestamp`. */
function notifiedResolved(a: Alert, timestamp: number) {
  return memoryLog(entry({ resolvedAlerts: [labelsHash(a.labels)], timestamp }))
}

function alert(labels: LabelSet, endsAt: number): Alert {
  return testAlert({ labels, startsAt: NOW - MIN, endsAt, updatedAt: NOW })
}

function context(): NotifyContext {
  return {
    receiver: 'team',
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    repeatIntervalMs: 60 * MIN,
    now: NOW,
    signal: new AbortController().signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  }
}

const RECEIVER: NflogReceiver = { groupName: 'team', integration: 'webhook', idx: 1 }

/**
 * stage is the dedup stage of RECEIVER over `nflog`: quiet, with send_resolved, its clock at NOW,
 * unless a test overrides one of them.
 */
function stage(nflog: NotificationLog, overrides: Partial<DedupOptions> = {}) {
  return dedupStage({
    log: QUIET,
    nflog,
    receiver: RECEIVER,
    sendResolved: true,
    now: () => NOW,
    ...overrides,
  })
}

describe('dedupStage', () => {
  before(async () => {
    await initHashing()
  })

  it('records the xxHash64 of firing (zero end) and resolved alerts in the context', () => {
    const firing = alert({ alertname: 'A', i: '1' }, 0)
    const resolved = alert({ alertname: 'A', i: '2' }, NOW - 1)
    const nflog = memoryLog(undefined)
    const result = stage(nflog)(context(), [firing, resolved])
    assert.deepEqual(result.ctx.firing, [labelsHash(firing.labels)])
    assert.deepEqual(result.ctx.resolved, [labelsHash(resolved.labels)])
    assert.deepEqual(result.alerts, [firing, resolved])
    assert.equal(result.ctx.notificationReason, 'first notification')
    assert.equal(result.ctx.groupKey, context().groupKey)
    assert.deepEqual(nflog.queries, [[RECEIVER, '{}:{alertname="A"}']])
  })

  it('passes no alert on when the log says nothing changed', () => {
    const firing = alert({ alertname: 'A' }, 0)
    const nflog = notifiedFiring(firing, NOW - MIN)
    const result = stage(nflog)(context(), [firing])
    assert.deepEqual(result.alerts, [])
    // The hashes are recorded even then.
    assert.deepEqual(result.ctx.firing, [labelsHash(firing.labels)])
  })

  it('sends nothing when a peer logged a notification after this flush began', () => {
    // This node flushed at NOW with the alert firing, then waited its turn; meanwhile a peer
    // notified the group as resolved. The older snapshot must not re-send "firing".
    const firing = alert({ alertname: 'A' }, 0)
    const nflog = notifiedResolved(firing, NOW + 2_000)
    const result = stage(nflog, { now: () => NOW + 3_000 })(context(), [firing])
    assert.deepEqual(result.alerts, [])
    // An entry from before the flush is judged by Alertmanager's rules: firing is news.
    const older = notifiedResolved(firing, NOW - 1)
    const again = stage(older)(context(), [firing])
    assert.deepEqual(again.alerts, [firing])
  })

  it('ignores annotation changes: only labels are hashed', () => {
    const firing = alert({ alertname: 'A' }, 0)
    const changed = { ...firing, annotations: { summary: 'new text' } }
    const nflog = notifiedFiring(firing, NOW - MIN)
    const result = stage(nflog)(context(), [changed])
    assert.deepEqual(result.alerts, [])
  })

  it('measures repeat_interval against its own clock, not the flush instant', () => {
    const firing = alert({ alertname: 'A' }, 0)
    // Logged 55 minutes before the flush instant; the wall clock is 10 minutes past it, so the
    // one-hour repeat interval has passed by the wall clock but not by the flush instant.
    const nflog = notifiedFiring(firing, NOW - 55 * MIN)
    const late = stage(nflog, { sendResolved: false, now: () => NOW + 10 * MIN })
    assert.deepEqual(late(context(), [firing]).alerts, [firing])
    const onTime = stage(nflog, { sendResolved: false })
    assert.deepEqual(onTime(context(), [firing]).alerts, [])
  })

  it('logs each decision at debug with the group key and why', () => {
    const firing = alert({ alertname: 'A' }, 0)
    const { log, records } = debugLog()
    const first = stage(memoryLog(undefined), { log })
    first(context(), [firing])
    const sent = stage(notifiedFiring(firing, NOW - MIN), { log })
    sent(context(), [firing])
    const byPeer = stage(notifiedFiring(firing, NOW + 5), { log, now: () => NOW + 10 })
    byPeer(context(), [firing])
    assert.deepEqual(
      records.map((r) => [r['msg'], r['aggrGroup'], r['reason'], r['lastNotified']]),
      [
        ['Notification needed', '{}:{alertname="A"}', 'never notified', undefined],
        [
          'Notification already sent',
          '{}:{alertname="A"}',
          'same alerts already notified, repeat_interval not passed',
          new Date(NOW - MIN).toISOString(),
        ],
        [
          'Notification already sent',
          '{}:{alertname="A"}',
          'notified after this flush began',
          new Date(NOW + 5).toISOString(),
        ],
      ]
    )
  })

  it('builds no log record at info level', () => {
    const firing = alert({ alertname: 'A' }, 0)
    let built = 0
    const log = bunyan.createLogger({ name: 't', level: 'info' })
    const original = log.debug.bind(log)
    log.debug = ((...args: unknown[]) => {
      if (args.length > 0) {
        built++
      }
      return (original as (...a: unknown[]) => boolean)(...args)
    }) as typeof log.debug
    stage(memoryLog(undefined), { log })(context(), [firing])
    assert.equal(built, 0)
  })
})
