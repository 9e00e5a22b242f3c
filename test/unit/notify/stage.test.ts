import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { byReceiver, fanout, sequence } from '#src/notify/index.js'
import type { NotifyContext, Stage } from '#src/notify/index.js'

import { testAlert } from '../../support/fixtures.js'

function context(receiver = 'team'): NotifyContext {
  return {
    receiver,
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    repeatIntervalMs: 3_600_000,
    now: Date.UTC(2024, 0, 1),
    signal: new AbortController().signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
  }
}

function alert(name: string): Alert {
  return testAlert({ labels: { alertname: name }, fingerprint: name.padStart(16, '0') })
}

const A = alert('A')
const B = alert('B')

/** step is a stage that logs its name and passes on what `keep` keeps. */
function step(name: string, trace: string[], keep: (a: Alert) => boolean = () => true): Stage {
  return {
    exec(ctx, alerts) {
      trace.push(name)
      return Promise.resolve({ ctx, alerts: alerts.filter(keep) })
    },
  }
}

describe('sequence', () => {
  it('runs stages in order, each on the previous result', async () => {
    const trace: string[] = []
    const seen: (readonly Alert[])[] = []
    const spy: Stage = {
      exec(ctx, alerts) {
        seen.push(alerts)
        return Promise.resolve({ ctx, alerts })
      },
    }
    const result = await sequence(
      step('drop-b', trace, (a) => a !== B),
      spy,
      step('last', trace)
    ).exec(context(), [A, B])
    assert.deepEqual(trace, ['drop-b', 'last'])
    assert.deepEqual(seen, [[A]])
    assert.deepEqual(result.alerts, [A])
  })

  it('stops successfully as soon as no alert is left', async () => {
    const trace: string[] = []
    const result = await sequence(
      step('first', trace),
      step('drop-all', trace, () => false),
      step('never', trace)
    ).exec(context(), [A])
    assert.deepEqual(trace, ['first', 'drop-all'])
    assert.deepEqual(result.alerts, [])
  })

  it('runs no stage for an empty input', async () => {
    const trace: string[] = []
    const ctx = context()
    const result = await sequence(step('first', trace)).exec(ctx, [])
    assert.deepEqual(trace, [])
    assert.equal(result.ctx, ctx)
  })

  it('passes on the context a stage returns', async () => {
    const widen: Stage = {
      exec(ctx, alerts) {
        return Promise.resolve({ ctx: { ...ctx, groupKey: 'changed' }, alerts })
      },
    }
    let seenKey = ''
    const read: Stage = {
      exec(ctx, alerts) {
        seenKey = ctx.groupKey
        return Promise.resolve({ ctx, alerts })
      },
    }
    await sequence(widen, read).exec(context(), [A])
    assert.equal(seenKey, 'changed')
  })

  it('rejects with the error of the failing stage and runs nothing after it', async () => {
    const trace: string[] = []
    const failing: Stage = { exec: () => Promise.reject(new Error('stage failed')) }
    await assert.rejects(
      sequence(failing, step('after', trace)).exec(context(), [A]),
      /stage failed/
    )
    assert.deepEqual(trace, [])
  })
})

describe('fanout', () => {
  it('runs every branch concurrently on the same input and returns the input', async () => {
    const started: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const branch = (name: string): Stage => ({
      async exec(ctx) {
        started.push(name)
        await gate
        return { ctx, alerts: [] }
      },
    })
    const ctx = context()
    const pending = fanout([branch('one'), branch('two')]).exec(ctx, [A, B])
    await new Promise<void>((resolve) => setImmediate(resolve))
    // Both branches are running before either has finished.
    assert.deepEqual(started, ['one', 'two'])
    release()
    const result = await pending
    assert.equal(result.ctx, ctx)
    assert.deepEqual(result.alerts, [A, B])
  })

  it('waits for every branch and joins all failures with "; "', async () => {
    let slowDone = false
    const slow: Stage = {
      async exec(ctx, alerts) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        slowDone = true
        return { ctx, alerts }
      },
    }
    const failing = (message: string): Stage => ({ exec: () => Promise.reject(new Error(message)) })
    const err = await fanout([failing('webhook[0] down'), slow, failing('webhook[1] down')])
      .exec(context(), [A])
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e
      )
    assert.ok(err instanceof AggregateError)
    assert.equal(err.message, 'webhook[0] down; webhook[1] down')
    assert.equal(err.errors.length, 2)
    assert.equal(slowDone, true, 'the slow branch settled before the rejection')
  })

  it('reports non-Error rejections by their string form', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    const odd: Stage = { exec: () => Promise.reject('plain string') }
    await assert.rejects(fanout([odd]).exec(context(), [A]), { message: 'plain string' })
  })

  it('succeeds with no branches', async () => {
    const result = await fanout([]).exec(context(), [A])
    assert.deepEqual(result.alerts, [A])
  })
})

describe('byReceiver', () => {
  it("runs the stage of the flush's receiver only", async () => {
    const trace: string[] = []
    const stage = byReceiver(
      new Map([
        ['team', step('team', trace)],
        ['other', step('other', trace)],
      ])
    )
    await stage.exec(context('other'), [A])
    assert.deepEqual(trace, ['other'])
  })

  it('fails for a receiver it has no stage for', async () => {
    await assert.rejects(byReceiver(new Map()).exec(context('ghost'), [A]), {
      message: 'stage for receiver missing: ghost',
    })
  })
})
