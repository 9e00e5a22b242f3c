import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'

import { AlertmeshError, ClosedError, InvalidArgumentError } from '#src/util/errors.js'

import { REPO_ROOT } from '../../support/node-process.js'

const SRC = join(REPO_ROOT, 'src')

/**
 * INTERNAL_SIGNALS are the only classes in src/ allowed to extend Error directly: none leaves
 * its file or reaches an operator (each one's comment says so in its source).
 */
const INTERNAL_SIGNALS = new Map([
  // The root of the hierarchy itself.
  ['util/errors.ts', ['AlertmeshError']],
  // yaml.v2's `invalid map key`, caught by parseYamlValue in the same file.
  ['config/goyaml/value.ts', ['InvalidKeyError']],
  // Unwinds a range for {{break}} / {{continue}}; caught by the range walker.
  ['notify/template/go/exec.ts', ['WalkSignal']],
  // The JSON syntax checker's failure, caught and returned as a message in the same file.
  ['notify/integrations/go-json-syntax.ts', ['SyntaxFailure']],
  // A non-retryable email failure; toNotifyError turns it into a NotifyError.
  ['notify/integrations/email/notifier.ts', ['FinalError']],
  // yaml.v2's abort from a custom unmarshaler; parseWebConfig turns it into a WebConfigError.
  ['web/yaml-decoder.ts', ['FatalError']],
  // Browser code: src/ui may not import src/util.
  ['ui/api.ts', ['ApiError']],
])

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

const FILES = sources(SRC).map((path) => ({
  path: relative(SRC, path),
  text: readFileSync(path, 'utf8'),
}))

describe('the AlertmeshError hierarchy', () => {
  it('holds every error class in src/ but the allow-listed internal signals', () => {
    const outside: string[] = []
    for (const { path, text } of FILES) {
      for (const m of text.matchAll(/\bclass (\w+) extends Error\b/g)) {
        const name = m[1] as string
        if (!(INTERNAL_SIGNALS.get(path) ?? []).includes(name)) {
          outside.push(`${path}: ${name}`)
        }
      }
    }
    assert.deepEqual(outside, [], 'extend AlertmeshError with a stable code instead')
  })

  it('lists no internal signal that no longer exists', () => {
    for (const [path, names] of INTERNAL_SIGNALS) {
      const text = FILES.find((f) => f.path === path)?.text ?? ''
      for (const name of names) {
        assert.match(text, new RegExp(`\\bclass ${name} extends Error\\b`), `${path}: ${name}`)
      }
    }
  })

  it('raises every ErrorCode somewhere', () => {
    const declaration = FILES.find((f) => f.path === 'util/errors.ts')?.text ?? ''
    const union = /export type ErrorCode =([^/]*?)\n\n/.exec(declaration)?.[1] ?? ''
    const codes = [...union.matchAll(/'(AM_[A-Z_]+)'/g)].map((m) => m[1] as string)
    assert.ok(codes.length > 10, `parsed the ErrorCode union: ${codes.join(', ')}`)
    // A raise passes the literal as the first argument of super(...) or of new XError(...).
    const raised = new Set(
      FILES.flatMap(({ text }) =>
        [...text.matchAll(/(?:super|new \w+)\(\s*'(AM_[A-Z_]+)'/g)].map((m) => m[1] as string)
      )
    )
    assert.deepEqual(
      codes.filter((code) => !raised.has(code)),
      [],
      'remove codes nothing raises from ErrorCode'
    )
  })

  it('keeps name, code, message and cause on a subclass', () => {
    const cause = new Error('root')
    const err = new InvalidArgumentError('retentionMs must be positive')
    assert.ok(err instanceof AlertmeshError)
    assert.equal(err.name, 'InvalidArgumentError')
    assert.equal(err.code, 'AM_INVALID_ARGUMENT')
    assert.equal(err.message, 'retentionMs must be positive')
    const wrapped = new AlertmeshError('AM_CONFIG_INVALID', 'bad', { cause })
    assert.equal(wrapped.cause, cause)
    assert.equal(new ClosedError('silences').message, 'silences is stopped')
  })
})
