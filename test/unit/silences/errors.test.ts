import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { SilenceInvalidError, SilenceNotFoundError } from '#src/silences/index.js'
import { AlertmeshError } from '#src/util/index.js'

describe('silence errors', () => {
  // Each row: the error, its stable code, its exact message (the API returns messages as is).
  const cases: { error: AlertmeshError; code: string; message: string; name: string }[] = [
    {
      error: new SilenceNotFoundError(),
      code: 'AM_SILENCE_NOT_FOUND',
      message: 'silence not found',
      name: 'SilenceNotFoundError',
    },
    {
      error: new SilenceInvalidError('invalid zero start timestamp'),
      code: 'AM_SILENCE_INVALID',
      message: 'silence invalid: invalid zero start timestamp',
      name: 'SilenceInvalidError',
    },
  ]
  for (const c of cases) {
    it(`${c.name} has code ${c.code} and 0.25's message`, () => {
      assert.ok(c.error instanceof AlertmeshError)
      assert.equal(c.error.code, c.code)
      assert.equal(c.error.message, c.message)
      assert.equal(c.error.name, c.name)
    })
  }

  it('keeps the cause of an invalid silence', () => {
    const cause = new Error('inner')
    assert.equal(new SilenceInvalidError('x', { cause }).cause, cause)
  })
})
