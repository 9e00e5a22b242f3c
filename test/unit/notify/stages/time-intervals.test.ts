import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import type { NotifyContext, TimeIntervalChecker } from '#src/notify/index.js'
import { timeActiveStage, timeMuteStage } from '#src/notify/stages/time-intervals.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const log = bunyan.createLogger({ name: 't', level: 'fatal' })

const ALERT: Alert = {
  labels: { alertname: 'A' },
  annotations: {},
  startsAt: NOW - 1,
  endsAt: 0,
  generatorURL: '',
  updatedAt: NOW,
  timeout: false,
  fingerprint: '0000000000000001',
}

function context(intervals: { mute?: string[]; active?: string[] }): NotifyContext {
  return {
    receiver: 'team',
    groupKey: '{}:{}',
    groupLabels: {},
    repeatIntervalMs: 3_600_000,
    now: NOW,
    signal: new AbortController().signal,
    muteTimeIntervals: intervals.mute ?? [],
    activeTimeIntervals: intervals.active ?? [],
  }
}

/** checker answers from a fixed set of interval names the flush instant lies in. */
function checker(inside: string[], calls: [string, number][] = []): TimeIntervalChecker {
  return (name, instant) => {
    calls.push([name, instant])
    return inside.includes(name)
  }
}

describe('timeActiveStage', () => {
  const cases: { name: string; active: string[]; inside: string[]; passes: boolean }[] = [
    // No active_time_intervals: always active.
    { name: 'no intervals configured', active: [], inside: [], passes: true },
    // Inside the only interval.
    { name: 'inside the interval', active: ['office'], inside: ['office'], passes: true },
    // Inside one of several intervals is enough.
    {
      name: 'inside one of several',
      active: ['office', 'weekend'],
      inside: ['weekend'],
      passes: true,
    },
    // Outside all of them: everything is dropped.
    {
      name: 'outside every interval',
      active: ['office', 'weekend'],
      inside: ['nights'],
      passes: false,
    },
  ]
  for (const c of cases) {
    it(`${c.passes ? 'passes' : 'drops'} the alerts when ${c.name}`, async () => {
      const result = await timeActiveStage(checker(c.inside), log).exec(
        context({ active: c.active }),
        [ALERT]
      )
      assert.deepEqual(result.alerts, c.passes ? [ALERT] : [])
    })
  }

  it('checks the flush instant, not the wall clock', async () => {
    const calls: [string, number][] = []
    await timeActiveStage(checker([], calls), log).exec(context({ active: ['office'] }), [ALERT])
    assert.deepEqual(calls, [['office', NOW]])
  })

  it('ignores the mute intervals', async () => {
    const result = await timeActiveStage(checker(['nights']), log).exec(
      context({ mute: ['nights'] }),
      [ALERT]
    )
    assert.deepEqual(result.alerts, [ALERT])
  })
})

describe('timeMuteStage', () => {
  const cases: { name: string; mute: string[]; inside: string[]; passes: boolean }[] = [
    // No mute_time_intervals: never muted.
    { name: 'no intervals configured', mute: [], inside: ['nights'], passes: true },
    // Outside every mute interval.
    {
      name: 'outside every interval',
      mute: ['nights', 'weekend'],
      inside: ['office'],
      passes: true,
    },
    // Inside any one mute interval: everything is dropped.
    {
      name: 'inside one interval',
      mute: ['nights', 'weekend'],
      inside: ['weekend'],
      passes: false,
    },
  ]
  for (const c of cases) {
    it(`${c.passes ? 'passes' : 'drops'} the alerts when ${c.name}`, async () => {
      const result = await timeMuteStage(checker(c.inside), log).exec(context({ mute: c.mute }), [
        ALERT,
      ])
      assert.deepEqual(result.alerts, c.passes ? [ALERT] : [])
    })
  }

  it('checks the flush instant and keeps the context', async () => {
    const calls: [string, number][] = []
    const ctx = context({ mute: ['nights'] })
    const result = await timeMuteStage(checker([], calls), log).exec(ctx, [ALERT])
    assert.deepEqual(calls, [['nights', NOW]])
    assert.equal(result.ctx, ctx)
  })
})
