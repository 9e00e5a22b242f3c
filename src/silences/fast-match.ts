import type { LabelSet, Matcher } from '../labels/index.js'

/** LabelTest decides whether one matcher matches a label set. */
export type LabelTest = (labels: LabelSet) => boolean

// Characters with a meaning in Go RE2 syntax.
const META = new Set('\\.+*?()|[]{}^$')

/**
 * MEMO_MAX bounds the per-matcher memo of regex results. Label values repeat a lot (alertname,
 * severity, team, job), and one regex run costs microseconds in the RE2 engine; a full memo is
 * emptied, so a high-cardinality label only costs the lookups.
 */
const MEMO_MAX = 64

/**
 * literalOf returns the text a regex fragment matches when it is a plain literal (meta
 * characters allowed only as `\` + ASCII punctuation, which Go reads as the character itself),
 * or undefined.
 *
 * @param fragment - part of a Go regex.
 * @returns the literal text, or undefined.
 * @example
 * literalOf('host\\.1') // 'host.1'
 */
export function literalOf(fragment: string): string | undefined {
  let out = ''
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment.charAt(i)
    if (c === '\\') {
      const next = fragment.charAt(i + 1)
      if (next === '' || /[0-9A-Za-z]/.test(next) || next.charCodeAt(0) >= 0x80) {
        return undefined
      }
      out += next
      i++
    } else if (META.has(c)) {
      return undefined
    } else {
      out += c
    }
  }
  return out
}

/**
 * regexValueTest returns an exact string test for the regex shapes silences use most, anchored
 * as `^(?:pattern)$` with Go's default flags (`.` matches anything but a newline): `lit.*`,
 * `.*lit` and `.*lit.*`. Other shapes return undefined and go to the compiled regex.
 */
function regexValueTest(pattern: string): ((value: string) => boolean) | undefined {
  const starts = pattern.startsWith('.*')
  const ends = pattern.endsWith('.*') && !pattern.endsWith('\\.*')
  if (starts && ends && pattern.length >= 4) {
    const lit = literalOf(pattern.slice(2, -2))
    if (lit === undefined || lit.includes('\n')) {
      return undefined
    }
    return (v) => v.includes(lit) && !v.includes('\n')
  }
  if (ends) {
    const lit = literalOf(pattern.slice(0, -2))
    if (lit === undefined) {
      return undefined
    }
    return (v) => v.startsWith(lit) && !v.includes('\n', lit.length)
  }
  if (starts) {
    const lit = literalOf(pattern.slice(2))
    if (lit === undefined) {
      return undefined
    }
    return (v) => {
      const nl = v.indexOf('\n')
      return v.endsWith(lit) && (nl === -1 || nl >= v.length - lit.length)
    }
  }
  return undefined
}

/**
 * labelTest compiles one matcher into a label-set test. Prefix, suffix and substring regexes
 * (`host-1.*`, `.*\.example\.com`, `.*db.*`), common in silences, are decided with string
 * operations, several times faster than running the regex; the result is the same. Other
 * regexes run through the matcher with a small memo of results per label value.
 *
 * @param m - the compiled (hence valid) matcher.
 * @returns the test; an absent label counts as `""`.
 */
export function labelTest(m: Matcher): LabelTest {
  if (m.type === '=' || m.type === '!=') {
    return (labels) => m.matchesLabels(labels)
  }
  const name = m.name
  const valueTest = regexValueTest(m.value)
  if (valueTest === undefined) {
    const memo = new Map<string, boolean>()
    return (labels) => {
      const value = labels[name]
      const v = typeof value === 'string' ? value : ''
      let result = memo.get(v)
      if (result === undefined) {
        result = m.matches(v)
        if (memo.size >= MEMO_MAX) {
          memo.clear()
        }
        memo.set(v, result)
      }
      return result
    }
  }
  const negate = m.type === '!~'
  return (labels) => {
    // typeof guards against inherited members such as `constructor`, as Matcher does.
    const value = labels[name]
    return valueTest(typeof value === 'string' ? value : '') !== negate
  }
}

/**
 * silenceTest compiles a silence's matchers into one test that holds when all of them match.
 *
 * @param matchers - the compiled matchers.
 * @returns the test.
 */
export function silenceTest(matchers: readonly Matcher[]): LabelTest {
  const tests = matchers.map(labelTest)
  const [a, b] = tests
  if (tests.length === 1 && a !== undefined) {
    return a
  }
  if (tests.length === 2 && a !== undefined && b !== undefined) {
    return (labels) => a(labels) && b(labels)
  }
  return (labels) => tests.every((t) => t(labels))
}
