import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  DecisionLog,
  NotificationTimeline,
  Ring,
  decodeHistoryAnswer,
  decodeHistoryQuestion,
  encodeHistoryAnswer,
  encodeHistoryQuestion,
} from '#src/history/index.js'
import type { NewDecision } from '#src/history/index.js'

const decision = (groupKey: string, at: number): NewDecision => ({
  at,
  groupKey,
  receiver: 'pager',
  integration: 'webhook[0]',
  kind: 'deduplicated',
  detail: 'same alerts already notified, repeat_interval not passed',
  notifiedAt: at - 1,
})

const entry = (groupKey: string, timestamp: number) => ({
  groupKey,
  receiver: { groupName: 'pager', integration: 'webhook', idx: 0 },
  timestamp,
  firingAlerts: [1n, 2n],
  resolvedAlerts: [3n],
})

describe('Ring', () => {
  it('keeps the newest items, oldest first, however many were pushed', () => {
    const ring = new Ring<number>(3)
    assert.deepEqual(
      ring.filter(() => true),
      []
    )
    ring.push(1)
    ring.push(2)
    assert.deepEqual(
      ring.filter(() => true),
      [1, 2]
    )
    for (let i = 3; i <= 7; i++) {
      ring.push(i)
    }
    assert.equal(ring.size, 3)
    assert.deepEqual(
      ring.filter(() => true),
      [5, 6, 7]
    )
    assert.deepEqual(
      ring.filter((n) => n % 2 === 1),
      [5, 7]
    )
  })
})

describe('DecisionLog', () => {
  it('stamps its node name and answers per group, bounded by its capacity', () => {
    const log = new DecisionLog({ node: 'n1', capacity: 3 })
    log.record(decision('a', 1))
    log.record(decision('b', 2))
    log.record(decision('a', 3))
    log.record(decision('a', 4))
    assert.equal(log.size, 3)
    assert.deepEqual(
      log.forGroups(new Set(['a'])).map((d) => [d.node, d.at]),
      [
        ['n1', 3],
        ['n1', 4],
      ]
    )
    assert.deepEqual(
      log.forGroups(new Set(['b'])).map((d) => d.at),
      [2]
    )
  })
})

describe('DecisionLog repeats', () => {
  it('counts the same decision made again on the one held, and starts afresh once it left', () => {
    // The same verdict against the same nflog entry (notifiedAt 0), flush after flush.
    const again = (at: number): NewDecision => ({ ...decision('a', at), notifiedAt: 0 })
    const log = new DecisionLog({ node: 'n1', capacity: 3 })
    log.record(again(1))
    log.record(again(2))
    log.record(again(3))
    // Another entry behind it, another kind: a decision of its own.
    log.record({ ...decision('a', 4), notifiedAt: 99 })
    log.record({ ...decision('a', 5), kind: 'waited', detail: 'waited 2s as position 1' })
    assert.deepEqual(
      log.forGroups(new Set(['a'])).map((d) => [d.at, d.kind, d.repeats, d.lastAt]),
      [
        [1, 'deduplicated', 3, 3],
        [4, 'deduplicated', undefined, undefined],
        [5, 'waited', undefined, undefined],
      ]
    )
    // The first is pushed out; its next repeat is held anew.
    log.record({ ...decision('b', 6) })
    log.record(again(7))
    assert.deepEqual(
      log.forGroups(new Set(['a'])).map((d) => [d.at, d.repeats]),
      [
        [5, undefined],
        [7, undefined],
      ]
    )
  })
})

describe('NotificationTimeline', () => {
  it('names the sender for its own and for updates, not for a relayed full state', () => {
    const timeline = new NotificationTimeline('n2')
    timeline.add([entry('g', 10)], { via: 'self' })
    timeline.add([entry('g', 20)], { via: 'update', peer: 'n0' })
    timeline.add([entry('g', 30)], { via: 'full_state', peer: 'n1' })
    timeline.add([entry('other', 40)], { via: 'self' })
    assert.deepEqual(
      timeline
        .forGroups(new Set(['g']))
        .map((n) => [n.at, n.node, n.integration, n.firing, n.resolved]),
      [
        [10, 'n2', 'webhook[0]', 2, 1],
        [20, 'n0', 'webhook[0]', 2, 1],
        [30, undefined, 'webhook[0]', 2, 1],
      ]
    )
  })
})

describe('history query wire format', () => {
  it('round-trips a question and an answer, stamping the answering peer', () => {
    assert.deepEqual(decodeHistoryQuestion(encodeHistoryQuestion(['a', 'b'])), new Set(['a', 'b']))
    const log = new DecisionLog({ node: 'n0' })
    log.record(decision('a', 5))
    log.record({ ...decision('a', 6), notifiedAt: 4 })
    const decoded = decodeHistoryAnswer(encodeHistoryAnswer(log.forGroups(new Set(['a']))), 'n1')
    assert.deepEqual(decoded, [{ ...decision('a', 5), node: 'n1', repeats: 2, lastAt: 6 }])
  })

  it('drops malformed decisions and refuses what is not an answer', () => {
    const good = { ...decision('a', 5), node: 'x' }
    const data = Buffer.from(
      JSON.stringify({
        decisions: [
          good,
          { ...good, kind: 'exploded' },
          { ...good, at: 'yesterday' },
          { ...good, detail: 'x'.repeat(10_000) },
          { ...good, notifiedAt: -1 },
          { ...good, repeats: 1, lastAt: 9 },
          { ...good, repeats: 2.5, lastAt: 9 },
          null,
        ],
      })
    )
    assert.deepEqual(decodeHistoryAnswer(data, 'n1'), [{ ...good, node: 'n1' }])
    assert.throws(
      () => decodeHistoryAnswer(Buffer.from('{"decisions":3}'), 'n1'),
      /no decision list/
    )
    assert.throws(() => decodeHistoryAnswer(Buffer.from('<html>'), 'n1'), /not JSON/)
    assert.throws(
      () => decodeHistoryQuestion(Buffer.from(JSON.stringify({ groupKeys: Array(101).fill('k') }))),
      /up to 100 group keys/
    )
  })
})
