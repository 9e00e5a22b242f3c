/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { FatalYamlError, decodeDocument, escapePointer } from '../../../src/config/decode.js'
import { CONFIG_SCHEMA } from '../../../src/config/index.js'
import { parseYamlTree } from '../../../src/config/yaml-tree.js'

function decode(text: string): ReturnType<typeof decodeDocument> {
  const root = parseYamlTree(text)
  assert.ok(root !== undefined)
  return decodeDocument(root, CONFIG_SCHEMA)
}

describe('decodeDocument', () => {
  it('gives string fields the source text and typed fields resolved values', () => {
    const { data } = decode(
      'route:\n  receiver: 010\n  continue: yes\nreceivers:\n- name: 1.50\n  webhook_configs:\n  - max_alerts: 0o17\n'
    )
    assert.deepEqual(data, {
      route: { receiver: '010', continue: true },
      receivers: [{ name: '1.50', webhook_configs: [{ max_alerts: 15 }] }],
    })
  })

  it("sets null strings to '' and bools to false, and leaves pointer-like fields unset", () => {
    const { data } = decode('route:\n  receiver: ~\n  continue: ~\n  group_wait: ~\n  routes: ~\n')
    assert.deepEqual(data, { route: { receiver: '', continue: false } })
  })

  it('keeps unknown keys so that the schema reports them', () => {
    const { data, positions } = decode('route:\n  foo: {bar: 1}\n')
    assert.deepEqual(data, { route: { foo: { bar: 1 } } })
    assert.equal(positions.get('/route/foo')?.key?.start, 9)
  })

  it('records duplicate keys as unmarshal errors in decoding order', () => {
    const { issues } = decode(
      'route:\n  receiver: a\n  receiver: b\n  match:\n    a: b\n    a: c\n'
    )
    assert.deepEqual(
      issues.map((i) => i.message),
      ['field receiver already set in type config.plain', 'key "a" already set in map']
    )
  })

  it('applies merges in key order like yaml.v2: later scalars win, matchers append', () => {
    const { data } = decode(
      "route:\n  routes:\n  - &r {receiver: a, group_wait: 1m, matchers: ['a=1']}\n  - group_wait: 2m\n    matchers: ['b=2']\n    <<: *r\n"
    )
    const routes = (data as { route: { routes: unknown[] } }).route.routes
    assert.deepEqual(routes[1], { group_wait: '1m', matchers: ['b=2', 'a=1'], receiver: 'a' })
  })

  it('lets earlier mappings of a merge list take precedence', () => {
    const { data } = decode(
      'route:\n  <<: [{receiver: first}, {receiver: second, group_wait: 1m}]\n'
    )
    assert.deepEqual((data as { route: unknown }).route, { receiver: 'first', group_wait: '1m' })
  })

  it('resets a struct whose UnmarshalYAML assigns defaults when its field is decoded again', () => {
    const { data } = decode(
      'receivers:\n- name: a\n  webhook_configs:\n  - <<: {http_config: {follow_redirects: false}}\n    http_config: {enable_http2: false}\n'
    )
    const hook = (data as { receivers: { webhook_configs: unknown[] }[] }).receivers[0]
      ?.webhook_configs[0]
    assert.deepEqual(hook, { http_config: { enable_http2: false } })
  })

  it('refuses to merge a scalar', () => {
    assert.throws(() => decode('route:\n  <<: x\n'), FatalYamlError)
  })
})

describe('escapePointer', () => {
  it('escapes ~ and / as JSON pointers do', () => {
    assert.equal(escapePointer('a/b~c'), 'a~1b~0c')
  })
})
