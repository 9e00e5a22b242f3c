import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** MODULE is the compiled notify/http entry the child process imports. */
const MODULE = fileURLToPath(new URL('../../../../src/notify/http/index.js', import.meta.url))

describe('warmUpHttpClient', () => {
  it('sends one request through undici on loopback and leaves nothing that keeps a process alive', async () => {
    // A process of its own: it must end by itself once the warm-up is done (a server or socket
    // left open would keep it running until the timeout), and report undici loaded.
    const script = [
      `const { warmUpHttpClient } = await import(${JSON.stringify(MODULE)})`,
      'const { createRequire } = await import("node:module")',
      'await warmUpHttpClient()',
      'const require = createRequire(import.meta.url)',
      `process.stdout.write(String(require.cache[require.resolve('undici', { paths: [${JSON.stringify(MODULE)}] })] !== undefined))`,
    ].join('\n')
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 20_000 }
    )
    assert.equal(stdout, 'true')
  })
})
