import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { SecretFileError, readSecretFile, readSecretFileSync } from '#src/notify/index.js'

describe('readSecretFile', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-file-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('trims white space, as PagerDuty, VictorOps and Slack do in 0.25', async () => {
    const file = join(dir, 'routing-key')
    await writeFile(file, '  abc123 \n')
    assert.equal(await readSecretFile(file, 'trim'), 'abc123')
  })

  it('keeps the bytes as they are, as email and OpsGenie do in 0.25', async () => {
    const file = join(dir, 'password')
    await writeFile(file, 'p@ss word\n')
    assert.equal(await readSecretFile(file, 'keep'), 'p@ss word\n')
  })

  it('reads the file again at every call, so a rotated secret is used at once', async () => {
    const file = join(dir, 'rotated')
    await writeFile(file, 'old')
    assert.equal(await readSecretFile(file, 'trim'), 'old')
    await writeFile(file, 'new')
    assert.equal(await readSecretFile(file, 'trim'), 'new')
  })

  // Each row: what is at the path, Go's os.ReadFile message.
  const FAILURES: readonly [string, (d: string) => string, (p: string) => string][] = [
    ['a missing file', (d) => join(d, 'nope'), (p) => `open ${p}: no such file or directory`],
    ['a directory', (d) => d, (p) => `read ${p}: is a directory`],
    [
      'a path through a file',
      (d) => join(d, 'routing-key', 'x'),
      (p) => `open ${p}: not a directory`,
    ],
  ]
  for (const [name, path, message] of FAILURES) {
    it(`fails with Go's message for ${name}`, async () => {
      const p = path(dir)
      await assert.rejects(readSecretFile(p, 'trim'), (err: unknown) => {
        assert.ok(err instanceof SecretFileError)
        assert.equal(err.message, message(p))
        return true
      })
    })

    it(`fails with Go's message for ${name}, read synchronously`, () => {
      const p = path(dir)
      assert.throws(
        () => readSecretFileSync(p, 'trim'),
        (err: unknown) => {
          assert.ok(err instanceof SecretFileError)
          assert.equal(err.message, message(p))
          return true
        }
      )
    })
  }

  it('reads synchronously, trimmed or kept, for notifiers that read when built', async () => {
    const file = join(dir, 'token')
    await writeFile(file, '  tok \n')
    assert.equal(readSecretFileSync(file, 'trim'), 'tok')
    assert.equal(readSecretFileSync(file, 'keep'), '  tok \n')
  })
})
