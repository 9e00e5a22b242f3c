import type { IntegrationConfigSpec } from '../integration-spec.js'

import {
  FALSE,
  MATCHERS,
  STRING_LIST,
  STRING_MAP,
  always,
  dflt,
  flow,
  list,
  ptr,
  ref,
  reset,
  str,
  struct,
} from './helpers.js'
import type { SchemaNode } from './helpers.js'
import { HTTP_CLIENT_CONFIG, TLS_CONFIG } from './http.js'

/**
 * The complete JSON Schema (draft-07) of an Alertmanager 0.25 configuration file, with every
 * object closed (`additionalProperties: false`) as yaml.v2's strict decoder is. Semantic rules
 * that JSON Schema cannot express (durations, URLs, matchers, cross references) are checked by
 * the converter (convert.ts) and the top-level checks (finalize.ts).
 */

export { ANNOTATION_KEYWORDS } from './helpers.js'
export type { ScalarKind, SchemaNode } from './helpers.js'

/** MATCH_RE is `config.MatchRegexps`: label name to an anchored Go regexp. */
const MATCH_RE: SchemaNode = {
  type: 'object',
  // A null value is decoded (Go keeps a nil Regexp) and then refused by the match_re check.
  additionalProperties: { ...str('regexp'), type: ['string', 'null'] },
  'x-go-type': 'config.plain',
  'x-check': 'match_re',
}

const ROUTE: SchemaNode = struct(
  'config.plain',
  {
    receiver: str(),
    group_by: STRING_LIST,
    match: STRING_MAP,
    match_re: MATCH_RE,
    matchers: MATCHERS,
    mute_time_intervals: STRING_LIST,
    active_time_intervals: STRING_LIST,
    continue: always(FALSE),
    routes: list(ref('route'), '[]*config.Route'),
    group_wait: ptr(str('duration')),
    group_interval: ptr(str('duration')),
    repeat_interval: ptr(str('duration')),
  },
  'route'
)

const INHIBIT_RULE: SchemaNode = struct(
  'config.plain',
  {
    source_match: STRING_MAP,
    source_match_re: MATCH_RE,
    source_matchers: MATCHERS,
    target_match: STRING_MAP,
    target_match_re: MATCH_RE,
    target_matchers: MATCHERS,
    equal: list(str('label-name'), 'model.LabelNames'),
  },
  'inhibit_rule'
)

/**
 * receiverSchema is `config.Receiver`: its name, then `<name>_configs` of every integration in
 * the list's order, which is the Go struct's field order.
 */
function receiverSchema(integrations: readonly IntegrationConfigSpec[]): SchemaNode {
  const fields: Record<string, SchemaNode> = { name: always(str()) }
  for (const spec of integrations) {
    fields[`${spec.name}_configs`] = list(spec.schema, `[]*${spec.goType}`)
  }
  return struct('config.plain', fields, 'receiver')
}

const TIME_RANGE: SchemaNode = struct(
  'timeinterval.yamlTimeRange',
  { start_time: always(str()), end_time: always(str()) },
  'time_range'
)

const rangeList = (kind: 'weekday' | 'day-of-month' | 'month' | 'year', goType: string) =>
  flow(list(str(kind), goType))

const TIME_INTERVAL: SchemaNode = struct('timeinterval.TimeInterval', {
  times: list(TIME_RANGE, '[]timeinterval.TimeRange'),
  weekdays: rangeList('weekday', '[]timeinterval.WeekdayRange'),
  days_of_month: rangeList('day-of-month', '[]timeinterval.DayOfMonthRange'),
  months: rangeList('month', '[]timeinterval.MonthRange'),
  years: rangeList('year', '[]timeinterval.YearRange'),
  location: flow(str('location')),
})

const namedInterval = (check: string): SchemaNode =>
  struct(
    'config.plain',
    {
      name: always(str()),
      time_intervals: always(
        list(ref('time_interval', 'timeinterval.TimeInterval'), '[]timeinterval.TimeInterval')
      ),
    },
    check
  )

/**
 * globalSchema is `config.GlobalConfig`: resolve_timeout and http_config, then the fields each
 * integration owns. GlobalConfig declares them in Config.UnmarshalYAML's receiver order, so the
 * integrations are taken in that order, except those that ask to come first (after http_config).
 */
function globalSchema(integrations: readonly IntegrationConfigSpec[]): SchemaNode {
  const fields: Record<string, SchemaNode> = {
    resolve_timeout: always(dflt(str('duration'), '5m')),
    http_config: dflt(ref('http_config'), {}),
  }
  const ordered = [...integrations].sort((a, b) => a.unmarshalOrder - b.unmarshalOrder)
  const first = ordered.filter((spec) => spec.global?.position === 'first')
  for (const spec of [...first, ...ordered.filter((spec) => !first.includes(spec))]) {
    Object.assign(fields, spec.global?.fields ?? {})
  }
  return reset(struct('config.plain', fields))
}

/** DEFINITIONS are the shared definitions `$ref` points at; no integration adds any. */
const DEFINITIONS: Readonly<Record<string, SchemaNode>> = {
  route: ROUTE,
  http_config: HTTP_CLIENT_CONFIG,
  tls_config: TLS_CONFIG,
  time_interval: TIME_INTERVAL,
}

/**
 * buildConfigSchema is the root schema, `config.Config` plus the shared definitions, for a list
 * of integrations.
 *
 * @param integrations - the integration specs in Receiver struct order.
 * @returns the schema.
 */
export function buildConfigSchema(integrations: readonly IntegrationConfigSpec[]): SchemaNode {
  return {
    ...struct('config.plain', {
      global: dflt(globalSchema(integrations), {}),
      route: ref('route'),
      inhibit_rules: list(INHIBIT_RULE, '[]*config.InhibitRule'),
      receivers: list(receiverSchema(integrations), '[]*config.Receiver'),
      templates: always(STRING_LIST),
      mute_time_intervals: list(namedInterval('mute_time_interval'), '[]config.MuteTimeInterval'),
      time_intervals: list(namedInterval('time_interval'), '[]config.TimeInterval'),
    }),
    definitions: DEFINITIONS,
  }
}

/**
 * resolveSchema follows a `$ref` to its definition.
 *
 * @param node - a schema node, possibly a `$ref`.
 * @returns the node itself or the referenced definition.
 */
export function resolveSchema(node: SchemaNode): SchemaNode {
  const target = node['$ref']
  if (typeof target !== 'string') {
    return node
  }
  const def = DEFINITIONS[target.slice('#/definitions/'.length)]
  if (def === undefined) {
    throw new Error(`unknown schema reference ${target}`)
  }
  return def
}

/**
 * propertiesOf returns a struct schema's fields in Go order.
 *
 * @param node - a resolved struct schema.
 * @returns the `properties` map, empty for non-structs.
 */
export function propertiesOf(node: SchemaNode): Readonly<Record<string, SchemaNode>> {
  const props = node['properties']
  return typeof props === 'object' && props !== null
    ? (props as Readonly<Record<string, SchemaNode>>)
    : {}
}

/**
 * schemaType returns a node's JSON type after resolving `$ref`; for a nullable type such as
 * `['string', 'null']` it returns the non-null one.
 *
 * @param node - a schema node.
 * @returns `object`, `array`, `string`, `boolean`, `integer` or undefined.
 */
export function schemaType(node: SchemaNode): string | undefined {
  const t = resolveSchema(node)['type']
  if (Array.isArray(t)) {
    return typeof t[0] === 'string' ? t[0] : undefined
  }
  return typeof t === 'string' ? t : undefined
}

/**
 * isStruct reports whether a schema is a closed struct (as opposed to a Go map).
 *
 * @param node - a resolved schema node.
 * @returns true for `struct()` nodes.
 */
export function isStruct(node: SchemaNode): boolean {
  return node['additionalProperties'] === false
}

/**
 * schemaAt finds the schema that governs the value at a JSON pointer.
 *
 * @param root - the root schema (see buildConfigSchema).
 * @param pointer - an ajv instancePath such as `/route/routes/0/receiver`.
 * @returns the resolved schema node, or undefined where the schema has none (unknown fields).
 */
export function schemaAt(root: SchemaNode, pointer: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = root
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    if (node === undefined) {
      return undefined
    }
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    const s: SchemaNode = resolveSchema(node)
    if (schemaType(s) === 'array') {
      node = s['items'] as SchemaNode
    } else if (isStruct(s)) {
      node = propertiesOf(s)[seg]
    } else {
      const ap = s['additionalProperties']
      node = typeof ap === 'object' ? (ap as SchemaNode) : undefined
    }
  }
  return node === undefined ? undefined : resolveSchema(node)
}
