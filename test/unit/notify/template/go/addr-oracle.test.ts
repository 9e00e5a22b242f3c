import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { goOutcome, runOracle } from '../../../../support/go-oracle.js'
import type { OracleCase } from '../../../../support/go-oracle.js'

import { ours, tVal } from './exec-data.js'

/**
 * Addressability beyond execTests' four rows: where Go takes the address of a value to find
 * V's and W's pointer-receiver String and Error (exec.go evalField, printableValue,
 * validateType), and where it cannot (map values, interface contents, function results).
 */
const CASES: Record<string, string> = {
  'with keeps the field addressable': '{{with .V0}}{{.}}{{end}}',
  'a variable keeps it addressable': '{{$x := .V0}}{{$x}} {{$x.String}}',
  'method call through the address': '{{.V0.String}} {{.W0.Error}}',
  'print gets a copy': '{{print .V0}} {{printf "%v" .W0}}',
  'Stringer parameter takes the address': '{{stringer .V0}}',
  'pointer parameter takes the address': '{{vfunc .V0 .V0}}',
  'pointer field prints through String': '{{.V1}} {{.W1}} {{.V2}}',
  'function result is not addressable': '{{echo .V0}}',
  'interface content is not addressable': '{{$e := .Empty4}}{{$e.V}}',
  'pointer method on a non-addressable value': '{{(echo .V0).String}}',
}

describe('addressable values against Go 1.19', () => {
  const cases = Object.entries(CASES).map(([name, text]) => ({
    name,
    templates: [{ name: 't', text }],
    data: { tval: true },
  }))
  const results = runOracle([], JSON.stringify(cases)) as OracleCase[]
  for (const r of results) {
    it(r.name, () => {
      const go = goOutcome(r)
      assert.equal(ours(CASES[r.name] as string, tVal), go)
    })
  }
})
