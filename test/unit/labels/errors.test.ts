import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { MatcherError } from '#src/labels/errors.js'
import { AlertmeshError } from '#src/util/index.js'

describe('MatcherError', () => {
  it('is an AlertmeshError with code AM_MATCHER_INVALID, its own name and the cause', () => {
    const cause = new Error('inner')
    const err = new MatcherError('bad matcher format: x', { cause })
    assert.ok(err instanceof AlertmeshError)
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'AM_MATCHER_INVALID')
    assert.equal(err.name, 'MatcherError')
    assert.equal(err.message, 'bad matcher format: x')
    assert.equal(err.cause, cause)
  })
})
