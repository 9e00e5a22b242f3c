import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { convertDocument, firstFailure } from '#src/config/convert.js'
import type { Failure } from '#src/config/convert.js'
import { decodeDocument } from '#src/config/goyaml/decode.js'
import { parseYamlTree } from '#src/config/goyaml/tree.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

function convert(text: string, typeErrors: string[] = []): ReturnType<typeof convertDocument> {
  const root = parseYamlTree(text)
  assert.ok(root !== undefined)
  const { schema, checks } = CONFIG_REGISTRY
  const { data, positions } = decodeDocument(root, schema)
  return convertDocument(data, schema, positions, typeErrors, checks)
}

describe('convertDocument', () => {
  it('converts durations to ms and fills struct defaults', () => {
    const { value, failures } = convert('route:\n  receiver: a\n  group_wait: 1m\n')
    assert.deepEqual(failures, [])
    const route = (value as { route: Record<string, unknown> }).route
    assert.equal(route['group_wait'], 60_000)
    assert.equal(route['continue'], false)
  })

  it('collects every failure with the pointer of the failing node', () => {
    const { failures } = convert('route:\n  group_wait: 5x\n  routes:\n  - group_interval: 0\n')
    // Failures come in schema order; firstFailure picks the one yaml.v2 would stop at.
    assert.deepEqual(failures.map((f) => [f.pointer, f.message]).sort(), [
      ['/route/group_wait', 'not a valid duration string: "5x"'],
      ['/route/routes/0', 'group_interval cannot be zero'],
    ])
  })

  it('skips the check of a struct that has a type error inside', () => {
    const { failures } = convert('route:\n  routes:\n  - group_interval: 0\n', [
      '/route/routes/0/foo',
    ])
    assert.deepEqual(failures, [])
  })
})

describe('firstFailure', () => {
  const f = (pointer: string, order: number, depth: number): Failure => ({
    message: pointer,
    pointer,
    order,
    depth,
    cause: undefined,
  })
  const rows: [string, Failure[], string][] = [
    ['the node that ends first wins', [f('/b', 20, 1), f('/a', 10, 1)], '/a'],
    [
      'on equal ends the deeper node wins (a child before its parent)',
      [f('/a', 10, 1), f('/a/b', 10, 2)],
      '/a/b',
    ],
    [
      'a node without position comes last',
      [f('/x', Number.POSITIVE_INFINITY, 1), f('/y', 99, 1)],
      '/y',
    ],
  ]
  for (const [name, failures, want] of rows) {
    it(name, () => {
      assert.equal(firstFailure(failures)?.pointer, want)
    })
  }
  it('returns undefined without failures', () => {
    assert.equal(firstFailure([]), undefined)
  })
})
