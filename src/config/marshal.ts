import { Matcher } from '../labels/index.js'
import { formatDuration, formatGoDuration } from '../util/index.js'

import { MARSHAL_HINTS } from './build.js'
import type { InhibitHints, RouteHints } from './build.js'
import { goUrlString, parseGoUrl, emitYaml } from './goyaml/index.js'
import type { YOut } from './goyaml/index.js'
import type { ConfigRegistry } from './integration-spec.js'
import { SECRET_TOKEN } from './kinds.js'
import { isStruct, propertiesOf, resolveSchema, schemaType } from './schema/index.js'
import type { ScalarKind, SchemaNode } from './schema/index.js'
import { formatClock, formatRange } from './time-interval.js'
import type {
  Config,
  InhibitRuleConfig,
  NamedTimeInterval,
  ReceiverConfig,
  RouteConfig,
} from './types.js'

/**
 * marshalConfig renders a config as Alertmanager 0.25 serves it in `/api/v2/status`
 * (`config.original`): the Go structs re-marshalled by yaml.v2, i.e. every default written out,
 * secrets as `<secret>`, fields in Go struct order, map keys sorted, matchers as strings. The
 * result loads again with {@link loadConfig} and with `amtool check-config`.
 *
 * Configs produced by loadConfig marshal exactly as Alertmanager would (deprecated `match`
 * forms and unwritten root timings are remembered); a config built by hand writes every route
 * matcher under `matchers` and the root route's timings explicitly.
 *
 * Known difference: Alertmanager prints `min_version`/`max_version` of a TLS config as numbers
 * (771) because of a Go pointer-receiver bug, which its own loader then rejects; we print the
 * names (`TLS12`) so the output stays loadable.
 *
 * @param config - a typed config.
 * @param registry - the integration registry the config was loaded with (its schema orders
 *   and types every field).
 * @returns YAML text.
 * @example
 * marshalConfig(loadConfig(text, { baseDir: '.', registry }).config, registry)
 */
export function marshalConfig(config: Config, registry: ConfigRegistry): string {
  const view = {
    global: config.global,
    route: routeView(config.route, true),
    inhibit_rules: config.inhibit_rules.map(inhibitView),
    receivers: config.receivers.map(receiverView),
    templates: config.templates,
    mute_time_intervals: config.mute_time_intervals.map(intervalView),
    time_intervals: config.time_intervals.map(intervalView),
  }
  return emitYaml(
    marshalValue(view, registry.schema, { flow: false }) ?? {
      kind: 'map',
      entries: [],
      flow: false,
    }
  )
}

type View = Record<string, unknown>

function routeView(r: RouteConfig, root: boolean): View {
  const hints = MARSHAL_HINTS.get(r) as RouteHints | undefined
  const timing = (f: 'group_wait' | 'group_interval' | 'repeat_interval'): number | undefined =>
    root && hints?.defaulted.has(f) === true ? undefined : r[f]
  return {
    receiver: r.receiver,
    group_by: r.group_by,
    match: hints?.match,
    match_re: hints?.match_re,
    matchers: hints === undefined ? r.matchers : hints.matchers,
    mute_time_intervals: r.mute_time_intervals,
    active_time_intervals: r.active_time_intervals,
    continue: r.continue,
    routes: r.routes.map((c) => routeView(c, false)),
    group_wait: timing('group_wait'),
    group_interval: timing('group_interval'),
    repeat_interval: timing('repeat_interval'),
  }
}

function inhibitView(r: InhibitRuleConfig): View {
  const hints = MARSHAL_HINTS.get(r) as InhibitHints | undefined
  if (hints === undefined) {
    return {
      source_matchers: r.source_matchers,
      target_matchers: r.target_matchers,
      equal: r.equal,
    }
  }
  return { ...hints, equal: r.equal }
}

function receiverView(r: ReceiverConfig): View {
  const view: View = { name: r.name }
  for (const [name, list] of Object.entries(r.integrations)) {
    view[`${name}_configs`] = list
  }
  return view
}

function intervalView(ti: NamedTimeInterval): View {
  return {
    name: ti.name,
    time_intervals: ti.time_intervals.map((t) => ({
      ...t,
      times: t.times?.map((r) => ({
        start_time: formatClock(r.start_minute),
        end_time: formatClock(r.end_minute),
      })),
    })),
  }
}

const str = (value: string): YOut => ({ kind: 'str', value })
const raw = (value: string): YOut => ({ kind: 'raw', value })
const isObj = (v: unknown): v is View => typeof v === 'object' && v !== null && !Array.isArray(v)

/** isValueStruct tells Go struct values (zero when all fields are) from pointers (zero when nil). */
function isValueStruct(field: SchemaNode): boolean {
  return field['$ref'] === '#/definitions/tls_config' || field['x-scalar'] !== undefined
}

function isZero(v: unknown, field: SchemaNode): boolean {
  if (field['x-pointer'] === true || field['x-kind'] === 'secret-url') {
    return v === undefined
  }
  if (v === undefined || v === null || v === '' || v === false || v === 0) {
    return true
  }
  if (Array.isArray(v)) {
    return v.length === 0
  }
  if (isObj(v)) {
    const s = resolveSchema(field)
    if (!isStruct(s)) {
      return Object.keys(v).length === 0
    }
    if (isValueStruct(field)) {
      return Object.entries(propertiesOf(s)).every(([k, f]) => isZero(v[k], f))
    }
  }
  return false
}

/** zeroValue is what yaml.v2 prints for an unset field without `omitempty`. */
function zeroValue(field: SchemaNode, state: FlowState): YOut {
  // A nil pointer (e.g. rocketchat's `short *bool`, which has no omitempty) prints as null.
  if (field['x-pointer'] === true) {
    return raw('null')
  }
  const s = resolveSchema(field)
  if (s['x-kind'] !== undefined || schemaType(s) === 'object') {
    return schemaType(s) === 'object' && isStruct(s) && field['$ref'] === undefined
      ? { kind: 'map', entries: [], flow: takeFlow(state) }
      : raw('null')
  }
  switch (schemaType(s)) {
    case 'string':
      return str('')
    case 'boolean':
      return raw('false')
    case 'integer':
      return raw('0')
    case undefined:
    default:
      return { kind: 'seq', items: [], flow: takeFlow(state) }
  }
}

function marshalString(v: unknown, kind: ScalarKind | undefined): YOut {
  switch (kind) {
    case 'duration':
      return str(formatDuration(Number(v)))
    case 'go-duration':
    case 'time-duration':
      return str(formatGoDuration(Number(v)))
    case 'secret':
      return v === '' ? raw('null') : str(SECRET_TOKEN)
    case 'secret-url':
      return str(SECRET_TOKEN)
    case 'common-url':
      return str(goUrlString(parseGoUrl(String(v)), true))
    case 'weekday':
    case 'day-of-month':
    case 'month':
    case 'year':
      return str(formatRange(kind, v as { begin: number; end: number }))
    case 'url':
    case 'hostport':
    case 'tls-version':
    case 'regexp':
    case 'label-name':
    case 'location':
    case 'matchers':
    case undefined:
      return str(typeof v === 'string' ? v : JSON.stringify(v))
  }
}

/**
 * FlowState is yaml.v2's encoder `flow` flag. A struct field tagged `flow` sets it and the next
 * mapping or sequence started consumes it; a scalar field leaves it set. Time intervals'
 * `location` (tagged `flow`) therefore makes the next interval entry print as `{...}`, and we
 * reproduce that.
 */
interface FlowState {
  flow: boolean
}

function takeFlow(state: FlowState): boolean {
  const flow = state.flow
  state.flow = false
  return flow
}

/**
 * marshalValue converts a typed value to an emitter node following its schema.
 *
 * @param v - the value.
 * @param field - the field's schema.
 * @param state - the encoder's flow flag.
 * @returns the node, or undefined when the value is absent.
 */
function marshalValue(v: unknown, field: SchemaNode, state: FlowState): YOut | undefined {
  if (v === undefined) {
    return undefined
  }
  const s = resolveSchema(field)
  const kind = s['x-kind'] as ScalarKind | undefined
  switch (schemaType(s)) {
    case 'string':
      return marshalString(v, kind)
    case 'boolean':
      return raw(v === true ? 'true' : 'false')
    case 'integer':
      return raw(typeof v === 'number' ? String(v) : '0')
    case 'array': {
      const items = Array.isArray(v) ? v : []
      const flow = takeFlow(state)
      if (kind === 'matchers') {
        return {
          kind: 'seq',
          flow,
          items: items.map((m) => str(m instanceof Matcher ? m.toString() : String(m))),
        }
      }
      const itemSchema = s['items'] as SchemaNode
      return {
        kind: 'seq',
        flow,
        items: items.map((i) => marshalValue(i, itemSchema, state) ?? raw('null')),
      }
    }
    case 'object':
      return isObj(v) ? marshalObject(v, s, state) : undefined
    case undefined:
    default:
      return s['x-go-type'] === 'interface {}' ? marshalAny(v, state) : undefined
  }
}

/**
 * marshalAny is yaml.v2 marshalling a Go `any` decoded from YAML: maps with their keys in
 * yaml.v2's order, floats as yaml.v2 spells the special ones.
 */
function marshalAny(v: unknown, state: FlowState): YOut {
  if (v === null || v === undefined) {
    return raw('null')
  }
  if (typeof v === 'boolean') {
    return raw(v ? 'true' : 'false')
  }
  if (typeof v === 'number') {
    if (Number.isNaN(v)) {
      return raw('.nan')
    }
    if (!Number.isFinite(v)) {
      return raw(v > 0 ? '.inf' : '-.inf')
    }
    return raw(String(v))
  }
  if (typeof v === 'string') {
    return str(v)
  }
  if (Array.isArray(v)) {
    const flow = takeFlow(state)
    return { kind: 'seq', flow, items: v.map((i) => marshalAny(i, state)) }
  }
  const o = v as View
  const flow = takeFlow(state)
  const keys = Object.keys(o).sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0))
  return {
    kind: 'map',
    flow,
    entries: keys.map((k) => [k, marshalAny(o[k], state)] as [string, YOut]),
  }
}

function marshalObject(v: View, s: SchemaNode, state: FlowState): YOut {
  const flow = takeFlow(state)
  if (isStruct(s)) {
    const entries: [string, YOut][] = []
    for (const [name, field] of Object.entries(propertiesOf(s))) {
      const value = v[name]
      const always = field['x-always'] === true
      if (!always && isZero(value, field)) {
        continue
      }
      state.flow = field['x-flow'] === true
      const node = marshalValue(value, field, state) ?? zeroValue(field, state)
      entries.push([name, node])
    }
    return { kind: 'map', flow, entries }
  }
  const valueSchema = s['additionalProperties'] as SchemaNode
  const keys = Object.keys(v).sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0))
  return {
    kind: 'map',
    flow,
    entries: keys.map(
      (k) => [k, marshalValue(v[k], valueSchema, state) ?? raw('null')] as [string, YOut]
    ),
  }
}

const LETTER = /\p{L}/u
const DIGIT = /\p{Nd}/u

/** goKeyLess is yaml.v2's map key order for strings: letters after others, digit runs numeric. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a)
  const br = Array.from(b)
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? ''
    const bc = br[i] ?? ''
    if (ac === bc) {
      continue
    }
    const al = LETTER.test(ac)
    const bl = LETTER.test(bc)
    if (al && bl) {
      return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0)
    }
    if (al || bl) {
      return bl
    }
    let an = 0
    let bn = 0
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j] ?? ''); j--) {
        if (ar[j] !== '0') {
          an = 1
          bn = 1
          break
        }
      }
    }
    let ai = i
    for (; ai < ar.length && DIGIT.test(ar[ai] ?? ''); ai++) {
      an = an * 10 + Number(ar[ai])
    }
    let bi = i
    for (; bi < br.length && DIGIT.test(br[bi] ?? ''); bi++) {
      bn = bn * 10 + Number(br[bi])
    }
    if (an !== bn) {
      return an < bn
    }
    if (ai !== bi) {
      return ai < bi
    }
    return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0)
  }
  return ar.length < br.length
}
