/**
 * Time zones for the template layer's `time.Location`: UTC, fixed offsets, the process's Local
 * zone and IANA zones read from the same TZif files Go 1.19's time.LoadLocation reads
 * (/usr/share/zoneinfo), so abbreviations match Go's (`CEST`, `+03`); beyond a file's last
 * transition the offset comes from Intl and the name from the file's POSIX TZ footer.
 */
import { existsSync, readFileSync, readlinkSync } from 'node:fs'

/** ZoneAt is the zone in effect at an instant: its abbreviation and offset in seconds east of UTC. */
export interface ZoneAt {
  readonly abbr: string
  readonly offset: number
}

/** GoLocation is a Go *time.Location: a name (`UTC`, `Local`, `Europe/Paris`) and its zones. */
export interface GoLocation {
  /** name is what Location.String() prints. */
  readonly name: string
  /**
   * lookup returns the zone at an instant.
   *
   * @param unixSec - seconds since the Unix epoch.
   * @returns the zone.
   */
  lookup(unixSec: number): ZoneAt
}

/** UTC_LOCATION is Go's time.UTC. */
export const UTC_LOCATION: GoLocation = {
  name: 'UTC',
  lookup: () => ({ abbr: 'UTC', offset: 0 }),
}

/**
 * fixedZone is Go's time.FixedZone: a location that always uses the same name and offset.
 *
 * @param name - the abbreviation (may be empty: Format then prints `-0700` for `MST`).
 * @param offset - seconds east of UTC.
 * @returns the location.
 */
export function fixedZone(name: string, offset: number): GoLocation {
  const zone = { abbr: name, offset }
  return { name, lookup: () => zone }
}

const ZONEINFO = '/usr/share/zoneinfo'

interface TZif {
  readonly transitions: readonly number[]
  readonly indexes: readonly number[]
  readonly types: readonly { offset: number; isDST: boolean; abbr: string }[]
  readonly footer: string
}

/** SixNumbers is a tuple of six numbers: the TZif header counts, a date-time's fields. */
export type SixNumbers = [number, number, number, number, number, number]

/** parseTZif reads the version 2+ (64-bit) data of a TZif file (RFC 8536), as Go's LoadLocationFromTZData. */
function parseTZif(b: Buffer): TZif | undefined {
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'TZif') {
    return undefined
  }
  const counts = (at: number): number[] =>
    [0, 1, 2, 3, 4, 5].map((i) => b.readUInt32BE(at + 20 + i * 4))
  let [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = counts(0) as SixNumbers
  let p = 44
  let timeSize = 4
  if (b[4] !== 0) {
    // Skip the 32-bit data block; version 2+ repeats everything with 64-bit times.
    p += timecnt * 4 + timecnt + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt
    ;[isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = counts(p) as SixNumbers
    p += 44
    timeSize = 8
  }
  const transitions: number[] = []
  for (let i = 0; i < timecnt; i++) {
    transitions.push(
      timeSize === 8 ? Number(b.readBigInt64BE(p + i * 8)) : b.readInt32BE(p + i * 4)
    )
  }
  p += timecnt * timeSize
  const indexes = [...b.subarray(p, p + timecnt)]
  p += timecnt
  const rawTypes: { offset: number; isDST: boolean; abbrIndex: number }[] = []
  for (let i = 0; i < typecnt; i++) {
    rawTypes.push({
      offset: b.readInt32BE(p),
      isDST: b[p + 4] !== 0,
      abbrIndex: b[p + 5] ?? 0,
    })
    p += 6
  }
  const chars = b.subarray(p, p + charcnt)
  p += charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt
  const types = rawTypes.map((t) => {
    const end = chars.indexOf(0, t.abbrIndex)
    return {
      offset: t.offset,
      isDST: t.isDST,
      abbr: chars.toString('latin1', t.abbrIndex, end < 0 ? undefined : end),
    }
  })
  let footer = ''
  if (timeSize === 8 && b[p] === 0x0a) {
    const end = b.indexOf(0x0a, p + 1)
    footer = b.toString('latin1', p + 1, end < 0 ? undefined : end)
  }
  return { transitions, indexes, types, footer }
}

/** footerNames returns the standard and daylight names and standard offset of a POSIX TZ string. */
function footerNames(tz: string): { std: string; stdOffset: number; dst: string } | undefined {
  const m = /^(<[^>]*>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})(<[^>]*>|[A-Za-z]+)?/.exec(tz)
  if (m === null) {
    return undefined
  }
  const strip = (s: string): string => (s.startsWith('<') ? s.slice(1, -1) : s)
  const [h = '0', mi = '0', s = '0'] = (m[2] as string).replace(/^[+-]/, '').split(':')
  const abs = Number(h) * 3600 + Number(mi) * 60 + Number(s)
  // POSIX offsets are west of UTC: CET-1 is one hour east.
  const stdOffset = (m[2] as string).startsWith('-') ? abs : -abs
  return { std: strip(m[1] as string), stdOffset, dst: m[3] === undefined ? '' : strip(m[3]) }
}

/** intlOffset returns the offset of an IANA zone at an instant, from Intl's tz data. */
function intlOffset(formatter: Intl.DateTimeFormat, unixSec: number): number {
  const part = formatter
    .formatToParts(new Date(unixSec * 1000))
    .find((p) => p.type === 'timeZoneName')?.value
  const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(part ?? '')
  if (m?.[1] === undefined) {
    return 0
  }
  const abs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)
  return m[1] === '-' ? -abs : abs
}

/** numericAbbr is how tzdata names zones without a customary abbreviation: `+03`, `+0530`. */
function numericAbbr(offset: number): string {
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0')
  const mm = Math.floor((abs % 3600) / 60)
  return mm === 0 ? `${sign}${hh}` : `${sign}${hh}${String(mm).padStart(2, '0')}`
}

function makeIanaLookup(
  zone: string | undefined,
  tzif: TZif | undefined
): (unixSec: number) => ZoneAt {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone: zone ?? 'UTC',
    timeZoneName: 'longOffset',
  })
  const fromIntl = (unixSec: number): ZoneAt => {
    const offset = intlOffset(formatter, unixSec)
    const names = tzif === undefined ? undefined : footerNames(tzif.footer)
    if (names !== undefined) {
      return {
        abbr: offset === names.stdOffset || names.dst === '' ? names.std : names.dst,
        offset,
      }
    }
    return { abbr: numericAbbr(offset), offset }
  }
  if (tzif === undefined || tzif.types.length === 0) {
    return fromIntl
  }
  const { transitions, indexes, types } = tzif
  // Go's lookupFirstZone (zoneinfo.go): the zone before the first transition.
  const firstZone = (): number => {
    const first = indexes[0]
    if (first !== undefined && types[first]?.isDST === true) {
      for (let zi = first - 1; zi >= 0; zi--) {
        if (types[zi]?.isDST === false) {
          return zi
        }
      }
    }
    const zi = types.findIndex((t) => !t.isDST)
    return zi < 0 ? 0 : zi
  }
  return (unixSec) => {
    if (transitions.length === 0 || unixSec < (transitions[0] as number)) {
      if (transitions.length === 0 && tzif.footer !== '') {
        return fromIntl(unixSec)
      }
      const t = types[firstZone()] as TZif['types'][number]
      return { abbr: t.abbr, offset: t.offset }
    }
    const last = transitions.length - 1
    if (unixSec >= (transitions[last] as number) && tzif.footer !== '') {
      return fromIntl(unixSec)
    }
    let lo = 0
    let hi = transitions.length
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1
      if (unixSec < (transitions[m] as number)) {
        hi = m
      } else {
        lo = m
      }
    }
    const t = types[indexes[lo] as number] as TZif['types'][number]
    return { abbr: t.abbr, offset: t.offset }
  }
}

function isKnownToIntl(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const ianaCache = new Map<string, GoLocation>()

/**
 * loadLocation is Go 1.19's time.LoadLocation: `""` and `UTC` are UTC, `Local` is the local
 * zone, anything else an IANA name found in /usr/share/zoneinfo (or, without that directory,
 * known to Intl).
 *
 * @param name - the zone name.
 * @returns the location.
 * @throws Error `unknown time zone NAME` or `time: invalid location name`, Go's messages.
 */
export function loadLocation(name: string): GoLocation {
  if (name === '' || name === 'UTC') {
    return UTC_LOCATION
  }
  if (name === 'Local') {
    return localLocation()
  }
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) {
    throw new Error('time: invalid location name')
  }
  const cached = ianaCache.get(name)
  if (cached !== undefined) {
    return cached
  }
  const loc = ianaLocation(name, `${ZONEINFO}/${name}`, name)
  if (loc === undefined) {
    throw new Error(`unknown time zone ${name}`)
  }
  ianaCache.set(name, loc)
  return loc
}

function ianaLocation(
  zone: string | undefined,
  file: string,
  printedName: string
): GoLocation | undefined {
  let tzif: TZif | undefined
  if (existsSync(file) || (existsSync(ZONEINFO) && file.startsWith(ZONEINFO))) {
    try {
      tzif = parseTZif(readFileSync(file))
    } catch {
      return undefined
    }
    if (tzif === undefined) {
      return undefined
    }
  } else if (zone === undefined || !isKnownToIntl(zone)) {
    return undefined
  }
  if (tzif !== undefined && tzif.footer !== '' && (zone === undefined || !isKnownToIntl(zone))) {
    // A zone the TZif file knows but Intl does not: stay within the file's transitions.
    tzif = { ...tzif, footer: '' }
  }
  const lookup = makeIanaLookup(zone, tzif)
  return { name: printedName, lookup }
}

let local: GoLocation | undefined

/**
 * localLocation is Go's time.Local, chosen as Go 1.19's initLocal (zoneinfo_unix.go) does:
 * `$TZ` when set (empty or `UTC` means UTC; the location is then named after `$TZ`), else
 * /etc/localtime (named `Local`); a zone that cannot be loaded falls back to UTC (named `UTC`).
 *
 * @returns the local location.
 */
export function localLocation(): GoLocation {
  if (local !== undefined) {
    return local
  }
  const tzEnv = process.env['TZ']
  let loc: GoLocation | undefined
  if (tzEnv === undefined) {
    let zone: string | undefined
    try {
      const target = readlinkSync('/etc/localtime')
      const at = target.indexOf('zoneinfo/')
      zone = at >= 0 ? target.slice(at + 'zoneinfo/'.length) : undefined
    } catch {
      zone = undefined
    }
    loc = ianaLocation(zone, '/etc/localtime', 'Local')
  } else {
    const tz = tzEnv.startsWith(':') ? tzEnv.slice(1) : tzEnv
    if (tz !== '' && tz !== 'UTC' && !tz.includes('..')) {
      loc = tz.startsWith('/')
        ? ianaLocation(undefined, tz, tz)
        : ianaLocation(tz, `${ZONEINFO}/${tz}`, tz)
    }
  }
  local = loc ?? { name: 'UTC', lookup: () => ({ abbr: 'UTC', offset: 0 }) }
  return local
}
