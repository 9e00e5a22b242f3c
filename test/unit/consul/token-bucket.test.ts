import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { TokenBucket } from '#src/consul/token-bucket.js'

describe('TokenBucket', () => {
  it('allows a burst, then one take per 1/rate, and refills while idle', async () => {
    let clock = 0
    const sleeps: number[] = []
    const sleep = (ms: number): Promise<void> => {
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    }
    const bucket = new TokenBucket(4, 2, () => clock)
    const signal = new AbortController().signal
    const takenAt: number[] = []
    for (let i = 0; i < 5; i++) {
      await bucket.take(sleep, signal)
      takenAt.push(clock)
    }
    // Burst of 2 at once, then every 250 ms at 4 per second.
    assert.deepEqual(takenAt, [0, 0, 250, 500, 750])
    assert.deepEqual(sleeps, [250, 250, 250])
    // A second idle refills 4 tokens, capped at the burst of 2.
    clock += 1_000
    sleeps.length = 0
    await bucket.take(sleep, signal)
    await bucket.take(sleep, signal)
    assert.deepEqual(sleeps, [])
    await bucket.take(sleep, signal)
    assert.deepEqual(sleeps, [250])
  })

  it('rejects at once when the signal is aborted', async () => {
    const bucket = new TokenBucket(1, 1, () => 0)
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(
      bucket.take(() => Promise.resolve(), controller.signal),
      (err: unknown) => err instanceof Error && err.name === 'AbortError'
    )
  })
})
