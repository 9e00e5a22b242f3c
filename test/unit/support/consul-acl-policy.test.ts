import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  demandsOf,
  denied,
  policyRules,
  policyText,
  ruleText,
} from '../../support/consul-acl-policy.js'
import type { ConsulRequest } from '../../support/consul-acl-policy.js'
import { AclResolver } from '../../support/consul-standin/index.js'
import type { AclResource } from '../../support/consul-standin/index.js'

describe('policyRules', () => {
  it('reads each block as a named rule, exact or prefix', () => {
    const rules = policyRules(
      policyText(['key_prefix', 'alertmesh/', 'read'], ['service', 'alertmesh', 'write'])
    )
    assert.deepEqual(rules, [
      { resource: 'key', match: 'prefix', name: 'alertmesh/', policy: 'read' },
      { resource: 'service', match: 'exact', name: 'alertmesh', policy: 'write' },
    ])
    assert.deepEqual(rules.map(ruleText), [
      'key_prefix "alertmesh/" read',
      'service "alertmesh" write',
    ])
  })

  // Each row: a policy the policy reader must refuse, and why.
  const badPolicies: readonly (readonly [string, string])[] = [
    ['session_prefix "" {\n  policy = "write"\n}\n', 'a rule kind the stand-in does not model'],
    ['key_prefix "" {\n  policy = "list"\n}\n', 'a level it does not model'],
    ['key_prefix {\n  policy = "read"\n}\n', 'a rule without a name'],
    ['key_prefix "a" "b" {\n  policy = "read"\n}\n', 'a rule with two names'],
    ['service "a" {\n  policy = "read"\n  intentions = "read"\n}\n', 'an extra attribute'],
    ['operator = "read"\n', 'a top-level attribute'],
    [policyText(['key', 'a', 'read'], ['key', 'a', 'write']), 'the same rule twice'],
  ]
  for (const [text, why] of badPolicies) {
    it(`refuses ${why}`, () => {
      assert.throws(() => policyRules(text))
    })
  }
})

describe('the stand-in resolving policy files', () => {
  // Each row: a policy (named in the test title), a request, and whether Consul allows it. The
  // ACL claims of the deployment test rest on the stand-in resolving named rules as Consul does.
  const nodeShape = policyText(
    ['key_prefix', 'alertmesh/', 'read'],
    ['key_prefix', 'alertmesh/status/', 'write'],
    ['service', 'alertmesh', 'write'],
    ['node_prefix', '', 'read']
  )
  const broadThenNarrow = policyText(['key_prefix', '', 'write'], ['key_prefix', 'a/', 'read'])
  const exactKey = policyText(['key', 'a/config', 'write'])
  const denyOne = policyText(['service_prefix', '', 'write'], ['service', 'db', 'deny'])
  const precedence: readonly (readonly [
    string,
    string,
    AclResource,
    'read' | 'write',
    string,
    boolean,
  ])[] = [
    // The longest matching prefix decides: status keys are writable, the rest only readable.
    ['the node policy', nodeShape, 'key', 'write', 'alertmesh/status/n0', true],
    ['the node policy', nodeShape, 'key', 'write', 'alertmesh/config', false],
    ['the node policy', nodeShape, 'key', 'read', 'alertmesh/config', true],
    ['the node policy', nodeShape, 'key', 'read', 'other/config', false],
    // write implies read; a named service says nothing about others.
    ['the node policy', nodeShape, 'service', 'read', 'alertmesh', true],
    ['the node policy', nodeShape, 'service', 'write', 'web', false],
    ['the node policy', nodeShape, 'node', 'read', 'any-consul-node', true],
    ['the node policy', nodeShape, 'agent', 'read', 'any-consul-node', false],
    // A longer prefix narrows a broader grant.
    ['"" write and "a/" read', broadThenNarrow, 'key', 'write', 'a/b', false],
    ['"" write and "a/" read', broadThenNarrow, 'key', 'write', 'b/c', true],
    // An exact rule covers that name only.
    ['key "a/config" write', exactKey, 'key', 'write', 'a/config', true],
    ['key "a/config" write', exactKey, 'key', 'write', 'a/config2', false],
    // deny on an exact name beats a prefix grant.
    ['service_prefix "" write, service "db" deny', denyOne, 'service', 'read', 'db', false],
  ]
  for (const [label, policy, resource, level, name, allowed] of precedence) {
    const verb = allowed ? 'allows' : 'refuses'
    it(`${verb} ${resource}:${level} on "${name}" under ${label}`, () => {
      const authz = new AclResolver([{ token: 't', rules: policyRules(policy) }]).resolve('t')
      assert.equal(authz.allowed(resource, level, name), allowed)
    })
  }
})

describe('demandsOf and denied', () => {
  const registration = JSON.stringify({
    ID: 'alertmesh-n0',
    Name: 'alertmesh',
    Check: { CheckID: 'service:alertmesh-n0:ttl' },
  })
  const requests: readonly ConsulRequest[] = [
    { method: 'GET', path: '/v1/kv/alertmesh/config', body: '' },
    { method: 'PUT', path: '/v1/kv/alertmesh/status/n0', body: '{}' },
    { method: 'PUT', path: '/v1/agent/service/register', body: registration },
    { method: 'PUT', path: '/v1/agent/check/update/service:alertmesh-n0:ttl', body: '{}' },
    { method: 'GET', path: '/v1/health/service/alertmesh', body: '' },
    { method: 'PUT', path: '/v1/agent/service/deregister/alertmesh-n0', body: '' },
  ]

  it('lists what Consul checks for each request, by its ACL requirements', () => {
    assert.deepEqual(
      demandsOf(requests, 'consul-0').map((d) => `${d.resource}:${d.level}:${d.name}`),
      [
        'key:read:alertmesh/config',
        'key:write:alertmesh/status/n0',
        'service:write:alertmesh',
        // A check update and a deregistration name an ID; the registration names its service.
        'service:write:alertmesh',
        'service:read:alertmesh',
        'node:read:consul-0',
        'service:write:alertmesh',
      ]
    )
    assert.equal(demandsOf(requests, 'c')[0]?.because, 'GET /v1/kv/alertmesh/config')
  })

  it('fails on a request the policies were not written for', () => {
    assert.throws(
      () => demandsOf([{ method: 'GET', path: '/v1/catalog/nodes', body: '' }], 'c'),
      /unexpected Consul request GET \/v1\/catalog\/nodes/
    )
    assert.throws(
      () => demandsOf([{ method: 'PUT', path: '/v1/agent/service/deregister/x', body: '' }], 'c'),
      /a registration for x/
    )
  })

  it('denied keeps exactly the demands the rules refuse', () => {
    const demands = demandsOf(requests, 'consul-0')
    const rules = policyRules(
      policyText(
        ['key_prefix', 'alertmesh/', 'read'],
        ['key_prefix', 'alertmesh/status/', 'write'],
        ['service', 'alertmesh', 'write']
      )
    )
    assert.deepEqual(
      denied(rules, demands).map((d) => d.because),
      ['GET /v1/health/service/alertmesh']
    )
    assert.deepEqual(
      denied([...rules, ...policyRules(policyText(['node', 'consul-0', 'read']))], demands),
      []
    )
  })
})
