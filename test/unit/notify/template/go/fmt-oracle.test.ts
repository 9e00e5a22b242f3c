import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  ANY,
  BOOL,
  FLOAT32,
  FLOAT64,
  GoType,
  INT,
  INT8,
  INT16,
  INT32,
  INT64,
  STRING,
  UINT,
  UINT8,
  UINT16,
  UINT32,
  UINT64,
  UINTPTR,
  arrayOf,
  box,
  mapOf,
  sliceOf,
  sprintf,
} from '#src/notify/template/go/index.js'
import type { GoValue, Kind, MapKey } from '#src/notify/template/go/index.js'

import { FMT_TEST_GO, runOracle } from '../../../../support/go-oracle.js'

/** TypeJSON mirrors the oracle's description of a Go type (fmt_tests.go). */
interface TypeJSON {
  kind: string
  name?: string
  elem?: TypeJSON
  key?: TypeJSON
  len?: number
  fields?: { name: string; type: TypeJSON }[]
}

type ValueJSON = string | boolean | null | ValueJSON[] | { type: TypeJSON; value: ValueJSON }

interface TypedJSON {
  type: TypeJSON
  value: ValueJSON
}

interface FmtRow {
  fmt: string
  out: string
  arg?: TypedJSON
  nil?: boolean
  skip?: string
  go: string
  goBuilt: boolean
}

const BASIC: Readonly<Record<string, GoType>> = {
  bool: BOOL,
  int: INT,
  int8: INT8,
  int16: INT16,
  int32: INT32,
  int64: INT64,
  uint: UINT,
  uint8: UINT8,
  uint16: UINT16,
  uint32: UINT32,
  uint64: UINT64,
  uintptr: UINTPTR,
  float32: FLOAT32,
  float64: FLOAT64,
  string: STRING,
  interface: ANY,
}

function goType(t: TypeJSON): GoType {
  if (t.name !== undefined) {
    return new GoType({ kind: t.kind as Kind, name: t.name, named: true })
  }
  const basic = BASIC[t.kind]
  if (basic !== undefined) {
    return basic
  }
  switch (t.kind) {
    case 'slice':
      return sliceOf(goType(t.elem as TypeJSON))
    case 'array':
      return arrayOf(t.len ?? 0, goType(t.elem as TypeJSON))
    case 'map':
      return mapOf(goType(t.key as TypeJSON), goType(t.elem as TypeJSON))
    case 'ptr':
      return goType(t.elem as TypeJSON).ptrTo()
    case 'struct': {
      const fields = (t.fields ?? []).map((f) => ({ name: f.name, type: goType(f.type) }))
      // reflect's String of an unnamed struct type.
      const name =
        fields.length === 0
          ? 'struct {}'
          : `struct { ${fields.map((f) => `${f.name} ${f.type.name}`).join('; ')} }`
      return new GoType({ kind: 'struct', name, fields })
    }
  }
  throw new Error(`unknown type ${JSON.stringify(t)}`)
}

function goNumber(text: string): number | bigint {
  const n = Number(text)
  // Integers beyond 2^53 keep every digit as a bigint payload.
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : BigInt(text)
}

function goValue(tj: TypeJSON, v: ValueJSON): GoValue {
  const t = goType(tj)
  if (t.kind === 'interface') {
    if (v === null) {
      return undefined
    }
    const inner = v as { type: TypeJSON; value: ValueJSON }
    return goValue(inner.type, inner.value)
  }
  if (v === null) {
    return box(t, null)
  }
  switch (t.kind) {
    case 'bool':
      return t === BOOL ? (v as boolean) : box(t, v)
    case 'string':
      return t === STRING ? (v as string) : box(t, v)
    case 'float32':
    case 'float64':
      // Number() reads NaN, Infinity and -Infinity but not Go's +Inf and -Inf.
      return box(t, Number((v as string).replace('Inf', 'Infinity')))
    case 'slice':
    case 'array':
      return box(
        t,
        (v as ValueJSON[]).map((e) => goValue(tj.elem as TypeJSON, e))
      )
    case 'map':
      return box(
        t,
        new Map(
          (v as ValueJSON[][]).map(([k, e]) => {
            const key = goValue(tj.key as TypeJSON, k as ValueJSON)
            const payload = key !== null && typeof key === 'object' ? (key as { v: MapKey }).v : key
            return [payload as MapKey, goValue(tj.elem as TypeJSON, e as ValueJSON)]
          })
        )
      )
    case 'struct':
      return box(
        t,
        (v as ValueJSON[]).map((e, i) => goValue((tj.fields ?? [])[i]?.type as TypeJSON, e))
      )
    case 'ptr':
      return box(t, goValue(tj.elem as TypeJSON, v))
    default: {
      const n = goNumber(v as string)
      return t === INT && typeof n === 'number' ? n : box(t, n)
    }
  }
}

/** withPTR applies fmt_test.go's TestSprintf rewrite of printed addresses to PTR patterns. */
function withPTR(s: string, out: string): string {
  const i = out.indexOf('PTR')
  if (i < 0 || i >= s.length) {
    return s
  }
  const tail = out.slice(i)
  const [pattern, chars] = tail.startsWith('PTR_b')
    ? ['PTR_b', '01']
    : tail.startsWith('PTR_o')
      ? ['PTR_o', '01234567']
      : tail.startsWith('PTR_d')
        ? ['PTR_d', '0123456789']
        : tail.startsWith('PTR_x')
          ? ['PTR_x', '0123456789abcdef']
          : tail.startsWith('PTR_X')
            ? ['PTR_X', '0123456789ABCDEF']
            : ['PTR', '0123456789abcdefABCDEF']
  let p = s.slice(0, i) + pattern
  for (let j = i; j < s.length; j++) {
    if (!chars.includes(s[j] as string)) {
      p += s.slice(j)
      break
    }
  }
  return p
}

/**
 * Rows the oracle translates but the model prints differently, by `fmt|out`, with the reason.
 * Empty: every translated row matches Go.
 */
const KNOWN_DIFFS: Record<string, string> = {
  '%v|map[NaN:1 NaN:1]':
    'a Go map holds two NaN keys (NaN != NaN); a JS Map keeps one (SameValueZero)',
}

describe('fmt.Sprintf against Go 1.19: fmt_test.go fmtTests', () => {
  const rows = runOracle(['fmttests', FMT_TEST_GO], '') as FmtRow[]
  const diffs: string[] = []
  let compared = 0
  let againstGo = 0
  const skipped = new Map<string, number>()
  for (const row of rows) {
    if (row.skip !== undefined) {
      skipped.set(row.skip, (skipped.get(row.skip) ?? 0) + 1)
      continue
    }
    if (Object.hasOwn(KNOWN_DIFFS, `${row.fmt}|${row.out}`)) {
      continue
    }
    compared++
    const arg = row.nil === true ? null : goValue(row.arg?.type as TypeJSON, row.arg?.value ?? null)
    let got: string
    try {
      got = withPTR(sprintf(row.fmt, [arg]), row.out)
    } catch (e) {
      got = `threw ${String(e)}`
    }
    // Go's own output on the transported value where reflect could rebuild it, else the
    // table's expected output (which Go 1.19 passes).
    const want = row.goBuilt ? withPTR(row.go, row.out) : row.out
    if (row.goBuilt) {
      againstGo++
    }
    if (got !== want) {
      diffs.push(
        `Sprintf(${JSON.stringify(row.fmt)}, ${JSON.stringify(row.arg)})\n  go:   ${JSON.stringify(want)}\n  ours: ${JSON.stringify(got)}`
      )
    }
  }
  it('has the table', (t) => {
    // The skipped rows, by the reason the oracle gave (complex numbers, invalid UTF-8
    // strings, printed addresses, named types with methods, reflect.Value ...).
    for (const [reason, n] of [...skipped].sort((a, b) => b[1] - a[1])) {
      t.diagnostic(`skipped ${n}: ${reason}`)
    }
    assert.ok(rows.length > 700, `only ${rows.length} rows`)
    assert.ok(compared > 500, `only ${compared} rows compared`)
  })
  it(`matches Go on every translated row (${compared} compared, ${againstGo} run by Go, ${rows.length - compared} skipped)`, () => {
    assert.equal(diffs.length, 0, `${diffs.length} differ:\n${diffs.join('\n')}`)
  })
  it('translates the values faithfully: Go prints the transported value as the table says', () => {
    for (const row of rows) {
      if (row.goBuilt) {
        assert.equal(withPTR(row.go, row.out), row.out, `${row.fmt} ${JSON.stringify(row.arg)}`)
      }
    }
  })
})
