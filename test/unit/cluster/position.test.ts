import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { positionOf, sortMembers } from '#src/cluster/position.js'

const m = (name: string) => ({ name, address: `${name}:9094` })

describe('position', () => {
  it("sorts members by name in Go's byte order", () => {
    // Upper case sorts before lower case; an astral character sorts after U+FFFF in UTF-8.
    const sorted = sortMembers([m('b'), m('\u{1F600}'), m('\uFFFF'), m('B'), m('a')])
    assert.deepEqual(
      sorted.map((x) => x.name),
      ['B', 'a', 'b', '\uFFFF', '\u{1F600}']
    )
  })

  it('is the index of the node, or the member count when absent', () => {
    const sorted = sortMembers([m('n2'), m('n0'), m('n1')])
    assert.deepEqual(
      ['n0', 'n1', 'n2', 'gone'].map((n) => positionOf(sorted, n)),
      [0, 1, 2, 3]
    )
  })
})
