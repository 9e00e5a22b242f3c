// Matchers as the UI edits and shows them. The syntax is the node's own (src/labels), so what
// the UI accepts as you type is what the API accepts; regexes are checked here only roughly
// (the browser has no RE2), and the API's answer to the live preview is the final word.
import { quoteMatcherValue, splitMatcher, splitMatcherList } from '../labels/matcher-syntax'
import type { MatcherOperator } from '../labels/matcher-syntax'

import type { Matcher } from './types'

export type { MatcherOperator }
export const OPERATORS: readonly MatcherOperator[] = ['=', '!=', '=~', '!~']

/** operatorOf gives a matcher's operator from the API's two flags. */
export function operatorOf(m: Matcher): MatcherOperator {
  const equal = m.isEqual ?? true
  if (m.isRegex) {
    return equal ? '=~' : '!~'
  }
  return equal ? '=' : '!='
}

/** matcherOf builds the API's matcher from an operator. */
export function matcherOf(name: string, operator: MatcherOperator, value: string): Matcher {
  return {
    name,
    value,
    isRegex: operator === '=~' || operator === '!~',
    isEqual: operator === '=' || operator === '=~',
  }
}

/** formatMatcher writes a matcher as Alertmanager shows it: `name=~"value"`. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${operatorOf(m)}${quoteMatcherValue(m.value)}`
}

/** formatMatchers writes a matcher list as Alertmanager's filter bar does: `{a="b", c!="d"}`. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map(formatMatcher).join(', ')}}`
}

export type ParseResult =
  | { readonly ok: true; readonly matchers: Matcher[] }
  | { readonly ok: false; readonly message: string }

/**
 * parseMatcherList parses filter text such as `{alertname="Disk", severity=~"crit|page"}` (the
 * braces are optional); the empty text is no matchers.
 */
export function parseMatcherList(text: string): ParseResult {
  const matchers: Matcher[] = []
  for (const token of splitMatcherList(text)) {
    const parts = splitMatcher(token)
    if (!parts.ok) {
      return { ok: false, message: parts.message }
    }
    const m = matcherOf(parts.name, parts.type, parts.value)
    const problem = matcherProblem(m)
    if (problem !== undefined) {
      return { ok: false, message: `${formatMatcher(m)}: ${problem}` }
    }
    matchers.push(m)
  }
  return { ok: true, matchers }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * matcherProblem says what is wrong with one matcher, as far as the browser can tell, or
 * undefined. Label names follow Alertmanager 0.25's rule; regexes are compiled with the browser's
 * engine, which accepts a few things RE2 refuses (the API reports those).
 */
export function matcherProblem(m: Matcher): string | undefined {
  if (m.name === '') {
    return 'the label name is empty'
  }
  if (!LABEL_NAME.test(m.name)) {
    return `"${m.name}" is not a valid label name (letters, digits and _, not starting with a digit)`
  }
  if (m.isRegex) {
    try {
      new RegExp(`^(?:${m.value})$`, 'u')
    } catch (err) {
      return `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`
    }
  }
  return undefined
}

/** matchesEmpty tells whether a matcher matches a missing label (value ""). */
export function matchesEmpty(m: Matcher): boolean {
  const equal = m.isEqual ?? true
  if (!m.isRegex) {
    return (m.value === '') === equal
  }
  try {
    return new RegExp(`^(?:${m.value})$`, 'u').test('') === equal
  } catch {
    return false
  }
}

/** matchersOfLabels gives one equality matcher per label, in label-name order. */
export function matchersOfLabels(labels: Readonly<Record<string, string>>): Matcher[] {
  return Object.keys(labels)
    .sort()
    .map((name) => matcherOf(name, '=', labels[name] ?? ''))
}
