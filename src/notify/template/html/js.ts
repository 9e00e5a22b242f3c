/**
 * JavaScript contexts and escapers, a port of Go 1.19 html/template/js.go.
 */
import { GoBox, payload, sprint, typeOf } from '../go/index.js'
import type { GoType, GoValue } from '../go/index.js'

import { JS_CONTENT, JS_STR_CONTENT, stringify } from './content.js'
import type { JsCtx } from './context.js'
import { JsonError, jsonMarshal } from './json.js'
import { lastCodePoint } from './utf8.js'

const JS_SPACE = '\t\n\f\r \u2028\u2029'

/**
 * nextJSCtx returns the context that decides whether a `/` after the JS text s starts a
 * regular expression or a division (Go's nextJSCtx).
 *
 * @param sIn - the JS tokens before the slash.
 * @param preceding - the context before s.
 * @returns the context after s.
 */
export function nextJSCtx(sIn: string, preceding: JsCtx): JsCtx {
  let end = sIn.length
  while (end > 0 && JS_SPACE.includes(sIn[end - 1] as string)) {
    end--
  }
  const s = sIn.slice(0, end)
  if (s.length === 0) {
    return preceding
  }
  // All cases below are in the single-byte UTF-8 group.
  const c = s[s.length - 1] as string
  const n = s.length
  switch (c) {
    case '+':
    case '-': {
      // ++ and -- are not regexp preceders, but + and - are whether they are used as
      // infix or prefix operators.
      let start = n - 1
      // Count the number of adjacent dashes or pluses.
      while (start > 0 && s[start - 1] === c) {
        start--
      }
      if (((n - start) & 1) === 1) {
        // Reached for trailing minus signs since "---" is the same as "-- -".
        return 'jsCtxRegexp'
      }
      return 'jsCtxDivOp'
    }
    case '.':
      // Handle "42."
      if (n !== 1 && (s[n - 2] as string) >= '0' && (s[n - 2] as string) <= '9') {
        return 'jsCtxDivOp'
      }
      return 'jsCtxRegexp'
    // Suffixes of all punctuators (section 7.7 of the language spec) that only end binary
    // operators, that are prefix operators or open brackets, or that precede expression
    // starts, not handled above. CAVEAT: the close punctuators ('}', ']', ')') precede div
    // ops and are handled in the default except for '}' which can precede a division op as
    // in `({ valueOf: function () { return 42 } } / 2`, which is valid, but, in practice,
    // developers don't divide object literals, so the heuristic works well for code like
    // `function () { ... }  /foo/.test(x) && sideEffect();`.
    case ',':
    case '<':
    case '>':
    case '=':
    case '*':
    case '%':
    case '&':
    case '|':
    case '^':
    case '?':
    case '!':
    case '~':
    case '(':
    case '[':
    case ':':
    case ';':
    case '{':
    case '}':
      return 'jsCtxRegexp'
    default: {
      // Look for an IdentifierName and see if it is a keyword that can precede a regular
      // expression.
      let j = n
      while (j > 0 && isJSIdentPart(s.charCodeAt(j - 1))) {
        j--
      }
      if (REGEXP_PRECEDER_KEYWORDS.has(s.slice(j))) {
        return 'jsCtxRegexp'
      }
    }
  }
  // Otherwise is a punctuator not listed above, or a string which precedes a div op, or an
  // identifier which precedes a div op.
  return 'jsCtxDivOp'
}

const REGEXP_PRECEDER_KEYWORDS = new Set([
  'break',
  'case',
  'continue',
  'delete',
  'do',
  'else',
  'finally',
  'in',
  'instanceof',
  'return',
  'throw',
  'try',
  'typeof',
  'void',
])

function hasMethod(v: GoValue, name: string): boolean {
  return typeOf(v)?.methods.has(name) === true
}

function indirectToJSONMarshaler(a: GoValue): GoValue {
  // text/template now supports passing untyped nil as a func call argument, so we must
  // support it. Otherwise we'd panic below, as one cannot call the Type or Interface
  // methods on an invalid reflect.Value. See golang.org/issue/18716.
  let v = a
  while (
    v instanceof GoBox &&
    !hasMethod(v, 'MarshalJSON') &&
    v.t.kind === 'ptr' &&
    v.v !== null &&
    v.v !== undefined
  ) {
    v = v.v as GoValue
  }
  return v
}

/**
 * jsValEscaper escapes its inputs to a JS expression (section 11.14) that has neither side
 * effects nor free variables outside (NaN, Infinity): Go's jsValEscaper, the
 * `_html_template_jsvalescaper` function.
 *
 * @param args - the values.
 * @returns the JS expression.
 */
export function jsValEscaper(...args: GoValue[]): string {
  let a: GoValue
  if (args.length === 1) {
    a = indirectToJSONMarshaler(args[0])
    const t: GoType | undefined = typeOf(a)
    if (t === JS_CONTENT) {
      return payload(a) as string
    } else if (t === JS_STR_CONTENT) {
      // TODO: normalize quotes.
      return `"${payload(a) as string}"`
    } else if (t !== undefined && !t.methods.has('MarshalJSON')) {
      // A json.Marshaler is not treated as a Stringer.
      const m = t.methods.get('String')
      if (m?.params.length === 0) {
        a = m.fn(a)
      }
    }
  } else {
    a = sprint(args.map((x) => indirectToJSONMarshaler(x)))
  }
  // TODO: detect cycles before calling Marshal which loops infinitely on cyclic data. This
  // may be an unacceptable DoS risk.
  let b: string
  try {
    b = jsonMarshal(a)
  } catch (e) {
    if (!(e instanceof JsonError)) {
      throw e
    }
    // Put a space before comment so that if it is flush against a division operator it
    // is not turned into a line comment:
    //     x/{{y}}
    // turning into
    //     x//* error marshaling y:
    //          second line of error message */null
    return ` /* ${e.message.replaceAll('*/', '* /')} */null `
  }
  // TODO: maybe post-process output to prevent it from containing "<!--", "-->", "<![CDATA[",
  // "]]>", or "</script" in case custom marshalers produce output containing those.
  // Note: Do not use \x escaping to save bytes because it is not JSON compatible and this
  // escaper supports ld+json content-type.
  if (b.length === 0) {
    // In, `x=y/{{.}}*z` a json.Marshaler that produces "" should not cause the output
    // `x=y/*z`.
    return ' null '
  }
  const first = b.codePointAt(0) as number
  const last = lastCodePoint(b)
  const pad = isJSIdentPart(first) || isJSIdentPart(last)
  // Go writes into a buffer only to pad or to replace line separators; it returns b as it
  // is when it did neither.
  const body = b.replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029')
  return pad ? ` ${body} ` : body
}

/**
 * jsStrEscaper produces a string that can be included between quotes in JavaScript source,
 * in JavaScript embedded in an HTML5 `<script>` element, or in an HTML5 event handler
 * attribute such as onclick (Go's jsStrEscaper).
 *
 * @param args - the values.
 * @returns the escaped text.
 */
export function jsStrEscaper(...args: GoValue[]): string {
  const { s, t } = stringify(args)
  if (t === 'contentTypeJSStr') {
    return replace(s, JS_STR_NORM_REPLACEMENT_TABLE)
  }
  return replace(s, JS_STR_REPLACEMENT_TABLE)
}

/**
 * jsRegexpEscaper behaves like jsStrEscaper but escapes regular expression specials so the
 * result is treated literally when included in a regular expression literal (Go's
 * jsRegexpEscaper).
 *
 * @param args - the values.
 * @returns the escaped text, `(?:)` for empty.
 */
export function jsRegexpEscaper(...args: GoValue[]): string {
  const { s } = stringify(args)
  const r = replace(s, JS_REGEXP_REPLACEMENT_TABLE)
  return r === '' ? '(?:)' : r
}

/**
 * replace replaces each code point r of s with table[r] where present, and control
 * characters, U+2028 and U+2029 with JS escapes (Go's replace).
 */
function replace(s: string, table: ReadonlyMap<string, string>): string {
  let b = ''
  let written = 0
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string
    const code = ch.charCodeAt(0)
    let repl: string | undefined
    if (code < 0x20) {
      repl = LOW_UNICODE_REPLACEMENT_TABLE[code]
    } else if (code < 0x80) {
      repl = table.get(ch)
    } else if (code === 0x2028) {
      repl = '\\u2028'
    } else if (code === 0x2029) {
      repl = '\\u2029'
    }
    if (repl === undefined) {
      continue
    }
    b += s.slice(written, i) + repl
    written = i + 1
  }
  if (written === 0) {
    return s
  }
  return b + s.slice(written)
}

const LOW_UNICODE_REPLACEMENT_TABLE: readonly string[] = Array.from({ length: 0x20 }, (_, i) => {
  switch (i) {
    case 0x09:
      return '\\t'
    case 0x0a:
      return '\\n'
    case 0x0c:
      return '\\f'
    case 0x0d:
      return '\\r'
    default:
      // "\v" == "v" on IE 6, so \u000b rather than \v.
      return `\\u00${i.toString(16).padStart(2, '0')}`
  }
})

const JS_STR_REPLACEMENT_TABLE: ReadonlyMap<string, string> = new Map([
  // Encode HTML specials as hex so the output can be embedded in HTML attributes without
  // further encoding.
  ['"', '\\u0022'],
  ['`', '\\u0060'],
  ['&', '\\u0026'],
  ["'", '\\u0027'],
  ['+', '\\u002b'],
  ['/', '\\/'],
  ['<', '\\u003c'],
  ['>', '\\u003e'],
  ['\\', '\\\\'],
])

// JS_STR_NORM_REPLACEMENT_TABLE is like JS_STR_REPLACEMENT_TABLE but does not overencode
// existing escapes since this table has no entry for `\`.
const JS_STR_NORM_REPLACEMENT_TABLE: ReadonlyMap<string, string> = new Map(
  [...JS_STR_REPLACEMENT_TABLE].filter(([k]) => k !== '\\')
)

const JS_REGEXP_REPLACEMENT_TABLE: ReadonlyMap<string, string> = new Map([
  ['"', '\\u0022'],
  ['$', '\\$'],
  ['&', '\\u0026'],
  ["'", '\\u0027'],
  ['(', '\\('],
  [')', '\\)'],
  ['*', '\\*'],
  ['+', '\\u002b'],
  ['-', '\\-'],
  ['.', '\\.'],
  ['/', '\\/'],
  ['<', '\\u003c'],
  ['>', '\\u003e'],
  ['?', '\\?'],
  ['[', '\\['],
  ['\\', '\\\\'],
  [']', '\\]'],
  ['^', '\\^'],
  ['{', '\\{'],
  ['|', '\\|'],
  ['}', '\\}'],
])

/**
 * isJSIdentPart reports whether the given code point is a JS identifier part. It does not
 * handle all the non-Latin letters, joiners, and combining marks, but it does handle every
 * code point that can occur in a numeric literal or a keyword (Go's isJSIdentPart).
 *
 * @param r - the code point.
 * @returns true for `$`, `_`, ASCII letters and digits.
 */
export function isJSIdentPart(r: number): boolean {
  return (
    r === 0x24 ||
    (r >= 0x30 && r <= 0x39) ||
    (r >= 0x41 && r <= 0x5a) ||
    r === 0x5f ||
    (r >= 0x61 && r <= 0x7a)
  )
}

/**
 * isJSType reports whether the given MIME type should be considered JavaScript (Go's
 * isJSType); it is used to decide whether a `<script type=...>` body is JS.
 *
 * @param mimeTypeIn - the type attribute's value.
 * @returns true for JavaScript and JSON types.
 */
export function isJSType(mimeTypeIn: string): boolean {
  // per
  //   https://www.w3.org/TR/html5/scripting-1.html#attr-script-type
  //   https://tools.ietf.org/html/rfc7231#section-3.1.1
  //   https://tools.ietf.org/html/rfc4329#section-3
  //   https://www.ietf.org/rfc/rfc4627.txt
  // discard parameters
  const semi = mimeTypeIn.indexOf(';')
  const mimeType = (semi >= 0 ? mimeTypeIn.slice(0, semi) : mimeTypeIn).toLowerCase().trim()
  return JS_TYPES.has(mimeType)
}

const JS_TYPES = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/json',
  'application/ld+json',
  'application/x-ecmascript',
  'application/x-javascript',
  'module',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
])
