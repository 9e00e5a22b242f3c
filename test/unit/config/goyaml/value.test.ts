// parseYamlValue: yaml.v2's Unmarshal into an `any`, normalised as newer Alertmanager's
// template.normalizeYAMLValue does (jira's rendered custom fields).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { parseYamlValue } from '#src/config/index.js'

describe('parseYamlValue', () => {
  const values: readonly (readonly [string, string, unknown])[] = [
    // Scalars resolve with YAML 1.1 rules.
    ['an int', '0x1F', 31],
    ['a float', '1.5e3', 1500],
    ['a bool', 'off', false],
    ['null', '~', null],
    ['an empty document', '', null],
    ['a plain string', 'host1.example.com', 'host1.example.com'],
    ['a quoted string', "'a: b'", 'a: b'],
    ['a timestamp, as text', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z'],
    // Collections; keys that are not strings are dropped.
    ['a flow map', '{a: [1, b]}', { a: [1, 'b'] }],
    ['int keys dropped', '1: a\nb: 2', { b: 2 }],
    ['only the first document', 'a\n---\nb', 'a'],
  ]
  for (const [name, text, want] of values) {
    it(`reads ${name}`, () => {
      assert.deepEqual(parseYamlValue(text), { ok: true, value: want })
    })
  }

  const errors: readonly (readonly [string, string])[] = [
    // A syntax error.
    ['a bad mapping', 'a: b: c'],
    // A key that is a collection.
    ['a map key', '? [a]\n: b'],
    // An explicit tag its scalar does not fit.
    ['a bad tag', '!!int abc'],
  ]
  for (const [name, text] of errors) {
    it(`fails on ${name}`, () => {
      assert.deepEqual(parseYamlValue(text), { ok: false })
    })
  }
})
