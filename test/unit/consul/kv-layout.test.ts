import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { kvLayout } from '#src/consul/index.js'
import { InvalidArgumentError } from '#src/util/index.js'

describe('kvLayout', () => {
  it('derives the config, templates and status keys from the prefix', () => {
    assert.deepEqual(kvLayout('alertmesh'), {
      configKey: 'alertmesh/config',
      templatesPrefix: 'alertmesh/templates/',
      statusPrefix: 'alertmesh/status/',
    })
    // Nested prefixes are fine.
    assert.equal(kvLayout('teams/ops/am').configKey, 'teams/ops/am/config')
  })

  it('rejects prefixes that would produce odd keys', () => {
    // Empty, a leading slash (Consul keys have none), a trailing slash (double slash).
    for (const prefix of ['', '/alertmesh', 'alertmesh/']) {
      assert.throws(() => kvLayout(prefix), InvalidArgumentError, JSON.stringify(prefix))
    }
  })
})
