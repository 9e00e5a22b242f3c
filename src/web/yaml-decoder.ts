import { isAbsolute, join } from 'node:path'

import {
  LineIndex,
  YamlSyntaxError,
  describeNode,
  parseYamlTree,
  resolveScalar,
} from '../config/index.js'
import type { YMap, YNode } from '../config/index.js'

import { WebConfigError } from './errors.js'

/**
 * yaml.v2's strict decoding (UnmarshalStrict) as the toolkit's and Prometheus common's config
 * files meet it: the tree walk, the type errors with their line numbers, and the custom
 * unmarshalers' fatal errors. Shared by the web config and the cluster TLS config.
 */

/** TlsVersionName is a `min_version` / `max_version` value. */
export type TlsVersionName = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13'

const TLS_VERSIONS: readonly string[] = ['TLS13', 'TLS12', 'TLS11', 'TLS10']

/**
 * FatalError is yaml.v2's abort on an error from a custom unmarshaler (cipher, curve, TLS
 * version); an internal signal, turned into a WebConfigError before it leaves this file.
 */
export class FatalError extends Error {}

/** Decoder walks the tree as yaml.v2's strict decoder does, collecting its type errors. */
export class Decoder {
  readonly #lines: LineIndex
  readonly issues: string[] = []

  constructor(text: string) {
    this.#lines = new LineIndex(text)
  }

  typeError(node: YNode, message: string): void {
    this.issues.push(`line ${this.#lines.position(node.start).line}: ${message}`)
  }

  isNull(node: YNode): boolean {
    return node.kind === 'scalar' && resolveScalar(node).tag === '!!null'
  }

  /** fields decodes a struct: known keys to their handler, others refused as UnmarshalStrict does. */
  fields(node: YNode, goType: string, handlers: Record<string, (value: YNode) => void>): void {
    if (!this.#isMap(node, goType)) {
      return
    }
    const seen = new Set<string>()
    for (const { key, value } of node.pairs) {
      const name = key.kind === 'scalar' ? key.text : describeNode(key)
      const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined
      if (handler === undefined) {
        this.typeError(key, `field ${name} not found in type ${goType}`)
        continue
      }
      if (seen.has(name)) {
        this.typeError(key, `field ${name} already set in type ${goType}`)
        continue
      }
      seen.add(name)
      handler(value)
    }
  }

  /** stringMap decodes a map[string]X; null leaves it empty. */
  stringMap(node: YNode, goType: string, value: (v: YNode) => string): Map<string, string> {
    const out = new Map<string, string>()
    if (this.isNull(node) || !this.#isMap(node, goType)) {
      return out
    }
    for (const pair of node.pairs) {
      if (pair.key.kind !== 'scalar') {
        this.typeError(pair.key, `cannot unmarshal ${describeNode(pair.key)} into string`)
        continue
      }
      if (out.has(pair.key.text)) {
        this.typeError(pair.key, `key ${JSON.stringify(pair.key.text)} already set in map`)
        continue
      }
      out.set(pair.key.text, value(pair.value))
    }
    return out
  }

  /** string decodes a Go string: any scalar's text (null is ''). */
  string(node: YNode, goType = 'string'): string {
    if (node.kind !== 'scalar') {
      this.typeError(node, `cannot unmarshal ${describeNode(node)} into ${goType}`)
      return ''
    }
    return this.isNull(node) ? '' : node.text
  }

  bool(node: YNode, fallback: boolean): boolean {
    if (this.isNull(node)) {
      return false
    }
    if (node.kind === 'scalar') {
      const r = resolveScalar(node)
      if (r.tag === '!!bool' && typeof r.value === 'boolean') {
        return r.value
      }
    }
    this.typeError(node, `cannot unmarshal ${describeNode(node)} into bool`)
    return fallback
  }

  /** list decodes a []T of names, each checked by `check` (a custom unmarshaler's error). */
  list(node: YNode, goType: string, check: (name: string) => void): string[] {
    if (this.isNull(node)) {
      return []
    }
    if (node.kind !== 'seq') {
      this.typeError(node, `cannot unmarshal ${describeNode(node)} into ${goType}`)
      return []
    }
    const out: string[] = []
    for (const item of node.items) {
      if (this.isNull(item)) {
        out.push('')
        continue
      }
      const before = this.issues.length
      const name = this.string(item)
      if (this.issues.length === before) {
        check(name)
        out.push(name)
      }
    }
    return out
  }

  #isMap(node: YNode, goType: string): node is YMap {
    if (node.kind === 'map') {
      return true
    }
    if (!this.isNull(node)) {
      this.typeError(node, `cannot unmarshal ${describeNode(node)} into ${goType}`)
    }
    return false
  }
}

export function tlsVersion(d: Decoder, node: YNode): TlsVersionName | undefined {
  if (d.isNull(node)) {
    return undefined
  }
  const before = d.issues.length
  const name = d.string(node)
  if (d.issues.length !== before) {
    return undefined
  }
  if (!TLS_VERSIONS.includes(name)) {
    throw new FatalError(`unknown TLS version: ${name}`)
  }
  return name as TlsVersionName
}

/**
 * joinDir is Prometheus common's config.JoinDir: a relative, non-empty path is joined with dir.
 *
 * @param dir - the config file's directory.
 * @param path - the path as written.
 * @returns the path to open.
 */
export function joinDir(dir: string, path: string): string {
  return path === '' || isAbsolute(path) ? path : join(dir, path)
}

/**
 * parseTree parses a file's text, with yaml.v2's syntax error text.
 *
 * @param text - the file's content.
 * @returns the root node, undefined for an empty document.
 * @throws WebConfigError with yaml.v2's message.
 */
export function parseTree(text: string): YNode | undefined {
  try {
    return parseYamlTree(text)
  } catch (err: unknown) {
    if (err instanceof YamlSyntaxError) {
      const line =
        err.offset === undefined ? '' : `line ${new LineIndex(text).position(err.offset).line}: `
      throw new WebConfigError(`yaml: ${line}${err.message}`, { cause: err })
    }
    throw err
  }
}

/**
 * decodeStrict runs one decode and turns what it found into yaml.v2's errors: a custom
 * unmarshaler's fatal error alone, else every type error under `yaml: unmarshal errors:`.
 *
 * @param d - the decoder.
 * @param run - the decode.
 * @throws WebConfigError with yaml.v2's message.
 */
export function decodeStrict(d: Decoder, run: () => void): void {
  try {
    run()
  } catch (err: unknown) {
    if (err instanceof FatalError) {
      throw new WebConfigError(err.message)
    }
    throw err
  }
  if (d.issues.length > 0) {
    throw new WebConfigError(`yaml: unmarshal errors:\n  ${d.issues.join('\n  ')}`)
  }
}
