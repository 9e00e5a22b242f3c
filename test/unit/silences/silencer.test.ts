import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { fingerprint } from '#src/labels/index.js'
import { Silencer } from '#src/silences/index.js'

import { HOUR, MIN, clock, eq, openMemory, re, setUnsigned } from './helpers.js'

describe('Silencer', () => {
  it('follows 0.25 TestSilencer, including issue #2426 (pending turning active)', async () => {
    const c = clock()
    const ss = await openMemory(c)
    const s = new Silencer(ss)
    const foo = { foo: 'bar' }
    let now = c.now()

    assert.equal(s.mutes(foo), false, 'not silenced without any silences')

    await setUnsigned(ss, {
      matchers: [eq('foo', 'baz')],
      startsAt: now - HOUR,
      endsAt: now + 5 * MIN,
    })
    assert.equal(s.mutes(foo), false, 'not silenced by a non-matching silence')

    const id = await setUnsigned(ss, {
      matchers: [eq('foo', 'bar')],
      startsAt: now - HOUR,
      endsAt: now + 5 * MIN,
    })
    assert.equal(s.mutes(foo), true, 'silenced by a matching silence')

    // One hour passes, the silence expires.
    c.add(HOUR)
    now = c.now()
    assert.equal(s.mutes(foo), false, 'not silenced by an expired silence')

    // Updating the expired silence to start in the future creates a pending one.
    await setUnsigned(ss, {
      id,
      matchers: [eq('foo', 'bar')],
      startsAt: now + HOUR,
      endsAt: now + 3 * HOUR,
    })
    assert.equal(s.mutes(foo), false, 'not silenced by a future silence')

    // Two hours pass, the silence becomes active without any version change (#2426).
    c.add(2 * HOUR)
    now = c.now()
    assert.equal(s.mutes(foo), true, 'silenced by an activated silence')

    await setUnsigned(ss, {
      matchers: [re('foo', 'b..')],
      startsAt: now + HOUR,
      endsAt: now + 3 * HOUR,
    })
    assert.equal(s.mutes(foo), true, 'still silenced by the activated silence')

    // Two hours pass: the first expires, the overlapping second becomes active.
    c.add(2 * HOUR)
    assert.equal(s.mutes(foo), true, 'silenced by the activated second silence')
  })

  it('reports the sorted active and pending ids for the API', async () => {
    const c = clock()
    const ss = await openMemory(c)
    const now = c.now()
    const ids = await Promise.all(
      [0, 1, 2].map(() =>
        setUnsigned(ss, {
          matchers: [eq('a', 'b')],
          startsAt: now,
          endsAt: now + HOUR,
        })
      )
    )
    const later = await setUnsigned(ss, {
      matchers: [eq('a', 'b')],
      startsAt: now + MIN,
      endsAt: now + HOUR,
    })
    const labels = { a: 'b' }
    const silencer = new Silencer(ss)
    assert.deepEqual(silencer.status(labels, fingerprint(labels)), {
      silencedBy: [...ids].sort(),
      pendingBy: [later],
    })
    // A second Silencer shares the store's cache.
    assert.equal(new Silencer(ss).mutes(labels, fingerprint(labels)), true)
    assert.equal(ss.cachedAlerts, 1)
  })
})
