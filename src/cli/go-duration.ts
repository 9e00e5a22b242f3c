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
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/
  while (rest !== '') {
    const m = part.exec(rest)
    if (m === null) {
      throw invalid
    }
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0)
    rest = rest.slice(m[0].length)
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
