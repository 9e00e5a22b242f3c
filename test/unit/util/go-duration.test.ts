import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { formatGoDuration, parseGoDuration } from '#src/util/duration.js'

const S = 1000
const M = 60 * S
const H = 60 * M

describe('parseGoDuration', () => {
  const valid: { text: string; ms: number }[] = [
    // A bare zero needs no unit.
    { text: '0', ms: 0 },
    // Signed zero too.
    { text: '-0', ms: 0 },
    // Go's own String() forms, as kingpin defaults are written.
    { text: '1m0s', ms: M },
    { text: '6h0m0s', ms: 6 * H },
    // Sub-second units.
    { text: '200ms', ms: 200 },
    { text: '1500us', ms: 1.5 },
    { text: '1µs', ms: 0.001 },
    { text: '1μs', ms: 0.001 },
    { text: '100ns', ms: 0.0001 },
    // Fractions, with digits on either side of the dot only.
    { text: '1.5h', ms: 1.5 * H },
    { text: '.5s', ms: 500 },
    { text: '1.s', ms: S },
    // Concatenated units, in any order Go accepts.
    { text: '1h30m', ms: 90 * M },
    { text: '30m1h', ms: 90 * M },
    // Signs apply to the whole duration.
    { text: '-3s', ms: -3 * S },
    { text: '+3s', ms: 3 * S },
    { text: '-1m30s', ms: -90 * S },
    // Unit zero is still a duration.
    { text: '0s', ms: 0 },
  ]
  for (const c of valid) {
    it(`parses ${JSON.stringify(c.text)} as ${c.ms} ms`, () => {
      // Sub-microsecond units are fractions of a millisecond, so compare with a tolerance.
      const got = parseGoDuration(c.text)
      assert.ok(Math.abs(got - c.ms) < 1e-9, `${got} !== ${c.ms}`)
    })
  }

  // Messages as Alertmanager 0.25's kingpin flags report them (checked against the binary).
  const invalid: { text: string; message: string }[] = [
    // Empty.
    { text: '', message: 'time: invalid duration ""' },
    // Not a number.
    { text: 'abc', message: 'time: invalid duration "abc"' },
    // A lone dot has no digits.
    { text: '.s', message: 'time: invalid duration ".s"' },
    // A sign only.
    { text: '-', message: 'time: invalid duration "-"' },
    // A number without a unit.
    { text: '1', message: 'time: missing unit in duration "1"' },
    // Two dots: the second starts a unit-less part.
    { text: '1..5s', message: 'time: missing unit in duration "1..5s"' },
    // Days are a Prometheus unit, not a Go one.
    { text: '1d', message: 'time: unknown unit "d" in duration "1d"' },
    // An unknown unit after a valid part.
    { text: '1h2x', message: 'time: unknown unit "x" in duration "1h2x"' },
    // A space is part of the unit.
    { text: '1 s', message: 'time: unknown unit " s" in duration "1 s"' },
    // Object property names are not units.
    {
      text: '1constructor',
      message: 'time: unknown unit "constructor" in duration "1constructor"',
    },
    // Double sign.
    { text: '--1s', message: 'time: invalid duration "--1s"' },
  ]
  for (const c of invalid) {
    it(`refuses ${JSON.stringify(c.text)} with Go's message`, () => {
      assert.throws(() => parseGoDuration(c.text), { message: c.message })
    })
  }
})

describe('formatGoDuration', () => {
  const cases: { ms: number; text: string }[] = [
    // Zero.
    { ms: 0, text: '0s' },
    // Below a second: milliseconds.
    { ms: 200, text: '200ms' },
    // Seconds, with a fraction when there is one.
    { ms: 15 * S, text: '15s' },
    { ms: 1500, text: '1.5s' },
    // Minutes always carry seconds.
    { ms: M, text: '1m0s' },
    { ms: 90 * S, text: '1m30s' },
    // Hours carry minutes and seconds.
    { ms: 6 * H, text: '6h0m0s' },
    { ms: 120 * H, text: '120h0m0s' },
    { ms: H + 1500, text: '1h0m1.5s' },
    // Negative.
    { ms: -90 * S, text: '-1m30s' },
  ]
  for (const c of cases) {
    it(`renders ${c.ms} ms as ${c.text}, like time.Duration.String`, () => {
      assert.equal(formatGoDuration(c.ms), c.text)
    })
  }

  it('round-trips through parseGoDuration', () => {
    for (const c of cases) {
      assert.equal(parseGoDuration(formatGoDuration(c.ms)), c.ms)
    }
  })
})
