const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/**
 * parseGoDuration parses a Go time.Duration string as kingpin's Duration flags do
 * (`1m0s`, `200ms`, `1.5h`, `-3s`, `0`).
 *
 * @param text - the flag value.
 * @returns milliseconds.
 * @throws Error `time: invalid duration "<text>"` as Go words it.
 */
export function parseGoDuration(text: string): number {
  const invalid = new Error(`time: invalid duration ${JSON.stringify(text)}`)
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
    throw invalid
  }
  let total = 0
  // Mirrors Go's time.ParseDuration, including its distinct errors for a missing or unknown unit.
  const number = /^(\d*)(?:\.(\d*))?/
  while (rest !== '') {
    const m = number.exec(rest) as RegExpExecArray
    if (m[0] === '' || m[0] === '.' || (m[1] === '' && m[2] === '')) {
      throw invalid
    }
    rest = rest.slice(m[0].length)
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? ''
    if (unit === '') {
      throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`)
    }
    const unitMs = Object.hasOwn(UNIT_MS, unit) ? UNIT_MS[unit] : undefined
    if (unitMs === undefined) {
      throw new Error(
        `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`
      )
    }
    total += Number(m[0]) * unitMs
    rest = rest.slice(unit.length)
  }
  return sign * total
}

/**
 * formatGoDuration renders milliseconds as Go's time.Duration.String (`1m0s`, `200ms`, `6h0m0s`).
 *
 * @param ms - the duration.
 * @returns the text.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) {
    return '0s'
  }
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(ms)
  if (rest < 1000) {
    return `${sign}${rest}ms`
  }
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = `${rest / 1000}s`
  if (hours > 0) {
    return `${sign}${hours}h${minutes}m${seconds}`
  }
  return minutes > 0 ? `${sign}${minutes}m${seconds}` : `${sign}${seconds}`
}
