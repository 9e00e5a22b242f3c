/**
 * @module notify/template/html
 * Go 1.19's html/template in TypeScript: contextual auto-escaping of text/template trees
 * (src/notify/template/go) for HTML, CSS, JavaScript and URL contexts, with Go's typed
 * content strings and error messages.
 */
export {
  CSS_CONTENT,
  HTML_ATTR_CONTENT,
  HTML_CONTENT,
  JS_CONTENT,
  JS_STR_CONTENT,
  SAFE_HTML,
  SRCSET_CONTENT,
  URL_CONTENT,
  typedContent,
} from './content.js'
export type { ContentType } from './content.js'
export type { Attr, Context, Delim, Element, JsCtx, State, UrlPart } from './context.js'
export { contextString } from './context.js'
export { ESCAPER_FUNCS } from './escape.js'
export { HtmlTemplateError } from './error.js'
export type { ErrorCode } from './error.js'
export { Template } from './template.js'
export { unescapeString } from './unescape.js'
