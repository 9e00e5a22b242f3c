// Newer Alertmanager's TestDeepCopyWithTemplate (template/template_test.go at 68fb2d5), row by
// row, plus the yaml.v2 readings of rendered text that decide what a custom field sends.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { deepCopyWithTemplate } from '#src/notify/integrations/jira/index.js'

const identity = (s: string) => s
const withSuffix = (s: string) => `${s}-templated`

describe('deepCopyWithTemplate (TestDeepCopyWithTemplate)', () => {
  const cases: readonly (readonly [string, unknown, (s: string) => string, unknown])[] = [
    ['string keeps templated value', 'hello', withSuffix, 'hello-templated'],
    ['string parsed as YAML map', 'foo: bar', identity, { foo: 'bar' }],
    ['slice templating applied recursively', ['foo', 42], withSuffix, ['foo-templated', 42]],
    // Upstream's input also has the int key 42, which it drops; config keys reach alertmesh as
    // strings, so the row keeps its string keys only.
    [
      'map converts keys',
      { foo: 'bar', nested: ['baz'] },
      withSuffix,
      { 'foo-templated': 'bar-templated', 'nested-templated': ['baz-templated'] },
    ],
    ['non string value returned as-is', 123, identity, 123],
    ['nil input', null, identity, null],
    // #5302: a rendered JSON document is taken as-is, string leaves are not re-read.
    [
      'rendered JSON keeps string leaves verbatim',
      '[{"alertname":"test1","id":"value1:"}]',
      identity,
      [{ alertname: 'test1', id: 'value1:' }],
    ],
    [
      'rendered JSON keeps YAML-like scalar strings as strings',
      '{"num":"123","truthy":"true","empty":"null","when":"2026-01-01"}',
      identity,
      { num: '123', truthy: 'true', empty: 'null', when: '2026-01-01' },
    ],
    [
      'rendered JSON preserves real scalar types',
      '{"num":123,"truthy":true,"empty":null}',
      identity,
      { num: 123, truthy: true, empty: null },
    ],
    // Not upstream's rows: yaml.v2's YAML 1.1 scalars and its other readings.
    ['a number', '42', identity, 42],
    ['a YAML 1.1 bool', 'yes', identity, true],
    ['an empty rendering is nil', '', identity, null],
    ['a quoted string keeps its quotes', '"quoted"', identity, '"quoted"'],
    ['a timestamp stays the text', '2026-01-01', identity, '2026-01-01'],
    ['text that is not YAML stays text', 'a: b: c', identity, 'a: b: c'],
    ['a list', '- a\n- 1.5', identity, ['a', 1.5]],
    ['non-string keys of rendered maps are dropped', '{1: a, b: 2, true: c}', identity, { b: 2 }],
    [
      'merge keys merge',
      'base: &b {x: 1}\nm:\n  <<: *b\n  z: 2',
      identity,
      { base: { x: 1 }, m: { x: 1, z: 2 } },
    ],
    // `y` is YAML 1.1's true: a bool key, dropped.
    ['a YAML 1.1 bool key is dropped', '{y: 1, x: 2}', identity, { x: 2 }],
    ['a repeated key keeps the last value', '{a: 1, a: 2}', identity, { a: 2 }],
  ]
  for (const [title, input, render, want] of cases) {
    it(title, () => {
      assert.deepEqual(deepCopyWithTemplate(input, render), want)
    })
  }

  it('stops at the first template error', () => {
    assert.throws(
      () =>
        deepCopyWithTemplate({ a: ['x', 'y'] }, (s) => {
          if (s === 'y') {
            throw new Error('boom')
          }
          return s
        }),
      /boom/
    )
  })
})
