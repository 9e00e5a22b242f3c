import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { INT64, box } from '#src/notify/template/go/index.js'

import { goOutcome, runOracle } from '../../../../support/go-oracle.js'
import type { OracleCase } from '../../../../support/go-oracle.js'

import { ours, tVal } from './exec-data.js'

const MAX_INT64 = '9223372036854775807'

/**
 * Integers beyond 2^53, where a JS number would round: literals, printf, comparisons,
 * typed parameters (truncated to their size, as reflect's SetInt) and int64 data.
 */
const CASES: Record<string, { text: string; data: 'tval' | 'int64' }> = {
  'max int64 literal': { text: `{{${MAX_INT64}}} {{-9223372036854775808}}`, data: 'tval' },
  'hex and octal literals': {
    text: '{{0x7fffffffffffffff}} {{0o777777777777777777777}}',
    data: 'tval',
  },
  'printf verbs': {
    text: `{{printf "%d %x %X %o %b %v %08d" ${MAX_INT64} ${MAX_INT64} -9007199254740993 ${MAX_INT64} 9007199254740993 9007199254740993 9007199254740993}}`,
    data: 'tval',
  },
  'printf as float': {
    text: '{{printf "%T %v" 9007199254740993.0 9007199254740993.0}}',
    data: 'tval',
  },
  'uint64 literal overflows int': { text: '{{18446744073709551615}}', data: 'tval' },
  'eq and lt beyond 2^53': {
    text: '{{eq 9007199254740993 9007199254740992}} {{eq 9007199254740993 9007199254740993}} {{lt 9007199254740992 9007199254740993}} {{le 9007199254740993 9007199254740992}}',
    data: 'tval',
  },
  'variable keeps the value': {
    text: '{{$x := 9007199254740993}}{{$x}} {{print $x}}',
    data: 'tval',
  },
  'int parameter': { text: '{{.Method1 9007199254740993}}', data: 'tval' },
  'uint16 parameter truncates': { text: '{{.Method2 70000 "x"}}', data: 'tval' },
  'int64 data': {
    text: '{{.}} {{printf "%x %T" . .}} {{eq . 9223372036854775807}}',
    data: 'int64',
  },
}

describe('integers beyond 2^53 against Go 1.19', () => {
  const cases = Object.entries(CASES).map(([name, c]) => ({
    name,
    templates: [{ name: 't', text: c.text }],
    // Raw JSON so the oracle's json.Unmarshal reads every digit into its int64.
    data: c.data === 'tval' ? { tval: true } : { int64: 0 },
  }))
  const input = JSON.stringify(cases).replace('{"int64":0}', `{"int64":${MAX_INT64}}`)
  const results = runOracle([], input) as OracleCase[]
  for (const r of results) {
    it(r.name, () => {
      const c = CASES[r.name] as { text: string; data: 'tval' | 'int64' }
      const go = goOutcome(r)
      const data = c.data === 'tval' ? tVal : box(INT64, BigInt(MAX_INT64))
      assert.equal(ours(c.text, data), go)
    })
  }
})
