import { AlertmeshError } from './errors.js'

/**
 * DurationError reports a duration string that cannot be parsed. Its message is the Go text
 * (`not a valid duration string: "5x"` for Prometheus durations, `time: invalid duration "x"` for
 * Go's `time.ParseDuration`), so config errors read exactly like Alertmanager's.
 */
export class DurationError extends AlertmeshError {
  constructor(message: string) {
    super('AM_DURATION_INVALID', message)
  }
}

const MS_PER_SECOND = 1000
const MS_PER_MINUTE = 60 * MS_PER_SECOND
const MS_PER_HOUR = 60 * MS_PER_MINUTE
const MS_PER_DAY = 24 * MS_PER_HOUR
const MS_PER_WEEK = 7 * MS_PER_DAY
const MS_PER_YEAR = 365 * MS_PER_DAY

/** Units of prometheus/common `model.Duration`, largest first, with their size in ms. */
const PROM_UNITS: readonly (readonly [string, number])[] = [
  ['y', MS_PER_YEAR],
  ['w', MS_PER_WEEK],
  ['d', MS_PER_DAY],
  ['h', MS_PER_HOUR],
  ['m', MS_PER_MINUTE],
  ['s', MS_PER_SECOND],
  ['ms', 1],
]

const PROM_DURATION_RE =
  /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/

/** MAX_INT64 is Go's math.MaxInt64, the bound of a `time.Duration` in nanoseconds. */
const MAX_INT64 = (1n << 63n) - 1n

/**
 * parseDuration parses a Prometheus duration (`model.ParseDuration`): units `y w d h m s ms`
 * concatenated largest first (`1h30m`), each at most once; `0` is allowed without a unit.
 *
 * @param text - the duration as written in the config.
 * @returns the duration in milliseconds.
 * @throws DurationError with Go's message, e.g. `not a valid duration string: "5x"`,
 *   `empty duration string` or `duration out of range`.
 * @example
 * parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number {
  if (text === '0') {
    return 0
  }
  if (text === '') {
    throw new DurationError('empty duration string')
  }
  const m = PROM_DURATION_RE.exec(text)
  if (m === null) {
    throw new DurationError(`not a valid duration string: ${goQuote(text)}`)
  }
  // Go sums in int64 nanoseconds and reports an overflow past ~292 years; BigInt keeps the
  // check exact for absurdly long digit strings.
  let totalMs = 0n
  for (const [i, [, unitMs]] of PROM_UNITS.entries()) {
    const digits = m[i + 1]
    if (digits === undefined) {
      continue
    }
    const mult = BigInt(unitMs)
    const n = BigInt(digits)
    if (n > MAX_INT64 / mult / 1_000_000n) {
      throw new DurationError('duration out of range')
    }
    totalMs += n * mult
    if (totalMs * 1_000_000n > MAX_INT64) {
      throw new DurationError('duration out of range')
    }
  }
  return Number(totalMs)
}

/**
 * formatDuration renders milliseconds as Prometheus' `model.Duration.String()`: `0s` for zero,
 * years and weeks only when they divide the duration exactly (`90d`, not `12w6d`), then days,
 * hours, minutes, seconds and milliseconds.
 *
 * @param ms - the duration in milliseconds; fractions are truncated as Go does.
 * @returns e.g. `5m`, `4h`, `1d`, `1w`, `1h30m`, `0s`.
 * @example
 * formatDuration(5_400_000) // '1h30m'
 */
export function formatDuration(ms: number): string {
  let rest = Math.trunc(ms)
  if (rest === 0) {
    return '0s'
  }
  let out = ''
  for (const [unit, mult] of PROM_UNITS) {
    const exactOnly = unit === 'y' || unit === 'w'
    if (exactOnly && rest % mult !== 0) {
      continue
    }
    const v = Math.trunc(rest / mult)
    if (v > 0) {
      out += `${v}${unit}`
      rest -= v * mult
    }
  }
  return out
}

/** Go's `time` unit table in nanoseconds. */
const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}

/**
 * parseGoDuration parses a Go `time.ParseDuration` string (`1h30m`, `1.5s`, `300ms`, `-2m`), as
 * used by the pushover `retry` and `expire` fields. Unlike Prometheus durations there are no
 * days, weeks or years, and decimal fractions are allowed.
 *
 * @param text - the duration text.
 * @returns the duration in milliseconds (fractional below 1 ms).
 * @throws DurationError with Go's message, e.g. `time: invalid duration "x"`,
 *   `time: missing unit in duration "5"` or `time: unknown unit "d" in duration "1d"`.
 * @example
 * parseGoDuration('1m30s') // 90_000
 */
export function parseGoDuration(text: string): number {
  const invalid = (): DurationError => new DurationError(`time: invalid duration ${goQuote(text)}`)
  let s = text
  let neg = false
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-')
    s = s.slice(1)
  }
  if (s === '0') {
    return 0
  }
  if (s === '') {
    throw invalid()
  }
  let totalNs = 0n
  while (s !== '') {
    const num = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)
    const intPart = num?.[1] ?? ''
    const fracPart = num?.[2]
    if (intPart === '' && (fracPart === undefined || fracPart === '')) {
      throw invalid()
    }
    s = s.slice((num?.[0] ?? '').length)
    const unitMatch = /^[^0-9.]*/.exec(s)
    const unitText = unitMatch?.[0] ?? ''
    if (unitText === '') {
      throw new DurationError(`time: missing unit in duration ${goQuote(text)}`)
    }
    s = s.slice(unitText.length)
    const unit = Object.hasOwn(GO_UNITS, unitText) ? GO_UNITS[unitText] : undefined
    if (unit === undefined) {
      throw new DurationError(
        `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}`
      )
    }
    let v = intPart === '' ? 0n : BigInt(intPart)
    if (v > (1n << 63n) / unit) {
      throw invalid()
    }
    v *= unit
    if (fracPart !== undefined && fracPart !== '') {
      // Go scales the fraction in float64; doing it exactly only differs below a nanosecond.
      const scale = 10n ** BigInt(fracPart.length)
      v += (BigInt(fracPart) * unit) / scale
    }
    totalNs += v
    if (totalNs > (1n << 63n) - (neg ? 0n : 1n)) {
      throw invalid()
    }
  }
  const ms = Number(totalNs) / 1e6
  return neg ? -ms : ms
}

/**
 * formatGoDuration renders milliseconds as Go's `time.Duration.String()`: `1h0m0s`, `1m30s`,
 * `1.5s`, `300ms`, `0s`.
 *
 * @param ms - the duration in milliseconds; rounded to whole nanoseconds.
 * @returns the Go rendering.
 * @example
 * formatGoDuration(3_600_000) // '1h0m0s'
 */
export function formatGoDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6))
  const neg = ns < 0n
  if (neg) {
    ns = -ns
  }
  let out: string
  if (ns === 0n) {
    return '0s'
  } else if (ns < 1_000_000_000n) {
    // Below a second Go switches to the largest unit that keeps an integer part: 1.2ms, 5µs.
    const [unit, prec] = ns < 1_000n ? ['ns', 0] : ns < 1_000_000n ? ['µs', 3] : ['ms', 6]
    out = `${fmtFrac(ns, prec)}${unit}`
  } else {
    const secs = ns / 1_000_000_000n
    const frac = fmtFrac(ns % 1_000_000_000n, 9).replace(/^0/, '')
    out = `${secs % 60n}${frac}s`
    const mins = secs / 60n
    if (mins > 0n) {
      out = `${mins % 60n}m${out}`
      const hours = mins / 60n
      if (hours > 0n) {
        out = `${hours}h${out}`
      }
    }
  }
  return neg ? `-${out}` : out
}

/** fmtFrac renders v / 10**prec with trailing fractional zeros (and a bare point) removed. */
function fmtFrac(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec)
  const whole = v / scale
  const frac = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '')
  return frac === '' ? `${whole}` : `${whole}.${frac}`
}

/** goQuote renders a string as Go's `%q` does for printable ASCII text. */
function goQuote(s: string): string {
  return JSON.stringify(s)
}
