import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MuteCache } from '#src/silences/mute-cache.js'
import type { MuteEntry } from '#src/silences/mute-cache.js'

import { MIN, clock } from './helpers.js'

const ENTRY: MuteEntry = { active: ['s'], pending: [], version: 1 }

describe('MuteCache', () => {
  it('keeps an entry used at least once per ttl', () => {
    const c = clock()
    const cache = new MuteCache(10 * MIN, c.now)
    cache.set('fp', ENTRY)
    for (let i = 0; i < 10; i++) {
      c.add(9 * MIN)
      assert.equal(cache.get('fp'), ENTRY, `round ${i}`)
    }
  })

  it('forgets an entry unused for two periods', () => {
    const c = clock()
    const cache = new MuteCache(10 * MIN, c.now)
    cache.set('fp', ENTRY)
    // First rotation: the entry moves to the previous generation, still readable.
    c.add(10 * MIN)
    cache.set('other', ENTRY)
    assert.equal(cache.size, 2)
    // Second rotation: the previous generation is dropped.
    c.add(10 * MIN)
    cache.set('other', ENTRY)
    assert.equal(cache.get('fp'), undefined)
    assert.equal(cache.size, 1)
  })

  it('drops both generations after a long idle period or a clock going back', () => {
    const c = clock()
    const cache = new MuteCache(10 * MIN, c.now)
    cache.set('fp', ENTRY)
    c.add(25 * MIN)
    assert.equal(cache.get('fp'), undefined)
    cache.set('fp', ENTRY)
    c.add(-MIN)
    assert.equal(cache.get('fp'), undefined)
  })

  it('stays flat under alert churn', () => {
    const c = clock()
    const cache = new MuteCache(10 * MIN, c.now)
    // 100 new alerts a minute for 10 hours: at most two periods' worth are held.
    for (let minute = 0; minute < 600; minute++) {
      for (let i = 0; i < 100; i++) {
        cache.set(`fp-${minute}-${i}`, ENTRY)
      }
      c.add(MIN)
      assert.ok(cache.size <= 2 * 10 * 100 + 100, `minute ${minute}: ${cache.size}`)
    }
  })

  it('deletes and clears on request', () => {
    const cache = new MuteCache(MIN, clock().now)
    cache.set('a', ENTRY)
    cache.set('b', ENTRY)
    cache.delete('a')
    assert.equal(cache.get('a'), undefined)
    cache.clear()
    assert.equal(cache.size, 0)
  })
})
