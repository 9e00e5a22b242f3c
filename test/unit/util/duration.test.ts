import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  DurationError,
  formatDuration,
  formatGoDuration,
  parseDuration,
  parseGoDuration,
} from '#src/util/duration.js'
import { AlertmeshError } from '#src/util/index.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('parseDuration', () => {
  const valid: [string, number, string][] = [
    ['0', 0, 'a bare 0 needs no unit'],
    ['0s', 0, 'zero with a unit'],
    ['30s', 30 * S, 'seconds'],
    ['5m', 5 * M, 'minutes'],
    ['4h', 4 * H, 'hours'],
    ['1d', D, 'days are 24h'],
    ['1w', 7 * D, 'weeks are 7d'],
    ['1y', 365 * D, 'years are 365d'],
    ['1h30m', 90 * M, 'units concatenate largest first'],
    ['1y1w1d1h1m1s1ms', 365 * D + 7 * D + D + H + M + S + 1, 'every unit once'],
    ['1500ms', 1500, 'milliseconds'],
    ['90s', 90 * S, 'a unit may exceed the next one up'],
  ]
  for (const [text, ms, why] of valid) {
    it(`parses ${JSON.stringify(text)} (${why})`, () => {
      assert.equal(parseDuration(text), ms)
    })
  }

  const invalid: [string, string, string][] = [
    ['5x', 'not a valid duration string: "5x"', 'unknown unit'],
    ['30', 'not a valid duration string: "30"', 'a non-zero number needs a unit'],
    ['1m1h', 'not a valid duration string: "1m1h"', 'units out of order'],
    ['1.5h', 'not a valid duration string: "1.5h"', 'no fractions'],
    ['-1m', 'not a valid duration string: "-1m"', 'no sign'],
    [' 1m', 'not a valid duration string: " 1m"', 'no surrounding space'],
    ['', 'empty duration string', 'empty text'],
    ['300y', 'duration out of range', 'past ~292 years overflows int64 nanoseconds'],
  ]
  for (const [text, message, why] of invalid) {
    it(`rejects ${JSON.stringify(text)} with Prometheus' message (${why})`, () => {
      assert.throws(
        () => parseDuration(text),
        (err: unknown) =>
          err instanceof DurationError &&
          err instanceof AlertmeshError &&
          err.code === 'AM_DURATION_INVALID' &&
          err.message === message
      )
    })
  }
})

describe('formatDuration', () => {
  const rows: [number, string, string][] = [
    [0, '0s', 'zero is 0s'],
    [5 * M, '5m', 'minutes'],
    [4 * H, '4h', 'hours'],
    [D, '1d', 'one day'],
    [7 * D, '1w', 'one week'],
    [365 * D, '1y', 'one year'],
    [90 * M, '1h30m', 'mixed units'],
    [90 * D, '90d', 'weeks only when they divide exactly (not 12w6d)'],
    [14 * D, '2w', 'exact weeks'],
    [366 * D, '366d', 'neither years nor weeks divide 366 days'],
    [90 * S, '1m30s', 'seconds'],
    [1001, '1s1ms', 'milliseconds'],
    [1500.9, '1s500ms', 'fractions of a millisecond are truncated'],
  ]
  for (const [ms, text, why] of rows) {
    it(`renders ${ms} ms as ${text} (${why})`, () => {
      assert.equal(formatDuration(ms), text)
    })
  }

  it('round-trips through parseDuration', () => {
    for (const text of ['30s', '5m', '4h', '1d', '1w', '1y', '1h30m', '1d1h1m1s1ms']) {
      assert.equal(formatDuration(parseDuration(text)), text)
    }
  })
})

describe('parseGoDuration', () => {
  const valid: [string, number, string][] = [
    ['0', 0, 'bare zero'],
    ['1m', M, 'minutes'],
    ['1h30m', 90 * M, 'mixed units'],
    ['1.5s', 1500, 'decimal fractions'],
    ['300ms', 300, 'milliseconds'],
    ['1us', 0.001, 'microseconds'],
    ['1µs', 0.001, 'micro sign'],
    ['-2m', -2 * M, 'negative'],
    ['+2m', 2 * M, 'explicit plus'],
    ['.5h', 30 * M, 'fraction without an integer part'],
  ]
  for (const [text, ms, why] of valid) {
    it(`parses ${JSON.stringify(text)} (${why})`, () => {
      assert.equal(parseGoDuration(text), ms)
    })
  }

  const invalid: [string, string, string][] = [
    ['x', 'time: invalid duration "x"', 'no number'],
    ['', 'time: invalid duration ""', 'empty'],
    ['5', 'time: missing unit in duration "5"', 'number without unit'],
    ['1d', 'time: unknown unit "d" in duration "1d"', 'Go has no days'],
    ['.s', 'time: invalid duration ".s"', 'a point without digits'],
  ]
  for (const [text, message, why] of invalid) {
    it(`rejects ${JSON.stringify(text)} with Go's message (${why})`, () => {
      assert.throws(() => parseGoDuration(text), { name: 'DurationError', message })
    })
  }
})

describe('formatGoDuration', () => {
  const rows: [number, string, string][] = [
    [0, '0s', 'zero'],
    [M, '1m0s', 'whole minutes keep 0s'],
    [H, '1h0m0s', 'whole hours keep 0m0s'],
    [90 * S, '1m30s', 'minutes and seconds'],
    [1500, '1.5s', 'fractional seconds'],
    [300, '300ms', 'below a second: ms'],
    [0.005, '5µs', 'below a millisecond: µs'],
    [0.0000004, '0s', 'below half a nanosecond rounds to 0'],
    [1.2, '1.2ms', 'fractional milliseconds'],
    [-M, '-1m0s', 'negative'],
  ]
  for (const [ms, text, why] of rows) {
    it(`renders ${ms} ms as ${text} (${why})`, () => {
      assert.equal(formatGoDuration(ms), text)
    })
  }
})
