import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'

import { freePort } from '../../support/ports.js'
import { exitOf, httpOk, spawnUntilReady, waitFor } from '../../support/wait.js'

/** script runs a small node program given as text. */
function script(code: string): [string, string[]] {
  return [process.execPath, ['-e', code]]
}

describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0
    const value = await waitFor('the third call', () => (++calls === 3 ? 0 : undefined), {
      intervalMs: 1,
    })
    assert.equal(value, 0, 'a falsy value other than false counts as done')
    assert.equal(calls, 3)
  })

  it('times out naming the condition and the check last error', async () => {
    await assert.rejects(
      waitFor(
        'nothing',
        () => {
          throw new Error('boom')
        },
        { timeoutMs: 30, intervalMs: 5 }
      ),
      { message: 'timed out waiting for nothing (last error: boom)' }
    )
  })

  it('stops as soon as its signal aborts', async () => {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => {
      controller.abort(new Error('stopped'))
    }, 20)
    await assert.rejects(
      waitFor('never', () => false, { timeoutMs: 10_000, signal: controller.signal }),
      /stopped/
    )
    assert.ok(Date.now() - started < 5000)
  })
})

describe('httpOk', () => {
  it('is true for 2xx, false for other answers and for no answer', async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 503).end('body')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      assert.equal(await httpOk(`${base}/ok`), true)
      assert.equal(await httpOk(`${base}/not-ready`), false)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
    assert.equal(await httpOk(`http://127.0.0.1:${await freePort()}/`), false)
  })
})

describe('spawnUntilReady', () => {
  it('resolves once the check holds and keeps collecting output', async () => {
    const [command, args] = script(
      "console.log('starting'); setTimeout(() => console.log('listening'), 50); setTimeout(() => console.error('later'), 150); setTimeout(() => {}, 10000)"
    )
    const { child, output, exited } = await spawnUntilReady(command, args, {
      name: 'child',
      check: (out) => out.includes('listening\n'),
    })
    try {
      assert.equal(child.exitCode, null)
      assert.match(output(), /^starting\nlistening\n/)
      await waitFor('the later line', () => output().includes('later'))
    } finally {
      child.kill('SIGTERM')
    }
    assert.equal((await exited).signal, 'SIGTERM')
  })

  it('fails at once when the child exits first, quoting its output', async () => {
    const [command, args] = script("console.error('bad flag'); process.exit(3)")
    const started = Date.now()
    await assert.rejects(
      spawnUntilReady(command, args, { name: 'child', check: () => false, timeoutMs: 20_000 }),
      (err: unknown) => {
        assert.ok(err instanceof Error)
        assert.match(err.message, /^child exited with 3 before it was ready:\nbad flag\n/)
        assert.match(err.message, /child output:\nbad flag\n$/)
        return true
      }
    )
    assert.ok(Date.now() - started < 10_000, 'did not wait for the timeout')
  })

  it('kills a child that is not ready in time', async () => {
    const [command, args] = script("console.log('up'); setTimeout(() => {}, 60000)")
    let spawned: ReturnType<typeof exitOf> | undefined
    await assert.rejects(
      spawnUntilReady(command, args, {
        name: 'child',
        check: () => false,
        timeoutMs: 300,
        onSpawn: (child) => {
          spawned = exitOf(child)
        },
      }),
      /timed out waiting for child ready[^]*child output:\nup\n$/
    )
    assert.ok(spawned !== undefined)
    assert.deepEqual(await spawned, { code: null, signal: 'SIGKILL' })
  })

  it('names a command that cannot be run', async () => {
    await assert.rejects(
      spawnUntilReady('/nonexistent/binary', [], { name: 'nothing', check: () => true }),
      /ENOENT/
    )
  })
})
