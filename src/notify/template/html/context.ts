/**
 * The escaper's context, a port of Go 1.19 html/template/context.go and the stringer output
 * of its *_string.go files: where in an HTML document the output of a template is, as far as
 * escaping is concerned.
 */
import type { Node } from '../go/index.js'

import type { HtmlTemplateError } from './error.js'

/**
 * State is the high-level state of the HTML parser, spelled as Go's stringer prints it
 * (Go 1.19 html/template/state_string.go).
 */
export type State =
  | 'stateText'
  | 'stateTag'
  | 'stateAttrName'
  | 'stateAfterName'
  | 'stateBeforeValue'
  | 'stateHTMLCmt'
  | 'stateRCDATA'
  | 'stateAttr'
  | 'stateURL'
  | 'stateSrcset'
  | 'stateJS'
  | 'stateJSDqStr'
  | 'stateJSSqStr'
  | 'stateJSBqStr'
  | 'stateJSRegexp'
  | 'stateJSBlockCmt'
  | 'stateJSLineCmt'
  | 'stateCSS'
  | 'stateCSSDqStr'
  | 'stateCSSSqStr'
  | 'stateCSSDqURL'
  | 'stateCSSSqURL'
  | 'stateCSSURL'
  | 'stateCSSBlockCmt'
  | 'stateCSSLineCmt'
  | 'stateError'
  | 'stateDead'

/** Delim is the delimiter that ends an attribute value (Go's delim). */
export type Delim = 'delimNone' | 'delimDoubleQuote' | 'delimSingleQuote' | 'delimSpaceOrTagEnd'

/** UrlPart is the part of a URL the context is in (Go's urlPart). */
export type UrlPart = 'urlPartNone' | 'urlPartPreQuery' | 'urlPartQueryOrFrag' | 'urlPartUnknown'

/** JsCtx is whether a `/` in JavaScript starts a regexp or a division (Go's jsCtx). */
export type JsCtx = 'jsCtxRegexp' | 'jsCtxDivOp' | 'jsCtxUnknown'

/** Element is the special element whose body is being parsed (Go's element). */
export type Element =
  'elementNone' | 'elementScript' | 'elementStyle' | 'elementTextarea' | 'elementTitle'

/** Attr is the kind of attribute whose value is being parsed (Go's attr). */
export type Attr =
  'attrNone' | 'attrScript' | 'attrScriptType' | 'attrStyle' | 'attrURL' | 'attrSrcset'

/** Context is the parser state at a point in a template (Go's context, a value type). */
export interface Context {
  readonly state: State
  readonly delim: Delim
  readonly urlPart: UrlPart
  readonly jsCtx: JsCtx
  readonly attr: Attr
  readonly element: Element
  /** n is the break or continue node a context was recorded at. */
  readonly n?: Node | undefined
  /** err is set in stateError. */
  readonly err?: HtmlTemplateError | undefined
}

/** CONTEXT_TEXT is Go's zero context, `context{}`: plain HTML text. */
export const CONTEXT_TEXT: Context = {
  state: 'stateText',
  delim: 'delimNone',
  urlPart: 'urlPartNone',
  jsCtx: 'jsCtxRegexp',
  attr: 'attrNone',
  element: 'elementNone',
}

/**
 * ctx builds a context from Go's zero context and the given fields, as Go's composite
 * literal `context{state: ..., ...}` does.
 *
 * @param fields - the fields that differ from the zero context.
 * @returns the context.
 */
export function ctx(fields: Partial<Context>): Context {
  return { ...CONTEXT_TEXT, ...fields }
}

/**
 * contextString formats a context as Go's context.String: `{state delim ... err}`.
 *
 * @param c - the context.
 * @returns the text.
 */
export function contextString(c: Context): string {
  const err = c.err === undefined ? '<nil>' : c.err.message
  return `{${c.state} ${c.delim} ${c.urlPart} ${c.jsCtx} ${c.attr} ${c.element} ${err}}`
}

/**
 * contextEq reports whether two contexts are equal, errors compared by identity (Go's eq).
 *
 * @param c - one context.
 * @param d - another.
 * @returns true when equal.
 */
export function contextEq(c: Context, d: Context): boolean {
  return (
    c.state === d.state &&
    c.delim === d.delim &&
    c.urlPart === d.urlPart &&
    c.jsCtx === d.jsCtx &&
    c.attr === d.attr &&
    c.element === d.element &&
    c.err === d.err
  )
}

/**
 * mangle returns the name of the template derived from templateName for this start context
 * (Go's context.mangle): `name$htmltemplate_stateX_...`.
 *
 * @param c - the start context.
 * @param templateName - the original name.
 * @returns the derived name; the name itself in stateText.
 */
export function mangle(c: Context, templateName: string): string {
  if (c.state === 'stateText') {
    return templateName
  }
  let s = `${templateName}$htmltemplate_${c.state}`
  if (c.delim !== 'delimNone') {
    s += `_${c.delim}`
  }
  if (c.urlPart !== 'urlPartNone') {
    s += `_${c.urlPart}`
  }
  if (c.jsCtx !== 'jsCtxRegexp') {
    s += `_${c.jsCtx}`
  }
  if (c.attr !== 'attrNone') {
    s += `_${c.attr}`
  }
  if (c.element !== 'elementNone') {
    s += `_${c.element}`
  }
  return s
}

/**
 * isComment reports whether a state is inside an HTML, JS or CSS comment.
 *
 * @param s - the state.
 * @returns true for comment states.
 */
export function isComment(s: State): boolean {
  return (
    s === 'stateHTMLCmt' ||
    s === 'stateJSBlockCmt' ||
    s === 'stateJSLineCmt' ||
    s === 'stateCSSBlockCmt' ||
    s === 'stateCSSLineCmt'
  )
}

/**
 * isInTag reports whether a state is inside a tag, between its name and its `>`.
 *
 * @param s - the state.
 * @returns true for tag states.
 */
export function isInTag(s: State): boolean {
  return (
    s === 'stateTag' ||
    s === 'stateAttrName' ||
    s === 'stateAfterName' ||
    s === 'stateBeforeValue' ||
    s === 'stateAttr'
  )
}
