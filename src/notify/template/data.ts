/**
 * The data notification templates see, declared as the Go types of Alertmanager 0.25's
 * template/template.go (`template.Data`, `template.Alert`, `template.Alerts`, `template.KV`,
 * `template.Pairs`, `template.Pair`) so that printing, field access, method calls and error
 * messages name the same types Go does.
 */
import type { Alert } from '../../alerts/index.js'
import { isResolved } from '../../alerts/index.js'
import type { LabelSet } from '../../labels/index.js'
import { compareGoStrings } from '../../util/index.js'

import {
  GoBox,
  GoType,
  STRING,
  box,
  goStruct,
  listOf,
  mapEntries,
  payload,
  ptrTo,
  sliceOf,
} from './go/index.js'
import type { GoFunc, GoValue } from './go/index.js'
import { TIME, fromUnixMillis, timeValue } from './time.js'

function method(
  params: GoType[],
  results: GoType[],
  impl: (...args: GoValue[]) => GoValue
): GoFunc {
  return { params, variadic: false, results, fn: impl }
}

/** SLICE_STRING is `[]string`. */
export const SLICE_STRING = sliceOf(STRING)

/** PAIR is `template.Pair`, a struct of Name and Value. */
export const PAIR: GoType = new GoType({
  kind: 'struct',
  name: 'template.Pair',
  named: true,
  fields: [
    { name: 'Name', type: STRING },
    { name: 'Value', type: STRING },
  ],
})

function pairParts(ps: GoValue): [string, string][] {
  return listOf(ps).map((p) => {
    const fields = payload(p) as readonly GoValue[]
    return [fields[0] as string, fields[1] as string]
  })
}

/** PAIRS is `template.Pairs` (`[]Pair`) with its methods Names and Values. */
export const PAIRS: GoType = new GoType({
  kind: 'slice',
  name: 'template.Pairs',
  named: true,
  elem: PAIR,
  methods: {
    Names: method([], [SLICE_STRING], (ps) =>
      box(
        SLICE_STRING,
        pairParts(ps).map(([n]) => n)
      )
    ),
    Values: method([], [SLICE_STRING], (ps) =>
      box(
        SLICE_STRING,
        pairParts(ps).map(([, v]) => v)
      )
    ),
  },
})

// Remove returns a KV: its result list is filled in once KV exists.
const KV_T: GoType[] = []

/**
 * KV is `template.KV` (`map[string]string`) with SortedPairs, Remove, Names and Values. Its
 * payload is a `Map<string, string>`, or null for a nil map.
 */
export const KV: GoType = new GoType({
  kind: 'map',
  name: 'template.KV',
  named: true,
  key: STRING,
  elem: STRING,
  methods: {
    SortedPairs: method([], [PAIRS], (kv) => pairsValue(sortedPairs(kv))),
    Remove: method([SLICE_STRING], KV_T, (kv, keys) => {
      const drop = new Set(listOf(keys) as string[])
      return kvValue((mapEntries(kv) as [string, string][]).filter(([k]) => !drop.has(k)))
    }),
    Names: method([], [SLICE_STRING], (kv) =>
      box(
        SLICE_STRING,
        sortedPairs(kv).map(([n]) => n)
      )
    ),
    Values: method([], [SLICE_STRING], (kv) =>
      box(
        SLICE_STRING,
        sortedPairs(kv).map(([, v]) => v)
      )
    ),
  },
})
KV_T.push(KV)

/**
 * kvValue builds a `template.KV` from label pairs.
 *
 * @param set - the pairs (a LabelSet, a Map or entries).
 * @returns the value.
 */
export function kvValue(
  set: LabelSet | ReadonlyMap<string, string> | Iterable<readonly [string, string]>
): GoBox {
  const entries = set instanceof Map ? set : Symbol.iterator in set ? set : Object.entries(set)
  return new GoBox(KV, new Map<string, string>(entries as Iterable<[string, string]>))
}

/**
 * sortedPairs is KV.SortedPairs: `alertname` first when present, the other names in Go's
 * byte order.
 *
 * @param kv - a KV value.
 * @returns the pairs as [name, value].
 */
export function sortedPairs(kv: GoValue): [string, string][] {
  const entries = mapEntries(kv) as [string, string][]
  const first = entries.filter(([k]) => k === 'alertname')
  const rest = entries.filter(([k]) => k !== 'alertname').sort(([a], [b]) => compareGoStrings(a, b))
  return [...first, ...rest]
}

function pairsValue(pairs: readonly [string, string][]): GoBox {
  return new GoBox(
    PAIRS,
    pairs.map(([name, value]) => goStruct(PAIR, { Name: name, Value: value }))
  )
}

/** ALERT is `template.Alert`. */
export const ALERT: GoType = new GoType({
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

/** SLICE_ALERT is `[]template.Alert`, what Alerts.Firing and Alerts.Resolved return. */
export const SLICE_ALERT = sliceOf(ALERT)

function alertsWithStatus(as: GoValue, status: string): GoBox {
  return new GoBox(
    SLICE_ALERT,
    listOf(as).filter((a) => (payload(a) as readonly GoValue[])[0] === status)
  )
}

/** ALERTS is `template.Alerts` (`[]Alert`) with Firing and Resolved. */
export const ALERTS: GoType = new GoType({
  kind: 'slice',
  name: 'template.Alerts',
  named: true,
  elem: ALERT,
  methods: {
    Firing: method([], [SLICE_ALERT], (as) => alertsWithStatus(as, 'firing')),
    Resolved: method([], [SLICE_ALERT], (as) => alertsWithStatus(as, 'resolved')),
  },
})

/** DATA is `template.Data`, the value of dot in notification templates. */
export const DATA: GoType = new GoType({
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

const JSON_NAMES = new Map<GoType, readonly string[]>([
  [
    DATA,
    [
      'receiver',
      'status',
      'alerts',
      'groupLabels',
      'commonLabels',
      'commonAnnotations',
      'externalURL',
    ],
  ],
  [ALERT, ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']],
])

/**
 * jsonFieldNames returns the JSON names of a struct type's fields (their `json:"..."` tags in
 * Alertmanager's Go source), or the field names for a struct without tags.
 *
 * @param t - a struct type.
 * @returns one name per field.
 */
export function jsonFieldNames(t: GoType): readonly string[] {
  return JSON_NAMES.get(t) ?? t.fields.map((f) => f.name)
}

/** DataInput is what {@link buildData} assembles template data from. */
export interface DataInput {
  /** receiver is the receiver's name as configured; the data carries it regex-quoted. */
  readonly receiver: string
  readonly groupLabels: LabelSet
  readonly alerts: readonly Alert[]
  /** externalURL is `--web.external-url` as Alertmanager prints its parsed URL. */
  readonly externalURL: string
  /** now is the instant alert status is judged at (epoch ms). */
  readonly now: number
}

/**
 * buildData is Alertmanager 0.25's Template.Data (template/template.go): the receiver quoted
 * with regexp.QuoteMeta, `firing` when any alert is firing at `now`, each alert's status,
 * labels, annotations, times, generator URL and fingerprint, the group labels, and the label
 * and annotation pairs common to all alerts (a missing key counting as "", as Go's map
 * lookup does).
 *
 * @param input - receiver, group labels, alerts, external URL and the judging instant.
 * @returns a `template.Data` struct value (wrap it with ptrTo(DATA, ...) for Go's `*Data`).
 *
 * @example
 * ```ts
 * const data = buildData({ receiver: 'team-x', groupLabels: { alertname: 'Down' }, alerts,
 *   externalURL: 'http://am:9093', now: Date.now() })
 * ```
 */
export function buildData(input: DataInput): GoBox {
  const { alerts, now } = input
  const alertValues = alerts.map((a) =>
    goStruct(ALERT, {
      Status: isResolved(a, now) ? 'resolved' : 'firing',
      Labels: kvValue(a.labels),
      Annotations: kvValue(a.annotations),
      StartsAt: timeValue(fromUnixMillis(a.startsAt)),
      EndsAt: timeValue(fromUnixMillis(a.endsAt)),
      GeneratorURL: a.generatorURL,
      Fingerprint: a.fingerprint,
    })
  )
  return goStruct(DATA, {
    Receiver: quoteMeta(input.receiver),
    Status: alerts.some((a) => !isResolved(a, now)) ? 'firing' : 'resolved',
    Alerts: new GoBox(ALERTS, alertValues),
    GroupLabels: kvValue(input.groupLabels),
    CommonLabels: kvValue(commonEntries(alerts.map((a) => a.labels))),
    CommonAnnotations: kvValue(commonEntries(alerts.map((a) => a.annotations))),
    ExternalURL: input.externalURL,
  })
}

/**
 * dataPointer wraps a Data value as Go's `*template.Data`, the type Alertmanager's notifiers
 * execute templates with (`{{ . }}` then prints `&{...}`).
 *
 * @param data - a template.Data value.
 * @returns the pointer.
 */
export function dataPointer(data: GoBox): GoBox {
  return ptrTo(DATA, data)
}

/** QUOTE_META matches what Go's regexp.QuoteMeta escapes. */
const QUOTE_META = /[\\.+*?()|[\]{}^$]/g

/**
 * quoteMeta is Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`.
 * template.Data quotes the receiver's name with it, so the webhook message says
 * `"receiver":"db\\.team"` for a receiver named `db.team`.
 *
 * @param s - any text.
 * @returns the text with regexp metacharacters escaped.
 *
 * @example
 * ```ts
 * quoteMeta('db.team') // 'db\\.team'
 * ```
 */
export function quoteMeta(s: string): string {
  return s.replace(QUOTE_META, '\\$&')
}

/**
 * commonEntries is how template.Data finds CommonLabels and CommonAnnotations: the pairs of
 * the first set whose value every other set has too (a missing key reads as `""`, as in Go's
 * `a.Labels[ln] != lv`), in the first set's order.
 *
 * @param sets - the alerts' labels, or their annotations.
 * @returns the common pairs as [name, value].
 */
export function commonEntries(sets: readonly LabelSet[]): [string, string][] {
  const [first, ...rest] = sets
  const out = new Map<string, string>(first === undefined ? [] : Object.entries(first))
  for (const set of rest) {
    for (const [name, value] of out) {
      const other = Object.hasOwn(set, name) ? set[name] : undefined
      if ((other ?? '') !== value) {
        out.delete(name)
      }
    }
  }
  return [...out]
}
