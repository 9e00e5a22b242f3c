import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { goQuote } from '../labels/index.js'

import type { InclusiveRange, TimeInterval, TimeRange } from './types.js'

/**
 * Alertmanager 0.25's `timeinterval` package: parsing of the range strings used in
 * `time_intervals` (with the exact error texts) and `ContainsTime`.
 */

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
const MONTHS = [
  '',
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]

/** RangeKind selects which of the four range grammars applies. */
export type RangeKind = 'weekday' | 'day-of-month' | 'month' | 'year'

/** goAtoi is strconv.Atoi with its error texts. */
function goAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`)
  }
  const n = Number(s)
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) {
    throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`)
  }
  return n
}

function member(kind: RangeKind, s: string): number {
  switch (kind) {
    case 'weekday': {
      const i = WEEKDAYS.indexOf(s)
      if (i < 0) {
        throw new Error(`${s} is not a valid weekday`)
      }
      return i
    }
    case 'month': {
      const i = MONTHS.indexOf(s)
      if (i > 0) {
        return i
      }
      try {
        return goAtoi(s)
      } catch {
        throw new Error(`${s} is not a valid month`)
      }
    }
    case 'day-of-month':
    case 'year':
      return goAtoi(s)
  }
}

/**
 * parseRange parses one range string (`monday:friday`, `-3:-1`, `january:3`, `2020`), with
 * Alertmanager's validation for its kind.
 *
 * @param kind - which field the string comes from.
 * @param text - the range as written; names are case-insensitive.
 * @returns the inclusive range.
 * @throws Error with Alertmanager's message, e.g. `start day cannot be before end day`.
 */
export function parseRange(kind: RangeKind, text: string): InclusiveRange {
  const lower = text.toLowerCase()
  let begin: number
  let end: number
  if (lower.includes(':')) {
    const parts = lower.split(':')
    if (parts.length !== 2) {
      throw new Error(`couldn't parse range ${lower}, invalid format`)
    }
    begin = member(kind, parts[0] ?? '')
    end = member(kind, parts[1] ?? '')
  } else {
    begin = end = member(kind, lower)
  }
  switch (kind) {
    case 'weekday':
      if (begin > end) {
        throw new Error('start day cannot be before end day')
      }
      break
    case 'day-of-month':
      checkDayOfMonth(begin, end)
      break
    case 'month':
      if (begin > end) {
        throw new Error(
          `end month ${MONTHS[end] ?? ''} is before start month ${MONTHS[begin] ?? ''}`
        )
      }
      break
    case 'year':
      if (begin > end) {
        throw new Error(`end year ${end} is before start year ${begin}`)
      }
      break
  }
  return { begin, end }
}

function checkDayOfMonth(begin: number, end: number): void {
  if (begin === 0 || begin < -31 || begin > 31) {
    throw new Error(`${begin} is not a valid day of the month: out of range`)
  }
  if (end === 0 || end < -31 || end > 31) {
    throw new Error(`${end} is not a valid day of the month: out of range`)
  }
  if (begin < 0 && end > 0) {
    throw new Error('end day must be negative if start day is negative')
  }
  // Alertmanager compares with a 28-day month: only ranges that are always empty are rejected.
  const checkBegin = begin < 0 ? 28 + begin : begin
  const checkEnd = end < 0 ? 28 + end : end
  if (checkBegin > checkEnd) {
    throw new Error(`end day ${end} is always before start day ${begin}`)
  }
}

const VALID_TIME = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/

function parseTime(s: string): number {
  if (!VALID_TIME.test(s)) {
    throw new Error(`couldn't parse timestamp ${s}, invalid format`)
  }
  const [h, m] = s.split(':')
  return Number(h) * 60 + Number(m)
}

/**
 * parseTimeRange parses a `{start_time, end_time}` pair (`HH:MM`, `24:00` allowed as end).
 *
 * @param start - start_time as written.
 * @param end - end_time as written.
 * @returns the range in minutes of the day, end exclusive.
 * @throws Error with Alertmanager's message.
 */
export function parseTimeRange(start: string, end: string): TimeRange {
  if (end === '' || start === '') {
    throw new Error('both start and end times must be provided')
  }
  const s = parseTime(start)
  const e = parseTime(end)
  if (s >= e) {
    throw new Error('start time cannot be equal or greater than end time')
  }
  return { start_minute: s, end_minute: e }
}

/**
 * formatRange renders a range as Alertmanager marshals it: weekdays by name, the rest as
 * numbers, a single value when begin equals end.
 *
 * @param kind - the range kind.
 * @param r - the range.
 * @returns e.g. `monday:friday`, `1:5`, `12`.
 */
export function formatRange(kind: RangeKind, r: InclusiveRange): string {
  const show = (n: number): string => (kind === 'weekday' ? (WEEKDAYS[n] ?? String(n)) : String(n))
  return r.begin === r.end ? show(r.begin) : `${show(r.begin)}:${show(r.end)}`
}

/**
 * formatClock renders minutes of the day as `HH:MM`.
 *
 * @param minutes - minutes since midnight (1440 renders as `24:00`).
 * @returns the clock text.
 */
export function formatClock(minutes: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`
}

const ZONEINFO = '/usr/share/zoneinfo'

/**
 * checkLocation validates a zone name like Go's `time.LoadLocation` on Linux, which looks the
 * name up (case-sensitively) in the system zoneinfo directory. The zone must also be known to
 * Intl, which evaluates it; without a zoneinfo directory Intl alone decides, refusing names
 * that only match in another case.
 *
 * @param name - an IANA zone name, `UTC`, `Local` or empty (UTC).
 * @throws Error with Go's message: `unknown time zone X` or `time: invalid location name`.
 */
export function checkLocation(name: string): void {
  if (name === '' || name === 'UTC' || name === 'Local') {
    return
  }
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) {
    throw new Error('time: invalid location name')
  }
  let resolved: string
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    throw new Error(`unknown time zone ${name}`)
  }
  const known = existsSync(ZONEINFO)
    ? existsSync(join(ZONEINFO, name))
    : resolved === name || resolved.toLowerCase() !== name.toLowerCase()
  if (!known) {
    throw new Error(`unknown time zone ${name}`)
  }
}

/**
 * isValidLocation reports whether {@link checkLocation} accepts a zone name.
 *
 * @param name - an IANA zone name, `UTC`, `Local` or empty (UTC).
 * @returns true when the zone is known.
 */
export function isValidLocation(name: string): boolean {
  try {
    checkLocation(name)
    return true
  } catch {
    return false
  }
}

interface Civil {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly weekday: number
  readonly minuteOfDay: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function civilTime(instantMs: number, location: string | undefined): Civil {
  const zone = location === undefined || location === '' ? 'UTC' : location
  const key = zone === 'Local' ? '' : zone
  let fmt = formatters.get(key)
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', {
      ...(key === '' ? {} : { timeZone: key }),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
    formatters.set(key, fmt)
  }
  const parts: Record<string, string> = {}
  for (const p of fmt.formatToParts(new Date(instantMs))) {
    parts[p.type] = p.value
  }
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts['weekday'] ?? ''),
    minuteOfDay: Number(parts['hour']) * 60 + Number(parts['minute']),
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function clamp(n: number, min: number, max: number): number {
  return n <= min ? min : n >= max ? max : n
}

/**
 * timeIntervalContains is Alertmanager's `TimeInterval.ContainsTime`: the instant, converted to
 * the interval's location (UTC when absent), must fall in every field that is present; within a
 * field any range may match. Negative days of month count from the month's end and ranges are
 * clamped to the month's length.
 *
 * @param interval - one entry of a named time interval.
 * @param instantMs - the instant to test, epoch milliseconds.
 * @returns true when the instant is inside the interval.
 * @example
 * timeIntervalContains({ weekdays: [{ begin: 1, end: 5 }] }, Date.UTC(2024, 0, 1)) // true (Monday)
 */
export function timeIntervalContains(interval: TimeInterval, instantMs: number): boolean {
  const t = civilTime(instantMs, interval.location)
  if (interval.times !== undefined) {
    if (
      !interval.times.some((r) => t.minuteOfDay >= r.start_minute && t.minuteOfDay < r.end_minute)
    ) {
      return false
    }
  }
  if (interval.days_of_month !== undefined) {
    const dim = daysInMonth(t.year, t.month)
    const inDays = interval.days_of_month.some((r) => {
      let begin = r.begin < 0 ? dim + r.begin + 1 : r.begin
      let end = r.end < 0 ? dim + r.end + 1 : r.end
      // A range starting after the end of this month does not apply to it at all.
      if (begin > dim) {
        return false
      }
      begin = clamp(begin, -1 * dim, dim)
      end = clamp(end, -1 * dim, dim)
      return t.day >= begin && t.day <= end
    })
    if (!inDays) {
      return false
    }
  }
  if (interval.months !== undefined) {
    if (!interval.months.some((r) => t.month >= r.begin && t.month <= r.end)) {
      return false
    }
  }
  if (interval.weekdays !== undefined) {
    if (!interval.weekdays.some((r) => t.weekday >= r.begin && t.weekday <= r.end)) {
      return false
    }
  }
  if (interval.years !== undefined) {
    if (!interval.years.some((r) => t.year >= r.begin && t.year <= r.end)) {
      return false
    }
  }
  return true
}
