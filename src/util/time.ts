/** ZERO_TIME_TEXT is how Go renders the zero time.Time in RFC3339 (webhook `endsAt` of firing alerts). */
export const ZERO_TIME_TEXT = '0001-01-01T00:00:00Z'

/** GO_ZERO_TIME_MS is Go's zero time.Time (0001-01-01T00:00:00Z) as epoch milliseconds. */
export const GO_ZERO_TIME_MS = -62135596800000

/**
 * formatRFC3339Nano renders epoch milliseconds the way Go's `time.RFC3339Nano` does for UTC:
 * fractional seconds with trailing zeros trimmed, and no fraction at all when it is zero.
 *
 * @param ms - epoch milliseconds; 0 is rendered as Go's zero time, the "unset" instant.
 * @returns e.g. `2026-11-24T05:58:20.9Z`.
 */
export function formatRFC3339Nano(ms: number): string {
  if (ms === 0) {
    return ZERO_TIME_TEXT
  }
  const iso = new Date(ms).toISOString()
  const frac = iso.slice(20, 23)
  if (frac === '000') {
    return `${iso.slice(0, 19)}Z`
  }
  return `${iso.slice(0, 20)}${frac.replace(/0+$/, '')}Z`
}

/**
 * formatRFC3339Millis renders epoch milliseconds as go-openapi's strfmt.DateTime does in API
 * responses: always three fractional digits.
 *
 * @param ms - epoch milliseconds; 0 renders as Go's zero time with `.000`.
 * @returns e.g. `2026-11-24T05:58:20.900Z`.
 */
export function formatRFC3339Millis(ms: number): string {
  if (ms === 0) {
    return '0001-01-01T00:00:00.000Z'
  }
  // API listings format three instants per alert; Date#toISOString dominated their profile.
  const day = Math.floor(ms / DAY_MS)
  if (day !== cachedDay) {
    cachedDay = day
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
  }
  let rest = ms - day * DAY_MS
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = Math.floor(rest - seconds * 1000)
  return `${cachedDayPrefix}${PAD2[hours] as string}:${PAD2[minutes] as string}:${PAD2[seconds] as string}.${PAD3[millis] as string}Z`
}

const DAY_MS = 86_400_000
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'))
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'))
let cachedDay = Number.NaN
let cachedDayPrefix = ''

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31)
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * parseRFC3339 parses an RFC3339 date-time (with or without fraction) into epoch milliseconds.
 * Go's zero time maps to 0 (the "unset" instant) because amtool and Go clients send it for
 * "no value". Sub-millisecond digits are truncated.
 *
 * @param text - the date-time text.
 * @returns epoch milliseconds, or undefined when the text is not RFC3339.
 */
export function parseRFC3339(text: string): number | undefined {
  const m = RFC3339.exec(text)
  if (m === null) {
    return undefined
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
    string,
  ]
  const month = Number(mo)
  const day = Number(d)
  // Go's time.Parse refuses days the month does not have and second 60 ("out of range").
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(Number(y), month) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return undefined
  }
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s))
  // Date.UTC maps years 0-99 to 1900-1999; Go's zero time is year 1.
  if (Number(y) < 100) {
    const date = new Date(ms)
    date.setUTCFullYear(Number(y))
    ms = date.getTime()
  }
  if (frac !== undefined) {
    ms += Math.floor(Number(`0${frac}`) * 1000)
  }
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const offsetMin = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))
    ms -= sign * offsetMin * 60_000
  }
  return ms === GO_ZERO_TIME_MS ? 0 : ms
}
