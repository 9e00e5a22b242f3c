/**
 * Typed content, a port of Go 1.19 html/template/content.go. Go's `template.HTML`,
 * `template.JS` and the rest are defined string types; here they are named string
 * {@link GoType}s of the value model, so a value `box(HTML_CONTENT, '<b>x</b>')` prints as
 * its string everywhere (fmt, text/template) and the escapers recognise it by its type.
 */
import { GoBox, GoType, STRING, sprint, typeOf } from '../go/index.js'
import type { GoFunc, GoValue } from '../go/index.js'

/** ContentType is Go's contentType: what kind of trusted content a value is. */
export type ContentType =
  | 'contentTypePlain'
  | 'contentTypeCSS'
  | 'contentTypeHTML'
  | 'contentTypeHTMLAttr'
  | 'contentTypeJS'
  | 'contentTypeJSStr'
  | 'contentTypeURL'
  | 'contentTypeSrcset'
  | 'contentTypeUnsafe'

function contentType(name: string): GoType {
  return new GoType({ kind: 'string', name: `template.${name}`, named: true })
}

/** CSS_CONTENT is Go's `template.CSS`: a trusted CSS stylesheet, rule or value. */
export const CSS_CONTENT = contentType('CSS')
/** HTML_CONTENT is Go's `template.HTML`: a trusted HTML fragment, output as is in text. */
export const HTML_CONTENT = contentType('HTML')
/** HTML_ATTR_CONTENT is Go's `template.HTMLAttr`: a trusted attribute, `name="value"`. */
export const HTML_ATTR_CONTENT = contentType('HTMLAttr')
/** JS_CONTENT is Go's `template.JS`: a trusted JavaScript expression. */
export const JS_CONTENT = contentType('JS')
/** JS_STR_CONTENT is Go's `template.JSStr`: trusted text for a quoted JavaScript string. */
export const JS_STR_CONTENT = contentType('JSStr')
/** URL_CONTENT is Go's `template.URL`: a trusted URL. */
export const URL_CONTENT = contentType('URL')
/** SRCSET_CONTENT is Go's `template.Srcset`: a trusted `srcset` attribute value. */
export const SRCSET_CONTENT = contentType('Srcset')

const CONTENT_OF = new Map<GoType, ContentType>([
  [CSS_CONTENT, 'contentTypeCSS'],
  [HTML_CONTENT, 'contentTypeHTML'],
  [HTML_ATTR_CONTENT, 'contentTypeHTMLAttr'],
  [JS_CONTENT, 'contentTypeJS'],
  [JS_STR_CONTENT, 'contentTypeJSStr'],
  [URL_CONTENT, 'contentTypeURL'],
  [SRCSET_CONTENT, 'contentTypeSrcset'],
])

/**
 * typedContent returns a value of one of the content types, as Go's conversion
 * `template.HTML(s)`.
 *
 * @param t - one of the *_CONTENT types.
 * @param s - the text.
 * @returns the typed value.
 */
export function typedContent(t: GoType, s: string): GoBox {
  return new GoBox(t, s)
}

/**
 * SAFE_HTML is Alertmanager's `safeHtml` template function (template/template.go
 * DefaultFuncs): `func(text string) html/template.HTML`.
 */
export const SAFE_HTML: GoFunc = {
  params: [STRING],
  variadic: false,
  results: [HTML_CONTENT],
  fn: (text) => new GoBox(HTML_CONTENT, text),
}

/**
 * indirect follows pointers until a non-pointer or a nil pointer (Go 1.19
 * html/template/content.go indirect).
 *
 * @param a - the value.
 * @returns the value pointed at.
 */
export function indirect(a: GoValue): GoValue {
  let v = a
  while (v instanceof GoBox && v.t.kind === 'ptr' && v.v !== null && v.v !== undefined) {
    v = v.v as GoValue
  }
  return v
}

function hasStringerOrError(v: GoValue): boolean {
  const t = typeOf(v)
  return t !== undefined && (t.methods.has('String') || t.methods.has('Error'))
}

/**
 * indirectToStringerOrError follows pointers until a value whose type has a String or Error
 * method, a non-pointer or a nil pointer (content.go indirectToStringerOrError).
 *
 * @param a - the value.
 * @returns the value to print.
 */
export function indirectToStringerOrError(a: GoValue): GoValue {
  let v = a
  while (
    v instanceof GoBox &&
    !hasStringerOrError(v) &&
    v.t.kind === 'ptr' &&
    v.v !== null &&
    v.v !== undefined
  ) {
    v = v.v as GoValue
  }
  return v
}

/**
 * stringify converts the arguments of an escaper to a string and reports the content type
 * of a single typed argument (content.go stringify). Untyped nil arguments are dropped.
 *
 * @param args - the arguments.
 * @returns the text and its content type.
 */
export function stringify(args: readonly GoValue[]): { s: string; t: ContentType } {
  if (args.length === 1) {
    const s = indirect(args[0])
    if (typeof s === 'string') {
      return { s, t: 'contentTypePlain' }
    }
    if (s instanceof GoBox) {
      if (s.t === STRING) {
        return { s: s.v as string, t: 'contentTypePlain' }
      }
      const t = CONTENT_OF.get(s.t)
      if (t !== undefined) {
        return { s: s.v as string, t }
      }
    }
  }
  const kept = args
    .filter((a) => a !== undefined && a !== null)
    .map((a) => indirectToStringerOrError(a))
  return { s: sprint(kept), t: 'contentTypePlain' }
}

/**
 * evalArgs is the `_eval_args_` function the escaper puts in place of a predefined escaper
 * that had arguments (Go 1.19 html/template/escape.go evalArgs).
 *
 * @param args - the arguments.
 * @returns fmt.Sprint of the arguments.
 */
export function evalArgs(args: readonly GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') {
    return args[0]
  }
  return sprint(args.map((a) => indirectToStringerOrError(a)))
}
