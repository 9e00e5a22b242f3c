import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { AlertStore } from '#src/alerts/index.js'
import type { Alert } from '#src/alerts/index.js'
import { fingerprint } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const MIN = 60_000

function alert(labels: LabelSet, overrides: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: {},
    startsAt: T0,
    endsAt: T0 + 5 * MIN,
    generatorURL: '',
    updatedAt: T0,
    timeout: false,
    fingerprint: fingerprint(labels),
    ...overrides,
  }
}

/** clock is a settable time source for the store. */
function clock(start = T0): { now: () => number; set: (ms: number) => void } {
  let current = start
  return {
    now: () => current,
    set: (ms) => {
      current = ms
    },
  }
}

describe('AlertStore.put', () => {
  it('stores alerts by fingerprint', () => {
    const store = new AlertStore({ now: clock().now })
    const a = alert({ alertname: 'A' })
    const b = alert({ alertname: 'B' })
    store.put([a, b])
    assert.equal(store.size, 2)
    assert.equal(store.get(a.fingerprint), a)
    assert.equal(store.get(b.fingerprint), b)
    assert.equal(store.get('ffffffffffffffff'), undefined)
    assert.deepEqual([...store.values()], [a, b])
  })

  it('merges an update whose activity range overlaps the stored one', () => {
    const time = clock(T0 + MIN)
    const store = new AlertStore({ now: time.now })
    // Explicit end at +5m, then a newer version starting inside that range with a synthesised
    // (timeout) end at +3m: the explicit later end and the earlier start survive.
    store.put([alert({ alertname: 'A' }, { startsAt: T0, endsAt: T0 + 5 * MIN })])
    const update = alert(
      { alertname: 'A' },
      {
        startsAt: T0 + MIN,
        endsAt: T0 + 3 * MIN,
        updatedAt: T0 + MIN,
        timeout: true,
        annotations: { v: '2' },
      }
    )
    store.put([update])
    const stored = store.get(update.fingerprint)
    assert.ok(stored)
    assert.equal(stored.startsAt, T0)
    assert.equal(stored.endsAt, T0 + 5 * MIN)
    assert.deepEqual(stored.annotations, { v: '2' })
    assert.equal(stored.updatedAt, T0 + MIN)
  })

  it('replaces a resolved alert outright when it fires again', () => {
    const time = clock(T0 + 10 * MIN)
    const store = new AlertStore({ now: time.now })
    store.put([alert({ alertname: 'A' }, { startsAt: T0, endsAt: T0 + MIN })])
    // Starts after the stored one ended: no overlap, so its start is not pulled back to T0.
    const refired = alert(
      { alertname: 'A' },
      { startsAt: T0 + 10 * MIN, endsAt: T0 + 15 * MIN, updatedAt: T0 + 10 * MIN }
    )
    store.put([refired])
    assert.equal(store.get(refired.fingerprint), refired)
    assert.equal(store.size, 1)
  })

  it('replaces when the update has the same start and a later end', () => {
    const store = new AlertStore({ now: clock().now })
    store.put([alert({ alertname: 'A' }, { annotations: { v: '1' } })])
    const update = alert(
      { alertname: 'A' },
      { endsAt: T0 + 10 * MIN, updatedAt: T0 + 1, annotations: { v: '2' } }
    )
    store.put([update])
    assert.equal(store.get(update.fingerprint), update)
  })

  it('hands every stored alert, merged, to every subscriber in order', () => {
    const store = new AlertStore({ now: clock(T0 + MIN).now })
    const first: Alert[] = []
    const second: Alert[] = []
    store.subscribe((a) => first.push(a))
    store.subscribe((a) => second.push(a))
    const a = alert({ alertname: 'A' })
    const b = alert({ alertname: 'B' })
    const a2 = alert(
      { alertname: 'A' },
      { startsAt: T0 + MIN, endsAt: T0 + 2 * MIN, updatedAt: T0 + MIN }
    )
    store.put([a, b])
    store.put([a2])
    assert.equal(first.length, 3)
    assert.equal(first[0], a)
    assert.equal(first[1], b)
    // The third delivery is the merged version (explicit later end kept), not a2 itself.
    assert.equal(first[2]?.endsAt, T0 + 5 * MIN)
    assert.equal(first[2], store.get(a.fingerprint))
    assert.deepEqual(second, first)
  })
})

describe('AlertStore.subscribe', () => {
  it('replays every stored alert, resolved ones included, before live updates', () => {
    const store = new AlertStore({ now: clock(T0 + 10 * MIN).now })
    const resolved = alert({ alertname: 'Resolved' }, { endsAt: T0 + MIN })
    const firing = alert({ alertname: 'Firing' }, { endsAt: T0 + 20 * MIN })
    store.put([resolved, firing])
    const seen: string[] = []
    store.subscribe((a) => seen.push(a.labels['alertname'] ?? ''))
    assert.deepEqual(seen, ['Resolved', 'Firing'])
    store.put([alert({ alertname: 'Live' })])
    assert.deepEqual(seen, ['Resolved', 'Firing', 'Live'])
  })

  it('stops delivering after unsubscribe', () => {
    const store = new AlertStore({ now: clock().now })
    const seen: Alert[] = []
    const unsubscribe = store.subscribe((a) => seen.push(a))
    store.put([alert({ alertname: 'A' })])
    unsubscribe()
    store.put([alert({ alertname: 'B' })])
    assert.equal(seen.length, 1)
  })
})

describe('AlertStore.gc', () => {
  it('removes alerts resolved at gc time and reports each removal', () => {
    const time = clock(T0)
    const deleted: string[] = []
    const store = new AlertStore({ now: time.now, onDelete: (fp) => deleted.push(fp) })
    const cases: { alert: Alert; kept: boolean }[] = [
      // Ended before gc time: removed.
      { alert: alert({ alertname: 'Past' }, { endsAt: T0 + MIN }), kept: false },
      // Ends exactly at gc time: resolved (endsAt <= now), removed.
      { alert: alert({ alertname: 'Boundary' }, { endsAt: T0 + 2 * MIN }), kept: false },
      // Ends after gc time: still firing, kept.
      { alert: alert({ alertname: 'Future' }, { endsAt: T0 + 3 * MIN }), kept: true },
    ]
    store.put(cases.map((c) => c.alert))
    time.set(T0 + 2 * MIN)
    assert.equal(store.gc(), 2)
    for (const c of cases) {
      assert.equal(
        store.get(c.alert.fingerprint) !== undefined,
        c.kept,
        c.alert.labels['alertname']
      )
    }
    assert.deepEqual(
      deleted.sort(),
      cases
        .filter((c) => !c.kept)
        .map((c) => c.alert.fingerprint)
        .sort()
    )
    assert.equal(store.gc(), 0)
  })

  it('lets alerts resolve by themselves as time passes, without an update', () => {
    const time = clock(T0)
    const store = new AlertStore({ now: time.now })
    store.put([alert({ alertname: 'A' }, { endsAt: T0 + MIN, timeout: true })])
    assert.equal(store.gc(), 0)
    time.set(T0 + MIN)
    assert.equal(store.gc(), 1)
    assert.equal(store.size, 0)
  })
})
