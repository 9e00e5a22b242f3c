import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { FatalYamlError, decodeDocument, escapePointer } from '#src/config/goyaml/decode.js'
import { parseYamlTree } from '#src/config/goyaml/tree.js'

import { CONFIG_REGISTRY } from '../../../support/integrations.js'
import { R, checkRows, loadError } from '../helpers.js'

function decode(text: string): ReturnType<typeof decodeDocument> {
  const root = parseYamlTree(text)
  assert.ok(root !== undefined)
  return decodeDocument(root, CONFIG_REGISTRY.schema)
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

describe('loadConfig applies the strict decoder of yaml.v2', () => {
  checkRows({
    // Unknown keys name the key and the Go type.
    'an unknown top-level key': [
      'route:\n  receiver: a\nfoo: 1\n' + R,
      'yaml: unmarshal errors:\n  line 3: field foo not found in type config.plain',
      'foo',
      3,
    ],
    // Every unmarshal error is listed, in decoding order.
    'two unknown keys': [
      'route:\n  receiver: a\n  bar: x\nfoo: 1\n' + R,
      'yaml: unmarshal errors:\n  line 3: field bar not found in type config.plain\n  line 4: field foo not found in type config.plain',
      'route.bar',
      3,
    ],
    // Inline TLS certificates (`ca`) do not exist in this prometheus/common version.
    'an inline ca in tls_config': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    http_config:\n      tls_config:\n        ca: x\n',
      'yaml: unmarshal errors:\n  line 9: field ca not found in type config.plain',
      'receivers[0].webhook_configs[0].http_config.tls_config.ca',
      9,
    ],
    // A repeated key of a struct.
    'a duplicate key': [
      'route:\n  receiver: a\nroute:\n  receiver: a\n' + R,
      'yaml: unmarshal errors:\n  line 3: field route already set in type config.plain',
      'route',
      3,
    ],
    // A repeated key of a map (reported at its value).
    'a duplicate map key': [
      'route:\n  receiver: a\n  routes:\n  - match:\n      a: b\n      a: c\n' + R,
      'yaml: unmarshal errors:\n  line 6: key "a" already set in map',
      'route.routes[0].match.a',
      6,
    ],
    // A mapping where a string goes.
    'a map for a string': [
      'route:\n  receiver: {a: b}\n' + R,
      'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string',
      'route.receiver',
      2,
    ],
    // A quoted number where a uint64 goes.
    'a string for max_alerts': [
      "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    max_alerts: '5'\n",
      'yaml: unmarshal errors:\n  line 7: cannot unmarshal !!str `5` into uint64',
      'receivers[0].webhook_configs[0].max_alerts',
      7,
    ],
    // A negative number for a uint64.
    'a negative max_alerts': [
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    max_alerts: -1\n',
      'yaml: unmarshal errors:\n  line 7: cannot unmarshal !!int `-1` into uint64',
      'receivers[0].webhook_configs[0].max_alerts',
      7,
    ],
    // A quoted "true" is a string, not a bool, for yaml.v2.
    'a quoted bool': [
      "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    send_resolved: 'true'\n",
      'yaml: unmarshal errors:\n  line 7: cannot unmarshal !!str `true` into bool',
      'receivers[0].webhook_configs[0].send_resolved',
      7,
    ],
    // A scalar document.
    'a scalar document': [
      'foo\n',
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo` into config.plain',
      '',
      1,
    ],
    // A custom check anywhere wins over collected type errors: yaml.v2 aborts on it.
    'a custom error after a type error': [
      'route:\n  receiver: a\n  foo: 1\n  routes:\n  - group_interval: 0\n' + R,
      'group_interval cannot be zero',
      'route.routes[0]',
      5,
    ],
    // A struct with a type error in it skips its own check (its unmarshal returned the error).
    'a type error inside a struct that also fails its check': [
      'route:\n  receiver: a\n  routes:\n  - group_interval: 0\n    foo: 1\n' + R,
      'yaml: unmarshal errors:\n  line 5: field foo not found in type config.plain',
      'route.routes[0].foo',
      5,
    ],
    // Decoding order decides between two custom errors: receivers written first fail first.
    'receivers failing before the route': [
      'receivers:\n- name: a\n  webhook_configs:\n  - send_resolved: true\nroute:\n  receiver: a\n  group_interval: 0\n',
      'missing URL in webhook config',
      'receivers[0].webhook_configs[0]',
      4,
    ],
    // ...and the route written first fails first.
    'the route failing before receivers': [
      'route:\n  receiver: a\n  group_interval: 0\nreceivers:\n- name: a\n  webhook_configs:\n  - send_resolved: true\n',
      'group_interval cannot be zero',
      // A route's own check points at its `route:` key.
      'route',
      1,
    ],
    // A merge of something that is not a mapping.
    'a merge of scalars': [
      'route:\n  receiver: a\n  routes:\n  - <<: [a, b]\n' + R,
      'yaml: map merge requires map or sequence of maps as the value',
      undefined,
      4,
    ],
  })

  it('reports a YAML syntax error with its line and js-yaml reason', () => {
    const err = loadError('route:\n  receiver: a\n   x: 1\n')
    assert.equal(err.line, 3)
    assert.match(err.amMessage, /^yaml: line 3: /)
  })

  it('refuses an alias to an unknown anchor', () => {
    assert.match(loadError('route:\n  receiver: *nope\n').amMessage, /unknown anchor 'nope'/)
  })
})
