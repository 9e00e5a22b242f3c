/**
 * Go 1.19's path/filepath.Glob and Match (path/filepath/match.go) on POSIX paths: `*`, `?`,
 * `[...]` classes with `^` negation and ranges, `\` escapes; each directory's matches sorted;
 * a pattern without magic characters matches the file if it exists.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { AlertmeshError } from '../../util/index.js'

/** ErrBadPattern is Go's filepath.ErrBadPattern. */
export class ErrBadPattern extends AlertmeshError {
  override name = 'ErrBadPattern'
  constructor() {
    super('AM_TEMPLATE_INVALID', 'syntax error in pattern')
  }
}

/** compileSegment turns a Match pattern into an anchored RegExp, or throws ErrBadPattern. */
function compileSegment(pattern: string): RegExp {
  let re = '^'
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string
    if (c === '*') {
      re += '[^/]*'
    } else if (c === '?') {
      re += '[^/]'
    } else if (c === '\\') {
      i++
      if (i >= chars.length) {
        throw new ErrBadPattern()
      }
      re += escapeRe(chars[i] as string)
    } else if (c === '[') {
      i++
      let negated = false
      if (chars[i] === '^') {
        negated = true
        i++
      }
      let cls = ''
      let n = 0
      for (;;) {
        if (i < chars.length && chars[i] === ']' && n > 0) {
          break
        }
        const lo = classChar(chars, i)
        i = lo.next
        if (chars[i] === '-') {
          const hi = classChar(chars, i + 1)
          i = hi.next
          if ((lo.ch.codePointAt(0) ?? 0) > (hi.ch.codePointAt(0) ?? 0)) {
            throw new ErrBadPattern()
          }
          cls += `${escapeClass(lo.ch)}-${escapeClass(hi.ch)}`
        } else {
          cls += escapeClass(lo.ch)
        }
        n++
      }
      re += negated ? `(?!/)[^${cls}]` : `[${cls}]`
    } else {
      re += escapeRe(c)
    }
  }
  return new RegExp(`${re}$`, 'su')
}

function classChar(chars: readonly string[], at: number): { ch: string; next: number } {
  let i = at
  const c = chars[i]
  if (c === undefined || c === '-' || c === ']') {
    throw new ErrBadPattern()
  }
  if (c === '\\') {
    i++
    const e = chars[i]
    if (e === undefined) {
      throw new ErrBadPattern()
    }
    return { ch: e, next: i + 1 }
  }
  return { ch: c, next: i + 1 }
}

function escapeRe(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

function escapeClass(c: string): string {
  return c.replace(/[\\\]^[-]/g, '\\$&')
}

/**
 * goMatch is Go's filepath.Match for one name.
 *
 * @param pattern - the shell pattern.
 * @param name - the file name.
 * @returns whether the name matches.
 * @throws ErrBadPattern for a malformed pattern.
 */
export function goMatch(pattern: string, name: string): boolean {
  return compileSegment(pattern).test(name)
}

function hasMeta(path: string): boolean {
  return /[*?[\\]/.test(path)
}

function globDir(dir: string, pattern: string, matches: string[]): void {
  try {
    if (!statSync(dir).isDirectory()) {
      return
    }
  } catch {
    return
  }
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  // Go sorts names as byte strings.
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  const re = compileSegment(pattern)
  for (const n of names) {
    if (re.test(n)) {
      matches.push(dir === '.' ? n : join(dir, n))
    }
  }
}

/**
 * goGlob is Go's filepath.Glob: the names of all files matching the pattern, or none; I/O
 * errors are ignored, as Go's are.
 *
 * @param pattern - the pattern, e.g. `/etc/alertmanager/templates/*.tmpl`.
 * @returns the matches.
 * @throws ErrBadPattern for a malformed pattern.
 */
export function goGlob(pattern: string): string[] {
  // Check pattern is well-formed.
  compileSegment(pattern.slice(pattern.lastIndexOf('/') + 1))
  for (const part of pattern.split('/')) {
    compileSegment(part)
  }
  if (!hasMeta(pattern)) {
    try {
      lstatSync(pattern)
    } catch {
      return []
    }
    return [pattern]
  }
  const slash = pattern.lastIndexOf('/')
  let dir = slash < 0 ? '' : pattern.slice(0, slash + 1)
  const file = pattern.slice(slash + 1)
  // cleanGlobPath: "" is ".", a trailing separator is dropped except for the root.
  if (dir === '') {
    dir = '.'
  } else if (dir !== '/') {
    dir = dir.slice(0, -1)
  }
  const matches: string[] = []
  if (!hasMeta(dir)) {
    globDir(dir, file, matches)
    return matches
  }
  if (dir === pattern) {
    throw new ErrBadPattern()
  }
  for (const d of goGlob(dir)) {
    globDir(d, file, matches)
  }
  return matches
}
