/**
 * The template functions of Alertmanager: 0.25's DefaultFuncs (template/template.go) and the
 * functions later releases added, which users copy from the current documentation. Each entry
 * names the release that brought it and where its behaviour was taken from.
 */
import { compileGoRegex } from '../../labels/index.js'

import { SLICE_STRING } from './data.js'
import {
  ANY,
  BOOL,
  ERROR,
  GoBox,
  MAP_STRING_ANY,
  SLICE_ANY,
  STRING,
  listOf,
  payload,
  quoteWith,
  sprintf,
  typeOf,
  unboxIface,
} from './go/index.js'
import type { FuncMap, GoFunc, GoType, GoValue } from './go/index.js'
import { parseGoFloat } from './go/strconv.js'
import { HTML_CONTENT, URL_CONTENT } from './html/index.js'
import { marshalJSON } from './json-marshal.js'
import {
  DURATION,
  TIME,
  durationValue,
  formatTime,
  nowTime,
  subTimes,
  timeOf,
  timeValue,
} from './time.js'
import { goToLower, goToUpper, titleCase } from './title.js'
import { loadLocation } from './zone.js'

/**
 * TEMPLATE_HTML is html/template's `template.HTML`, what `safeHtml` returns. It is the html
 * package's own type, not a look-alike: the escaper recognises trusted content by type
 * identity (html/content.ts stringify), so a second GoType of the same name would be escaped.
 */
export const TEMPLATE_HTML: GoType = HTML_CONTENT

/** TEMPLATE_URL is html/template's `template.URL`, what `safeUrl` returns (same reason). */
export const TEMPLATE_URL: GoType = URL_CONTENT

function fn(
  params: GoType[],
  results: GoType[],
  impl: (...args: GoValue[]) => GoValue,
  variadic = false
): GoFunc {
  return { params, variadic, results, fn: impl }
}

/** canBackquote is Go's strconv.CanBackquote: no backquote, control character (but tab), BOM or invalid UTF-8. */
function canBackquote(s: string): boolean {
  return !/[`\u0000-\u0008\u000a-\u001f\u007f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
    s
  )
}

/** regexpQuote is the quote helper of Go's regexp package, used in MustCompile's panic. */
function regexpQuote(s: string): string {
  return canBackquote(s) ? `\`${s}\`` : quoteWith(s, false)
}

/** reReplaceAll is 0.25's `regexp.MustCompile(pattern).ReplaceAllString(text, repl)`. */
function reReplaceAll(pattern: GoValue, repl: GoValue, text: GoValue): string {
  let re
  try {
    re = compileGoRegex(pattern as string)
  } catch (e) {
    // MustCompile panics; text/template's safeCall turns the panic into the call's error.
    throw new Error(
      `regexp: Compile(${regexpQuote(pattern as string)}): ${e instanceof Error ? e.message : String(e)}`,
      { cause: e }
    )
  }
  return re.replaceAll(text as string, repl as string)
}

// Go's unicode.IsSpace: Latin-1 spaces, U+0085, U+00A0 and the Unicode White_Space runes
// (JS's trim() also strips U+FEFF and leaves U+0085).
const GO_SPACE =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const TRIM_SPACE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g')

/**
 * goTrimSpace is Go's strings.TrimSpace.
 *
 * @param s - the text.
 * @returns the text without leading and trailing white space.
 */
export function goTrimSpace(s: string): string {
  return s.replace(TRIM_SPACE, '')
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) {
    return c - 0x30
  }
  if (c >= 0x61 && c <= 0x66) {
    return c - 0x61 + 10
  }
  if (c >= 0x41 && c <= 0x46) {
    return c - 0x41 + 10
  }
  return -1
}

/**
 * queryUnescape is Go's url.QueryUnescape: `%XX` escapes and `+` as space.
 *
 * @param s - the escaped text.
 * @returns the unescaped text.
 * @throws Error `invalid URL escape "%zz"` as Go's url.EscapeError.
 */
export function queryUnescape(s: string): string {
  const bytes = Buffer.from(s, 'utf8')
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === 0x25) {
      const h = unhex(bytes[i + 1] ?? 0)
      const l = unhex(bytes[i + 2] ?? 0)
      if (i + 2 >= bytes.length || h < 0 || l < 0) {
        let bad = bytes.subarray(i, Math.min(i + 3, bytes.length)).toString('utf8')
        if (bad.length > 3) {
          bad = bad.slice(0, 3)
        }
        throw new Error(`invalid URL escape ${quoteWith(bad, false)}`)
      }
      out.push(h * 16 + l)
      i += 2
    } else if (b === 0x2b) {
      out.push(0x20)
    } else {
      out.push(b)
    }
  }
  return Buffer.from(out).toString('utf8')
}

/**
 * humanizeDuration is prometheus/common's helpers/templates.HumanizeDuration (what
 * Alertmanager's `humanizeDuration` calls): seconds as `1d 2h 3m 4s`, under a minute with four
 * significant digits, under a second with SI prefixes (`100ms`, `100us`).
 *
 * @param v - a float64, string, int, uint, int64, uint64 or time.Duration.
 * @returns the text.
 * @throws Error `can't convert T to float`, or strconv's parse error for a bad string.
 */
export function humanizeDuration(v: GoValue): string {
  let x = convertToFloat(unboxIface(v))
  if (Number.isNaN(x) || !Number.isFinite(x)) {
    return sprintf('%.4g', [new GoBox(FLOAT, x)])
  }
  if (x === 0) {
    return sprintf('%.4gs', [new GoBox(FLOAT, x)])
  }
  if (Math.abs(x) >= 1) {
    let sign = ''
    if (x < 0) {
      sign = '-'
      x = -x
    }
    const duration = Math.trunc(x)
    const seconds = duration % 60
    const minutes = Math.trunc(duration / 60) % 60
    const hours = Math.trunc(duration / 3600) % 24
    const days = Math.trunc(duration / 86400)
    // For days to minutes, we display seconds as an integer.
    if (days !== 0) {
      return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`
    }
    if (hours !== 0) {
      return `${sign}${hours}h ${minutes}m ${seconds}s`
    }
    if (minutes !== 0) {
      return `${sign}${minutes}m ${seconds}s`
    }
    // For seconds, we display 4 significant digits.
    return `${sign}${sprintf('%.4g', [new GoBox(FLOAT, x)])}s`
  }
  let prefix = ''
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(x) >= 1) {
      break
    }
    prefix = p
    x *= 1000
  }
  return `${sprintf('%.4g', [new GoBox(FLOAT, x)])}${prefix}s`
}

const FLOAT = typeOf(0.5) as GoType

/** convertToFloat is prometheus/common's helpers/templates/convert_to_float.go. */
function convertToFloat(v: GoValue): number {
  const t = typeOf(v)
  if (typeof v === 'string') {
    const parsed = parseGoFloat(v)
    if (parsed === undefined) {
      throw new Error(`strconv.ParseFloat: parsing ${quoteWith(v, false)}: invalid syntax`)
    }
    if (parsed.range) {
      throw new Error(`strconv.ParseFloat: parsing ${quoteWith(v, false)}: value out of range`)
    }
    return parsed.value
  }
  if (t === DURATION) {
    const ns = Number(payload(v))
    const sec = Math.trunc(ns / 1e9)
    return sec + (ns - sec * 1e9) / 1e9
  }
  if (
    t !== undefined &&
    !t.named &&
    ['float64', 'int', 'uint', 'int64', 'uint64'].includes(t.kind)
  ) {
    return Number(payload(v))
  }
  throw new Error(`can't convert ${t === undefined ? '<nil>' : t.name} to float`)
}

/**
 * dict builds a `map[string]interface {}` from key/value arguments. Alertmanager's docs list
 * no exact error texts for it; these are alertmesh's.
 */
function dict(...args: GoValue[]): GoValue {
  if (args.length % 2 !== 0) {
    throw new Error('dict: odd number of arguments')
  }
  const out = new Map<string, GoValue>()
  for (let i = 0; i < args.length; i += 2) {
    const key = unboxIface(args[i])
    if (typeof key !== 'string') {
      throw new Error(`dict: key ${sprintf('%#v', [key])} is not a string`)
    }
    out.set(key, args[i + 1])
  }
  return new GoBox(MAP_STRING_ANY, out)
}

/**
 * DEFAULT_FUNCS are Alertmanager 0.25's DefaultFuncs (template/template.go), exactly these
 * eight: toUpper, toLower, title, join, match, safeHtml, reReplaceAll, stringSlice.
 */
export const DEFAULT_FUNCS: FuncMap = {
  // strings.ToUpper / strings.ToLower: per-rune simple case mappings.
  toUpper: fn([STRING], [STRING], (s) => goToUpper(s as string)),
  toLower: fn([STRING], [STRING], (s) => goToLower(s as string)),
  // cases.Title(language.AmericanEnglish).String, not strings.Title.
  title: fn([STRING], [STRING], (s) => titleCase(s as string)),
  // join is strings.Join with the separator first, for pipelines.
  join: fn([STRING, SLICE_STRING], [STRING], (sep, s) =>
    (listOf(s) as string[]).join(sep as string)
  ),
  // regexp.MatchString: compile errors are the function's error result.
  match: fn([STRING, STRING], [BOOL, ERROR], (pattern, s) =>
    compileGoRegex(pattern as string).test(s as string)
  ),
  safeHtml: fn([STRING], [TEMPLATE_HTML], (s) => new GoBox(TEMPLATE_HTML, s)),
  reReplaceAll: fn([STRING, STRING, STRING], [STRING], reReplaceAll),
  stringSlice: fn(
    [SLICE_STRING],
    [SLICE_STRING],
    (...s) => new GoBox(SLICE_STRING, s.length === 0 ? null : s),
    true
  ),
}

/**
 * NEWER_FUNCS are the functions Alertmanager added after 0.25, with the behaviour of the
 * upstream template/template.go that added them:
 * - trimSpace (0.26): strings.TrimSpace.
 * - safeUrl, urlUnescape (0.27): html/template.URL and url.QueryUnescape.
 * - date, tz (0.27): `t.Format(layout)` and `t.In(time.LoadLocation(name))`.
 * - since, humanizeDuration (0.27): time.Since and prometheus/common's
 *   helpers/templates.HumanizeDuration.
 * - toJson (0.28): json.Marshal of any value.
 * - list, append, dict: the helpers of the current documentation's examples; their exact
 *   error texts are alertmesh's.
 * Release numbers are from Alertmanager's changelog as we read it; unit tests hold the
 * behaviour with golden outputs, since 0.25 cannot serve as their oracle.
 */
export const NEWER_FUNCS: FuncMap = {
  trimSpace: fn([STRING], [STRING], (s) => goTrimSpace(s as string)),
  safeUrl: fn([STRING], [TEMPLATE_URL], (s) => new GoBox(TEMPLATE_URL, s)),
  urlUnescape: fn([STRING], [STRING, ERROR], (s) => queryUnescape(s as string)),
  date: fn([STRING, TIME], [STRING], (layout, t) => formatTime(timeOf(t), layout as string)),
  tz: fn([STRING, TIME], [TIME, ERROR], (name, t) =>
    timeValue({ ...timeOf(t), loc: loadLocation(name as string) })
  ),
  since: fn([TIME], [DURATION], (t) => durationValue(subTimes(nowTime(), timeOf(t)))),
  humanizeDuration: fn([ANY], [STRING, ERROR], humanizeDuration),
  toJson: fn([ANY], [STRING, ERROR], (v) => marshalJSON(v)),
  list: fn([SLICE_ANY], [SLICE_ANY], (...args) => args, true),
  append: fn([SLICE_ANY, SLICE_ANY], [SLICE_ANY], (l, ...args) => [...listOf(l), ...args], true),
  dict: fn([SLICE_ANY], [MAP_STRING_ANY, ERROR], dict, true),
}

/** ALL_FUNCS are the functions alertmesh installs: 0.25's and the newer ones. */
export const ALL_FUNCS: FuncMap = { ...DEFAULT_FUNCS, ...NEWER_FUNCS }
