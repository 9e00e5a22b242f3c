import { RE2JS, RE2JSSyntaxException } from 're2js'

import { errorMessage } from '../util/index.js'

import { MatcherError } from './errors.js'

/**
 * GoRegex is a compiled, unanchored regular expression with Go RE2 semantics (Go 1.19, which built
 * Alertmanager 0.25), for template functions `match`/`reReplaceAll` and API receiver filters.
 */
export interface GoRegex {
  /**
   * test reports whether the regex matches anywhere in `s`, like Go's `Regexp.MatchString`.
   *
   * @param s - the text to search.
   * @returns true on a match.
   */
  test(s: string): boolean
  /**
   * replaceAll replaces every match in `s` like Go's `Regexp.ReplaceAllString`: `$1`, `${1}`,
   * `$name` and `${name}` expand to submatches (empty when missing), `$$` is a literal `$`.
   *
   * @param s - the text to search.
   * @param replacement - the template for each match.
   * @returns `s` with every match replaced.
   */
  replaceAll(s: string, replacement: string): string
}

/** REGEX_CACHE_MAX bounds the compiled-pattern cache; silences and routes repeat patterns a lot. */
const REGEX_CACHE_MAX = 1024

// The regex syntax error of Go 1.19 for `(?<`: named groups in that form arrived in Go 1.22 and
// lookbehinds never did, but re2js accepts the first.
const PERL_SYNTAX_ERROR = 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'

/** GroupScan is where Go's parser would see group openers that re2js treats differently. */
interface GroupScan {
  /** angle is the index of the first `(?<`, or -1. */
  angle: number
  /** named lists every `(?P<name>` opener in order. */
  named: { nameStart: number; name: string }[]
}

/**
 * scanGroups finds the group openers Go's parser would reach, i.e. outside escapes, `\Q...\E`
 * and character classes.
 */
function scanGroups(p: string): GroupScan {
  const scan: GroupScan = { angle: -1, named: [] }
  let i = 0
  while (i < p.length) {
    const c = p[i]
    if (c === '\\') {
      const e = p[i + 1]
      if (e === 'Q') {
        const end = p.indexOf('\\E', i + 2)
        i = end < 0 ? p.length : end + 2
      } else if ((e === 'p' || e === 'P' || e === 'x') && p[i + 2] === '{') {
        const end = p.indexOf('}', i + 3)
        i = end < 0 ? p.length : end + 1
      } else {
        i += 2
      }
    } else if (c === '[') {
      i = skipClass(p, i)
    } else if (c === '(' && p[i + 1] === '?' && p[i + 2] === '<') {
      if (scan.angle < 0) {
        scan.angle = i
      }
      i += 3
    } else if (c === '(' && p.startsWith('?P<', i + 1)) {
      const close = p.indexOf('>', i + 4)
      if (close > 0) {
        scan.named.push({ nameStart: i + 4, name: p.slice(i + 4, close) })
      }
      i += 4
    } else {
      i++
    }
  }
  return scan
}

/** skipClass returns the index just past the character class that starts at `start`. */
function skipClass(p: string, start: number): number {
  let i = start + 1
  if (p[i] === '^') {
    i++
  }
  // A `]` right after `[` or `[^` is a literal.
  if (p[i] === ']') {
    i++
  }
  while (i < p.length && p[i] !== ']') {
    if (p[i] === '\\') {
      const e = p[i + 1]
      if ((e === 'p' || e === 'P' || e === 'x') && p[i + 2] === '{') {
        const end = p.indexOf('}', i + 3)
        i = end < 0 ? p.length : end + 1
      } else {
        i += 2
      }
    } else if (p[i] === '[' && p[i + 1] === ':') {
      const end = p.indexOf(':]', i + 2)
      i = end < 0 ? i + 1 : end + 2
    } else {
      i++
    }
  }
  return i + 1
}

/** CompiledRegex is a compiled pattern plus the group names re2js saw renamed. */
export interface CompiledRegex {
  /** re is the compiled pattern. */
  readonly re: RE2JS
  /** renamed maps a group name given to re2js back to the name in the Go pattern. */
  readonly renamed: ReadonlyMap<string, string>
}

const cache = new Map<string, CompiledRegex>()

/**
 * dedupeGroupNames renames repeated `(?P<name>` groups: Go 1.19 accepts duplicate names (the first
 * one wins in expansions), re2js does not.
 */
function dedupeGroupNames(
  pattern: string,
  named: GroupScan['named']
): { source: string; renamed: Map<string, string> } {
  const renamed = new Map<string, string>()
  const taken = new Set(named.map((g) => g.name))
  const seen = new Set<string>()
  let source = ''
  let copied = 0
  for (const { nameStart, name } of named) {
    if (!seen.has(name)) {
      seen.add(name)
      continue
    }
    let alias = `${name}_`
    while (taken.has(alias)) {
      alias += '_'
    }
    taken.add(alias)
    renamed.set(alias, name)
    source += pattern.slice(copied, nameStart) + alias
    copied = nameStart + name.length
  }
  return { source: source + pattern.slice(copied), renamed }
}

// Errors for which Go quotes the whole pattern, whatever part re2js (or a prefix) quoted.
const WHOLE_PATTERN_ERRORS: ReadonlySet<string> = new Set([
  'unexpected )',
  'missing closing )',
  'expression nests too deeply',
  'expression too large',
])

/**
 * syntaxError turns what re2js threw for `pattern` into Go's message, e.g.
 * ``error parsing regexp: missing closing ): `(` ``.
 */
function syntaxError(
  err: unknown,
  pattern: string,
  renamed?: ReadonlyMap<string, string>
): MatcherError {
  if (!(err instanceof RE2JSSyntaxException)) {
    return new MatcherError(`error parsing regexp: ${errorMessage(err)}`, { cause: err })
  }
  let message: string
  if (WHOLE_PATTERN_ERRORS.has(err.error)) {
    message = `error parsing regexp: ${err.error}: \`${pattern}\``
  } else if (err.input === null) {
    // Go always appends the offending text, empty for a trailing backslash.
    message = `error parsing regexp: ${err.error}: \`\``
  } else {
    message = err.message
    for (const [alias, name] of renamed ?? []) {
      message = message.replaceAll(`(?P<${alias}>`, `(?P<${name}>`)
    }
  }
  return new MatcherError(message, { cause: err })
}

/**
 * compileRe2 compiles `pattern` with re2js exactly as Go 1.19's `regexp.Compile` would accept it,
 * reusing an earlier compilation of the same text.
 *
 * @param pattern - the Go RE2 pattern, already anchored by the caller if needed.
 * @returns the compiled pattern.
 * @throws MatcherError with Go's message when the pattern is invalid.
 */
export function compileRe2(pattern: string): CompiledRegex {
  const cached = cache.get(pattern)
  if (cached !== undefined) {
    return cached
  }
  const scan = scanGroups(pattern)
  if (scan.angle >= 0) {
    // Go reports the first error met left to right: an error before `(?<` wins, except a missing
    // `)`, which Go only notices at the end.
    const prefix = pattern.slice(0, scan.angle)
    const before = scan.named.filter((g) => g.nameStart < scan.angle)
    const deduped = dedupeGroupNames(prefix, before)
    try {
      RE2JS.compile(deduped.source)
    } catch (err) {
      if (!(err instanceof RE2JSSyntaxException) || err.error !== 'missing closing )') {
        throw syntaxError(err, pattern, deduped.renamed)
      }
    }
    throw new MatcherError(PERL_SYNTAX_ERROR)
  }
  const { source, renamed } = dedupeGroupNames(pattern, scan.named)
  let compiled: CompiledRegex
  try {
    compiled = { re: RE2JS.compile(source), renamed }
  } catch (err) {
    throw syntaxError(err, pattern, renamed)
  }
  if (cache.size >= REGEX_CACHE_MAX) {
    // Evict the oldest entry; Map iterates in insertion order.
    for (const key of cache.keys()) {
      cache.delete(key)
      break
    }
  }
  cache.set(pattern, compiled)
  return compiled
}

const NAME_CHAR_RE = /[\p{L}\p{Nd}_]/u

/** isNameChar reports whether Go's regexp `extract` accepts `ch` in a `$name`. */
function isNameChar(ch: string): boolean {
  const c = ch.charCodeAt(0)
  if (c < 0x80) {
    return (
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
    )
  }
  return NAME_CHAR_RE.test(ch)
}

/** Submatch reads group positions of the current match; -1 when a group did not take part. */
interface Submatch {
  start(group: number): number
  end(group: number): number
  groupCount(): number
}

/** GoRegexImpl is the re2js-backed GoRegex. */
class GoRegexImpl implements GoRegex {
  readonly #re: RE2JS
  readonly #names: ReadonlyMap<string, number>

  constructor({ re, renamed }: CompiledRegex) {
    this.#re = re
    // Go expands `$name` to the first group with that name; renamed duplicates never win.
    const names = new Map<string, number>()
    for (const [name, index] of Object.entries(re.namedGroups())) {
      if (!renamed.has(name)) {
        names.set(name, index)
      }
    }
    this.#names = names
  }

  test(s: string): boolean {
    return this.#re.test(s)
  }

  replaceAll(s: string, replacement: string): string {
    // Mirrors Go's Regexp.replaceAll: an empty match right after a match is not replaced, and the
    // search always advances by at least one character.
    const m = this.#re.matcher(s)
    let out = ''
    let lastMatchEnd = 0
    let searchPos = 0
    while (searchPos <= s.length) {
      if (!m.find(searchPos)) {
        break
      }
      const a0 = m.start(0)
      const a1 = m.end(0)
      out += s.slice(lastMatchEnd, a0)
      if (a1 > lastMatchEnd || a0 === 0) {
        out += this.#expand(replacement, s, m)
      }
      lastMatchEnd = a1
      let width = 0
      if (searchPos < s.length) {
        const c = s.charCodeAt(searchPos)
        const d = s.charCodeAt(searchPos + 1)
        width = c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1
      }
      if (searchPos + width > a1) {
        searchPos += width
      } else if (searchPos + 1 > a1) {
        searchPos++
      } else {
        searchPos = a1
      }
    }
    return out + s.slice(lastMatchEnd)
  }

  /** #expand renders `template` for the current match like Go's `Regexp.expand`. */
  #expand(template: string, src: string, m: Submatch): string {
    let out = ''
    let t = template
    for (;;) {
      const dollar = t.indexOf('$')
      if (dollar < 0) {
        break
      }
      out += t.slice(0, dollar)
      t = t.slice(dollar + 1)
      if (t.startsWith('$')) {
        out += '$'
        t = t.slice(1)
        continue
      }
      const ref = extractRef(t)
      if (ref === undefined) {
        // Malformed reference: the `$` is literal text.
        out += '$'
        continue
      }
      t = t.slice(ref.length)
      const group = ref.num >= 0 ? ref.num : (this.#names.get(ref.name) ?? -1)
      if (group >= 0 && group <= m.groupCount()) {
        const start = m.start(group)
        if (start >= 0) {
          out += src.slice(start, m.end(group))
        }
      }
    }
    return out + t
  }
}

/** Ref is a parsed `$name`/`${name}` reference: its name, group number (-1 if not a number), length. */
interface Ref {
  name: string
  num: number
  length: number
}

/** extractRef parses the reference after a `$` like Go's regexp `extract`. */
function extractRef(str: string): Ref | undefined {
  if (str === '') {
    return undefined
  }
  const brace = str.startsWith('{')
  let i = brace ? 1 : 0
  const nameStart = i
  while (i < str.length) {
    const cp = str.codePointAt(i) ?? 0
    const ch = String.fromCodePoint(cp)
    if (!isNameChar(ch)) {
      break
    }
    i += ch.length
  }
  if (i === nameStart) {
    return undefined
  }
  const name = str.slice(nameStart, i)
  if (brace) {
    if (str[i] !== '}') {
      return undefined
    }
    i++
  }
  let num = 0
  for (let j = 0; j < name.length; j++) {
    const c = name.charCodeAt(j)
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1
      break
    }
    num = num * 10 + (c - 0x30)
  }
  if (name.startsWith('0') && name.length > 1) {
    num = -1
  }
  return { name, num, length: i }
}

/**
 * compileGoRegex compiles an unanchored Go RE2 regular expression (Go 1.19 syntax: `(?i)`,
 * `(?s)`, `\pL`, `[[:alpha:]]`, `(?P<name>...)`, no backreferences or lookaround).
 *
 * @param pattern - the Go regex.
 * @returns the compiled regex.
 * @throws MatcherError with Go's message, e.g. ``error parsing regexp: missing closing ): `(` ``.
 * @example
 * compileGoRegex('(?i)^crit').test('CRITICAL') // true
 * compileGoRegex('(\\w+)@(\\w+)').replaceAll('me@host', '${2}:$1') // 'host:me'
 */
export function compileGoRegex(pattern: string): GoRegex {
  return new GoRegexImpl(compileRe2(pattern))
}
