import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  GO_ZERO_TIME_MS,
  ZERO_TIME_TEXT,
  formatRFC3339Millis,
  formatRFC3339Nano,
  parseRFC3339,
} from '#src/util/time.js'

const T = Date.UTC(2026, 10, 24, 5, 58, 20)

/** utcYear builds an instant in a year below 100, which Date.UTC would map to 19xx. */
function utcYear(year: number, month: number, day: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getTime()
}

describe('formatRFC3339Nano', () => {
  const cases: { name: string; ms: number; want: string }[] = [
    // 0 is the unset instant: Go's zero time.
    { name: 'the unset instant', ms: 0, want: ZERO_TIME_TEXT },
    // Whole seconds: no fraction at all.
    { name: 'whole seconds', ms: T, want: '2026-11-24T05:58:20Z' },
    // Trailing zeros trimmed.
    { name: 'half a second', ms: T + 500, want: '2026-11-24T05:58:20.5Z' },
    // Only trailing zeros are trimmed.
    { name: '120 ms', ms: T + 120, want: '2026-11-24T05:58:20.12Z' },
    // Leading zeros kept.
    { name: '1 ms', ms: T + 1, want: '2026-11-24T05:58:20.001Z' },
    // Before the epoch.
    { name: 'just before the epoch', ms: -1, want: '1969-12-31T23:59:59.999Z' },
  ]
  for (const c of cases) {
    it(`renders ${c.name} as Go's RFC3339Nano`, () => {
      assert.equal(formatRFC3339Nano(c.ms), c.want)
    })
  }
})

describe('formatRFC3339Millis', () => {
  const cases: { name: string; ms: number; want: string }[] = [
    // The unset instant, with strfmt's three digits.
    { name: 'the unset instant', ms: 0, want: '0001-01-01T00:00:00.000Z' },
    // Whole seconds keep .000.
    { name: 'whole seconds', ms: T, want: '2026-11-24T05:58:20.000Z' },
    // Zeros are not trimmed.
    { name: '900 ms', ms: T + 900, want: '2026-11-24T05:58:20.900Z' },
  ]
  for (const c of cases) {
    it(`renders ${c.name} with exactly three fractional digits`, () => {
      assert.equal(formatRFC3339Millis(c.ms), c.want)
    })
  }
})

describe('parseRFC3339', () => {
  const valid: { name: string; text: string; want: number }[] = [
    // UTC without fraction.
    { name: 'UTC, no fraction', text: '2026-11-24T05:58:20Z', want: T },
    // A fraction of any length; below a millisecond it is truncated, not rounded.
    { name: 'one fractional digit', text: '2026-11-24T05:58:20.5Z', want: T + 500 },
    { name: 'nanoseconds', text: '2026-11-24T05:58:20.908508512Z', want: T + 908 },
    { name: 'truncated, not rounded', text: '2026-11-24T05:58:20.9999Z', want: T + 999 },
    // Positive offset: the instant is earlier in UTC.
    { name: 'a positive offset', text: '2026-11-24T06:58:20+01:00', want: T },
    // Negative offset with minutes.
    { name: 'a negative offset with minutes', text: '2026-11-24T00:28:20-05:30', want: T },
    // An explicit zero offset.
    { name: 'a +00:00 offset', text: '2026-11-24T05:58:20+00:00', want: T },
    // Offset and fraction together.
    { name: 'offset and fraction', text: '2026-11-24T07:58:20.25+02:00', want: T + 250 },
    // February 29 in a leap year, including a 400-year one.
    { name: 'February 29, 2024', text: '2024-02-29T00:00:00Z', want: Date.UTC(2024, 1, 29) },
    { name: 'February 29, 2000', text: '2000-02-29T00:00:00Z', want: Date.UTC(2000, 1, 29) },
    // The last second of a day.
    { name: '23:59:59', text: '2026-12-31T23:59:59Z', want: Date.UTC(2026, 11, 31, 23, 59, 59) },
    // Years below 100 are not mapped to 19xx.
    { name: 'year 50', text: '0050-06-01T00:00:00Z', want: utcYear(50, 6, 1) },
  ]
  for (const c of valid) {
    it(`parses ${c.name}`, () => {
      assert.equal(parseRFC3339(c.text), c.want)
    })
  }

  const zero: { name: string; text: string }[] = [
    // What amtool and the Go client send for "unset".
    { name: 'plain', text: '0001-01-01T00:00:00Z' },
    // With millisecond digits.
    { name: 'with a fraction', text: '0001-01-01T00:00:00.000Z' },
    // The same instant written with an offset.
    { name: 'with an offset', text: '0001-01-01T01:00:00+01:00' },
  ]
  for (const c of zero) {
    it(`maps Go's zero time (${c.name}) to 0, the unset instant`, () => {
      assert.equal(parseRFC3339(c.text), 0)
    })
  }

  it('does not map instants near the zero time to 0', () => {
    assert.equal(parseRFC3339('0001-01-01T00:00:01Z'), GO_ZERO_TIME_MS + 1000)
  })

  const invalid: { name: string; text: string }[] = [
    // Not a date-time.
    { name: 'a word', text: 'yesterday' },
    // Date only.
    { name: 'a date without time', text: '2026-11-24' },
    // No zone.
    { name: 'no zone', text: '2026-11-24T05:58:20' },
    // Single-digit fields.
    { name: 'a one-digit month', text: '2026-1-24T05:58:20Z' },
    // A fraction without digits.
    { name: 'a bare dot', text: '2026-11-24T05:58:20.Z' },
    // An offset without a colon.
    { name: 'an offset without colon', text: '2026-11-24T05:58:20+0100' },
    // Out-of-range fields, which Go refuses ("month/day/hour/minute/second out of range").
    { name: 'month 13', text: '2026-13-01T00:00:00Z' },
    { name: 'month 0', text: '2026-00-01T00:00:00Z' },
    { name: 'day 0', text: '2026-11-00T00:00:00Z' },
    { name: 'November 31', text: '2026-11-31T00:00:00Z' },
    { name: 'February 30', text: '2024-02-30T00:00:00Z' },
    { name: 'February 29 in a common year', text: '2023-02-29T00:00:00Z' },
    { name: 'February 29, 1900', text: '1900-02-29T00:00:00Z' },
    { name: 'hour 24', text: '2026-11-24T24:00:00Z' },
    { name: 'minute 60', text: '2026-11-24T05:60:00Z' },
    { name: 'second 60', text: '2026-11-24T05:58:60Z' },
  ]
  for (const c of invalid) {
    it(`refuses ${c.name}`, () => {
      assert.equal(parseRFC3339(c.text), undefined)
    })
  }

  it('round-trips with formatRFC3339Nano', () => {
    for (const ms of [T, T + 1, T + 500, T + 999, 0]) {
      assert.equal(parseRFC3339(formatRFC3339Nano(ms)), ms)
    }
  })
})
