import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Template } from '#src/notify/template/go/index.js'

import { EXEC_TEST_GO, runOracle } from '../../../../support/go-oracle.js'

import { execFuncs, literalData } from './exec-data.js'

interface Row {
  name: string
  input: string
  data: string
  go: string
  goErr: string
  parseError: string
}

/**
 * Rows of Go 1.19 exec_test.go's execTests that need Go features Alertmanager templates cannot
 * meet, with the reason. Every other row must match Go byte for byte.
 */
const SKIPPED: Record<string, string> = {
  '.NilOKFunc not nil': 'func values in the data (call of a data field): not in Alertmanager data',
  '.NilOKFunc nil': 'func values in the data (call of a data field): not in Alertmanager data',
  '.BinaryFunc': 'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFunc0': 'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFunc2': 'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFuncInt': 'func values in the data (call of a data field): not in Alertmanager data',
  'if .BinaryFunc call': 'func values in the data (call of a data field): not in Alertmanager data',
  'if not .BinaryFunc call':
    'func values in the data (call of a data field): not in Alertmanager data',
  '.ErrFunc': 'func values in the data (call of a data field): not in Alertmanager data',
  '.BinaryFuncTooFew': 'func values in the data (call of a data field): not in Alertmanager data',
  '.BinaryFuncTooMany': 'func values in the data (call of a data field): not in Alertmanager data',
  '.BinaryFuncBad0': 'func values in the data (call of a data field): not in Alertmanager data',
  '.BinaryFuncBad1': 'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFuncBad0': 'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFuncIntBad0':
    'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFuncIntBad`':
    'func values in the data (call of a data field): not in Alertmanager data',
  '.VariadicFuncNilBad': 'func values in the data (call of a data field): not in Alertmanager data',
  'pipeline func': 'func values in the data (call of a data field): not in Alertmanager data',
  'nil pipeline': 'func values in the data (call of a data field): not in Alertmanager data',
  'nil call arg': 'func values in the data (call of a data field): not in Alertmanager data',
  'bad nil pipeline': 'func values in the data (call of a data field): not in Alertmanager data',
  'ideal complex': 'complex numbers: not in Alertmanager data',
  'if 1.5i': 'complex numbers: not in Alertmanager data',
  'if 0.0i': 'complex numbers: not in Alertmanager data',
  'printf complex': 'complex numbers: not in Alertmanager data',
  'printf lots': 'complex numbers: not in Alertmanager data',
  'with 1.5i': 'complex numbers: not in Alertmanager data',
  'with 0.0i': 'complex numbers: not in Alertmanager data',
  bug16e: 'complex numbers: not in Alertmanager data',
  bug16j: 'complex numbers: not in Alertmanager data',
  'len(s) < indexes < cap(s)': 'slice capacity beyond length: the model has no capacity',
  'indexes > cap(s)': 'slice capacity beyond length: the model has no capacity',
  'range count': 'channels: not in Alertmanager data',
  'range nil count': 'channels: not in Alertmanager data',
  bug5: 'a *bytes.Buffer as fmt.Stringer field: not mirrored',
  bug17c: 'pointer to an interface (*I): not in Alertmanager data',
  bug17d: 'pointer to an interface (*I): not in Alertmanager data',
  bug17e: 'pointer to an interface (*I): not in Alertmanager data',
}

function run(row: Row): string {
  const t = Template.new(row.name).funcs(execFuncs)
  try {
    t.parse(row.input)
  } catch (e) {
    return `parse: ${(e as Error).message}`
  }
  try {
    return `ok: ${t.execute(literalData(row.data))}`
  } catch (e) {
    return `exec: ${(e as Error).message}`
  }
}

function goResult(row: Row): string {
  if (row.parseError !== '') {
    return `parse: ${row.parseError}`
  }
  return row.goErr !== '' ? `exec: ${row.goErr}` : `ok: ${row.go}`
}

describe('text/template against Go 1.19: exec_test.go execTests', () => {
  const rows = runOracle(['exectests', EXEC_TEST_GO], '') as Row[]
  it('has the table', () => {
    assert.ok(rows.length > 300)
  })
  const diffs: string[] = []
  let compared = 0
  for (const row of rows) {
    if (literalData(row.data) === undefined && row.data !== 'nil') {
      continue
    }
    if (Object.hasOwn(SKIPPED, row.name)) {
      continue
    }
    compared++
    const got = run(row)
    const want = goResult(row)
    if (got !== want) {
      diffs.push(`${row.name}\n  input: ${row.input}\n  go:   ${want}\n  ours: ${got}`)
    }
  }
  it('compares most rows', () => {
    assert.ok(compared > 240, `only ${compared} rows compared`)
  })
  it('matches Go on every row', () => {
    assert.equal(diffs.length, 0, diffs.join('\n'))
  })
})
