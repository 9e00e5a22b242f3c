/**
 * The context transition functions, a port of Go 1.19 html/template/transition.go. Each
 * takes a context and a run of template text and returns the context after a prefix of the
 * text and that prefix's length. Go works on bytes; every character these functions look at
 * is ASCII (or U+2028/U+2029, matched as whole characters), so working on UTF-16 strings
 * finds the same boundaries.
 */
import { sprintf } from '../go/index.js'

import { attrType } from './attr.js'
import { ctx } from './context.js'
import type { Attr, Context, Element, JsCtx, State } from './context.js'
import { decodeCSS, endsWithCSSKeyword } from './css.js'
import { errorf } from './error.js'
import type { HtmlTemplateError } from './error.js'
import { nextJSCtx } from './js.js'

/** Transition is one of the t* functions: the context after a prefix and its length. */
export type Transition = (c: Context, s: string) => [Context, number]

/**
 * indexAny is Go's strings.IndexAny for an ASCII or single-unit character set.
 *
 * @param s - the text.
 * @param chars - the characters to look for.
 * @param from - where to start.
 * @returns the index, or -1.
 */
export function indexAny(s: string, chars: string, from = 0): number {
  for (let i = from; i < s.length; i++) {
    if (chars.includes(s[i] as string)) {
      return i
    }
  }
  return -1
}

/**
 * goQuote formats a value with `%q` as Go's fmt does.
 *
 * @param s - the text.
 * @returns the quoted text.
 */
export function goQuote(s: string): string {
  return sprintf('%q', [s])
}

/**
 * goQuote32 formats with `%.32q`: at most 32 characters of the text, quoted.
 *
 * @param s - the text.
 * @returns the quoted prefix.
 */
export function goQuote32(s: string): string {
  return sprintf('%.32q', [s])
}

function tText(c: Context, s: string): [Context, number] {
  let k = 0
  for (;;) {
    const idx = s.indexOf('<', k)
    if (idx < 0 || idx + 1 === s.length) {
      return [c, s.length]
    } else if (s.startsWith('<!--', idx)) {
      return [ctx({ state: 'stateHTMLCmt' }), idx + 4]
    }
    let i = idx + 1
    let end = false
    if (s[i] === '/') {
      if (i + 1 === s.length) {
        return [c, s.length]
      }
      end = true
      i++
    }
    const [j, e] = eatTagName(s, i)
    if (j !== i) {
      return [ctx({ state: 'stateTag', element: end ? 'elementNone' : e }), j]
    }
    k = j
  }
}

/**
 * badHTML is where malformed markup leaves the escaper: an ErrBadHTML context (Go's errorf with
 * no node and line 0), the rest of the text consumed.
 *
 * @param description - the error's description.
 * @param s - the text being scanned.
 * @returns the error context and the length of s.
 */
export function badHTML(description: string, s: string): [Context, number] {
  return [
    ctx({ state: 'stateError', err: errorf('ErrBadHTML', undefined, 0, description) }),
    s.length,
  ]
}

const ELEMENT_CONTENT_TYPE: Readonly<Record<Element, State>> = {
  elementNone: 'stateText',
  elementScript: 'stateJS',
  elementStyle: 'stateCSS',
  elementTextarea: 'stateRCDATA',
  elementTitle: 'stateRCDATA',
}

function tTag(c: Context, s: string): [Context, number] {
  // Find the attribute name.
  const i = eatWhiteSpace(s, 0)
  if (i === s.length) {
    return [c, s.length]
  }
  if (s[i] === '>') {
    return [ctx({ state: ELEMENT_CONTENT_TYPE[c.element], element: c.element }), i + 1]
  }
  const [j, err] = eatAttrName(s, i)
  if (err !== undefined) {
    return [ctx({ state: 'stateError', err }), s.length]
  }
  if (i === j) {
    return badHTML(`expected space, attr name, or end of tag, but got ${goQuote(s.slice(i))}`, s)
  }
  const attrName = goToLower(s.slice(i, j))
  let attr: Attr = 'attrNone'
  if (c.element === 'elementScript' && attrName === 'type') {
    attr = 'attrScriptType'
  } else {
    switch (attrType(attrName)) {
      case 'contentTypeURL':
        attr = 'attrURL'
        break
      case 'contentTypeCSS':
        attr = 'attrStyle'
        break
      case 'contentTypeJS':
        attr = 'attrScript'
        break
      case 'contentTypeSrcset':
        attr = 'attrSrcset'
        break
      default:
        break
    }
  }
  const state: State = j === s.length ? 'stateAttrName' : 'stateAfterName'
  return [ctx({ state, element: c.element, attr }), j]
}

function tAttrName(c: Context, s: string): [Context, number] {
  const [i, err] = eatAttrName(s, 0)
  if (err !== undefined) {
    return [ctx({ state: 'stateError', err }), s.length]
  } else if (i !== s.length) {
    return [{ ...c, state: 'stateAfterName' }, i]
  }
  return [c, i]
}

function tAfterName(c: Context, s: string): [Context, number] {
  // Look for the start of the value.
  const i = eatWhiteSpace(s, 0)
  if (i === s.length) {
    return [c, s.length]
  } else if (s[i] !== '=') {
    // Occurs due to tag ending '>', and valueless attribute.
    return [{ ...c, state: 'stateTag' }, i]
  }
  return [{ ...c, state: 'stateBeforeValue' }, i + 1]
}

/** ATTR_START_STATES is the state at the start of an attribute value of each kind. */
export const ATTR_START_STATES: Readonly<Record<Attr, State>> = {
  attrNone: 'stateAttr',
  attrScript: 'stateJS',
  attrScriptType: 'stateAttr',
  attrStyle: 'stateCSS',
  attrURL: 'stateURL',
  attrSrcset: 'stateSrcset',
}

function tBeforeValue(c: Context, s: string): [Context, number] {
  let i = eatWhiteSpace(s, 0)
  if (i === s.length) {
    return [c, s.length]
  }
  let delim: Context['delim'] = 'delimSpaceOrTagEnd'
  if (s[i] === "'") {
    delim = 'delimSingleQuote'
    i++
  } else if (s[i] === '"') {
    delim = 'delimDoubleQuote'
    i++
  }
  return [{ ...c, state: ATTR_START_STATES[c.attr], delim }, i]
}

function tHTMLCmt(c: Context, s: string): [Context, number] {
  const i = s.indexOf('-->')
  if (i !== -1) {
    return [ctx({}), i + 3]
  }
  return [c, s.length]
}

const SPECIAL_TAG_END_MARKERS: Readonly<Record<Element, string>> = {
  elementNone: '',
  elementScript: 'script',
  elementStyle: 'style',
  elementTextarea: 'textarea',
  elementTitle: 'title',
}

const TAG_END_SEPARATORS = '> \t\n\f/'

/**
 * tSpecialTagEnd is the transition for the body of script, style, textarea and title: it
 * stops at the element's end tag.
 *
 * @param c - the context.
 * @param s - the text.
 * @returns the context and length.
 */
export function tSpecialTagEnd(c: Context, s: string): [Context, number] {
  if (c.element !== 'elementNone') {
    const i = indexTagEnd(s, SPECIAL_TAG_END_MARKERS[c.element])
    if (i !== -1) {
      return [ctx({}), i]
    }
  }
  return [c, s.length]
}

function indexTagEnd(sIn: string, tag: string): number {
  let s = sIn
  let res = 0
  const plen = 2
  while (s.length > 0) {
    // Try to find the tag end prefix first.
    const i = s.indexOf('</')
    if (i === -1) {
      return i
    }
    s = s.slice(i + plen)
    // Try to match the actual tag if there is still space for it.
    if (tag.length <= s.length && asciiEqualFold(tag, s.slice(0, tag.length))) {
      s = s.slice(tag.length)
      // Check the tag is followed by a proper separator.
      if (s.length > 0 && TAG_END_SEPARATORS.includes(s[0] as string)) {
        return res + i
      }
      res += tag.length
    }
    res += i + plen
  }
  return -1
}

// bytes.EqualFold on len(tag) bytes: a non-ASCII character takes more than one byte and
// cannot fold to the ASCII letters of the tag within the window, so only ASCII matches.
function asciiEqualFold(tag: string, s: string): boolean {
  for (let i = 0; i < tag.length; i++) {
    const ch = s[i] as string
    if (ch >= '\x80' || ch.toLowerCase() !== tag[i]) {
      return false
    }
  }
  return true
}

function tAttr(c: Context, s: string): [Context, number] {
  return [c, s.length]
}

/**
 * tURL is the transition for URLs: it tracks whether a query or fragment has started.
 *
 * @param c - the context.
 * @param s - the text.
 * @returns the context and length.
 */
export function tURL(c: Context, s: string): [Context, number] {
  if (s.includes('#') || s.includes('?')) {
    return [{ ...c, urlPart: 'urlPartQueryOrFrag' }, s.length]
  } else if (s.length !== eatWhiteSpace(s, 0) && c.urlPart === 'urlPartNone') {
    // HTML5 uses "Valid URL potentially surrounded by spaces" for attrs.
    return [{ ...c, urlPart: 'urlPartPreQuery' }, s.length]
  }
  return [c, s.length]
}

function tJS(c: Context, s: string): [Context, number] {
  let i = indexAny(s, '"`\'/')
  if (i === -1) {
    // Entire input is non string, comment, regexp tokens.
    return [{ ...c, jsCtx: nextJSCtx(s, c.jsCtx) }, s.length]
  }
  let state = c.state
  let jsCtx: JsCtx = nextJSCtx(s.slice(0, i), c.jsCtx)
  switch (s[i]) {
    case '"':
      state = 'stateJSDqStr'
      jsCtx = 'jsCtxRegexp'
      break
    case "'":
      state = 'stateJSSqStr'
      jsCtx = 'jsCtxRegexp'
      break
    case '`':
      state = 'stateJSBqStr'
      jsCtx = 'jsCtxRegexp'
      break
    default:
      if (i + 1 < s.length && s[i + 1] === '/') {
        state = 'stateJSLineCmt'
        i++
      } else if (i + 1 < s.length && s[i + 1] === '*') {
        state = 'stateJSBlockCmt'
        i++
      } else if (jsCtx === 'jsCtxRegexp') {
        state = 'stateJSRegexp'
      } else if (jsCtx === 'jsCtxDivOp') {
        jsCtx = 'jsCtxRegexp'
      } else {
        return [
          ctx({
            state: 'stateError',
            err: errorf(
              'ErrSlashAmbig',
              undefined,
              0,
              `'/' could start a division or regexp: ${goQuote32(s.slice(i))}`
            ),
          }),
          s.length,
        ]
      }
  }
  return [{ ...c, state, jsCtx }, i + 1]
}

function tJSDelimited(c: Context, s: string): [Context, number] {
  let specials = '\\"'
  switch (c.state) {
    case 'stateJSSqStr':
      specials = "\\'"
      break
    case 'stateJSBqStr':
      specials = '`\\'
      break
    case 'stateJSRegexp':
      specials = '\\/[]'
      break
    default:
      break
  }
  let k = 0
  let inCharset = false
  for (;;) {
    let i = indexAny(s, specials, k)
    if (i < 0) {
      break
    }
    switch (s[i]) {
      case '\\':
        i++
        if (i === s.length) {
          return [
            ctx({
              state: 'stateError',
              err: errorf(
                'ErrPartialEscape',
                undefined,
                0,
                `unfinished escape sequence in JS string: ${goQuote(s)}`
              ),
            }),
            s.length,
          ]
        }
        break
      case '[':
        inCharset = true
        break
      case ']':
        inCharset = false
        break
      default:
        // end delimiter
        if (!inCharset) {
          return [{ ...c, state: 'stateJS', jsCtx: 'jsCtxDivOp' }, i + 1]
        }
    }
    k = i + 1
  }
  if (inCharset) {
    // This can be fixed by making context richer if interpolation into charsets is desired.
    return [
      ctx({
        state: 'stateError',
        err: errorf(
          'ErrPartialCharset',
          undefined,
          0,
          `unfinished JS regexp charset: ${goQuote(s)}`
        ),
      }),
      s.length,
    ]
  }
  return [c, s.length]
}

function tBlockCmt(c: Context, s: string): [Context, number] {
  const i = s.indexOf('*/')
  if (i === -1) {
    return [c, s.length]
  }
  return [{ ...c, state: c.state === 'stateJSBlockCmt' ? 'stateJS' : 'stateCSS' }, i + 2]
}

function tLineCmt(c: Context, s: string): [Context, number] {
  const js = c.state === 'stateJSLineCmt'
  const i = indexAny(s, js ? '\n\r\u2028\u2029' : '\n\f\r')
  if (i === -1) {
    return [c, s.length]
  }
  // Per section 7.4 of EcmaScript 5 and CSS2 section 4.1.9, the line terminator is not
  // part of the comment.
  return [{ ...c, state: js ? 'stateJS' : 'stateCSS' }, i]
}

function trimRightCSSSpace(s: string): string {
  let j = s.length
  while (j > 0 && '\t\n\f\r '.includes(s[j - 1] as string)) {
    j--
  }
  return s.slice(0, j)
}

function tCSS(c: Context, s: string): [Context, number] {
  let k = 0
  for (;;) {
    const i = indexAny(s, '("\'/', k)
    if (i < 0) {
      return [c, s.length]
    }
    switch (s[i]) {
      case '(': {
        // Look for url to the left.
        const p = trimRightCSSSpace(s.slice(0, i))
        if (endsWithCSSKeyword(p, 'url')) {
          let j = i + 1
          while (j < s.length && '\t\n\f\r '.includes(s[j] as string)) {
            j++
          }
          if (j !== s.length && s[j] === '"') {
            return [{ ...c, state: 'stateCSSDqURL' }, j + 1]
          } else if (j !== s.length && s[j] === "'") {
            return [{ ...c, state: 'stateCSSSqURL' }, j + 1]
          }
          return [{ ...c, state: 'stateCSSURL' }, j]
        }
        break
      }
      case '/':
        if (i + 1 < s.length) {
          if (s[i + 1] === '/') {
            return [{ ...c, state: 'stateCSSLineCmt' }, i + 2]
          } else if (s[i + 1] === '*') {
            return [{ ...c, state: 'stateCSSBlockCmt' }, i + 2]
          }
        }
        break
      case '"':
        return [{ ...c, state: 'stateCSSDqStr' }, i + 1]
      default:
        return [{ ...c, state: 'stateCSSSqStr' }, i + 1]
    }
    k = i + 1
  }
}

function tCSSStr(cIn: Context, s: string): [Context, number] {
  let c = cIn
  let endAndEsc: string
  switch (c.state) {
    case 'stateCSSDqStr':
    case 'stateCSSDqURL':
      endAndEsc = '\\"'
      break
    case 'stateCSSSqStr':
    case 'stateCSSSqURL':
      endAndEsc = "\\'"
      break
    default:
      // Unquoted URLs end with a newline or close parenthesis. The below includes the
      // wc (whitespace character) and nl.
      endAndEsc = '\\\t\n\f\r )'
  }
  let k = 0
  for (;;) {
    let i = indexAny(s, endAndEsc, k)
    if (i < 0) {
      const [c1, nread] = tURL(c, decodeCSS(s.slice(k)))
      return [c1, k + nread]
    }
    if (s[i] === '\\') {
      i++
      if (i === s.length) {
        return [
          ctx({
            state: 'stateError',
            err: errorf(
              'ErrPartialEscape',
              undefined,
              0,
              `unfinished escape sequence in CSS string: ${goQuote(s)}`
            ),
          }),
          s.length,
        ]
      }
    } else {
      return [{ ...c, state: 'stateCSS' }, i + 1]
    }
    c = tURL(c, decodeCSS(s.slice(0, i + 1)))[0]
    k = i + 1
  }
}

function tError(c: Context, s: string): [Context, number] {
  return [c, s.length]
}

function tDead(): never {
  throw new Error('html/template: no transition from stateDead')
}

/** TRANSITION_FUNC is the transition function of each state (Go's transitionFunc). */
export const TRANSITION_FUNC: Readonly<Record<State, Transition>> = {
  stateText: tText,
  stateTag: tTag,
  stateAttrName: tAttrName,
  stateAfterName: tAfterName,
  stateBeforeValue: tBeforeValue,
  stateHTMLCmt: tHTMLCmt,
  stateRCDATA: tSpecialTagEnd,
  stateAttr: tAttr,
  stateURL: tURL,
  stateSrcset: tURL,
  stateJS: tJS,
  stateJSDqStr: tJSDelimited,
  stateJSSqStr: tJSDelimited,
  stateJSBqStr: tJSDelimited,
  stateJSRegexp: tJSDelimited,
  stateJSBlockCmt: tBlockCmt,
  stateJSLineCmt: tLineCmt,
  stateCSS: tCSS,
  stateCSSDqStr: tCSSStr,
  stateCSSSqStr: tCSSStr,
  stateCSSDqURL: tCSSStr,
  stateCSSSqURL: tCSSStr,
  stateCSSURL: tCSSStr,
  stateCSSBlockCmt: tBlockCmt,
  stateCSSLineCmt: tLineCmt,
  stateError: tError,
  stateDead: tDead,
}

/**
 * eatAttrName returns the end of the attribute name that starts at i, or an error for a
 * quote or `<` in it (Go's eatAttrName).
 *
 * @param s - the text.
 * @param i - where the name starts.
 * @returns the end index and the error, if any.
 */
export function eatAttrName(s: string, i: number): [number, HtmlTemplateError | undefined] {
  for (let j = i; j < s.length; j++) {
    switch (s[j]) {
      case ' ':
      case '\t':
      case '\n':
      case '\f':
      case '\r':
      case '=':
      case '>':
        return [j, undefined]
      case "'":
      case '"':
      case '<':
        // These result in a parse warning in HTML5 and are indicative of serious problems
        // if seen in an attr name in a template.
        return [
          -1,
          errorf(
            'ErrBadHTML',
            undefined,
            0,
            `${goQuote(s.slice(j, j + 1))} in attribute name: ${goQuote32(s)}`
          ),
        ]
      default:
      // No-op.
    }
  }
  return [s.length, undefined]
}

const ELEMENT_NAME_MAP: ReadonlyMap<string, Element> = new Map<string, Element>([
  ['script', 'elementScript'],
  ['style', 'elementStyle'],
  ['textarea', 'elementTextarea'],
  ['title', 'elementTitle'],
])

function asciiAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
}

function asciiAlphaNum(c: string | undefined): boolean {
  return asciiAlpha(c) || (c !== undefined && c >= '0' && c <= '9')
}

/**
 * eatTagName returns the end of the tag name at i and which special element it names.
 *
 * @param s - the text.
 * @param i - where the name starts.
 * @returns the end index and the element.
 */
export function eatTagName(s: string, i: number): [number, Element] {
  if (i === s.length || !asciiAlpha(s[i])) {
    return [i, 'elementNone']
  }
  let j = i + 1
  while (j < s.length) {
    const x = s[j]
    if (asciiAlphaNum(x)) {
      j++
      continue
    }
    // Allow "x-y" or "x:y" but not "x-", "-y", or "x--y".
    if ((x === ':' || x === '-') && j + 1 < s.length && asciiAlphaNum(s[j + 1])) {
      j += 2
      continue
    }
    break
  }
  return [j, ELEMENT_NAME_MAP.get(s.slice(i, j).toLowerCase()) ?? 'elementNone']
}

/**
 * eatWhiteSpace returns the index of the first character at or after i that is not HTML
 * space.
 *
 * @param s - the text.
 * @param i - where to start.
 * @returns the index.
 */
export function eatWhiteSpace(s: string, i: number): number {
  for (let j = i; j < s.length; j++) {
    switch (s[j]) {
      case ' ':
      case '\t':
      case '\n':
      case '\f':
      case '\r':
        break
      default:
        return j
    }
  }
  return s.length
}

/**
 * goToLower is Go's strings.ToLower: simple per-character lower-casing (JS's toLowerCase
 * expands U+0130 to two characters where Go yields `i`).
 *
 * @param s - the text.
 * @returns the lower-case text.
 */
export function goToLower(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) {
    return s.toLowerCase()
  }
  let out = ''
  for (const ch of s) {
    out += ch === '\u0130' ? 'i' : ch.toLowerCase()
  }
  return out
}
