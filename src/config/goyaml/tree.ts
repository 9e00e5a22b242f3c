import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents } from 'js-yaml'
import type { Event, ScalarEvent } from 'js-yaml'

import { AlertmeshError } from '../../util/index.js'

/**
 * YAML source tree with positions, built from js-yaml 5's event stream.
 *
 * Alertmanager decodes with gopkg.in/yaml.v2 into typed structs: a plain scalar is resolved with
 * YAML 1.1 rules (`yes` is a bool, `010` is octal) but a string field receives the scalar's source
 * text (`1.0` stays `"1.0"`, not `1`). js-yaml's constructed values lose that text, so we keep our
 * own tree of nodes, each with its source offsets, and decode it against the schema later
 * (decode.ts). Aliases share the anchored node; merge keys are resolved by the decoder.
 */

/** YScalar is a scalar node: its decoded text and how it was written. */
export interface YScalar {
  readonly kind: 'scalar'
  /** The scalar's value after unquoting/unescaping (the "raw text" Go hands to string fields). */
  readonly text: string
  /** True for an untagged plain scalar: only those are resolved to bool/int/float/null. */
  readonly plain: boolean
  /** The explicit tag in `!!x` form, or undefined. */
  readonly tag: string | undefined
  readonly start: number
  readonly end: number
}

/** YPair is one `key: value` entry of a mapping. */
export interface YPair {
  readonly key: YNode
  readonly value: YNode
}

/** YMap is a mapping node with its entries in source order (merge keys included). */
export interface YMap {
  readonly kind: 'map'
  readonly pairs: YPair[]
  readonly start: number
  end: number
}

/** YSeq is a sequence node. */
export interface YSeq {
  readonly kind: 'seq'
  readonly items: YNode[]
  readonly start: number
  end: number
}

/** YNode is any node of the tree. */
export type YNode = YScalar | YMap | YSeq

/** YamlSyntaxError carries js-yaml's reason and the offset of a syntax error. */
export class YamlSyntaxError extends AlertmeshError {
  readonly offset: number | undefined

  constructor(message: string, offset: number | undefined) {
    super('AM_CONFIG_INVALID', message)
    this.name = 'YamlSyntaxError'
    this.offset = offset
  }
}

/** Go yaml.v2 tag short names for explicit tags written with the `tag:yaml.org,2002:` prefix. */
const LONG_TAG_PREFIX = 'tag:yaml.org,2002:'

/**
 * parseYamlTree parses the first document of `text` into a YNode tree.
 *
 * @param text - YAML source.
 * @returns the root node, or undefined for an empty document (only comments or whitespace).
 * @throws YamlSyntaxError on a syntax error or an unknown alias.
 */
export function parseYamlTree(text: string): YNode | undefined {
  let events: Event[]
  try {
    events = parseEvents(text, {})
  } catch (err) {
    throw toSyntaxError(err)
  }
  const anchors = new Map<string, YNode>()
  // Only the first document counts, like yaml.v2's Unmarshal.
  if (events[0]?.type !== EVENT_ID.DOCUMENT || events[1] === undefined) {
    return undefined
  }
  if (events[1].type === EVENT_ID.POP) {
    return undefined
  }
  let i = 1

  const build = (): YNode => {
    const ev = events[i++]
    if (ev === undefined) {
      throw new YamlSyntaxError('unexpected end of YAML stream', undefined)
    }
    switch (ev.type) {
      case EVENT_ID.SCALAR: {
        const node = scalarNode(text, ev)
        register(text, anchors, ev.anchorStart, ev.anchorEnd, node)
        return node
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(ev.anchorStart, ev.anchorEnd)
        const target = anchors.get(name)
        if (target === undefined) {
          throw new YamlSyntaxError(`unknown anchor '${name}' referenced`, ev.anchorStart)
        }
        return target
      }
      case EVENT_ID.MAPPING: {
        const node: YMap = { kind: 'map', pairs: [], start: ev.start, end: ev.start }
        register(text, anchors, ev.anchorStart, ev.anchorEnd, node)
        while (events[i]?.type !== EVENT_ID.POP) {
          const key = build()
          const value = build()
          node.pairs.push({ key, value })
          node.end = Math.max(node.end, key.end, value.end)
        }
        i++
        return node
      }
      case EVENT_ID.SEQUENCE: {
        const node: YSeq = { kind: 'seq', items: [], start: ev.start, end: ev.start }
        register(text, anchors, ev.anchorStart, ev.anchorEnd, node)
        while (events[i]?.type !== EVENT_ID.POP) {
          const item = build()
          node.items.push(item)
          node.end = Math.max(node.end, item.end)
        }
        i++
        return node
      }
      case EVENT_ID.DOCUMENT:
      case EVENT_ID.POP:
        throw new YamlSyntaxError('unexpected event in YAML stream', undefined)
    }
  }
  return build()
}

function scalarNode(text: string, ev: ScalarEvent): YScalar {
  let tag: string | undefined
  if (ev.tagStart >= 0) {
    tag = text.slice(ev.tagStart, ev.tagEnd)
    if (tag.startsWith('!<') && tag.endsWith('>')) {
      tag = tag.slice(2, -1)
    }
    if (tag.startsWith(LONG_TAG_PREFIX)) {
      tag = `!!${tag.slice(LONG_TAG_PREFIX.length)}`
    }
  }
  // An empty value (`key:`) has no source range; it sits where its key ended.
  const start = ev.valueStart >= 0 ? ev.valueStart : Math.max(ev.tagEnd, ev.anchorEnd, 0)
  const end = ev.valueEnd >= 0 ? ev.valueEnd : start
  return {
    kind: 'scalar',
    text: getScalarValue(text, ev),
    plain: ev.style === SCALAR_STYLE.PLAIN && tag === undefined,
    tag: tag === '!' ? '!!str' : tag,
    start,
    end,
  }
}

function register(
  text: string,
  anchors: Map<string, YNode>,
  anchorStart: number,
  anchorEnd: number,
  node: YNode
): void {
  if (anchorStart >= 0) {
    anchors.set(text.slice(anchorStart, anchorEnd), node)
  }
}

function toSyntaxError(err: unknown): YamlSyntaxError {
  if (err instanceof Error) {
    const mark = (err as { mark?: { position?: unknown } }).mark
    const reason = (err as { reason?: unknown }).reason
    const position = typeof mark?.position === 'number' ? mark.position : undefined
    return new YamlSyntaxError(typeof reason === 'string' ? reason : err.message, position)
  }
  return new YamlSyntaxError(String(err), undefined)
}

/**
 * LineIndex converts source offsets to 1-based line and column numbers.
 */
export class LineIndex {
  readonly #starts: number[] = [0]

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        this.#starts.push(i + 1)
      }
    }
  }

  /**
   * position returns the line and column of an offset.
   *
   * @param offset - a 0-based offset into the source.
   * @returns 1-based line and column.
   */
  position(offset: number): { line: number; column: number } {
    let lo = 0
    let hi = this.#starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.#starts[mid] ?? 0) <= offset) {
        lo = mid
      } else {
        hi = mid - 1
      }
    }
    return { line: lo + 1, column: offset - (this.#starts[lo] ?? 0) + 1 }
  }
}
