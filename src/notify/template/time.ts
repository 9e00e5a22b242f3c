/**
 * Go's time.Time and time.Duration as template values (Go 1.19 time/time.go, time/format.go):
 * the methods notification templates call, `Format` with Go's reference-time layouts, and
 * `String()` exactly as Go prints a time without a monotonic clock reading (times in template
 * data come from JSON or from stored alerts, which carry none).
 */
import {
  BOOL,
  FLOAT64,
  GoBox,
  GoType,
  INT,
  INT64,
  STRING,
  box,
  payload,
  ptrTo,
} from './go/index.js'
import type { GoFunc, GoValue } from './go/index.js'
import { UTC_LOCATION, fixedZone, localLocation } from './zone.js'
import type { GoLocation, SixNumbers } from './zone.js'

/** GoTime is the payload of a `time.Time` value: Unix seconds, nanoseconds and location. */
export interface GoTime {
  /** sec is whole seconds since the Unix epoch (may be negative; Go's zero time is year 1). */
  readonly sec: number
  /** nsec is the nanoseconds within the second, 0 to 999999999. */
  readonly nsec: number
  readonly loc: GoLocation
}

/** ZERO_TIME_UNIX is Go's zero time, January 1, year 1, 00:00:00 UTC, in Unix seconds. */
export const ZERO_TIME_UNIX = -62135596800

const ZERO: GoTime = { sec: ZERO_TIME_UNIX, nsec: 0, loc: UTC_LOCATION }

const NS = 1_000_000_000n

function fn(params: GoType[], results: GoType[], impl: (...args: GoValue[]) => GoValue): GoFunc {
  return { params, variadic: false, results, fn: impl }
}

/** MONTH is Go's `time.Month`, printed by name. */
export const MONTH: GoType = new GoType({
  kind: 'int',
  name: 'time.Month',
  named: true,
  methods: {
    String: fn([], [STRING], (m) => monthName(Number(payload(m)))),
  },
})

/** WEEKDAY is Go's `time.Weekday`, printed by name. */
export const WEEKDAY: GoType = new GoType({
  kind: 'int',
  name: 'time.Weekday',
  named: true,
  methods: {
    String: fn([], [STRING], (d) => weekdayName(Number(payload(d)))),
  },
})

/** LOCATION is Go's `time.Location` struct; templates see `*time.Location` ({@link LOCATION_PTR}). */
export const LOCATION: GoType = new GoType({
  kind: 'struct',
  name: 'time.Location',
  named: true,
  ptrMethods: {
    String: fn([], [STRING], (l) => locationOf(l).name),
  },
})

/** LOCATION_PTR is `*time.Location`, what Time.Location returns and Time.In takes. */
export const LOCATION_PTR: GoType = LOCATION.ptrTo()

/**
 * locationValue wraps a location as a Go `*time.Location`.
 *
 * @param loc - the location.
 * @returns the pointer value.
 */
export function locationValue(loc: GoLocation): GoBox {
  return ptrTo(LOCATION, box(LOCATION, loc))
}

function locationOf(v: GoValue): GoLocation {
  let p: unknown = payload(v)
  if (p instanceof GoBox) {
    p = p.v
  }
  if (p === null || p === undefined || typeof p !== 'object' || !('lookup' in p)) {
    // A nil *time.Location is UTC, as in Go.
    return UTC_LOCATION
  }
  return p as GoLocation
}

// DURATION and TIME name each other (and themselves) in their method signatures, and GoType
// takes its methods at construction: the signatures share these arrays, filled in right after.
const DURATION_T: GoType[] = []
const TIME_T: GoType[] = []

/** DURATION is Go's `time.Duration`: an int64 count of nanoseconds, payload a JS number. */
export const DURATION: GoType = new GoType({
  kind: 'int64',
  name: 'time.Duration',
  named: true,
  methods: durationMethodTable(),
})
DURATION_T.push(DURATION)

/**
 * TIME is Go's `time.Time`. Its payload is a {@link GoTime}; any other payload (such as the
 * one zeroValue builds) reads as the zero time. It has no exported fields, so `.StartsAt.X`
 * fails as in Go unless X is a method.
 */
export const TIME: GoType = new GoType({
  kind: 'struct',
  name: 'time.Time',
  named: true,
  methods: timeMethodTable(),
})
TIME_T.push(TIME)

/**
 * durationValue wraps nanoseconds as a Go `time.Duration`.
 *
 * @param ns - nanoseconds.
 * @returns the value.
 */
export function durationValue(ns: number): GoBox {
  return new GoBox(DURATION, ns)
}

/**
 * timeValue wraps a time as a Go `time.Time`.
 *
 * @param t - the time.
 * @returns the value.
 */
export function timeValue(t: GoTime): GoBox {
  return new GoBox(TIME, t)
}

/**
 * timeOf reads the time out of a `time.Time` value; anything else is the zero time.
 *
 * @param v - a time.Time value.
 * @returns the time.
 */
export function timeOf(v: GoValue): GoTime {
  const p = payload(v)
  if (p !== null && typeof p === 'object' && 'sec' in p && 'nsec' in p && 'loc' in p) {
    return p as GoTime
  }
  return ZERO
}

/**
 * fromUnixMillis builds a UTC time from epoch milliseconds; 0 is Go's zero time (alertmesh's
 * "unset", as in src/alerts).
 *
 * @param ms - epoch milliseconds.
 * @returns the time.
 */
export function fromUnixMillis(ms: number): GoTime {
  if (ms === 0) {
    return ZERO
  }
  const sec = Math.floor(ms / 1000)
  return { sec, nsec: Math.round((ms - sec * 1000) * 1e6), loc: UTC_LOCATION }
}

/**
 * isZeroTime is Go's Time.IsZero.
 *
 * @param t - the time.
 * @returns true for January 1, year 1, 00:00:00 UTC.
 */
export function isZeroTime(t: GoTime): boolean {
  return t.sec === ZERO_TIME_UNIX && t.nsec === 0
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

function monthName(m: number): string {
  return MONTHS[m - 1] ?? `%!Month(${m})`
}

function weekdayName(d: number): string {
  return DAYS[d] ?? `%!Weekday(${d})`
}

/** civil converts days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm). */
function civil(days: number): { year: number; month: number; day: number } {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** daysFromCivil is the inverse of civil. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = month > 2 ? month - 3 : month + 9
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Fields are a time's calendar and clock fields in its own zone. */
export interface Fields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly yday: number
  readonly weekday: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly abbr: string
  readonly offset: number
}

/**
 * fieldsOf computes a time's calendar and clock fields in its location.
 *
 * @param t - the time.
 * @returns the fields.
 */
export function fieldsOf(t: GoTime): Fields {
  const zone = t.loc.lookup(t.sec)
  const local = t.sec + zone.offset
  const days = Math.floor(local / 86400)
  const secOfDay = local - days * 86400
  const { year, month, day } = civil(days)
  return {
    year,
    month,
    day,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    weekday: (((days + 4) % 7) + 7) % 7,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    abbr: zone.abbr,
    offset: zone.offset,
  }
}

// Layout elements, Go 1.19 time/format.go's std constants.
type Std =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTz'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'FracSecond0'
  | 'FracSecond9'

interface Chunk {
  prefix: string
  std: Std | undefined
  /** digits and sep describe a fractional-second element. */
  digits: number
  sep: string
  suffix: string
}

const STD0X: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year']

function startsWithLowerCase(s: string): boolean {
  const c = s.charCodeAt(0)
  return c >= 0x61 && c <= 0x7a
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  return c >= 0x30 && c <= 0x39
}

/** nextStdChunk is Go's: the text before the first layout element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const chunk = (i: number, std: Std, len: number, digits = 0, sep = ''): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  })
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]
    const at = (s: string): boolean => layout.startsWith(s, i)
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) {
            return chunk(i, 'LongMonth', 7)
          }
          if (!startsWithLowerCase(layout.slice(i + 3))) {
            return chunk(i, 'Month', 3)
          }
        }
        break
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) {
            return chunk(i, 'LongWeekDay', 6)
          }
          if (!startsWithLowerCase(layout.slice(i + 3))) {
            return chunk(i, 'WeekDay', 3)
          }
        }
        if (at('MST')) {
          return chunk(i, 'TZ', 3)
        }
        break
      case '0': {
        const d = layout.charCodeAt(i + 1)
        if (d >= 0x31 && d <= 0x36) {
          return chunk(i, STD0X[d - 0x31] as Std, 2)
        }
        if (at('002')) {
          return chunk(i, 'ZeroYearDay', 3)
        }
        break
      }
      case '1':
        if (at('15')) {
          return chunk(i, 'Hour', 2)
        }
        return chunk(i, 'NumMonth', 1)
      case '2':
        if (at('2006')) {
          return chunk(i, 'LongYear', 4)
        }
        return chunk(i, 'Day', 1)
      case '_':
        if (layout[i + 1] === '2') {
          // _2006 is really a literal _, followed by stdLongYear.
          if (layout.startsWith('2006', i + 1)) {
            return {
              prefix: layout.slice(0, i + 1),
              std: 'LongYear',
              digits: 0,
              sep: '',
              suffix: layout.slice(i + 5),
            }
          }
          return chunk(i, 'UnderDay', 2)
        }
        if (at('__2')) {
          return chunk(i, 'UnderYearDay', 3)
        }
        break
      case '3':
        return chunk(i, 'Hour12', 1)
      case '4':
        return chunk(i, 'Minute', 1)
      case '5':
        return chunk(i, 'Second', 1)
      case 'P':
        if (at('PM')) {
          return chunk(i, 'PM', 2)
        }
        break
      case 'p':
        if (at('pm')) {
          return chunk(i, 'pm', 2)
        }
        break
      case '-':
        if (at('-070000')) {
          return chunk(i, 'NumSecondsTz', 7)
        }
        if (at('-07:00:00')) {
          return chunk(i, 'NumColonSecondsTZ', 9)
        }
        if (at('-0700')) {
          return chunk(i, 'NumTZ', 5)
        }
        if (at('-07:00')) {
          return chunk(i, 'NumColonTZ', 6)
        }
        if (at('-07')) {
          return chunk(i, 'NumShortTZ', 3)
        }
        break
      case 'Z':
        if (at('Z070000')) {
          return chunk(i, 'ISO8601SecondsTZ', 7)
        }
        if (at('Z07:00:00')) {
          return chunk(i, 'ISO8601ColonSecondsTZ', 9)
        }
        if (at('Z0700')) {
          return chunk(i, 'ISO8601TZ', 5)
        }
        if (at('Z07:00')) {
          return chunk(i, 'ISO8601ColonTZ', 6)
        }
        if (at('Z07')) {
          return chunk(i, 'ISO8601ShortTZ', 3)
        }
        break
      case '.':
      case ',': {
        const ch = layout[i + 1]
        if (ch === '0' || ch === '9') {
          let j = i + 1
          while (j < layout.length && layout[j] === ch) {
            j++
          }
          // String of digits must end here - only fractional second is all digits.
          if (!isDigitAt(layout, j)) {
            return chunk(i, ch === '0' ? 'FracSecond0' : 'FracSecond9', j - i, j - (i + 1), c)
          }
        }
        break
      }
      default:
        break
    }
  }
  return { prefix: layout, std: undefined, digits: 0, sep: '', suffix: '' }
}

function appendInt(x: number, width: number): string {
  const s = String(Math.abs(x)).padStart(width, '0')
  return x < 0 ? `-${s}` : s
}

function formatNano(nanosec: number, digits: number, sep: string, trim: boolean): string {
  let n = Math.min(digits, 9)
  const buf = String(nanosec).padStart(9, '0')
  if (trim) {
    while (n > 0 && buf[n - 1] === '0') {
      n--
    }
    if (n === 0) {
      return ''
    }
  }
  return sep + buf.slice(0, n)
}

const ISO_TZ: ReadonlySet<Std> = new Set<Std>([
  'ISO8601TZ',
  'ISO8601ColonTZ',
  'ISO8601SecondsTZ',
  'ISO8601ShortTZ',
  'ISO8601ColonSecondsTZ',
])

/**
 * formatTime is Go 1.19's Time.Format: the layout is written with the reference time
 * `Mon Jan 2 15:04:05 MST 2006` and every element of it is replaced by the time's value.
 *
 * @param t - the time.
 * @param layoutIn - a Go layout such as `2006-01-02T15:04:05Z07:00`.
 * @returns the formatted time.
 */
export function formatTime(t: GoTime, layoutIn: string): string {
  const f = fieldsOf(t)
  let out = ''
  let layout = layoutIn
  while (layout !== '') {
    const { prefix, std, digits, sep, suffix } = nextStdChunk(layout)
    out += prefix
    if (std === undefined) {
      break
    }
    layout = suffix
    switch (std) {
      case 'Year':
        out += appendInt(Math.abs(f.year) % 100, 2)
        break
      case 'LongYear':
        out += appendInt(f.year, 4)
        break
      case 'Month':
        out += monthName(f.month).slice(0, 3)
        break
      case 'LongMonth':
        out += monthName(f.month)
        break
      case 'NumMonth':
        out += appendInt(f.month, 0)
        break
      case 'ZeroMonth':
        out += appendInt(f.month, 2)
        break
      case 'WeekDay':
        out += weekdayName(f.weekday).slice(0, 3)
        break
      case 'LongWeekDay':
        out += weekdayName(f.weekday)
        break
      case 'Day':
        out += appendInt(f.day, 0)
        break
      case 'UnderDay':
        out += (f.day < 10 ? ' ' : '') + appendInt(f.day, 0)
        break
      case 'ZeroDay':
        out += appendInt(f.day, 2)
        break
      case 'UnderYearDay':
        out += (f.yday < 100 ? (f.yday < 10 ? '  ' : ' ') : '') + appendInt(f.yday, 0)
        break
      case 'ZeroYearDay':
        out += appendInt(f.yday, 3)
        break
      case 'Hour':
        out += appendInt(f.hour, 2)
        break
      case 'Hour12':
        // Noon is 12PM, midnight is 12AM.
        out += appendInt(f.hour % 12 === 0 ? 12 : f.hour % 12, 0)
        break
      case 'ZeroHour12':
        out += appendInt(f.hour % 12 === 0 ? 12 : f.hour % 12, 2)
        break
      case 'Minute':
        out += appendInt(f.minute, 0)
        break
      case 'ZeroMinute':
        out += appendInt(f.minute, 2)
        break
      case 'Second':
        out += appendInt(f.second, 0)
        break
      case 'ZeroSecond':
        out += appendInt(f.second, 2)
        break
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM'
        break
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am'
        break
      case 'TZ':
        if (f.abbr !== '') {
          out += f.abbr
        } else {
          // No time zone known for this time, but we must print one. Use the -0700 format.
          const zone = Math.trunc(f.offset / 60)
          const abs = Math.abs(zone)
          out +=
            (zone < 0 ? '-' : '+') + appendInt(Math.trunc(abs / 60), 2) + appendInt(abs % 60, 2)
        }
        break
      case 'FracSecond0':
      case 'FracSecond9':
        out += formatNano(t.nsec, digits, sep, std === 'FracSecond9')
        break
      default: {
        // The numeric zone elements. The "Z" variants print Z for UTC (an ISO 8601 special case).
        if (f.offset === 0 && ISO_TZ.has(std)) {
          out += 'Z'
          break
        }
        const zone = Math.trunc(f.offset / 60)
        const absOffset = zone < 0 ? -f.offset : f.offset
        const abs = Math.abs(zone)
        out += (zone < 0 ? '-' : '+') + appendInt(Math.trunc(abs / 60), 2)
        const colon =
          std === 'ISO8601ColonTZ' ||
          std === 'NumColonTZ' ||
          std === 'ISO8601ColonSecondsTZ' ||
          std === 'NumColonSecondsTZ'
        if (colon) {
          out += ':'
        }
        if (std !== 'NumShortTZ' && std !== 'ISO8601ShortTZ') {
          out += appendInt(abs % 60, 2)
        }
        if (
          std === 'ISO8601SecondsTZ' ||
          std === 'NumSecondsTz' ||
          std === 'NumColonSecondsTZ' ||
          std === 'ISO8601ColonSecondsTZ'
        ) {
          if (std === 'NumColonSecondsTZ' || std === 'ISO8601ColonSecondsTZ') {
            out += ':'
          }
          out += appendInt(absOffset % 60, 2)
        }
      }
    }
  }
  return out
}

/**
 * timeString is Go's Time.String for a time without a monotonic clock reading.
 *
 * @param t - the time.
 * @returns e.g. `2023-01-02 15:04:05.5 +0000 UTC`.
 */
export function timeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST')
}

/**
 * fmtFrac formats the fraction of v/10**prec (e.g. ".12345") into the tail of buf, omitting
 * trailing zeros; it omits the decimal point when the fraction is 0 (Go's time.fmtFrac).
 */
function fmtFrac(v: bigint, prec: number): { text: string; rest: bigint } {
  let text = ''
  let print = false
  let u = v
  for (let i = 0; i < prec; i++) {
    const digit = u % 10n
    print = print || digit !== 0n
    if (print) {
      text = String(digit) + text
    }
    u /= 10n
  }
  if (print) {
    text = `.${text}`
  }
  return { text, rest: u }
}

/**
 * durationString is Go's Duration.String: `72h3m0.5s`, `1.5µs`, `0s`.
 *
 * @param nsIn - the duration in nanoseconds.
 * @returns the text.
 */
export function durationString(nsIn: number | bigint): string {
  const ns = typeof nsIn === 'bigint' ? nsIn : BigInt(Math.trunc(nsIn))
  const neg = ns < 0n
  const u = neg ? -ns : ns
  let out: string
  if (u < NS) {
    // Special case: if duration is smaller than a second, use smaller units, like 1.2ms.
    if (u === 0n) {
      return '0s'
    }
    let prec: number
    let unit: string
    if (u < 1000n) {
      prec = 0
      unit = 'ns'
    } else if (u < 1_000_000n) {
      prec = 3
      unit = 'µs'
    } else {
      prec = 6
      unit = 'ms'
    }
    const { text, rest } = fmtFrac(u, prec)
    out = `${rest}${text}${unit}`
  } else {
    const { text, rest } = fmtFrac(u, 9)
    out = `${rest % 60n}${text}s`
    let m = rest / 60n
    if (m > 0n) {
      out = `${m % 60n}m${out}`
      m /= 60n
      if (m > 0n) {
        out = `${m}h${out}`
      }
    }
  }
  return neg ? `-${out}` : out
}

function totalNanos(t: GoTime): bigint {
  return BigInt(t.sec) * NS + BigInt(t.nsec)
}

function fromNanos(ns: bigint, loc: GoLocation): GoTime {
  let sec = ns / NS
  let nsec = ns % NS
  if (nsec < 0n) {
    nsec += NS
    sec -= 1n
  }
  return { sec: Number(sec), nsec: Number(nsec), loc }
}

/**
 * addDuration is Go's Time.Add.
 *
 * @param t - the time.
 * @param d - nanoseconds to add.
 * @returns the new time, in the same location.
 */
export function addDuration(t: GoTime, d: number): GoTime {
  return fromNanos(totalNanos(t) + BigInt(Math.trunc(d)), t.loc)
}

/** MAX_DURATION and MIN_DURATION are Go's Duration bounds, where Sub saturates. */
const MAX_DURATION = 2n ** 63n - 1n
const MIN_DURATION = -(2n ** 63n)

/**
 * subTimes is Go's Time.Sub: t - u as a Duration, saturating at the int64 bounds.
 *
 * @param t - the later time.
 * @param u - the earlier time.
 * @returns nanoseconds (as a JS number).
 */
export function subTimes(t: GoTime, u: GoTime): number {
  let d = totalNanos(t) - totalNanos(u)
  if (d > MAX_DURATION) {
    d = MAX_DURATION
  } else if (d < MIN_DURATION) {
    d = MIN_DURATION
  }
  return Number(d)
}

/** sinceZero is the time's distance from Go's zero time, the origin of Truncate and Round. */
function sinceZero(t: GoTime): bigint {
  return totalNanos(t) - BigInt(ZERO_TIME_UNIX) * NS
}

function truncateTime(t: GoTime, d: number): GoTime {
  if (d <= 0) {
    return t
  }
  const r = sinceZero(t) % BigInt(Math.trunc(d))
  return fromNanos(totalNanos(t) - r, t.loc)
}

function roundTime(t: GoTime, d: number): GoTime {
  if (d <= 0) {
    return t
  }
  const dd = BigInt(Math.trunc(d))
  const r = sinceZero(t) % dd
  if (r + r < dd) {
    return fromNanos(totalNanos(t) - r, t.loc)
  }
  return fromNanos(totalNanos(t) + (dd - r), t.loc)
}

/**
 * addDate is Go's Time.AddDate: adds years, months and days, normalising like time.Date.
 *
 * @param t - the time.
 * @param years - years to add.
 * @param months - months to add.
 * @param days - days to add.
 * @returns the new time.
 */
export function addDate(t: GoTime, years: number, months: number, days: number): GoTime {
  const f = fieldsOf(t)
  const m0 = f.month - 1 + months
  const year = f.year + years + Math.floor(m0 / 12)
  const month = (((m0 % 12) + 12) % 12) + 1
  const localDays = daysFromCivil(year, month, 1) + f.day - 1 + days
  const localSec = localDays * 86400 + f.hour * 3600 + f.minute * 60 + f.second
  // time.Date: look the offset up at the guessed instant, then adjust once more.
  let unix = localSec - f.offset
  const off = t.loc.lookup(unix).offset
  unix = localSec - off
  const off2 = t.loc.lookup(unix).offset
  if (off2 !== off) {
    unix = localSec - off2
  }
  return { sec: unix, nsec: t.nsec, loc: t.loc }
}

/** roundDuration is Go's Duration.Round. */
function roundDuration(d: number, m: number): number {
  if (m <= 0) {
    return d
  }
  let r = d % m
  if (d < 0) {
    r = -r
    if (r + r < m) {
      return d + r
    }
    return d - m + r
  }
  if (r + r < m) {
    return d - r
  }
  return d + m - r
}

function num(v: GoValue): number {
  return Number(payload(v))
}

function durationMethodTable(): Record<string, GoFunc> {
  return {
    String: fn([], [STRING], (d) => durationString(num(d))),
    Nanoseconds: fn([], [INT64], (d) => box(INT64, num(d))),
    Microseconds: fn([], [INT64], (d) => box(INT64, Math.trunc(num(d) / 1e3))),
    Milliseconds: fn([], [INT64], (d) => box(INT64, Math.trunc(num(d) / 1e6))),
    // Go splits into whole units and a remainder so that the float result is exact where it can be.
    Seconds: fn([], [FLOAT64], (d) => {
      const n = num(d)
      const sec = Math.trunc(n / 1e9)
      return box(FLOAT64, sec + (n - sec * 1e9) / 1e9)
    }),
    Minutes: fn([], [FLOAT64], (d) => {
      const n = num(d)
      const min = Math.trunc(n / 60e9)
      return box(FLOAT64, min + (n - min * 60e9) / 60e9)
    }),
    Hours: fn([], [FLOAT64], (d) => {
      const n = num(d)
      const hour = Math.trunc(n / 3600e9)
      return box(FLOAT64, hour + (n - hour * 3600e9) / 3600e9)
    }),
    Round: fn(DURATION_T, DURATION_T, (d, m) => durationValue(roundDuration(num(d), num(m)))),
    Truncate: fn(DURATION_T, DURATION_T, (d, m) => {
      const n = num(d)
      const mm = num(m)
      return durationValue(mm <= 0 ? n : n - (n % mm))
    }),
    Abs: fn([], DURATION_T, (d) => durationValue(Math.abs(num(d)))),
  }
}

function t0(v: GoValue): GoTime {
  return timeOf(v)
}

function intField(k: keyof Fields): (v: GoValue) => GoValue {
  return (v) => fieldsOf(t0(v))[k]
}

function timeMethodTable(): Record<string, GoFunc> {
  return {
    String: fn([], [STRING], (t) => timeString(t0(t))),
    Format: fn([STRING], [STRING], (t, layout) => formatTime(t0(t), layout as string)),
    Unix: fn([], [INT64], (t) => box(INT64, t0(t).sec)),
    UnixMilli: fn([], [INT64], (t) => box(INT64, t0(t).sec * 1000 + Math.floor(t0(t).nsec / 1e6))),
    UnixMicro: fn([], [INT64], (t) => box(INT64, t0(t).sec * 1e6 + Math.floor(t0(t).nsec / 1e3))),
    // Nanoseconds since 1970 exceed 2**53; fmt prints the bigint payload exactly.
    UnixNano: fn([], [INT64], (t) => box(INT64, totalNanos(t0(t)))),
    UTC: fn([], TIME_T, (t) => timeValue({ ...t0(t), loc: UTC_LOCATION })),
    Local: fn([], TIME_T, (t) => timeValue({ ...t0(t), loc: localLocation() })),
    In: fn([LOCATION_PTR], TIME_T, (t, l) => {
      if (payload(l) === null) {
        throw new Error('time: missing Location in call to Time.In')
      }
      return timeValue({ ...t0(t), loc: locationOf(l) })
    }),
    Location: fn([], [LOCATION_PTR], (t) => locationValue(t0(t).loc)),
    Zone: fn([], [STRING, INT], (t) => fieldsOf(t0(t)).abbr),
    Add: fn(DURATION_T, TIME_T, (t, d) => timeValue(addDuration(t0(t), num(d)))),
    AddDate: fn([INT, INT, INT], TIME_T, (t, y, m, d) =>
      timeValue(addDate(t0(t), num(y), num(m), num(d)))
    ),
    Sub: fn(TIME_T, DURATION_T, (t, u) => durationValue(subTimes(t0(t), t0(u)))),
    Before: fn(TIME_T, [BOOL], (t, u) => totalNanos(t0(t)) < totalNanos(t0(u))),
    After: fn(TIME_T, [BOOL], (t, u) => totalNanos(t0(t)) > totalNanos(t0(u))),
    Equal: fn(TIME_T, [BOOL], (t, u) => totalNanos(t0(t)) === totalNanos(t0(u))),
    IsZero: fn([], [BOOL], (t) => isZeroTime(t0(t))),
    Year: fn([], [INT], intField('year')),
    Month: fn([], [MONTH], (t) => box(MONTH, fieldsOf(t0(t)).month)),
    Day: fn([], [INT], intField('day')),
    Hour: fn([], [INT], intField('hour')),
    Minute: fn([], [INT], intField('minute')),
    Second: fn([], [INT], intField('second')),
    Nanosecond: fn([], [INT], (t) => t0(t).nsec),
    YearDay: fn([], [INT], intField('yday')),
    Weekday: fn([], [WEEKDAY], (t) => box(WEEKDAY, fieldsOf(t0(t)).weekday)),
    Truncate: fn(DURATION_T, TIME_T, (t, d) => timeValue(truncateTime(t0(t), num(d)))),
    Round: fn(DURATION_T, TIME_T, (t, d) => timeValue(roundTime(t0(t), num(d)))),
  }
}

/**
 * parseRFC3339Time parses a time the way Go's Time.UnmarshalJSON does (RFC 3339, any number of
 * fractional digits): `Z` gives UTC; an offset equal to the Local zone's at that instant gives
 * Local, any other a fixed zone without a name (printed as `+0200 +0200`), as Go's time.Parse.
 *
 * @param text - the RFC 3339 text.
 * @returns the time, or undefined when the text is not RFC 3339.
 */
export function parseRFC3339Time(text: string): GoTime | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text)
  if (m === null) {
    return undefined
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as SixNumbers
  const dim = new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > dim || hour > 23 || minute > 59 || second > 59) {
    return undefined
  }
  const frac = m[7] ?? ''
  const nsec = frac === '' ? 0 : Number(frac.slice(0, 9).padEnd(9, '0'))
  const localSec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
  const zone = m[8] as string
  if (zone === 'Z') {
    return { sec: localSec, nsec, loc: UTC_LOCATION }
  }
  const sign = zone.startsWith('-') ? -1 : 1
  const offset = sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60)
  const sec = localSec - offset
  const local = localLocation()
  if (local.lookup(sec).offset === offset) {
    return { sec, nsec, loc: local }
  }
  return { sec, nsec, loc: fixedZone('', offset) }
}

/**
 * formatRFC3339NanoTime is Go's `t.Format(time.RFC3339Nano)`, what json.Marshal writes for a time.
 *
 * @param t - the time.
 * @returns the text.
 */
export function formatRFC3339NanoTime(t: GoTime): string {
  return formatTime(t, '2006-01-02T15:04:05.999999999Z07:00')
}

/**
 * nowTime returns the current time in the Local zone (Go's time.Now without its monotonic
 * reading), with microsecond resolution from the performance clock.
 *
 * @returns the time.
 */
export function nowTime(): GoTime {
  const ms = performance.timeOrigin + performance.now()
  const sec = Math.floor(ms / 1000)
  return { sec, nsec: Math.floor((ms - sec * 1000) * 1e6), loc: localLocation() }
}
