import { goQuote, newMatcher, parseMatchers, sortMatchers } from '../labels/index.js'
import type { Matcher } from '../labels/index.js'
import { parseDuration, parseGoDuration } from '../util/index.js'

import { parseGoUrl, parseHttpUrl } from './goyaml/index.js'
import type { GoURL } from './goyaml/index.js'
import type { ScalarKind } from './schema/index.js'
import { checkLocation, parseRange } from './time-interval.js'

/**
 * Conversions behind the `x-kind` annotations: each reproduces the Go type's UnmarshalYAML and
 * throws an Error carrying Alertmanager's message.
 */

/** LABEL_NAME_RE is `model.LabelNameRE`. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** SECRET_TOKEN is what secrets marshal as; a SecretURL accepts it back (amtool round trip). */
export const SECRET_TOKEN = '<secret>'

/** EMPTY_URL is Go's `&url.URL{}`, what a SecretURL holds after reading `<secret>`. */
export function emptyUrl(): GoURL {
  return parseGoUrl('')
}

const TLS_VERSIONS = new Set(['TLS13', 'TLS12', 'TLS11', 'TLS10'])

/**
 * convertKind converts a string field according to its kind.
 *
 * @param kind - the field's `x-kind`.
 * @param text - the decoded string.
 * @returns the converted value: ms for durations, a GoURL for URLs, a range for time interval
 *   fields, the string itself for validated kinds.
 * @throws Error with Alertmanager's message.
 */
export function convertKind(kind: ScalarKind, text: string): unknown {
  switch (kind) {
    case 'duration':
      return parseDuration(text)
    case 'go-duration':
    case 'time-duration':
      return parseGoDuration(text)
    case 'url':
      return parseHttpUrl(text)
    case 'secret-url':
      return text === SECRET_TOKEN ? emptyUrl() : parseHttpUrl(text)
    case 'common-url':
      return parseGoUrl(text)
    case 'secret':
    case 'matchers':
      return text
    case 'hostport':
      return parseHostPort(text)
    case 'tls-version':
      if (!TLS_VERSIONS.has(text)) {
        throw new Error(`unknown TLS version: ${text}`)
      }
      return text
    case 'regexp':
      // MatchRegexps compiles `^(?:<re>)$` with Go's regexp; the labels module has the engine.
      newMatcher('=~', 'x', text)
      return text
    case 'label-name':
      if (!LABEL_NAME_RE.test(text)) {
        throw new Error(`${goQuote(text)} is not a valid label name`)
      }
      return text
    case 'location':
      checkLocation(text)
      return text
    case 'weekday':
    case 'day-of-month':
    case 'month':
    case 'year':
      return parseRange(kind, text)
  }
}

/**
 * parseHostPort is Alertmanager's `HostPort` unmarshaling (net.SplitHostPort plus a non-empty
 * port), rendered back as `host:port` like its String(). Deliberate difference: an IPv6 host
 * keeps its brackets (`[::1]:25`); Alertmanager prints `::1:25`, which it cannot load again.
 *
 * @param text - e.g. `smtp.example.org:587`.
 * @returns the normalised text, or '' for an empty value.
 */
function parseHostPort(text: string): string {
  if (text === '') {
    return ''
  }
  const { host, port } = splitHostPort(text)
  if (port === '') {
    throw new Error(`address ${goQuote(text)}: port cannot be empty`)
  }
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** splitHostPort is Go's net.SplitHostPort with its error texts. */
function splitHostPort(hostport: string): { host: string; port: string } {
  const fail = (why: string): Error => new Error(`address ${hostport}: ${why}`)
  const i = hostport.lastIndexOf(':')
  if (i < 0) {
    throw fail('missing port in address')
  }
  let host: string
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']')
    if (end < 0) {
      throw fail("missing ']' in address")
    }
    if (end + 1 === hostport.length) {
      throw fail('missing port in address')
    }
    if (end + 1 !== i) {
      throw fail(
        hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address'
      )
    }
    host = hostport.slice(1, end)
    if (host.includes('[') || host.includes(']')) {
      throw fail("unexpected '[' in address")
    }
  } else {
    host = hostport.slice(0, i)
    if (host.includes(':')) {
      throw fail('too many colons in address')
    }
    if (host.includes('[')) {
      throw fail("unexpected '[' in address")
    }
    if (host.includes(']')) {
      throw fail("unexpected ']' in address")
    }
  }
  const port = hostport.slice(i + 1)
  if (port.includes('[')) {
    throw fail("unexpected '[' in address")
  }
  if (port.includes(']')) {
    throw fail("unexpected ']' in address")
  }
  return { host, port }
}

/**
 * parseMatcherLines is `config.Matchers` unmarshaling: every line parsed with the 0.25 list
 * parser, concatenated, then sorted.
 *
 * @param lines - the matcher strings.
 * @returns the parsed matchers in Alertmanager's sort order.
 * @throws MatcherError with Alertmanager's message.
 */
export function parseMatcherLines(lines: readonly string[]): Matcher[] {
  const out: Matcher[] = []
  for (const line of lines) {
    out.push(...parseMatchers(line))
  }
  return sortMatchers(out)
}
