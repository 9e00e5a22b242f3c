import { resolveScalar } from './resolve.js'
import { parseYamlTree } from './tree.js'
import type { YNode } from './tree.js'

/**
 * parseYamlValue is gopkg.in/yaml.v2's `yaml.Unmarshal(text, &v)` into a Go `any`, as newer
 * Alertmanager's template.DeepCopyWithTemplate runs it on each rendered string of jira's
 * `fields`, normalised as its normalizeYAMLValue does: maps keep only their string keys (a key
 * yaml.v2 resolves to an int, bool or null is dropped), timestamps stay strings (yaml.v2 keeps
 * them as text in an `any`), merge keys (`<<`) merge, a repeated key keeps its last value
 * (Unmarshal is not strict), and an empty document is nil.
 *
 * @param text - the YAML text.
 * @returns the value, or `ok: false` where yaml.v2 returns an error.
 *
 * @example
 * ```ts
 * parseYamlValue('a: [1, yes]') // { ok: true, value: { a: [1, true] } }
 * parseYamlValue('a: b: c') // { ok: false }
 * ```
 */
export function parseYamlValue(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const root = parseYamlTree(text)
    return { ok: true, value: root === undefined ? null : toValue(root) }
  } catch {
    return { ok: false }
  }
}

/**
 * InvalidKeyError is yaml.v2's `invalid map key` for a mapping or sequence used as a key.
 * Internal signal: caught in this file, so it stays a plain Error (test/unit/util/errors.test.ts).
 */
class InvalidKeyError extends Error {}

function toValue(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar': {
      const r = resolveScalar(node)
      return r.tag === '!!timestamp' ? node.text : r.value
    }
    case 'seq':
      return node.items.map(toValue)
    case 'map': {
      const out: Record<string, unknown> = {}
      mergeInto(node, out)
      return out
    }
  }
}

function mergeInto(node: Extract<YNode, { kind: 'map' }>, out: Record<string, unknown>): void {
  for (const { key, value } of node.pairs) {
    if (key.kind !== 'scalar') {
      throw new InvalidKeyError('invalid map key')
    }
    const r = resolveScalar(key)
    if (r.tag === '!!merge') {
      // yaml.v2 decodes the merged mappings in place, the first of a list last so it wins.
      const sources = value.kind === 'seq' ? [...value.items].reverse() : [value]
      for (const source of sources) {
        if (source.kind !== 'map') {
          throw new InvalidKeyError('map merge requires map or sequence of maps as the value')
        }
        mergeInto(source, out)
      }
      continue
    }
    const v = toValue(value)
    if (r.tag === '!!str' || r.tag === '!!timestamp' || typeof r.value === 'string') {
      Object.defineProperty(out, key.text, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
  }
}
