import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { LineIndex, YamlSyntaxError, parseYamlTree } from '#src/config/goyaml/tree.js'

describe('parseYamlTree', () => {
  it('returns undefined for empty documents', () => {
    for (const text of ['', '# only a comment\n', '---\n']) {
      // `---` alone is an empty scalar document, treated as empty by the loader.
      const root = parseYamlTree(text)
      assert.ok(root === undefined || (root.kind === 'scalar' && root.text === ''))
    }
  })

  it('keeps source offsets, styles and tags of scalars', () => {
    const text = 'a: "x"\nb: !!str 5\nc: plain\n'
    const root = parseYamlTree(text)
    assert.ok(root?.kind === 'map')
    const [a, b, c] = root.pairs.map((p) => p.value)
    // Offsets of a quoted scalar cover its content, inside the quotes.
    assert.deepEqual(a, {
      kind: 'scalar',
      text: 'x',
      plain: false,
      tag: undefined,
      start: 4,
      end: 5,
    })
    assert.equal(b?.kind === 'scalar' && b.tag, '!!str')
    assert.equal(c?.kind === 'scalar' && c.plain, true)
  })

  it('shares the anchored node with every alias', () => {
    const root = parseYamlTree('a: &x {k: v}\nb: *x\n')
    assert.ok(root?.kind === 'map')
    assert.equal(root.pairs[0]?.value, root.pairs[1]?.value)
  })

  it('reads only the first document', () => {
    const root = parseYamlTree('a: 1\n---\nb: 2\n')
    assert.equal(root?.kind === 'map' && root.pairs.length, 1)
  })

  it('reports syntax errors with their offset', () => {
    assert.throws(
      () => parseYamlTree('a: 1\n b: 2\n'),
      (err: unknown) => err instanceof YamlSyntaxError && err.offset === 7
    )
  })

  it('reports an alias to an unknown anchor', () => {
    assert.throws(() => parseYamlTree('a: *nope\n'), /unknown anchor 'nope'/)
  })
})

describe('LineIndex', () => {
  const index = new LineIndex('ab\ncd\n\nef')
  const rows: [number, number, number, string][] = [
    [0, 1, 1, 'start of text'],
    [2, 1, 3, 'the newline belongs to its line'],
    [3, 2, 1, 'start of the second line'],
    [6, 3, 1, 'an empty line'],
    [8, 4, 2, 'last line without newline'],
  ]
  for (const [offset, line, column, why] of rows) {
    it(`maps offset ${offset} to ${line}:${column} (${why})`, () => {
      assert.deepEqual(index.position(offset), { line, column })
    })
  }
})
