import { createRequire } from 'node:module'

import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv'

import { describeNode } from './goyaml/index.js'
import type { NodePosition, TypeIssue } from './goyaml/index.js'
import type { ConfigRegistry } from './integration-spec.js'
import { SCHEMA_HASH, createValidator } from './schema/compiled-validator.js'
import { schemaAt } from './schema/index.js'
import type { SchemaNode } from './schema/index.js'
import { AJV_OPTIONS, schemaHash } from './schema/validator-source.js'

/**
 * ajv validation of decoded config data against a registry's schema, with ajv's errors turned
 * into yaml.v2's unmarshal errors (`field x not found in type config.plain`, ``cannot unmarshal
 * !!str `abc` into bool``).
 *
 * The validator is built once per registry, on first use, so that importing the config module
 * costs nothing at process start; see validator-source.ts for why its code is generated ahead
 * of time.
 */

const validators = new WeakMap<SchemaNode, ValidateFunction>()
let compileMs: number | undefined

/**
 * configValidator returns a registry's schema validator, instantiating it on the first call:
 * from the pre-generated standalone code when it matches the schema, else by compiling with ajv.
 *
 * @param registry - the integration registry.
 * @returns the ajv validate function.
 */
export function configValidator(registry: ConfigRegistry): ValidateFunction {
  let compiled = validators.get(registry.schema)
  if (compiled === undefined) {
    const started = performance.now()
    if (SCHEMA_HASH === schemaHash(registry.schema)) {
      compiled = createValidator()
    } else {
      const require = createRequire(import.meta.url)
      const { Ajv } = require('ajv') as { Ajv: typeof AjvClass }
      compiled = new Ajv(AJV_OPTIONS).compile(registry.schema)
    }
    compileMs = performance.now() - started
    validators.set(registry.schema, compiled)
  }
  return compiled
}

/**
 * schemaCompileMs reports how long instantiating (or compiling) the last validator took.
 *
 * @returns milliseconds, or undefined before the first validation.
 */
export function schemaCompileMs(): number | undefined {
  return compileMs
}

/**
 * validateSchema runs ajv over decoded data.
 *
 * @param data - the decoded document.
 * @param positions - pointer → source position, to name the offending YAML node.
 * @param registry - the integration registry whose schema applies.
 * @returns one issue per offending value, with yaml.v2's message text.
 */
export function validateSchema(
  data: unknown,
  positions: ReadonlyMap<string, NodePosition>,
  registry: ConfigRegistry
): TypeIssue[] {
  const validate = configValidator(registry)
  if (validate(data)) {
    return []
  }
  const issues: TypeIssue[] = []
  const seen = new Set<string>()
  for (const err of validate.errors ?? []) {
    const issue = toIssue(err, positions, registry.schema)
    if (issue !== undefined && !seen.has(issue.pointer)) {
      seen.add(issue.pointer)
      issues.push(issue)
    }
  }
  return issues
}

function toIssue(
  err: ErrorObject,
  positions: ReadonlyMap<string, NodePosition>,
  root: SchemaNode
): TypeIssue | undefined {
  const declared = schemaAt(root, err.instancePath)?.['x-go-type']
  const goType = typeof declared === 'string' ? declared : 'interface {}'
  if (err.keyword === 'additionalProperties') {
    const name = (err.params as { additionalProperty: string }).additionalProperty
    const pointer = `${err.instancePath}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`
    const pos = positions.get(pointer)
    return {
      pointer,
      offset: pos?.key?.start ?? pos?.value.start ?? 0,
      message: `field ${name} not found in type ${goType}`,
      seq: pos?.seq ?? 0,
    }
  }
  // `pattern` only constrains time.Duration text (TIME_DURATION): yaml.v2 reports it as a type
  // error naming the node's tag (a quoted "10" is a !!str, `true` a !!bool).
  if (err.keyword === 'type' || err.keyword === 'minimum' || err.keyword === 'pattern') {
    const pos = positions.get(err.instancePath)
    if (pos === undefined) {
      return undefined
    }
    return {
      pointer: err.instancePath,
      offset: pos.value.start,
      message: `cannot unmarshal ${describeNode(pos.value)} into ${goType}`,
      seq: pos.seq,
    }
  }
  // Not produced by this schema; kept generic so a schema change cannot hide an error.
  return {
    pointer: err.instancePath,
    offset: positions.get(err.instancePath)?.value.start ?? 0,
    message: `${err.instancePath} failed ${err.keyword}`,
    seq: positions.get(err.instancePath)?.seq ?? 0,
  }
}
