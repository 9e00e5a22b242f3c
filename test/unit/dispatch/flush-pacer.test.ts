import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { FlushPacer } from '#src/dispatch/flush-pacer.js'

/** nextTurn resolves after the pacer's end-of-turn callback (a setImmediate) has run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** busy keeps the thread for `ms`, as an expensive flush start does. */
function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

describe('FlushPacer', () => {
  it('starts a lone flush at once, in the caller', () => {
    const pacer = new FlushPacer()
    let started = false
    pacer.run(() => {
      started = true
    })
    assert.equal(started, true)
  })

  it('spreads a storm over turns and keeps the order', async () => {
    const pacer = new FlushPacer()
    const started: number[] = []
    for (let i = 0; i < 1000; i++) {
      pacer.run(() => started.push(i))
    }
    // The first turn's allowance (64) runs at once; the rest waits for later turns.
    assert.equal(started.length, 64)
    let turns = 0
    const startedSoFar = (): number => started.length
    while (startedSoFar() < 1000) {
      await nextTurn()
      turns++
      assert.ok(turns < 100, 'the queue drains')
    }
    assert.ok(turns > 1, `took ${turns} turns`)
    assert.deepEqual(
      started,
      Array.from({ length: 1000 }, (_, i) => i)
    )
  })

  it('lets a later flush wait behind queued ones instead of overtaking them', async () => {
    const pacer = new FlushPacer()
    const started: string[] = []
    for (let i = 0; i < 100; i++) {
      pacer.run(() => started.push(`storm-${i}`))
    }
    await nextTurn()
    pacer.run(() => started.push('late'))
    while (!started.includes('late')) {
      await nextTurn()
    }
    assert.equal(started.at(-1), 'late')
    assert.equal(started.length, 101)
  })

  it('starts fewer flushes per turn when their turns overrun the budget', async () => {
    const pacer = new FlushPacer()
    const perTurn: number[] = []
    let count = 0
    for (let i = 0; i < 300; i++) {
      pacer.run(() => {
        count++
        busy(1)
      })
    }
    perTurn.push(count)
    while (count < 300) {
      const before = count
      await nextTurn()
      perTurn.push(count - before)
    }
    // 64 starts of 1 ms overrun 10 ms: the allowance halves each turn down to what fits.
    assert.equal(perTurn[0], 64)
    assert.ok((perTurn[1] ?? 0) <= 32, `second turn started ${perTurn[1]}`)
    assert.ok(Math.min(...perTurn.filter((n) => n > 0)) <= 16, `per turn: ${perTurn.join(',')}`)
  })
})
