import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { ActionNode, NumberNode, Tree, isEmptyTree } from '#src/notify/template/go/index.js'
import type { ParseMode } from '#src/notify/template/go/index.js'
// The lexer is internal to the package (as in Go); its tests reach into the module.
import { ItemType, Lexer } from '#src/notify/template/go/lex.js'
import type { Item } from '#src/notify/template/go/lex.js'

import { LEX_TEST_GO, PARSE_TEST_GO, runOracle } from '../../../../support/go-oracle.js'

interface NumberView {
  IsInt: boolean
  IsUint: boolean
  IsFloat: boolean
  IsComplex: boolean
  Int64: string
  Uint64: string
  Float64: string
}

interface ParseRow {
  table: string
  name: string
  input: string
  mode: 'builtins' | 'nofuncs' | 'skipfunccheck' | 'comments'
  tableOK: boolean
  want: string
  trees: Record<string, string>
  root: string
  err: string
  isEmpty: boolean
  number?: NumberView
}

interface LexItem {
  typ: string
  pos: number
  val: string
  line: number
}

interface LexRow {
  table: string
  name: string
  input: string
  left: string
  right: string
  items: LexItem[]
}

/** What one parse gave: the same shape for Go and for us, so rows compare as one string. */
function ours(row: ParseRow): string {
  const tree = new Tree(row.name)
  const mode: ParseMode =
    row.mode === 'skipfunccheck'
      ? { skipFuncCheck: true }
      : row.mode === 'comments'
        ? { parseComments: true }
        : {}
  tree.mode = mode
  const set = new Map<string, Tree>()
  // testParse defines printf and contains (parse_test.go's builtins); TestErrors defines none.
  const hasFunc =
    row.mode === 'builtins' ? (n: string) => n === 'printf' || n === 'contains' : () => false
  try {
    tree.parse(row.input, '', '', set, hasFunc)
  } catch (e) {
    return `err: ${(e as Error).message}`
  }
  const trees = [...set].map(([n, t]) => `${n}=${String(t.root)}`).sort()
  const lines = [
    `root: ${String(tree.root)}`,
    `trees: ${JSON.stringify(trees)}`,
    `isEmpty: ${String(isEmptyTree(tree.root))}`,
  ]
  if (row.table === 'numberTests') {
    lines.push(`number: ${numberOf(tree)}`)
  }
  return lines.join('\n')
}

function numberOf(tree: Tree): string {
  const action = tree.root?.nodes[0]
  const arg = action instanceof ActionNode ? action.pipe.cmds[0]?.args[0] : undefined
  if (!(arg instanceof NumberNode)) {
    return 'none'
  }
  return JSON.stringify({
    IsInt: arg.isInt,
    IsUint: arg.isUint,
    IsFloat: arg.isFloat,
    IsComplex: arg.isComplex,
    Int64: arg.int64.toString(),
    // Go leaves the views it did not set at zero.
    Uint64: arg.uint64.toString(),
    Float64: String(arg.float64),
  })
}

function goResult(row: ParseRow): string {
  if (row.err !== '') {
    return `err: ${row.err}`
  }
  const trees = Object.entries(row.trees)
    .map(([n, s]) => `${n}=${s}`)
    .sort()
  const lines = [
    `root: ${row.root}`,
    `trees: ${JSON.stringify(trees)}`,
    `isEmpty: ${String(row.isEmpty)}`,
  ]
  if (row.table === 'numberTests') {
    const n = row.number
    lines.push(
      `number: ${
        n === undefined
          ? 'none'
          : JSON.stringify({ ...n, Float64: String(Number(n.Float64.replace('+', ''))) })
      }`
    )
  }
  return lines.join('\n')
}

/**
 * Rows of parse_test.go's tables that differ from Go for reasons of the JS model, with the
 * reason. Empty: every row matches.
 */
const SKIPPED_PARSE: Record<string, string> = {}

describe('text/template/parse against Go 1.19: parse_test.go tables', () => {
  const rows = runOracle(['parsetests', PARSE_TEST_GO], '') as ParseRow[]
  const tables = new Map<string, { compared: number; diffs: string[] }>()
  for (const row of rows) {
    const key = `${row.table}/${row.mode}`
    const t = tables.get(key) ?? { compared: 0, diffs: [] }
    tables.set(key, t)
    if (Object.hasOwn(SKIPPED_PARSE, `${row.table}/${row.name}`)) {
      continue
    }
    t.compared++
    const got = ours(row)
    const want = goResult(row)
    if (got !== want) {
      t.diffs.push(
        `${row.name} (${row.mode})\n  input: ${JSON.stringify(row.input)}\n  go:\n${want}\n  ours:\n${got}`
      )
    }
  }
  it('has the tables', () => {
    for (const t of ['parseTests', 'errorTests', 'numberTests', 'isEmptyTests']) {
      assert.ok(
        [...tables.keys()].some((k) => k.startsWith(`${t}/`)),
        `no rows of ${t}`
      )
    }
    assert.ok(rows.length > 250, `only ${rows.length} rows`)
  })
  for (const [key, t] of tables) {
    it(`matches Go on every row of ${key} (${t.compared} rows)`, () => {
      assert.equal(t.diffs.length, 0, t.diffs.join('\n'))
    })
  }
  it('errors where the table expects an error, with its text', () => {
    // The oracle's own check of the table: errorTests results are substrings of Go's message,
    // and a row marked hasError failed in Go too, so the differential above covers them.
    for (const row of rows) {
      if (row.table === 'errorTests') {
        assert.ok(row.err.includes(row.want), `${row.name}: ${row.err}`)
      }
    }
  })
})

const ITEM_TYPES: ReadonlyMap<string, ItemType> = new Map(
  Object.entries(ItemType)
    .filter((e): e is [string, ItemType] => typeof e[1] === 'number')
    .map(([k, v]) => [`item${k}`, v])
)

function lex(row: LexRow): Item[] {
  // lex_test.go's collect: comments are emitted, break and continue are keywords.
  const l = new Lexer(row.input, row.left, row.right, true, true, true)
  const items: Item[] = []
  for (;;) {
    const item = l.nextItem()
    items.push(item)
    if (item.typ === ItemType.EOF || item.typ === ItemType.Error) {
      return items
    }
  }
}

describe('text/template/parse lexer: lex_test.go tables', () => {
  const rows = runOracle(['lextests', LEX_TEST_GO], '') as LexRow[]
  it('has the tables', () => {
    assert.ok(rows.length > 45, `only ${rows.length} rows`)
  })
  for (const row of rows) {
    it(`${row.table}: ${row.name}`, () => {
      const want = row.items.map((i) => {
        const typ = ITEM_TYPES.get(i.typ)
        assert.notEqual(typ, undefined, `unknown item type ${i.typ}`)
        // lex_test.go's equal checks position and line only in lexPosTests.
        return i.pos < 0 ? { typ, val: i.val } : { typ, pos: i.pos, val: i.val, line: i.line }
      })
      const got = lex(row).map((i, k) =>
        (row.items[k]?.pos ?? -1) < 0
          ? { typ: i.typ, val: i.val }
          : { typ: i.typ, pos: i.pos, val: i.val, line: i.line }
      )
      assert.deepEqual(got, want)
    })
  }
})
