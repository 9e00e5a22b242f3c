// Go's time.ParseDuration and Duration.String, because Consul reads `?wait=`, `TTL`, `Interval`
// and `DeregisterCriticalServiceAfter` with the former and prints check definitions with the
// latter. Durations are carried in milliseconds here; sub-millisecond parts survive as fractions.

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3,
  '\u03bcs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
}

const PART = /^(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/

/**
 * parseGoDuration reads a duration the way Go's time.ParseDuration does: an optional sign, then
 * one or more decimal numbers each with a unit (`1h30m`, `1.5s`, `500ms`); a bare `0` is allowed.
 *
 * @param text - the duration text.
 * @returns milliseconds, or undefined when Go would return an error.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') {
    return 0
  }
  if (rest === '') {
    return undefined
  }
  let ns = 0
  while (rest !== '') {
    const m = PART.exec(rest)
    if (m === null) {
      return undefined
    }
    const whole = m[1] ?? ''
    const frac = m[2]
    // Go requires at least one digit on either side of the dot.
    if (whole === '' && (frac === undefined || frac === '')) {
      return undefined
    }
    const value = Number(`${whole === '' ? '0' : whole}.${frac ?? '0'}`)
    ns += value * (UNIT_NS[m[3] ?? ''] ?? 0)
    rest = rest.slice(m[0].length)
  }
  return (sign * ns) / 1e6
}

function withFraction(value: bigint, unit: bigint): string {
  const whole = value / unit
  const remainder = value % unit
  if (remainder === 0n) {
    return whole.toString()
  }
  const digits = unit.toString().length - 1
  const fraction = remainder.toString().padStart(digits, '0').replace(/0+$/, '')
  return `${whole}.${fraction}`
}

/**
 * formatGoDuration prints milliseconds the way Go's Duration.String does (`1m30s`, `500ms`,
 * `1h0m0s`, `0s`), as Consul shows check intervals and timeouts.
 *
 * @param ms - the duration in milliseconds.
 * @returns the Go spelling.
 */
export function formatGoDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6))
  const sign = ns < 0n ? '-' : ''
  if (ns < 0n) {
    ns = -ns
  }
  if (ns === 0n) {
    return '0s'
  }
  if (ns < 1_000n) {
    return `${sign}${ns}ns`
  }
  if (ns < 1_000_000n) {
    return `${sign}${withFraction(ns, 1_000n)}\u00b5s`
  }
  if (ns < 1_000_000_000n) {
    return `${sign}${withFraction(ns, 1_000_000n)}ms`
  }
  const hours = ns / 3_600_000_000_000n
  ns %= 3_600_000_000_000n
  const minutes = ns / 60_000_000_000n
  ns %= 60_000_000_000n
  const seconds = `${withFraction(ns, 1_000_000_000n)}s`
  if (hours > 0n) {
    return `${sign}${hours}h${minutes}m${seconds}`
  }
  if (minutes > 0n) {
    return `${sign}${minutes}m${seconds}`
  }
  return `${sign}${seconds}`
}
