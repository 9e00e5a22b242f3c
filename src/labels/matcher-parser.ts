import { MatcherError } from './errors.js'
import { splitMatcher, splitMatcherList } from './matcher-syntax.js'
import { Matcher } from './matcher.js'

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
  const parts = splitMatcher(input)
  if (!parts.ok) {
    throw new MatcherError(parts.message)
  }
  return new Matcher(parts.type, parts.name, parts.value)
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
  return splitMatcherList(input).map((token) => parseMatcher(token))
}
