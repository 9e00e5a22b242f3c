import type { Check, Obj } from './checks.js'
import type { NodePosition } from './goyaml/index.js'
import { convertKind, parseMatcherLines } from './kinds.js'
import { isStruct, propertiesOf, resolveSchema, schemaType } from './schema/index.js'
import type { ScalarKind, SchemaNode } from './schema/index.js'

/**
 * The second decoding pass: converts validated JSON data into typed values (durations in ms,
 * URLs, matchers, time ranges), fills Go's struct defaults and runs every custom unmarshaler's
 * validation, recording failures instead of stopping at the first.
 *
 * yaml.v2 stops at the first custom error in decoding order, which is post-order over the
 * document: a node's own check runs after all of its children were decoded, and a struct whose
 * subtree has type errors skips its check (its `unmarshal(plain)` returned the TypeError). We
 * reproduce that order by sorting failures by the source offset where the node ends, deeper
 * nodes first on ties (see {@link firstFailure}).
 */

/** Failure is one custom validation error. */
export interface Failure {
  readonly message: string
  /** JSON pointer of the node whose unmarshaler failed. */
  readonly pointer: string
  readonly order: number
  readonly depth: number
  readonly cause: unknown
}

interface Ctx {
  readonly checks: Readonly<Record<string, Check>>
  readonly positions: ReadonlyMap<string, NodePosition>
  readonly typeErrorPointers: readonly string[]
  readonly failures: Failure[]
}

/**
 * convertDocument converts decoded data against the config schema.
 *
 * @param data - the decoded document (already checked by ajv).
 * @param schema - the root schema.
 * @param positions - pointer → source position, for failure ordering.
 * @param typeErrorPointers - pointers of ajv/yaml type errors (their parents skip checks).
 * @param checks - the struct validators by `x-check` name (ConfigRegistry.checks).
 * @returns the converted document and the failures, in no particular order.
 */
export function convertDocument(
  data: unknown,
  schema: SchemaNode,
  positions: ReadonlyMap<string, NodePosition>,
  typeErrorPointers: readonly string[],
  checks: Readonly<Record<string, Check>>
): { value: unknown; failures: Failure[] } {
  const ctx: Ctx = { checks, positions, typeErrorPointers, failures: [] }
  const value = convert(data, schema, '', ctx)
  return { value, failures: ctx.failures }
}

/**
 * firstFailure picks the failure yaml.v2 would have stopped at.
 *
 * @param failures - all failures.
 * @returns the earliest in decoding order, or undefined.
 */
export function firstFailure(failures: readonly Failure[]): Failure | undefined {
  let best: Failure | undefined
  for (const f of failures) {
    if (
      best === undefined ||
      f.order < best.order ||
      (f.order === best.order && f.depth > best.depth)
    ) {
      best = f
    }
  }
  return best
}

function fail(ctx: Ctx, pointer: string, err: unknown): void {
  const pos = ctx.positions.get(pointer)
  ctx.failures.push({
    message: err instanceof Error ? err.message : String(err),
    pointer,
    order: pos === undefined ? Number.POSITIVE_INFINITY : pos.value.end,
    depth: pointer === '' ? 0 : pointer.split('/').length,
    cause: err,
  })
}

function hasTypeErrorWithin(ctx: Ctx, pointer: string): boolean {
  return ctx.typeErrorPointers.some((p) => p === pointer || p.startsWith(`${pointer}/`))
}

function hasFailureWithin(ctx: Ctx, pointer: string): boolean {
  return ctx.failures.some((f) => f.pointer === pointer || f.pointer.startsWith(`${pointer}/`))
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function convert(data: unknown, schemaIn: SchemaNode, pointer: string, ctx: Ctx): unknown {
  if (data === undefined) {
    return undefined
  }
  const schema = resolveSchema(schemaIn)
  const kind = schema['x-kind'] as ScalarKind | undefined
  switch (schemaType(schema)) {
    case 'string':
      if (kind === undefined || typeof data !== 'string') {
        return data
      }
      // Text yaml.v2 already refused (a time.Duration's pattern) is reported as that type error.
      if (ctx.typeErrorPointers.includes(pointer)) {
        return undefined
      }
      try {
        return convertKind(kind, data)
      } catch (err) {
        fail(ctx, pointer, err)
        return undefined
      }
    case 'array': {
      if (!Array.isArray(data)) {
        return undefined
      }
      if (kind === 'matchers') {
        if (!data.every((l) => typeof l === 'string')) {
          return undefined
        }
        try {
          return parseMatcherLines(data)
        } catch (err) {
          fail(ctx, pointer, err)
          return undefined
        }
      }
      const items = schema['items'] as SchemaNode
      return data.map((item, i) => convert(item, items, `${pointer}/${i}`, ctx))
    }
    case 'object':
      return isObj(data) ? convertObject(data, schema, pointer, ctx) : undefined
    case undefined:
    default:
      return data
  }
}

function convertObject(data: Obj, schema: SchemaNode, pointer: string, ctx: Ctx): unknown {
  let out: Obj = {}
  if (isStruct(schema)) {
    for (const [name, field] of Object.entries(propertiesOf(schema))) {
      const p = `${pointer}/${name}`
      let v: unknown
      if (Object.hasOwn(data, name)) {
        v = convert(data[name], field, p, ctx)
      } else if ('default' in field) {
        const d = field['default']
        v = convert(typeof d === 'object' ? structuredClone(d) : d, field, p, ctx)
      }
      if (v !== undefined) {
        out[name] = v
      }
    }
  } else {
    const values = schema['additionalProperties'] as SchemaNode
    for (const [name, value] of Object.entries(data)) {
      const v = convert(
        value,
        values,
        `${pointer}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        ctx
      )
      Object.defineProperty(out, name, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
  }
  const checkName = schema['x-check']
  if (
    typeof checkName === 'string' &&
    !hasTypeErrorWithin(ctx, pointer) &&
    !hasFailureWithin(ctx, pointer)
  ) {
    const check = ctx.checks[checkName]
    try {
      const replaced = check?.(out)
      if (isObj(replaced)) {
        out = replaced
      }
    } catch (err) {
      fail(ctx, pointer, err)
    }
  }
  return out
}
