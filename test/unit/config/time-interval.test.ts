import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { timeIntervalContains } from '#src/config/index.js'
import type { TimeInterval } from '#src/config/index.js'
import {
  formatClock,
  formatRange,
  isValidLocation,
  parseRange,
  parseTimeRange,
} from '#src/config/time-interval.js'
import type { RangeKind } from '#src/config/time-interval.js'

describe('parseRange', () => {
  const valid: [RangeKind, string, number, number, string][] = [
    ['weekday', 'monday:friday', 1, 5, 'a weekday range'],
    ['weekday', 'Sunday', 0, 0, 'names are case-insensitive, Sunday is 0'],
    ['weekday', 'SATURDAY:saturday', 6, 6, 'a one-day range'],
    ['day-of-month', '1:5', 1, 5, 'days'],
    ['day-of-month', '-3:-1', -3, -1, 'days counted from the month end'],
    ['day-of-month', '20:-1', 20, -1, 'positive start with a negative end'],
    ['month', 'january:3', 1, 3, 'names and numbers mix'],
    ['month', 'December', 12, 12, 'a month name'],
    ['month', '13', 13, 13, 'month numbers are not range-checked (Alertmanager 0.25)'],
    ['year', '2020:2030', 2020, 2030, 'years'],
  ]
  for (const [kind, text, begin, end, why] of valid) {
    it(`parses ${kind} ${JSON.stringify(text)} (${why})`, () => {
      assert.deepEqual(parseRange(kind, text), { begin, end })
    })
  }

  const invalid: [RangeKind, string, string, string][] = [
    ['weekday', 'friday:monday', 'start day cannot be before end day', 'reversed weekdays'],
    ['weekday', 'Funday', 'funday is not a valid weekday', 'unknown name, shown lower-cased'],
    ['weekday', '1:3', '1 is not a valid weekday', 'weekdays are names only'],
    [
      'weekday',
      'monday:tuesday:friday',
      "couldn't parse range monday:tuesday:friday, invalid format",
      'two colons',
    ],
    ['day-of-month', '10:5', 'end day 5 is always before start day 10', 'reversed days'],
    [
      'day-of-month',
      '-3:5',
      'end day must be negative if start day is negative',
      'negative start, positive end',
    ],
    ['day-of-month', '0', '0 is not a valid day of the month: out of range', 'there is no day 0'],
    ['day-of-month', '-32', '-32 is not a valid day of the month: out of range', 'below -31'],
    ['day-of-month', 'x', 'strconv.Atoi: parsing "x": invalid syntax', 'not a number'],
    ['day-of-month', '-1:-5', 'end day -5 is always before start day -1', 'reversed negative days'],
    ['month', 'March:january', 'end month january is before start month march', 'reversed months'],
    ['month', 'foo', 'foo is not a valid month', 'unknown month'],
    ['year', '2025:2020', 'end year 2020 is before start year 2025', 'reversed years'],
  ]
  for (const [kind, text, message, why] of invalid) {
    it(`refuses ${kind} ${JSON.stringify(text)} (${why})`, () => {
      assert.throws(() => parseRange(kind, text), { message })
    })
  }
})

describe('parseTimeRange', () => {
  it('converts HH:MM to minutes and accepts 24:00 as the end', () => {
    assert.deepEqual(parseTimeRange('17:00', '24:00'), { start_minute: 1020, end_minute: 1440 })
  })
  const invalid: [string, string, string, string][] = [
    ['10:00', '10:00', 'start time cannot be equal or greater than end time', 'empty range'],
    ['10:00', '', 'both start and end times must be provided', 'missing end'],
    ['1:00', '10:00', "couldn't parse timestamp 1:00, invalid format", 'hours need two digits'],
    [
      '24:01',
      '24:30',
      "couldn't parse timestamp 24:01, invalid format",
      'only 24:00 past midnight',
    ],
  ]
  for (const [start, end, message, why] of invalid) {
    it(`refuses ${start}-${end} (${why})`, () => {
      assert.throws(() => parseTimeRange(start, end), { message })
    })
  }
})

describe('formatRange and formatClock', () => {
  it('render ranges as Alertmanager marshals them', () => {
    assert.equal(formatRange('weekday', { begin: 1, end: 5 }), 'monday:friday')
    assert.equal(formatRange('weekday', { begin: 6, end: 6 }), 'saturday')
    assert.equal(formatRange('month', { begin: 1, end: 3 }), '1:3')
    assert.equal(formatRange('day-of-month', { begin: -3, end: -1 }), '-3:-1')
    assert.equal(formatClock(540), '09:00')
    assert.equal(formatClock(1440), '24:00')
  })
})

describe('isValidLocation', () => {
  const rows: [string, boolean, string][] = [
    ['Europe/Berlin', true, 'an IANA zone'],
    ['UTC', true, 'UTC'],
    ['Local', true, "Go's local zone"],
    ['', true, 'empty means UTC'],
    ['Mars/Base', false, 'unknown zone'],
    ['europe/berlin', false, 'zone names are case-sensitive for Go'],
    ['US/Pacific', true, 'a backward-compatible alias'],
    ['../etc', false, 'a path outside the zone database'],
  ]
  for (const [name, ok, why] of rows) {
    it(`${ok ? 'accepts' : 'refuses'} ${JSON.stringify(name)} (${why})`, () => {
      assert.equal(isValidLocation(name), ok)
    })
  }
})

describe('timeIntervalContains', () => {
  // 2024-01-01 is a Monday; 2024 is a leap year.
  const at = (iso: string): number => Date.parse(iso)
  const rows: [string, TimeInterval, string, boolean][] = [
    ['an empty interval matches any time', {}, '2024-01-01T00:00:00Z', true],
    [
      'inside a time range',
      { times: [{ start_minute: 540, end_minute: 1050 }] },
      '2024-01-01T09:00:00Z',
      true,
    ],
    [
      'the end minute is exclusive',
      { times: [{ start_minute: 540, end_minute: 1050 }] },
      '2024-01-01T17:30:00Z',
      false,
    ],
    [
      'up to midnight with 24:00',
      { times: [{ start_minute: 1020, end_minute: 1440 }] },
      '2024-01-01T23:59:59Z',
      true,
    ],
    ['an empty list of times matches nothing', { times: [] }, '2024-01-01T12:00:00Z', false],
    ['Monday in monday:friday', { weekdays: [{ begin: 1, end: 5 }] }, '2024-01-01T12:00:00Z', true],
    [
      'Sunday outside monday:friday',
      { weekdays: [{ begin: 1, end: 5 }] },
      '2024-01-07T12:00:00Z',
      false,
    ],
    [
      'any range of a field may match',
      {
        weekdays: [
          { begin: 1, end: 1 },
          { begin: 0, end: 0 },
        ],
      },
      '2024-01-07T12:00:00Z',
      true,
    ],
    [
      'every present field must match',
      { weekdays: [{ begin: 1, end: 1 }], months: [{ begin: 2, end: 2 }] },
      '2024-01-01T12:00:00Z',
      false,
    ],
    [
      'the last day of a leap February is -1',
      { days_of_month: [{ begin: -1, end: -1 }] },
      '2024-02-29T12:00:00Z',
      true,
    ],
    [
      'February 28 is -2 in a leap year',
      { days_of_month: [{ begin: -1, end: -1 }] },
      '2024-02-28T12:00:00Z',
      false,
    ],
    [
      'February 28 is -1 in other years',
      { days_of_month: [{ begin: -1, end: -1 }] },
      '2023-02-28T12:00:00Z',
      true,
    ],
    [
      'a range ending past the month end is clamped',
      { days_of_month: [{ begin: 25, end: 31 }] },
      '2023-02-28T12:00:00Z',
      true,
    ],
    [
      'a range starting after the month end never matches',
      { days_of_month: [{ begin: 30, end: 31 }] },
      '2023-02-28T12:00:00Z',
      false,
    ],
    [
      '-3:-1 covers the last three days',
      { days_of_month: [{ begin: -3, end: -1 }] },
      '2024-01-29T00:00:00Z',
      true,
    ],
    [
      '-3:-1 excludes the fourth-last day',
      { days_of_month: [{ begin: -3, end: -1 }] },
      '2024-01-28T23:59:00Z',
      false,
    ],
    ['months', { months: [{ begin: 1, end: 3 }] }, '2024-03-31T23:59:00Z', true],
    ['years', { years: [{ begin: 2020, end: 2023 }] }, '2024-01-01T00:00:00Z', false],
    [
      'the location shifts the clock (09:00 Berlin is 08:00 UTC in winter)',
      { times: [{ start_minute: 540, end_minute: 600 }], location: 'Europe/Berlin' },
      '2024-01-01T08:30:00Z',
      true,
    ],
    [
      'the location shifts the weekday (Sunday 23:30 UTC is Monday in Tokyo)',
      { weekdays: [{ begin: 1, end: 1 }], location: 'Asia/Tokyo' },
      '2024-01-07T23:30:00Z',
      true,
    ],
    [
      'daylight saving time is honoured (09:00 Berlin is 07:00 UTC in summer)',
      { times: [{ start_minute: 540, end_minute: 600 }], location: 'Europe/Berlin' },
      '2024-07-01T07:30:00Z',
      true,
    ],
    [
      'without location the clock is UTC',
      { times: [{ start_minute: 540, end_minute: 600 }] },
      '2024-07-01T07:30:00Z',
      false,
    ],
  ]
  for (const [name, interval, iso, want] of rows) {
    it(`${want ? 'contains' : 'excludes'} ${iso}: ${name}`, () => {
      assert.equal(timeIntervalContains(interval, at(iso)), want)
    })
  }
})
