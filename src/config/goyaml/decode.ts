import { goQuote } from '../../labels/index.js'
import { AlertmeshError } from '../../util/index.js'
import { isStruct, propertiesOf, resolveSchema, schemaType } from '../schema/index.js'
import type { SchemaNode } from '../schema/index.js'

import { resolveScalar, shortValue } from './resolve.js'
import type { YMap, YNode, YScalar } from './tree.js'

/**
 * Schema-guided decoding of the YAML tree into plain JSON data, reproducing what yaml.v2 hands
 * to Alertmanager's structs before any custom validation:
 * - a string field receives the scalar's source text whatever it resolves to (`1.0` → "1.0");
 * - bool and integer fields receive YAML 1.1 resolved values (`yes` → true);
 * - a null scalar sets a plain field to its zero value and leaves pointer-like fields unset;
 * - duplicate keys are type errors (`field x already set in type config.plain`, `key "x"
 *   already set in map`);
 * - merge keys (`<<`) follow yaml.v2, not the YAML spec: see {@link decodeMapInto}.
 * Anything that does not fit is decoded generically, so ajv reports it with the right path.
 */

/** NodePosition locates a decoded value in the source. */
export interface NodePosition {
  /** The mapping key that introduced the value, if any. */
  readonly key: YNode | undefined
  readonly value: YNode
  /** Order in which yaml.v2 would decode the value (merged entries where they are merged). */
  readonly seq: number
}

/** TypeIssue is a yaml.v2 "unmarshal error" found while decoding. */
export interface TypeIssue {
  /** JSON pointer of the offending value. */
  readonly pointer: string
  /** Source offset Go reports the line of. */
  readonly offset: number
  /** The text after `line N: `. */
  readonly message: string
  /** Decoding order, which is the order yaml.v2 lists its unmarshal errors in. */
  readonly seq: number
}

/** Decoded is the result of decoding a document. */
export interface Decoded {
  readonly data: unknown
  /** JSON pointer (as ajv's instancePath) → source position. */
  readonly positions: Map<string, NodePosition>
  readonly issues: TypeIssue[]
}

/** FatalYamlError is a yaml.v2 error that aborts decoding (not a collected type error). */
export class FatalYamlError extends AlertmeshError {
  readonly offset: number

  constructor(message: string, offset: number) {
    super('AM_CONFIG_INVALID', message)
    this.name = 'FatalYamlError'
    this.offset = offset
  }
}

const ABSENT = Symbol('absent')
type Value = unknown

/**
 * escapePointer escapes one JSON pointer segment.
 *
 * @param segment - a key or index.
 * @returns the escaped segment.
 */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1')
}

/**
 * decodeDocument decodes a root node against the config schema.
 *
 * @param root - the document's root node.
 * @param schema - the root schema.
 * @returns the data, positions and type issues.
 * @throws FatalYamlError for a merge of a non-mapping or a bad explicit tag.
 */
export function decodeDocument(root: YNode, schema: SchemaNode): Decoded {
  const positions = new Map<string, NodePosition>()
  const issues: TypeIssue[] = []
  const ctx: Ctx = { positions, issues, seq: 0 }
  place(ctx, '', undefined, root)
  const decoded = decodeValue(root, schema, '', ctx)
  return { data: decoded === ABSENT ? undefined : decoded, positions, issues }
}

interface Ctx {
  readonly positions: Map<string, NodePosition>
  readonly issues: TypeIssue[]
  seq: number
}

/** place records where a value comes from, numbering values in decoding order. */
function place(ctx: Ctx, pointer: string, key: YNode | undefined, value: YNode): void {
  ctx.positions.set(pointer, { key, value, seq: ctx.seq++ })
}

function decodeValue(node: YNode, schemaIn: SchemaNode, pointer: string, ctx: Ctx): Value {
  const schema = resolveSchema(schemaIn)
  const type = schemaType(schema)
  if (node.kind === 'scalar') {
    const r = resolveScalar(node)
    if (r.tag === '!!null') {
      return nullValue(schema)
    }
    // yaml.v2 sets a time.Duration from a YAML int or float in int64 range as nanoseconds
    // (cut to an integer); handed on as that text. Out of range it stays a type error.
    if (
      schema['x-kind'] === 'time-duration' &&
      (r.tag === '!!int' || r.tag === '!!float') &&
      typeof r.value === 'number' &&
      Math.abs(r.value) < 2 ** 63
    ) {
      return `${Math.trunc(r.value)}ns`
    }
    if (type === 'string') {
      return node.text
    }
    // A struct that also takes a string (jira's JiraFieldConfig): Go's unmarshal into string
    // takes any scalar's text.
    const scalarField = schema['x-scalar']
    if (type === 'object' && typeof scalarField === 'string') {
      return { [scalarField]: node.text }
    }
    return r.value
  }
  if (node.kind === 'map' && type === 'object') {
    return decodeMap(node, schema, pointer, ctx)
  }
  if (node.kind === 'seq' && type === 'array') {
    const items = schema['items'] as SchemaNode
    return node.items.map((item, i) => {
      const p = `${pointer}/${i}`
      place(ctx, p, undefined, item)
      const v = decodeValue(item, items, p, ctx)
      return v === ABSENT ? null : v
    })
  }
  return decodeGeneric(node, pointer, ctx)
}

/** nullValue is what a YAML null leaves in a field of the given schema (Go's zero value). */
function nullValue(schema: SchemaNode): Value {
  const kind = schema['x-kind']
  if (schema['x-pointer'] === true) {
    return ABSENT
  }
  // A Go `any` holds nil: a map[string]any keeps the key.
  if (schema['x-go-type'] === 'interface {}') {
    return null
  }
  switch (schemaType(schema)) {
    case 'string':
      if (kind === undefined || kind === 'secret') {
        return ''
      }
      // A null regexp stays null: MatchRegexps then reports "invalid regexp value".
      return kind === 'regexp' ? null : ABSENT
    case 'boolean':
      return false
    case 'integer':
      return 0
    case undefined:
    default:
      return ABSENT
  }
}

function decodeMap(node: YMap, schema: SchemaNode, pointer: string, ctx: Ctx): Value {
  const out: Record<string, Value> = {}
  decodeMapInto(node, schema, pointer, ctx, out)
  return out
}

/**
 * decodeMapInto applies a mapping's entries to `out` in source order, as yaml.v2 decodes into
 * an existing Go value: a merge (`<<`) decodes the merged mapping into the same value at that
 * point, so later keys override earlier scalars, map-typed fields are unioned (a repeated key
 * is an error) and matcher lists are concatenated. The merge is decoded into the `plain` alias
 * of the Go type, so it never resets defaults; a field whose value is decoded again does (see
 * {@link decodeField}).
 */
function decodeMapInto(
  node: YMap,
  schema: SchemaNode,
  pointer: string,
  ctx: Ctx,
  out: Record<string, Value>
): void {
  const struct = isStruct(schema)
  const props = propertiesOf(schema)
  const valueSchema = schema['additionalProperties']
  const goType = String(schema['x-go-type'])
  const seen = new Set<string>()
  for (const { key, value } of node.pairs) {
    if (isMergeKey(key)) {
      // Go steps backwards through a merge list so that earlier mappings take precedence.
      for (const m of mergeSources(value).reverse()) {
        decodeMapInto(m, schema, pointer, ctx, out)
      }
      continue
    }
    const name = keyText(key)
    const p = `${pointer}/${escapePointer(name)}`
    if (struct ? seen.has(name) : Object.hasOwn(out, name)) {
      ctx.issues.push(
        struct
          ? {
              pointer: p,
              offset: key.start,
              message: `field ${name} already set in type ${goType}`,
              seq: ctx.seq++,
            }
          : {
              pointer: p,
              offset: value.start,
              message: `key ${goQuote(name)} already set in map`,
              seq: ctx.seq++,
            }
      )
      continue
    }
    seen.add(name)
    place(ctx, p, key, value)
    const fieldSchema = struct
      ? props[name]
      : typeof valueSchema === 'object'
        ? (valueSchema as SchemaNode)
        : undefined
    const v =
      fieldSchema === undefined
        ? decodeGeneric(value, p, ctx)
        : decodeField(value, fieldSchema, p, ctx, out[name])
    if (v === ABSENT) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete out[name]
    } else {
      setOwn(out, name, v)
    }
  }
}

/** decodeField decodes a field's value, combining with what a merge already put there. */
function decodeField(
  node: YNode,
  fieldSchema: SchemaNode,
  pointer: string,
  ctx: Ctx,
  existing: Value
): Value {
  const schema = resolveSchema(fieldSchema)
  const isPlainObject =
    typeof existing === 'object' && existing !== null && !Array.isArray(existing)
  if (node.kind === 'map' && schemaType(schema) === 'object' && isPlainObject) {
    // Go decodes into the existing map or struct (unless its UnmarshalYAML resets it).
    if (schema['x-reset'] !== true) {
      decodeMapInto(node, schema, pointer, ctx, existing as Record<string, Value>)
      return existing
    }
  }
  const v = decodeValue(node, schema, pointer, ctx)
  // config.Matchers appends to the list it already holds.
  if (schema['x-kind'] === 'matchers' && Array.isArray(existing) && Array.isArray(v)) {
    return [...(existing as Value[]), ...(v as Value[])]
  }
  return v
}

/** mergeSources lists the mappings a `<<` value merges, in source order. */
function mergeSources(source: YNode): YMap[] {
  if (source.kind === 'map') {
    return [source]
  }
  if (source.kind === 'seq') {
    const maps = source.items.filter((i): i is YMap => i.kind === 'map')
    if (maps.length === source.items.length) {
      return maps
    }
  }
  throw new FatalYamlError(
    'yaml: map merge requires map or sequence of maps as the value',
    source.start
  )
}

function isMergeKey(key: YNode): boolean {
  return key.kind === 'scalar' && key.text === '<<' && (key.plain || key.tag === '!!merge')
}

/** keyText is the string a key decodes to: Go unmarshals keys into strings via their text. */
function keyText(key: YNode): string {
  if (key.kind === 'scalar') {
    return key.text
  }
  throw new FatalYamlError(
    `yaml: invalid map key: ${key.kind === 'map' ? 'map' : 'sequence'}`,
    key.start
  )
}

/** decodeGeneric decodes without a schema (unknown fields, mistyped values). */
function decodeGeneric(node: YNode, pointer: string, ctx: Ctx): Value {
  if (node.kind === 'scalar') {
    return resolveScalar(node).value
  }
  if (node.kind === 'seq') {
    return node.items.map((item, i) => {
      const p = `${pointer}/${i}`
      place(ctx, p, undefined, item)
      return decodeGeneric(item, p, ctx)
    })
  }
  const out: Record<string, Value> = {}
  for (const { key, value } of node.pairs) {
    if (isMergeKey(key)) {
      continue
    }
    const name = keyText(key)
    const p = `${pointer}/${escapePointer(name)}`
    place(ctx, p, key, value)
    setOwn(out, name, decodeGeneric(value, p, ctx))
  }
  return out
}

/** setOwn assigns a property even when its name is `__proto__`. */
function setOwn(obj: Record<string, Value>, name: string, value: Value): void {
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * describeNode renders a node for yaml.v2's `cannot unmarshal <tag> <value> into <type>`.
 *
 * @param node - the offending node.
 * @returns e.g. ``!!str `abc` `` or `!!map`.
 */
export function describeNode(node: YNode): string {
  if (node.kind === 'map') {
    return '!!map'
  }
  if (node.kind === 'seq') {
    return '!!seq'
  }
  return `${scalarTag(node)} ${shortValue(node.text)}`
}

function scalarTag(node: YScalar): string {
  try {
    return resolveScalar(node).tag
  } catch {
    return node.tag ?? '!!str'
  }
}
