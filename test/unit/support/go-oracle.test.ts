// goOutcome: how the execution oracle tests read a case's result from Go.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { goOutcome } from '../../support/go-oracle.js'

describe('goOutcome', () => {
  const cases: readonly [string, Parameters<typeof goOutcome>[0], string][] = [
    // Ran: the output.
    ['ran', { name: 'a', output: 'x y' }, 'ok: x y'],
    // Ran to an empty output.
    ['empty output', { name: 'b', output: '' }, 'ok: '],
    // Failed to execute: the execution error, whatever was written before it.
    ['exec error', { name: 'c', output: 'partial', execError: 'boom' }, 'err: boom'],
    // Failed to parse: the parse error wins over anything else.
    [
      'parse error',
      { name: 'd', output: '', parseError: 'unclosed', execError: 'never' },
      'err: unclosed',
    ],
  ]
  for (const [why, result, want] of cases) {
    it(why, () => {
      assert.equal(goOutcome(result), want)
    })
  }
})
