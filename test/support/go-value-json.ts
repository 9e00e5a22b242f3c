/**
 * The TypeScript side of the Go html/template oracle's typed JSON values (see
 * test/support/go-oracle/htmltemplate/decode.go): decodes them into the Go value model of
 * src/notify/template/go, with Alertmanager 0.25's template data from src/notify/template
 * (KV.SortedPairs, Alerts.Firing, ...) and the functions the oracle can install by name.
 */
import {
  ANY,
  BOOL,
  ERROR,
  FLOAT64,
  GoBox,
  GoType,
  INT,
  SLICE_ANY,
  STRING,
  float64,
  goStruct,
  listOf,
  mapOf,
  ptrTo,
  sliceOf,
  sprintf,
} from '#src/notify/template/go/index.js'
import type { FuncMap, GoField, GoFunc, GoValue } from '#src/notify/template/go/index.js'
import {
  CSS_CONTENT,
  HTML_ATTR_CONTENT,
  HTML_CONTENT,
  JS_CONTENT,
  JS_STR_CONTENT,
  SAFE_HTML,
  SRCSET_CONTENT,
  URL_CONTENT,
  typedContent,
} from '#src/notify/template/html/index.js'
import {
  ALERT,
  ALERTS,
  DATA,
  SLICE_STRING,
  dataPointer,
  kvValue,
  parseRFC3339Time,
  timeValue,
} from '#src/notify/template/index.js'

import type { AmDataJson, DataItemJson, TypedJson } from './go-html-oracle.js'

const CONTENT: Readonly<Record<string, GoType>> = {
  CSS: CSS_CONTENT,
  HTML: HTML_CONTENT,
  HTMLAttr: HTML_ATTR_CONTENT,
  JS: JS_CONTENT,
  JSStr: JS_STR_CONTENT,
  URL: URL_CONTENT,
  Srcset: SRCSET_CONTENT,
}

const FIELD_TYPES: Readonly<Record<string, GoType>> = {
  bool: BOOL,
  string: STRING,
  int: INT,
  float64: FLOAT64,
  any: ANY,
  error: ERROR,
  '[]string': sliceOf(STRING),
  '*int': INT.ptrTo(),
  HTML: HTML_CONTENT,
  map: mapOf(STRING, STRING),
}

// TestEscapeSet's `type dataItem struct { Children []*dataItem; X string }`: the field
// list is completed once the pointer type exists.
const childrenField: { name: string; type: GoType } = { name: 'Children', type: ANY }
const DATA_ITEM = new GoType({
  kind: 'struct',
  name: 'main.dataItem',
  named: true,
  fields: [childrenField, { name: 'X', type: STRING }],
})
childrenField.type = sliceOf(DATA_ITEM.ptrTo())

function dataItem(d: DataItemJson): GoBox {
  const children =
    d.children === undefined
      ? new GoBox(childrenField.type, null)
      : new GoBox(
          childrenField.type,
          d.children.map((c) => ptrTo(DATA_ITEM, dataItem(c)))
        )
  return goStruct(DATA_ITEM, { Children: children, X: d.x ?? '' })
}

/**
 * amData builds `*template.Data` as Alertmanager passes it to templates, with the real
 * template data model of src/notify/template, so that the differential test checks the
 * types notifiers render with.
 *
 * @param d - the data.
 * @returns the pointer value.
 */
export function amData(d: AmDataJson): GoBox {
  const alerts = d.alerts.map((a) =>
    goStruct(ALERT, {
      Status: a.status,
      Labels: kvValue(Object.entries(a.labels)),
      Annotations: kvValue(Object.entries(a.annotations)),
      ...timeField('StartsAt', a.startsAt),
      ...timeField('EndsAt', a.endsAt),
      GeneratorURL: a.generatorURL,
      Fingerprint: a.fingerprint,
    })
  )
  return dataPointer(
    goStruct(DATA, {
      Receiver: d.receiver,
      Status: d.status,
      Alerts: new GoBox(ALERTS, alerts),
      GroupLabels: kvValue(Object.entries(d.groupLabels)),
      CommonLabels: kvValue(Object.entries(d.commonLabels)),
      CommonAnnotations: kvValue(Object.entries(d.commonAnnotations)),
      ExternalURL: d.externalURL,
    })
  )
}

// am.go's parseTime leaves an empty time zero (the cases send no malformed one).
function timeField(name: string, text: string): Record<string, GoBox> {
  const t = parseRFC3339Time(text)
  return t === undefined ? {} : { [name]: timeValue(t) }
}

function structType(fields: readonly GoField[]): GoType {
  const body = fields.map((f) => `${f.name} ${f.type.name}`).join('; ')
  return new GoType({ kind: 'struct', name: `struct { ${body} }`, fields })
}

/**
 * decodeTypedJson decodes the oracle's typed JSON into a Go value of the model.
 *
 * @param v - the encoded value; undefined for the untyped nil.
 * @returns the value.
 */
export function decodeTypedJson(v: TypedJson | undefined): GoValue {
  if (v === undefined) {
    return undefined
  }
  if ('content' in v) {
    return typedContent(CONTENT[v.content] as GoType, v.s)
  }
  if ('s' in v) {
    return v.s
  }
  if ('i' in v) {
    return v.i
  }
  if ('f' in v) {
    return float64(v.f)
  }
  if ('b' in v) {
    return v.b
  }
  if ('nil' in v) {
    return undefined
  }
  if ('slice' in v) {
    const items = v.items.map((x) => decodeTypedJson(x))
    return v.slice === 'string' ? new GoBox(SLICE_STRING, items) : items
  }
  if ('map' in v) {
    const entries = Object.fromEntries(
      Object.entries(v.entries).map(([k, x]) => [k, decodeTypedJson(x)])
    )
    return v.map === 'string' ? new GoBox(mapOf(STRING, STRING), entries) : entries
  }
  if ('struct' in v) {
    const fields = v.struct.map((f) => ({ name: f.name, type: FIELD_TYPES[f.type] as GoType }))
    const t = structType(fields)
    return goStruct(t, Object.fromEntries(v.struct.map((f) => [f.name, decodeTypedJson(f.v)])))
  }
  if ('ptr' in v) {
    const x = decodeTypedJson(v.ptr)
    const t = x instanceof GoBox ? x.t : typeof x === 'string' ? STRING : INT
    return ptrTo(t, x)
  }
  if ('nilptr' in v) {
    return new GoBox(INT.ptrTo(), null)
  }
  if ('item' in v) {
    return dataItem(v.item)
  }
  return amData(v.am)
}

function fn(params: GoType[], variadic: boolean, results: GoType[], f: GoFunc['fn']): GoFunc {
  return { params, variadic, results, fn: f }
}

// strings.Title: upper-case the first letter of each word (the oracle's stand-in for
// golang.org/x/text/cases' Title).
function title(s: string): string {
  let prev = ' '
  let out = ''
  for (const ch of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev)
    out += sep ? ch.toUpperCase() : ch
    prev = ch
  }
  return out
}

/**
 * ORACLE_FUNCS are the functions a case installs by name, as the oracle's funcs.go:
 * Alertmanager 0.25's DefaultFuncs and TestEscapeSet's pred.
 */
export const ORACLE_FUNCS: FuncMap = {
  toUpper: fn([STRING], false, [STRING], (s) => (s as string).toUpperCase()),
  toLower: fn([STRING], false, [STRING], (s) => (s as string).toLowerCase()),
  title: fn([STRING], false, [STRING], (s) => title(s as string)),
  join: fn([STRING, SLICE_STRING], false, [STRING], (sep, s) =>
    (listOf(s) as string[]).join(sep as string)
  ),
  match: fn([STRING, STRING], false, [BOOL, ERROR], (p, s) =>
    new RegExp(p as string, 'u').test(s as string)
  ),
  safeHtml: SAFE_HTML,
  reReplaceAll: fn([STRING, STRING, STRING], false, [STRING], (p, r, t) =>
    (t as string).replace(new RegExp(p as string, 'gu'), (r as string).replaceAll('$$', '$'))
  ),
  stringSlice: fn([SLICE_STRING], true, [SLICE_STRING], (...s) => new GoBox(SLICE_STRING, s)),
  pred: fn([SLICE_ANY], true, [ANY, ERROR], (...a) => {
    if (a.length === 1 && typeof a[0] === 'number' && Number.isInteger(a[0]) && a[0] > 0) {
      return a[0] - 1
    }
    throw new Error(sprintf('undefined pred(%v)', [a]))
  }),
}
