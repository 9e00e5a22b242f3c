// The text syntax of matchers, without compiling anything: shared by the node's parser and by
// the web UI (which validates as the user types and must not bundle the RE2 engine). It imports
// nothing outside this file but go-string, which keeps it browser-safe.
import { goTrimSpace, hasLoneSurrogate, toWellFormed } from './go-string.js'

/** MatcherOperator is one of the four matcher operators. */
export type MatcherOperator = '=' | '!=' | '=~' | '!~'

/** MatcherParts is a matcher split into its name, operator and unquoted value. */
export interface MatcherParts {
  readonly name: string
  readonly type: MatcherOperator
  readonly value: string
}

/** MatcherSyntaxResult is a split matcher or the reason it is malformed, in 0.25's words. */
export type MatcherSyntaxResult =
  ({ readonly ok: true } & MatcherParts) | { readonly ok: false; readonly message: string }

// 0.25's pkg/labels/parse.go regex, translated: Go's `\s` is ASCII [\t\n\f\r ], Go's `$` without
// (?m) is end of text (as JS's without the m flag), and `=~` comes before `=` so the longest
// operator wins.
const MATCHER_RE =
  /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/

/**
 * splitMatcher splits one matcher like Alertmanager 0.25's `labels.ParseMatcher`, without
 * compiling a regex: `name op value`, with optional white space around each token. The value may
 * be double-quoted; inside, `\"`, `\\` and `\n` are unescaped and any other backslash is literal.
 *
 * @param input - one matcher, e.g. `severity=~"crit|page"`.
 * @returns the parts, or 0.25's message: `bad matcher format: <input>`, `matcher value contains
 * unescaped double quote: <value>`, `matcher value not valid UTF-8: <value>`.
 * @example
 * splitMatcher('team != "a\\"b"') // { ok: true, name: 'team', type: '!=', value: 'a"b' }
 */
export function splitMatcher(input: string): MatcherSyntaxResult {
  const ms = MATCHER_RE.exec(input)
  const name = ms?.[1]
  const type = ms?.[2] as MatcherOperator | undefined
  const raw = ms?.[3]
  if (name === undefined || type === undefined || raw === undefined) {
    return { ok: false, message: `bad matcher format: ${input}` }
  }
  let rawValue = raw
  let expectTrailingQuote = false
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1)
    expectTrailingQuote = true
  }
  if (hasLoneSurrogate(rawValue)) {
    return { ok: false, message: `matcher value not valid UTF-8: ${raw}` }
  }
  const unquoteProblem = `matcher value contains unescaped double quote: ${raw}`
  const last = rawValue.length - 1
  let value = ''
  let escaped = false
  for (let i = 0; i < rawValue.length; i++) {
    const c = rawValue[i] ?? ''
    if (escaped) {
      escaped = false
      if (c === 'n') {
        value += '\n'
      } else if (c === '"' || c === '\\') {
        value += c
      } else {
        // A spurious escape: the backslash is literal.
        value += `\\${c}`
      }
      continue
    }
    if (c === '\\') {
      if (i < last) {
        escaped = true
        continue
      }
      // A backslash as the last character is literal.
      value += '\\'
    } else if (c === '"') {
      if (!expectTrailingQuote || i < last) {
        return { ok: false, message: unquoteProblem }
      }
      expectTrailingQuote = false
    } else {
      value += c
    }
  }
  if (expectTrailingQuote) {
    return { ok: false, message: unquoteProblem }
  }
  return { ok: true, name, type, value }
}

/**
 * splitMatcherList splits a comma-separated matcher list like 0.25's `labels.ParseMatchers`: one
 * leading `{` and one trailing `}` are optional, commas inside double quotes do not split (a `\"`
 * does not open or close quotes), and an empty last item (trailing comma) is ignored.
 *
 * @param input - the list, e.g. `{foo="bar", baz!~"x.*",}`.
 * @returns the matcher texts in input order (not yet split).
 */
export function splitMatcherList(input: string): string[] {
  // Go ranges over runes, which turns invalid UTF-8 into U+FFFD; lone surrogates are our analogue.
  let s = toWellFormed(input)
  if (s.startsWith('{')) {
    s = s.slice(1)
  }
  if (s.endsWith('}')) {
    s = s.slice(0, -1)
  }
  const tokens: string[] = []
  let insideQuotes = false
  let escaped = false
  let tokenStart = 0
  for (let i = 0; i < s.length; i++) {
    // Mirrors the Go switch exactly, including that a comma leaves `escaped` untouched.
    switch (s.charCodeAt(i)) {
      case 0x2c: // ','
        if (!insideQuotes) {
          tokens.push(s.slice(tokenStart, i))
          tokenStart = i + 1
        }
        break
      case 0x22: // '"'
        if (!escaped) {
          insideQuotes = !insideQuotes
        } else {
          escaped = false
        }
        break
      case 0x5c: // '\\'
        escaped = !escaped
        break
      default:
        escaped = false
    }
  }
  // Only the last token is trimmed (with Go's Unicode white space) and dropped when empty.
  const lastToken = goTrimSpace(s.slice(tokenStart))
  if (lastToken !== '') {
    tokens.push(lastToken)
  }
  return tokens
}

/**
 * quoteMatcherValue quotes a value so {@link splitMatcher} gives it back unchanged: `\`, `"` and
 * newlines are escaped, nothing else.
 *
 * @param value - the raw value.
 * @returns the value in double quotes.
 */
export function quoteMatcherValue(value: string): string {
  return `"${value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`
}
