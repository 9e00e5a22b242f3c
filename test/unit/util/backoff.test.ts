import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { BACKOFF_DEFAULTS, ExponentialBackoff } from '#src/util/backoff.js'

/** take returns the next n delays. */
function take(backoff: ExponentialBackoff, n: number): number[] {
  return Array.from({ length: n }, () => backoff.next())
}

describe('ExponentialBackoff', () => {
  it('uses the Alertmanager 0.25 (cenkalti/backoff) defaults', () => {
    assert.deepEqual(BACKOFF_DEFAULTS, {
      initialIntervalMs: 500,
      multiplier: 1.5,
      randomizationFactor: 0.5,
      maxIntervalMs: 60_000,
    })
  })

  it('grows the interval by 1.5 from 500 ms with Go Duration truncation', () => {
    // Without randomisation the delays are the intervals themselves; 1.6875 s and on are
    // products truncated to whole nanoseconds, as time.Duration(float64(d) * 1.5) does.
    const delays = take(new ExponentialBackoff({ randomizationFactor: 0 }), 8)
    assert.deepEqual(delays, [500, 750, 1125, 1687.5, 2531.25, 3796.875, 5695.3125, 8542.96875])
  })

  it('picks uniformly within ±50 % of the interval, with Go float64 arithmetic', () => {
    const cases = [
      // random 0: the bottom of the window, half the interval.
      { random: 0, want: [250, 375, 562.5] },
      // random 0.5: the middle, i.e. the interval (plus Go's half nanosecond, truncated away).
      { random: 0.5, want: [500, 750, 1125] },
      // random just below 1: the top of the window, interval × 1.5; float64 rounding of Go's
      // +1 ns term yields one extra nanosecond on the second step (same output from Go 1.19).
      { random: 1 - Number.EPSILON, want: [750, 1125.000001, 1687.5] },
    ]
    for (const c of cases) {
      assert.deepEqual(
        take(new ExponentialBackoff({ random: () => c.random }), 3),
        c.want,
        String(c.random)
      )
    }
  })

  it('caps the interval at 60 s and never stops', () => {
    const backoff = new ExponentialBackoff({ randomizationFactor: 0 })
    const delays = take(backoff, 40)
    assert.equal(Math.max(...delays), 60_000)
    assert.equal(delays.at(-1), 60_000)
    // The step that would overshoot the cap lands exactly on it (Go checks before multiplying).
    assert.ok(delays.every((d, i) => i === 0 || d >= (delays[i - 1] ?? 0)))
  })

  it('keeps randomised delays within [30 s, 90 s] once capped', () => {
    let flip = 0
    const backoff = new ExponentialBackoff({ random: () => (flip++ % 2 === 0 ? 0 : 0.999999) })
    const capped = take(backoff, 60).slice(30)
    assert.ok(
      capped.every((d) => d >= 30_000 && d <= 90_000),
      capped.join(',')
    )
  })

  it('starts over after reset', () => {
    const backoff = new ExponentialBackoff({ randomizationFactor: 0 })
    take(backoff, 5)
    backoff.reset()
    assert.deepEqual(take(backoff, 2), [500, 750])
  })

  it('defaults to Math.random and stays within the first window', () => {
    const first = new ExponentialBackoff().next()
    assert.ok(first >= 250 && first <= 750, String(first))
  })
})
