/**
 * HTML escapers, a port of Go 1.19 html/template/html.go.
 */
import type { GoValue } from '../go/index.js'

import { attrType } from './attr.js'
import { stringify } from './content.js'
import { CONTEXT_TEXT, isInTag } from './context.js'
import type { Context } from './context.js'
import { FILTER_FAILSAFE } from './filter.js'
import { TRANSITION_FUNC, goToLower, indexAny } from './transition.js'

/** DELIM_ENDS are the characters that end an attribute value of each delimiter kind. */
export const DELIM_ENDS = {
  delimNone: '',
  delimDoubleQuote: '"',
  delimSingleQuote: "'",
  // Determined empirically by running the below in various browsers.
  // var div = document.createElement("DIV");
  // for (var i = 0; i < 0x10000; ++i) {
  //   div.innerHTML = "<span title=x" + String.fromCharCode(i) + "-bar>";
  //   if (div.getElementsByTagName("SPAN")[0].title.indexOf("bar") < 0)
  //     document.write("<p>U+" + i.toString(16));
  // }
  delimSpaceOrTagEnd: ' \t\n\f\r>',
} as const

/**
 * htmlNospaceEscaper escapes for inclusion in unquoted attribute values (Go's
 * htmlNospaceEscaper, `_html_template_nospaceescaper`).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function htmlNospaceEscaper(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeHTML') {
    return htmlReplacer(stripTags(s), HTML_NOSPACE_NORM_REPLACEMENT_TABLE, false)
  }
  return htmlReplacer(s, HTML_NOSPACE_REPLACEMENT_TABLE, false)
}

/**
 * attrEscaper escapes for inclusion in quoted attribute values (Go's attrEscaper,
 * `_html_template_attrescaper`).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function attrEscaper(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeHTML') {
    return htmlReplacer(stripTags(s), HTML_NORM_REPLACEMENT_TABLE, true)
  }
  return htmlReplacer(s, HTML_REPLACEMENT_TABLE, true)
}

/**
 * rcdataEscaper escapes for inclusion in an RCDATA element body such as textarea (Go's
 * rcdataEscaper, `_html_template_rcdataescaper`).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function rcdataEscaper(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeHTML') {
    return htmlReplacer(s, HTML_NORM_REPLACEMENT_TABLE, true)
  }
  return htmlReplacer(s, HTML_REPLACEMENT_TABLE, true)
}

/**
 * htmlEscaper escapes for inclusion in HTML text; `template.HTML` passes through (Go's
 * htmlEscaper, `_html_template_htmlescaper`).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function htmlEscaper(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeHTML') {
    return s
  }
  return htmlReplacer(s, HTML_REPLACEMENT_TABLE, true)
}

const HTML_REPLACEMENT_TABLE: ReadonlyMap<number, string> = new Map([
  // https://www.w3.org/TR/html5/syntax.html#attribute-value-(unquoted)-state: "U+0000 NULL
  // Parse error. Append a U+FFFD REPLACEMENT CHARACTER character to the current attribute's
  // value." and similarly https://www.w3.org/TR/html5/syntax.html#before-attribute-value-state
  [0, '\ufffd'],
  [0x22, '&#34;'],
  [0x26, '&amp;'],
  [0x27, '&#39;'],
  [0x2b, '&#43;'],
  [0x3c, '&lt;'],
  [0x3e, '&gt;'],
])

// HTML_NORM_REPLACEMENT_TABLE is like HTML_REPLACEMENT_TABLE but without '&' to avoid
// over-encoding existing entities.
const HTML_NORM_REPLACEMENT_TABLE: ReadonlyMap<number, string> = new Map(
  [...HTML_REPLACEMENT_TABLE].filter(([k]) => k !== 0x26)
)

// HTML_NOSPACE_REPLACEMENT_TABLE contains the runes that need to be escaped inside an
// unquoted attribute value. The set of runes escaped is the union of the HTML specials and
// those determined by running the JS below in browsers:
// <div id=d></div>
// <script>(function () {
// var a = [], d = document.getElementById("d"), i, c, s;
// for (i = 0; i < 0x10000; ++i) {
//   c = String.fromCharCode(i);
//   d.innerHTML = "<span title=" + c + "lt" + c + "></span>"
//   s = d.getElementsByTagName("SPAN")[0];
//   if (!s || s.title !== c + "lt" + c) { a.push(i.toString(16)); }
// }
// document.write(a.join(", "));
// })()</script>
const HTML_NOSPACE_REPLACEMENT_TABLE: ReadonlyMap<number, string> = new Map([
  [0, '&#xfffd;'],
  [0x09, '&#9;'],
  [0x0a, '&#10;'],
  [0x0b, '&#11;'],
  [0x0c, '&#12;'],
  [0x0d, '&#13;'],
  [0x20, '&#32;'],
  [0x22, '&#34;'],
  [0x26, '&amp;'],
  [0x27, '&#39;'],
  [0x2b, '&#43;'],
  [0x3c, '&lt;'],
  [0x3d, '&#61;'],
  [0x3e, '&gt;'],
  // A parse error in the attribute value (unquoted) and before attribute value states.
  // Treated as a quoting character by IE.
  [0x60, '&#96;'],
])

// HTML_NOSPACE_NORM_REPLACEMENT_TABLE is like HTML_NOSPACE_REPLACEMENT_TABLE but without
// '&' to avoid over-encoding existing entities.
const HTML_NOSPACE_NORM_REPLACEMENT_TABLE: ReadonlyMap<number, string> = new Map(
  [...HTML_NOSPACE_REPLACEMENT_TABLE].filter(([k]) => k !== 0x26)
)

/**
 * htmlReplacer returns s with runes replaced according to the table; with badRunes false,
 * the noncharacters U+FDD0-U+FDEF and U+FFF0-U+FFFF become `&#x...;` too (Go's
 * htmlReplacer).
 */
function htmlReplacer(s: string, table: ReadonlyMap<number, string>, badRunes: boolean): string {
  let b = ''
  let written = 0
  for (let i = 0; i < s.length; i++) {
    const r = s.charCodeAt(i)
    if (r < 0x80) {
      const repl = table.get(r)
      if (repl !== undefined) {
        b += s.slice(written, i) + repl
        written = i + 1
      }
    } else if (badRunes) {
      // No-op.
      // IE does not allow these ranges in unquoted attrs.
    } else if ((r >= 0xfdd0 && r <= 0xfdef) || r >= 0xfff0) {
      b += `${s.slice(written, i)}&#x${r.toString(16)};`
      written = i + 1
    }
  }
  if (written === 0) {
    return s
  }
  return b + s.slice(written)
}

/**
 * stripTags takes a snippet of HTML and returns only the text content; for example,
 * `<b>&iexcl;Hi!</b> <script>...</script>` becomes `&iexcl;Hi! ` (Go's stripTags).
 *
 * @param html - the HTML.
 * @returns the text content.
 */
export function stripTags(html: string): string {
  let b = ''
  const s = html
  let c: Context = CONTEXT_TEXT
  let i = 0
  let allText = true
  // Using the transition funcs helps us avoid mangling `<div title="1>2">` or
  // `I <3 Ponies!`.
  while (i !== s.length) {
    if (c.delim === 'delimNone') {
      let st = c.state
      // Use RCDATA instead of parsing into JS or CSS styles.
      if (c.element !== 'elementNone' && !isInTag(st)) {
        st = 'stateRCDATA'
      }
      const [d, nread] = TRANSITION_FUNC[st](c, s.slice(i))
      const i1 = i + nread
      if (c.state === 'stateText' || c.state === 'stateRCDATA') {
        // Emit text up to the start of the tag or comment.
        let j = i1
        if (d.state !== c.state) {
          for (let j1 = j - 1; j1 >= i; j1--) {
            if (s[j1] === '<') {
              j = j1
              break
            }
          }
        }
        b += s.slice(i, j)
      } else {
        allText = false
      }
      c = d
      i = i1
      continue
    }
    let i1 = indexAny(s, DELIM_ENDS[c.delim], i)
    if (i1 < 0) {
      break
    }
    if (c.delim !== 'delimSpaceOrTagEnd') {
      // Consume any quote.
      i1++
    }
    c = { ...CONTEXT_TEXT, state: 'stateTag', element: c.element }
    i = i1
  }
  if (allText) {
    return html
  } else if (c.state === 'stateText' || c.state === 'stateRCDATA') {
    b += s.slice(i)
  }
  return b
}

/**
 * htmlNameFilter accepts valid parts of an HTML attribute or tag name or a known-safe HTML
 * attribute (Go's htmlNameFilter, `_html_template_htmlnamefilter`).
 *
 * @param args - the values.
 * @returns the name or `ZgotmplZ`.
 */
export function htmlNameFilter(...args: GoValue[]): string {
  const { s: sIn, t } = stringify(args)
  if (t === 'contentTypeHTMLAttr') {
    return sIn
  }
  if (sIn.length === 0) {
    // Avoid violation of structure preservation.
    // <input checked {{.K}}={{.V}}>.
    // Without this, if .K is empty then .V is the value of checked, but otherwise .V is the
    // value of the attribute named .K.
    return FILTER_FAILSAFE
  }
  const s = goToLower(sIn)
  if (attrType(s) !== 'contentTypePlain') {
    // TODO: Split attr and element name part filters so we can recognize known attributes.
    return FILTER_FAILSAFE
  }
  for (const ch of s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z'))) {
      // TODO: Allow some non-alpha-numeric characters in attribute names.
      return FILTER_FAILSAFE
    }
  }
  return s
}

/**
 * commentEscaper returns the empty string regardless of input. Comment content does not
 * correspond to any parsed structure or human-readable content, so the simplest and most
 * secure policy is to drop content interpolated into comments (Go's commentEscaper).
 *
 * @returns ''.
 */
export function commentEscaper(): string {
  return ''
}
