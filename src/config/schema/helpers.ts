/**
 * Builders for the JSON Schema of the Alertmanager 0.25 config.
 *
 * Besides standard draft-07 keywords, every node carries annotation keywords (registered with
 * ajv as no-ops) that describe the Go struct behind it; the decoder, the converter and the
 * marshaller all read the same schema, so Go field order and semantics live in one place:
 * - `x-go-type`: the Go type named in yaml.v2 errors (`field x not found in type config.plain`).
 * - `x-kind`: how a string is converted (duration, url, secret, ...), see {@link ScalarKind}.
 * - `x-always`: the Go field has no `omitempty`, so it is marshalled even when zero.
 * - `x-pointer`: the Go field is a pointer to a scalar, so `omitempty` only drops it when unset.
 * - `x-flow`: the Go field is tagged `flow` (sequences printed as `[a, b]`).
 * - `x-check`: the name of the validator run after the struct is decoded (its UnmarshalYAML).
 * - `x-reset`: the Go UnmarshalYAML starts from the type's defaults, so a YAML merge into an
 *   already decoded value discards what was there.
 * - `x-scalar`: the Go struct's UnmarshalYAML first tries a plain string and stores it in the
 *   named field (newer Alertmanager's jira `JiraFieldConfig`); such a struct is a value, so
 *   `omitempty` drops it when all its fields are zero.
 * - a node with `x-go-type` `interface {}` and no `type` holds any YAML value (Go's `any`).
 * Property order in `properties` is the Go struct field order, which is the marshal order.
 */

/** SchemaNode is one JSON Schema object as used here. */
export type SchemaNode = Readonly<Record<string, unknown>>

/**
 * ScalarKind names the custom Go unmarshalers behind string-typed fields.
 * - duration: prometheus `model.Duration`; go-duration: Go `time.Duration` text (0.25's
 *   pushover `duration`); time-duration: a plain Go `time.Duration` field as yaml.v2 decodes
 *   it (ParseDuration text, or a YAML number of nanoseconds); see {@link timeDuration}.
 * - url: Alertmanager `config.URL` (http/https with host); secret-url: `SecretURL` (also `<secret>`).
 * - common-url: prometheus/common `config.URL` (any parseable URL; password redacted on output).
 * - secret: marshalled as `<secret>`; hostport: `host:port`; tls-version: `TLS12` etc.
 * - regexp: anchored Go regexp; label-name: `model.LabelName`; location: IANA zone name.
 * - weekday/day-of-month/month/year: time interval range strings.
 * - matchers: a list of matcher strings (the field is an array of these).
 */
export type ScalarKind =
  | 'duration'
  | 'go-duration'
  | 'time-duration'
  | 'url'
  | 'secret-url'
  | 'common-url'
  | 'secret'
  | 'hostport'
  | 'tls-version'
  | 'regexp'
  | 'label-name'
  | 'location'
  | 'weekday'
  | 'day-of-month'
  | 'month'
  | 'year'
  | 'matchers'

/** ANNOTATION_KEYWORDS are the non-validating keywords ajv must accept. */
export const ANNOTATION_KEYWORDS = [
  'x-go-type',
  'x-kind',
  'x-always',
  'x-pointer',
  'x-flow',
  'x-check',
  'x-reset',
  'x-scalar',
] as const

/**
 * str is a plain Go string field.
 *
 * @param kind - the custom unmarshaler behind it, if any.
 * @returns the schema node.
 */
export function str(kind?: ScalarKind): SchemaNode {
  return kind === undefined
    ? { type: 'string', 'x-go-type': 'string' }
    : {
        type: 'string',
        'x-go-type': kind === 'go-duration' ? 'config.duration' : 'string',
        'x-kind': kind,
      }
}

/**
 * GO_DURATION_PATTERN is the text time.ParseDuration accepts (units ns, us, µs, μs, ms, s, m,
 * h), so that anything else is the type error yaml.v2 reports for a time.Duration field.
 */
const GO_DURATION_PATTERN = '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$'

/**
 * TIME_DURATION is a Go `time.Duration` field without a custom unmarshaler: yaml.v2 takes
 * ParseDuration text or a YAML int or float (nanoseconds), and reports anything else as
 * ``cannot unmarshal !!str `abc` into time.Duration``. It converts to milliseconds and
 * marshals as Duration.String().
 */
export const TIME_DURATION: SchemaNode = {
  type: 'string',
  pattern: GO_DURATION_PATTERN,
  'x-go-type': 'time.Duration',
  'x-kind': 'time-duration',
}

/** BOOL is a Go bool field. */
export const BOOL: SchemaNode = { type: 'boolean', 'x-go-type': 'bool' }

/** FALSE is a Go bool field that is present (false) in the typed config when not written. */
export const FALSE: SchemaNode = { ...BOOL, default: false }

/** UINT64 is a Go uint64 field. */
export const UINT64: SchemaNode = { type: 'integer', minimum: 0, 'x-go-type': 'uint64' }

/** INT64 is a Go int64 field. */
export const INT64: SchemaNode = { type: 'integer', 'x-go-type': 'int64' }

/** STRING_LIST is a Go []string field. */
export const STRING_LIST: SchemaNode = {
  type: 'array',
  items: str(),
  'x-go-type': '[]string',
}

/** STRING_MAP is a Go map[string]string field. */
export const STRING_MAP: SchemaNode = {
  type: 'object',
  additionalProperties: str(),
  'x-go-type': 'map[string]string',
}

/** MATCHERS is Alertmanager's `config.Matchers`: a list of matcher strings. */
export const MATCHERS: SchemaNode = {
  type: 'array',
  items: str(),
  'x-go-type': '[]string',
  'x-kind': 'matchers',
}

/** ANY is a Go `any` (interface{}) field: whatever YAML value is written, nulls kept. */
export const ANY: SchemaNode = { 'x-go-type': 'interface {}' }

/** ANY_MAP is a Go map[string]any field, e.g. jira's custom `fields`. */
export const ANY_MAP: SchemaNode = {
  type: 'object',
  additionalProperties: ANY,
  'x-go-type': 'map[string]interface {}',
}

/**
 * scalarOr marks a struct whose Go UnmarshalYAML also accepts a plain string, stored in one of
 * its fields (jira's `summary: text` for `summary: {template: text}`).
 *
 * @param node - a struct schema.
 * @param field - the field the string goes to.
 * @returns a copy marked `x-scalar`.
 */
export function scalarOr(node: SchemaNode, field: string): SchemaNode {
  return { ...node, 'x-scalar': field }
}

/**
 * struct is a Go struct decoded strictly: unknown keys are rejected.
 *
 * @param goType - the type name yaml.v2 reports (`config.plain` for types with UnmarshalYAML).
 * @param properties - the fields in Go declaration order.
 * @param check - the validator run after decoding, when the Go type has one.
 * @returns the schema node.
 */
export function struct(
  goType: string,
  properties: Readonly<Record<string, SchemaNode>>,
  check?: string
): SchemaNode {
  const node: Record<string, unknown> = {
    type: 'object',
    additionalProperties: false,
    properties,
    'x-go-type': goType,
  }
  if (check !== undefined) {
    node['x-check'] = check
  }
  return node
}

/**
 * reset marks a struct whose UnmarshalYAML assigns its defaults first (`*c = DefaultX`).
 *
 * @param node - a struct schema.
 * @returns a copy marked `x-reset`.
 */
export function reset(node: SchemaNode): SchemaNode {
  return { ...node, 'x-reset': true }
}

/**
 * list is a Go slice field.
 *
 * @param items - the element schema.
 * @param goType - the slice type yaml.v2 reports, e.g. `[]*config.Receiver`.
 * @returns the schema node.
 */
export function list(items: SchemaNode, goType: string): SchemaNode {
  return { type: 'array', items, 'x-go-type': goType }
}

/**
 * ref points at a shared definition.
 *
 * @param name - the key under `definitions`.
 * @param goType - the Go type of the referencing field, for error messages.
 * @returns the schema node.
 */
export function ref(name: string, goType = 'config.plain'): SchemaNode {
  return { $ref: `#/definitions/${name}`, 'x-go-type': goType }
}

/**
 * always marks a field whose Go struct tag has no `omitempty`.
 *
 * @param node - the field schema.
 * @returns a copy marked `x-always`.
 */
export function always(node: SchemaNode): SchemaNode {
  return { ...node, 'x-always': true }
}

/**
 * ptr marks a Go pointer-to-scalar field (`*bool`, `*model.Duration`).
 *
 * @param node - the field schema.
 * @returns a copy marked `x-pointer`.
 */
export function ptr(node: SchemaNode): SchemaNode {
  return { ...node, 'x-pointer': true }
}

/**
 * flow marks a sequence field tagged `flow` in Go.
 *
 * @param node - the field schema.
 * @returns a copy marked `x-flow`.
 */
export function flow(node: SchemaNode): SchemaNode {
  return { ...node, 'x-flow': true }
}

/** HTTP_CONFIG is the optional `http_config` field of notifiers. */
export const HTTP_CONFIG: SchemaNode = ref('http_config')

/**
 * dflt attaches the Go default value (the `Default<Type>Config` field) to a field.
 *
 * @param node - the field schema.
 * @param value - the default, in YAML form (durations as text).
 * @returns a copy with JSON Schema's `default`.
 */
export function dflt(node: SchemaNode, value: unknown): SchemaNode {
  return { ...node, default: value }
}

/**
 * tmpl is a template string field with its default template.
 *
 * @param template - the default, e.g. `{{ template "slack.default.title" . }}`.
 * @returns the schema node.
 */
export function tmpl(template: string): SchemaNode {
  return dflt(str(), template)
}

/**
 * sendResolved is `NotifierConfig.VSendResolved`, always marshalled, with the kind's default.
 *
 * @param value - the kind's default (true for most, false for email, slack and wechat).
 * @returns the schema node.
 */
export function sendResolved(value: boolean): SchemaNode {
  return dflt(always(BOOL), value)
}

/**
 * notifierStruct is one `<kind>_configs` entry whose UnmarshalYAML assigns the kind's defaults
 * first: NotifierConfig's `send_resolved` and the optional `http_config` lead, as in every Go
 * notifier struct that has both, then the kind's own fields.
 *
 * @param goType - the type name yaml.v2 reports (`config.plain`, `<package>.plain`).
 * @param sendResolvedDefault - the kind's default for send_resolved.
 * @param fields - the kind's own fields in Go declaration order.
 * @param check - the validator run after decoding, when the Go type has one.
 * @returns the schema node.
 */
export function notifierStruct(
  goType: string,
  sendResolvedDefault: boolean,
  fields: Readonly<Record<string, SchemaNode>>,
  check?: string
): SchemaNode {
  const properties = {
    send_resolved: sendResolved(sendResolvedDefault),
    http_config: HTTP_CONFIG,
    ...fields,
  }
  return reset(struct(goType, properties, check))
}
