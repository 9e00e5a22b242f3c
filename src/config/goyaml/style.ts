import { resolvePlain } from './resolve.js'

/**
 * yaml.v2's choice of scalar style (`encode.go` stringv plus libyaml's analyze_scalar and
 * select_scalar_style) and its double-quoted escapes, used by go-yaml-emit.ts.
 */

/** Style is how a scalar is written. */
export type Style = 'plain' | 'single' | 'double' | 'literal'

interface Analysis {
  readonly multiline: boolean
  readonly flowPlain: boolean
  readonly blockPlain: boolean
  readonly singleQuoted: boolean
  readonly block: boolean
}

/** isBreakCp tells line-break code points. */
export const isBreakCp = (c: number | undefined): boolean =>
  c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029
const isBlankCp = (c: number | undefined): boolean => c === 0x20 || c === 0x09

/** isPrintable is yaml.v2's is_printable (4-byte UTF-8 sequences are not printable). */
export function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  )
}

/** isBase60Float matches strings yaml.v2 quotes for YAML 1.1 sexagesimal compatibility. */
function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)
}

/** SIMPLE is text that analyze() would find plain-safe in both contexts, for a fast path. */
const SIMPLE = /^[A-Za-z0-9_][A-Za-z0-9_./=+$]*$/

function analyze(value: string): Analysis {
  if (SIMPLE.test(value)) {
    return { multiline: false, flowPlain: true, blockPlain: true, singleQuoted: true, block: true }
  }
  const cps = Array.from(value, (ch) => ch.codePointAt(0) ?? 0)
  if (cps.length === 0) {
    return {
      multiline: false,
      flowPlain: false,
      blockPlain: true,
      singleQuoted: true,
      block: false,
    }
  }
  let blockInd = false
  let flowInd = false
  if (value.startsWith('---') || value.startsWith('...')) {
    blockInd = flowInd = true
  }
  let lineBreaks = false
  let special = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let precededByWs = true
  let prevSpace = false
  let prevBreak = false
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] ?? 0
    const ch = String.fromCodePoint(c)
    const followedByWs = i + 1 >= cps.length || isBlankCp(cps[i + 1])
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowInd = blockInd = true
      } else if (ch === '?' || ch === ':') {
        flowInd = true
        if (followedByWs) {
          blockInd = true
        }
      } else if (ch === '-' && followedByWs) {
        flowInd = blockInd = true
      }
    } else if (',?[]{}'.includes(ch)) {
      flowInd = true
    } else if (ch === ':') {
      flowInd = true
      if (followedByWs) {
        blockInd = true
      }
    } else if (ch === '#' && precededByWs) {
      flowInd = blockInd = true
    }
    if (!isPrintable(c)) {
      special = true
    }
    if (c === 0x20) {
      if (i === 0) {
        leadingSpace = true
      }
      if (i === cps.length - 1) {
        trailingSpace = true
      }
      if (prevBreak) {
        breakSpace = true
      }
      prevSpace = true
      prevBreak = false
    } else if (isBreakCp(c)) {
      lineBreaks = true
      if (i === 0) {
        leadingBreak = true
      }
      if (i === cps.length - 1) {
        trailingBreak = true
      }
      if (prevSpace) {
        spaceBreak = true
      }
      prevSpace = false
      prevBreak = true
    } else {
      prevSpace = prevBreak = false
    }
    precededByWs = isBlankCp(c) || isBreakCp(c)
  }
  let flowPlain = true
  let blockPlain = true
  let singleQuoted = true
  let block = true
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    flowPlain = blockPlain = false
  }
  if (trailingSpace) {
    block = false
  }
  if (breakSpace) {
    flowPlain = blockPlain = singleQuoted = false
  }
  if (spaceBreak || special) {
    flowPlain = blockPlain = singleQuoted = block = false
  }
  if (lineBreaks) {
    flowPlain = blockPlain = false
  }
  if (flowInd) {
    flowPlain = false
  }
  if (blockInd) {
    blockPlain = false
  }
  return { multiline: lineBreaks, flowPlain, blockPlain, singleQuoted, block }
}

/** chooseStyle combines yaml.v2's stringv with the emitter's select_scalar_style. */
export function chooseStyle(value: string, flow: boolean, simpleKey: boolean): Style {
  const canUsePlain = resolvePlain(value).tag === '!!str' && !isBase60Float(value)
  let style: Style = value.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double'
  const a = analyze(value)
  if (simpleKey && a.multiline) {
    style = 'double'
  }
  if (style === 'plain') {
    if ((flow && !a.flowPlain) || (!flow && !a.blockPlain)) {
      style = 'single'
    }
    if (value === '' && (flow || simpleKey)) {
      style = 'single'
    }
  }
  if (style === 'single' && !a.singleQuoted) {
    style = 'double'
  }
  if (style === 'literal' && (!a.block || flow || simpleKey)) {
    style = 'double'
  }
  return style
}

/** escapeCode is the escape sequence (without backslash) of a code point in double quotes. */
export function escapeCode(c: number): string {
  const named: Readonly<Record<number, string>> = {
    0x00: '0',
    0x07: 'a',
    0x08: 'b',
    0x09: 't',
    0x0a: 'n',
    0x0b: 'v',
    0x0c: 'f',
    0x0d: 'r',
    0x1b: 'e',
    0x22: '"',
    0x5c: '\\',
    0x85: 'N',
    0xa0: '_',
    0x2028: 'L',
    0x2029: 'P',
  }
  const n = named[c]
  if (n !== undefined) {
    return n
  }
  const hex = c.toString(16).toUpperCase()
  return c <= 0xff
    ? `x${hex.padStart(2, '0')}`
    : c <= 0xffff
      ? `u${hex.padStart(4, '0')}`
      : `U${hex.padStart(8, '0')}`
}
