import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { mergeAlerts, overlaps } from '#src/alerts/merge.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const MIN = 60_000

/** version builds one version of the same alert (same labels, same fingerprint). */
function version(startsAt: number, endsAt: number, updatedAt: number, timeout = false): Alert {
  return {
    labels: { alertname: 'A' },
    annotations: {},
    startsAt,
    endsAt,
    generatorURL: '',
    updatedAt,
    timeout,
    fingerprint: '0000000000000001',
  }
}

describe('mergeAlerts', () => {
  // Ported from Alertmanager 0.25 types/types_test.go TestAlertMerge. By convention `a` is
  // the older version (earlier updatedAt); the result must not depend on the argument order.
  const cases: { name: string; a: Alert; b: Alert; want: Alert }[] = [
    {
      // Both have the timeout flag: start from a, end from b.
      name: 'both timeout',
      a: version(NOW - 2 * MIN, NOW + 2 * MIN, NOW, true),
      b: version(NOW - MIN, NOW + 3 * MIN, NOW + MIN, true),
      want: version(NOW - 2 * MIN, NOW + 3 * MIN, NOW + MIN, true),
    },
    {
      // Only the older one timed out: its later synthesised end loses to b's explicit end.
      name: 'older timeout, newer explicit',
      a: version(NOW - MIN, NOW + 3 * MIN, NOW, true),
      b: version(NOW, NOW + 2 * MIN, NOW + MIN),
      want: version(NOW - MIN, NOW + 2 * MIN, NOW + MIN),
    },
    {
      // Only the newer one timed out: the older explicit, later end wins; flag from b.
      name: 'older explicit, newer timeout',
      a: version(NOW - MIN, NOW + 3 * MIN, NOW),
      b: version(NOW, NOW + 2 * MIN, NOW + MIN, true),
      want: version(NOW - MIN, NOW + 3 * MIN, NOW + MIN, true),
    },
    {
      // Neither timed out nor resolved: the later explicit end (a's) wins.
      name: 'both explicit, older ends later',
      a: version(NOW - MIN, NOW + 3 * MIN, NOW),
      b: version(NOW, NOW + 2 * MIN, NOW + MIN),
      want: version(NOW - MIN, NOW + 3 * MIN, NOW + MIN),
    },
    {
      // Neither timed out nor resolved: the later explicit end (b's) wins.
      name: 'both explicit, newer ends later',
      a: version(NOW - MIN, NOW + 3 * MIN, NOW),
      b: version(NOW - MIN, NOW + 4 * MIN, NOW + MIN),
      want: version(NOW - MIN, NOW + 4 * MIN, NOW + MIN),
    },
    {
      // a resolved, b firing: b's end, a's earlier start.
      name: 'older resolved, newer firing',
      a: version(NOW - 3 * MIN, NOW - MIN, NOW),
      b: version(NOW - 2 * MIN, NOW + MIN, NOW + MIN),
      want: version(NOW - 3 * MIN, NOW + MIN, NOW + MIN),
    },
    {
      // b resolved (endsAt == now counts as resolved), a firing: b's resolve wins.
      name: 'older firing, newer resolved',
      a: version(NOW - 2 * MIN, NOW + 3 * MIN, NOW),
      b: version(NOW - 2 * MIN, NOW, NOW + MIN),
      want: version(NOW - 2 * MIN, NOW, NOW + MIN),
    },
    {
      // Both resolved: the latest explicit resolve (a's) wins; start from b.
      name: 'both resolved',
      a: version(NOW - 3 * MIN, NOW - MIN, NOW - MIN),
      b: version(NOW - 4 * MIN, NOW - 2 * MIN, NOW + MIN),
      want: version(NOW - 4 * MIN, NOW - MIN, NOW + MIN),
    },
  ]
  for (const c of cases) {
    it(`merges the same way in both argument orders: ${c.name}`, () => {
      assert.deepEqual(mergeAlerts(c.a, c.b, NOW), c.want)
      assert.deepEqual(mergeAlerts(c.b, c.a, NOW), c.want)
    })
  }

  it('takes labels, annotations and generatorURL from the newer version', () => {
    const older = {
      ...version(NOW - MIN, NOW + MIN, NOW),
      annotations: { summary: 'old' },
      generatorURL: 'http://old',
    }
    const newer = {
      ...version(NOW, NOW + MIN, NOW + 1),
      annotations: { summary: 'new' },
      generatorURL: 'http://new',
    }
    const merged = mergeAlerts(older, newer, NOW)
    assert.deepEqual(merged.annotations, { summary: 'new' })
    assert.equal(merged.generatorURL, 'http://new')
    assert.equal(merged.startsAt, NOW - MIN)
  })

  it('returns the newer object itself when its times already win', () => {
    const older = version(NOW, NOW + MIN, NOW)
    const newer = version(NOW, NOW + 2 * MIN, NOW + 1)
    assert.equal(mergeAlerts(older, newer, NOW), newer)
  })

  it('treats the second argument as newer when both were updated at the same instant', () => {
    const a = { ...version(NOW, NOW + MIN, NOW), annotations: { v: 'a' } }
    const b = { ...version(NOW, NOW + MIN, NOW), annotations: { v: 'b' } }
    assert.deepEqual(mergeAlerts(a, b, NOW).annotations, { v: 'b' })
    assert.deepEqual(mergeAlerts(b, a, NOW).annotations, { v: 'a' })
  })
})

describe('overlaps', () => {
  // Stored alert active over [100, 200]; mem.go merges only when the incoming start or end
  // lies strictly inside that range.
  const stored = version(100, 200, 0)
  const cases: { name: string; startsAt: number; endsAt: number; want: boolean }[] = [
    // New end strictly inside the stored range.
    { name: 'end inside', startsAt: 50, endsAt: 150, want: true },
    // New start strictly inside the stored range.
    { name: 'start inside', startsAt: 150, endsAt: 300, want: true },
    // Both inside.
    { name: 'contained', startsAt: 120, endsAt: 180, want: true },
    // Same start, later end: bounds are exclusive, so this replaces (equivalent to a merge).
    { name: 'same start, later end', startsAt: 100, endsAt: 300, want: false },
    // Identical range: neither bound is strictly inside.
    { name: 'identical range', startsAt: 100, endsAt: 200, want: false },
    // Re-firing after the stored version ended.
    { name: 'starts after the stored end', startsAt: 250, endsAt: 300, want: false },
    // Starting exactly at the stored end is not inside either.
    { name: 'starts at the stored end', startsAt: 200, endsAt: 300, want: false },
    // Enclosing the stored range entirely.
    { name: 'encloses', startsAt: 50, endsAt: 300, want: false },
    // Entirely before.
    { name: 'entirely before', startsAt: 10, endsAt: 90, want: false },
  ]
  for (const c of cases) {
    it(`is ${c.want} when the new version ${c.name}`, () => {
      assert.equal(overlaps(stored, version(c.startsAt, c.endsAt, 1)), c.want)
    })
  }
})
