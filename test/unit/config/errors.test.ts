import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { ConfigError } from '#src/config/index.js'
import { AlertmeshError } from '#src/util/index.js'

describe('ConfigError', () => {
  const rows: [string, ConstructorParameters<typeof ConfigError>[1], string][] = [
    ['no location at all', {}, 'no route provided in config'],
    ['a line', { line: 3 }, 'line 3: no route provided in config'],
    [
      'a path and a line',
      { path: 'route.receiver', line: 3 },
      'line 3: route.receiver: no route provided in config',
    ],
    ['a file name', { fileName: 'am.yml', line: 3 }, 'am.yml: line 3: no route provided in config'],
    ['a summary', { line: 3, summary: 'short' }, 'line 3: short'],
  ]
  for (const [name, details, message] of rows) {
    it(`composes its message from ${name}`, () => {
      const err = new ConfigError('no route provided in config', details)
      assert.equal(err.message, message)
      assert.equal(err.amMessage, 'no route provided in config')
    })
  }

  it('is an AlertmeshError with code AM_CONFIG_INVALID and keeps its cause', () => {
    const cause = new Error('inner')
    const err = new ConfigError('x', { cause })
    assert.ok(err instanceof AlertmeshError)
    assert.equal(err.code, 'AM_CONFIG_INVALID')
    assert.equal(err.name, 'ConfigError')
    assert.equal(err.cause, cause)
  })
})
