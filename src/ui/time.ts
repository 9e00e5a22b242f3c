// Times and durations as the UI shows and takes them: Go-style durations (`2h30m`, as amtool
// and Alertmanager's UI use) and local date-times for <input type="datetime-local">.

const UNITS: readonly (readonly [string, number])[] = [
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
]

/** parseDuration reads `1w2d3h4m5s` (any subset, in that order); undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  const match = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed)
  if (trimmed === '' || match === null) {
    return undefined
  }
  return UNITS.reduce((sum, [, ms], i) => sum + Number(match[i + 1] ?? 0) * ms, 0)
}

/** formatDuration writes milliseconds as `1d2h3m` (seconds only below a minute); `0s` for 0. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000) * 1000)
  if (rest >= 60_000) {
    rest = Math.round(rest / 60_000) * 60_000
  }
  let text = ''
  for (const [unit, size] of UNITS) {
    if (unit === 'w') {
      continue
    }
    const count = Math.floor(rest / size)
    if (count > 0) {
      text += `${count}${unit}`
      rest -= count * size
    }
  }
  return text === '' ? '0s' : text
}

/** relativeTime says how far `iso` is from `now`: `in 2h`, `3m ago`. */
export function relativeTime(iso: string, now: number): string {
  const delta = Date.parse(iso) - now
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`
}

/** toLocalInput renders an instant for <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** fromLocalInput reads <input type="datetime-local">; undefined when empty or malformed. */
export function fromLocalInput(value: string): number | undefined {
  if (value === '') {
    return undefined
  }
  const ms = new Date(value).getTime()
  return Number.isNaN(ms) ? undefined : ms
}

/** formatTime shows an instant in the browser's zone with its offset, to the minute. */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) {
    return iso
  }
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  })
}
