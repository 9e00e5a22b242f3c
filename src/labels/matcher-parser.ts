import { MatcherError } from './errors.js'
import { goTrimSpace, hasLoneSurrogate, toWellFormed } from './go-string.js'
import { Matcher } from './matcher.js'
import type { MatchType } from './matcher.js'

// 0.25's pkg/labels/parse.go regex, translated: Go's `\s` is ASCII [\t\n\f\r ], Go's `$` without
// (?m) is end of text (as JS's without the m flag), and `=~` comes before `=` so the longest
// operator wins.
const MATCHER_RE =
  /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/

/**
 * parseMatcher parses one matcher exactly like Alertmanager 0.25's `labels.ParseMatcher`:
 * `name op value`, with optional white space around each token. The value may be double-quoted;
 * inside, `\"`, `\\` and `\n` are unescaped and any other backslash is literal. Unquoted values
 * are allowed.
 *
 * @param input - one matcher, e.g. `severity=~"crit|page"`.
 * @returns the matcher.
 * @throws MatcherError with 0.25's message: `bad matcher format: <input>`, `matcher value contains
 * unescaped double quote: <value>`, `matcher value not valid UTF-8: <value>`, or the regex
 * compile error.
 * @example
 * parseMatcher('team != "a\\"b"').value // 'a"b'
 */
export function parseMatcher(input: string): Matcher {
  const ms = MATCHER_RE.exec(input)
  const name = ms?.[1]
  const op = ms?.[2] as MatchType | undefined
  const raw = ms?.[3]
  if (name === undefined || op === undefined || raw === undefined) {
    throw new MatcherError(`bad matcher format: ${input}`)
  }
  let rawValue = raw
  let expectTrailingQuote = false
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1)
    expectTrailingQuote = true
  }
  if (hasLoneSurrogate(rawValue)) {
    throw new MatcherError(`matcher value not valid UTF-8: ${raw}`)
  }
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
        throw new MatcherError(`matcher value contains unescaped double quote: ${raw}`)
      }
      expectTrailingQuote = false
    } else {
      value += c
    }
  }
  if (expectTrailingQuote) {
    throw new MatcherError(`matcher value contains unescaped double quote: ${raw}`)
  }
  return new Matcher(op, name, value)
}

/**
 * parseMatchers parses a comma-separated matcher list like 0.25's `labels.ParseMatchers` (config
 * `matchers:` entries, amtool): one leading `{` and one trailing `}` are optional, commas inside
 * double quotes do not split (a `\"` does not open or close quotes), and an empty last item
 * (trailing comma) is ignored. An empty string gives no matchers.
 *
 * @param input - the list, e.g. `{foo="bar", baz!~"x.*",}`.
 * @returns the matchers in input order.
 * @throws MatcherError for the first item that {@link parseMatcher} rejects.
 * @example
 * parseMatchers('{foo="bar", baz!~"x.*",}').length // 2
 */
export function parseMatchers(input: string): Matcher[] {
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
  return tokens.map((token) => parseMatcher(token))
}
