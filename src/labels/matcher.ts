import { compareGoStrings } from '../util/index.js'

import { compileRe2 } from './go-regex.js'
import type { LabelSet } from './labels.js'

/**
 * MatchType is a matcher operator: `=` equal, `!=` not equal, `=~` regex match, `!~` regex
 * not-match (pkg/labels/matcher.go).
 */
export type MatchType = '=' | '!=' | '=~' | '!~'

/** TYPE_ORDER is Go's `labels.MatchType` enum value, the last sort key of matchers. */
const TYPE_ORDER: Readonly<Record<MatchType, number>> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 }

// Characters with a meaning in Go RE2 syntax. A pattern without them matches only itself.
const REGEX_META_RE = /[\\.+*?()|[\]{}^$]/
const REGEX_META_BUT_PIPE_RE = /[\\.+*?()[\]{}^$]/

/**
 * RegexTest decides a `=~` match for one value. Patterns that are plain literals, literal
 * alternations, `.*` or `.+` are decided without running a regex; the results are the same as
 * Go's `^(?:pattern)$` (`.` does not match a newline without `(?s)`).
 */
type RegexTest = (value: string) => boolean

/** buildRegexTest compiles `pattern` the way Go's `labels.NewMatcher` does and picks a fast path. */
function buildRegexTest(pattern: string): RegexTest {
  // Always compile, so an invalid pattern fails with Go's exact message and fast paths can never
  // accept a pattern Go rejects.
  const { re } = compileRe2(`^(?:${pattern})$`)
  if (pattern === '.*') {
    return (value) => !value.includes('\n')
  }
  if (pattern === '.+') {
    return (value) => value !== '' && !value.includes('\n')
  }
  if (!REGEX_META_RE.test(pattern)) {
    return (value) => value === pattern
  }
  if (!REGEX_META_BUT_PIPE_RE.test(pattern)) {
    const alternatives = new Set(pattern.split('|'))
    return (value) => alternatives.has(value)
  }
  return (value) => re.test(value)
}

/**
 * openMetricsEscape escapes only `\`, newline and `"`, like 0.25's `labels.openMetricsEscape`.
 */
function openMetricsEscape(s: string): string {
  if (!/[\\\n"]/.test(s)) {
    return s
  }
  return s.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))
}

/**
 * Matcher matches one label against a value, like Alertmanager 0.25's `labels.Matcher`. It is
 * immutable; `=~`/`!~` patterns are compiled once, fully anchored as `^(?:value)$` with Go RE2
 * semantics.
 *
 * @example
 * const m = new Matcher('=~', 'severity', 'crit|page')
 * m.matchesLabels({ severity: 'page' }) // true
 * m.toString() // 'severity=~"crit|page"'
 */
export class Matcher {
  /** type is the operator. */
  readonly type: MatchType
  /** name is the label name the matcher looks at. */
  readonly name: string
  /** value is the string to compare with, or the regex for `=~`/`!~`. */
  readonly value: string
  readonly #regexTest: RegexTest | undefined

  /**
   * Matcher's constructor validates and compiles the matcher; see {@link newMatcher}.
   *
   * @param type - the operator.
   * @param name - the label name (not validated, as in 0.25).
   * @param value - the value or regex.
   * @throws MatcherError when a regex does not compile, with Go's message.
   */
  constructor(type: MatchType, name: string, value: string) {
    this.type = type
    this.name = name
    this.value = value
    this.#regexTest = type === '=~' || type === '!~' ? buildRegexTest(value) : undefined
    Object.freeze(this)
  }

  /**
   * matches reports whether a label value satisfies the matcher.
   *
   * @param value - the label value (use `""` for an absent label).
   * @returns true when the value matches.
   */
  matches(value: string): boolean {
    switch (this.type) {
      case '=':
        return value === this.value
      case '!=':
        return value !== this.value
      case '=~':
        return this.#regexTest?.(value) ?? false
      case '!~':
        return !(this.#regexTest?.(value) ?? false)
    }
  }

  /**
   * matchesLabels applies the matcher to a label set; an absent label is treated as `""`, so
   * `foo=""` and `foo!~".+"` match label sets without `foo`.
   *
   * @param labels - the label set.
   * @returns true when the label's value matches.
   */
  matchesLabels(labels: LabelSet): boolean {
    // typeof guards against inherited members such as `constructor` on plain objects.
    const value = labels[this.name]
    return this.matches(typeof value === 'string' ? value : '')
  }

  /**
   * toString renders the matcher as 0.25 does: `name<op>"<value>"`, escaping only `\`, newline
   * and `"` in the value.
   *
   * @returns the matcher's string form, e.g. `team!="a\"b"`.
   */
  toString(): string {
    return `${this.name}${this.type}"${openMetricsEscape(this.value)}"`
  }
}

/**
 * newMatcher builds a matcher, compiling `=~`/`!~` values as `^(?:value)$` like 0.25's
 * `labels.NewMatcher`.
 *
 * @param type - the operator.
 * @param name - the label name (not validated, as in 0.25).
 * @param value - the value or regex.
 * @returns the matcher.
 * @throws MatcherError when a regex does not compile, e.g. ``error parsing regexp: missing
 * closing ): `^(?:()$` ``.
 * @example
 * newMatcher('!=', 'team', 'db').matches('web') // true
 */
export function newMatcher(type: MatchType, name: string, value: string): Matcher {
  return new Matcher(type, name, value)
}

/**
 * compareMatchers orders matchers like 0.25's `labels.Matchers.Less`: by name, then value (both
 * byte-wise), then operator (`=` < `!=` < `=~` < `!~`).
 */
function compareMatchers(a: Matcher, b: Matcher): number {
  return (
    compareGoStrings(a.name, b.name) ||
    compareGoStrings(a.value, b.value) ||
    TYPE_ORDER[a.type] - TYPE_ORDER[b.type]
  )
}

/**
 * sortMatchers returns a sorted copy of `ms`, ordered like 0.25's `labels.Matchers`: by name, then
 * value, then operator (`=` < `!=` < `=~` < `!~`). Routes sort their matchers this way before
 * building their key.
 *
 * @param ms - the matchers; not modified.
 * @returns a new, sorted array.
 * @example
 * matchersToString(sortMatchers(parseMatchers('b=1,a!=2,a=2'))) // '{a="2",a!="2",b="1"}'
 */
export function sortMatchers(ms: readonly Matcher[]): Matcher[] {
  return [...ms].sort(compareMatchers)
}

/**
 * matchersToString renders a matcher list like 0.25's `labels.Matchers.String`: `{m1,m2}` with a
 * comma and no space, in the given order. A route key is built from it (dispatch/route.go Key).
 *
 * @param ms - the matchers, in the order to render.
 * @returns the rendered list; `{}` when empty.
 * @example
 * matchersToString(parseMatchers('sev=~"crit|page",team="db"')) // '{sev=~"crit|page",team="db"}'
 */
export function matchersToString(ms: readonly Matcher[]): string {
  let out = '{'
  for (let i = 0; i < ms.length; i++) {
    if (i > 0) {
      out += ','
    }
    out += ms[i]?.toString() ?? ''
  }
  return `${out}}`
}
