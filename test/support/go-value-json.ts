/**
 * The TypeScript side of the Go html/template oracle's typed JSON values (see
 * test/support/go-oracle/htmltemplate/decode.go): decodes them into the Go value model of
 * src/notify/template/go, with Alertmanager 0.25's template data types (KV.SortedPairs,
 * Alerts.Firing, ...) and the functions the oracle can install by name.
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
  mapEntries,
  mapOf,
  payload,
  ptrTo,
  sliceOf,
  sprintf,
} from '../../src/notify/template/go/index.js'
import type { FuncMap, GoField, GoFunc, GoValue } from '../../src/notify/template/go/index.js'
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
} from '../../src/notify/template/html/index.js'

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

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

function method(params: GoType[], results: GoType[], fn: GoFunc['fn']): GoFunc {
  return { params, variadic: false, results, fn }
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

const SLICE_STRING = sliceOf(STRING)

/** PAIR is Alertmanager's template.Pair. */
export const PAIR = new GoType({
  kind: 'struct',
  name: 'template.Pair',
  named: true,
  fields: [
    { name: 'Name', type: STRING },
    { name: 'Value', type: STRING },
  ],
})

function pairField(p: GoValue, i: 0 | 1): string {
  return (payload(p) as string[])[i] as string
}

/** PAIRS is Alertmanager's template.Pairs with Names and Values. */
export const PAIRS = new GoType({
  kind: 'slice',
  name: 'template.Pairs',
  named: true,
  elem: PAIR,
  methods: {
    Names: method(
      [],
      [SLICE_STRING],
      (ps) =>
        new GoBox(
          SLICE_STRING,
          listOf(ps).map((p) => pairField(p, 0))
        )
    ),
    Values: method(
      [],
      [SLICE_STRING],
      (ps) =>
        new GoBox(
          SLICE_STRING,
          listOf(ps).map((p) => pairField(p, 1))
        )
    ),
  },
})

function sortedPairs(kv: GoValue): GoBox {
  const entries = mapEntries(kv) as [string, string][]
  const keys = entries.map(([k]) => k).filter((k) => k !== 'alertname')
  keys.sort(compareBytes)
  if (entries.some(([k]) => k === 'alertname')) {
    keys.unshift('alertname')
  }
  const m = new Map(entries)
  return new GoBox(
    PAIRS,
    keys.map((k) => goStruct(PAIR, { Name: k, Value: m.get(k) ?? '' }))
  )
}

// KV.Remove returns a KV: its result list is completed once the type exists.
const removeResults: GoType[] = []

/** KV is Alertmanager's template.KV with SortedPairs, Remove, Names and Values. */
export const KV: GoType = new GoType({
  kind: 'map',
  name: 'template.KV',
  named: true,
  key: STRING,
  elem: STRING,
  methods: {
    SortedPairs: method([], [PAIRS], (m) => sortedPairs(m)),
    Remove: method([SLICE_STRING], removeResults, (m, keys) => {
      const drop = new Set(listOf(keys) as string[])
      return new GoBox(KV, new Map(mapEntries(m).filter(([k]) => !drop.has(k as string))))
    }),
    Names: method([], [SLICE_STRING], (m) =>
      (PAIRS.methods.get('Names') as GoFunc).fn(sortedPairs(m))
    ),
    Values: method([], [SLICE_STRING], (m) =>
      (PAIRS.methods.get('Values') as GoFunc).fn(sortedPairs(m))
    ),
  },
})
removeResults.push(KV)

function kv(o: Record<string, string>): GoBox {
  return new GoBox(KV, new Map(Object.entries(o)))
}

/** TIME is Go's time.Time; templates here never print it. */
export const TIME = new GoType({ kind: 'struct', name: 'time.Time', named: true })

/** ALERT is Alertmanager's template.Alert. */
export const ALERT = new GoType({
  kind: 'struct',
  name: 'template.Alert',
  named: true,
  fields: [
    { name: 'Status', type: STRING },
    { name: 'Labels', type: KV },
    { name: 'Annotations', type: KV },
    { name: 'StartsAt', type: TIME },
    { name: 'EndsAt', type: TIME },
    { name: 'GeneratorURL', type: STRING },
    { name: 'Fingerprint', type: STRING },
  ],
})

const SLICE_ALERT = sliceOf(ALERT)

function withStatus(as: GoValue, status: string): GoBox {
  return new GoBox(
    SLICE_ALERT,
    listOf(as).filter((a) => (payload(a) as GoValue[])[0] === status)
  )
}

/** ALERTS is Alertmanager's template.Alerts with Firing and Resolved. */
export const ALERTS = new GoType({
  kind: 'slice',
  name: 'template.Alerts',
  named: true,
  elem: ALERT,
  methods: {
    Firing: method([], [SLICE_ALERT], (as) => withStatus(as, 'firing')),
    Resolved: method([], [SLICE_ALERT], (as) => withStatus(as, 'resolved')),
  },
})

/** DATA is Alertmanager's template.Data. */
export const DATA = new GoType({
  kind: 'struct',
  name: 'template.Data',
  named: true,
  fields: [
    { name: 'Receiver', type: STRING },
    { name: 'Status', type: STRING },
    { name: 'Alerts', type: ALERTS },
    { name: 'GroupLabels', type: KV },
    { name: 'CommonLabels', type: KV },
    { name: 'CommonAnnotations', type: KV },
    { name: 'ExternalURL', type: STRING },
  ],
})

/**
 * amData builds `*template.Data` as Alertmanager passes it to templates.
 *
 * @param d - the data.
 * @returns the pointer value.
 */
export function amData(d: AmDataJson): GoBox {
  const alerts = d.alerts.map((a) =>
    goStruct(ALERT, {
      Status: a.status,
      Labels: kv(a.labels),
      Annotations: kv(a.annotations),
      GeneratorURL: a.generatorURL,
      Fingerprint: a.fingerprint,
    })
  )
  return ptrTo(
    DATA,
    goStruct(DATA, {
      Receiver: d.receiver,
      Status: d.status,
      Alerts: new GoBox(ALERTS, alerts),
      GroupLabels: kv(d.groupLabels),
      CommonLabels: kv(d.commonLabels),
      CommonAnnotations: kv(d.commonAnnotations),
      ExternalURL: d.externalURL,
    })
  )
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
