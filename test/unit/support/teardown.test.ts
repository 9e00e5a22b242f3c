import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'

import { freePort } from '../../support/ports.js'
import { Teardown } from '../../support/teardown.js'

describe('Teardown', () => {
  it('releases newest first and runs every step even after one fails', async () => {
    const released: string[] = []
    const teardown = new Teardown()
    teardown.add('a', (r) => released.push(r))
    teardown.add('b', () => {
      throw new Error('b failed')
    })
    teardown.stop({
      stop: () => {
        released.push('c')
        return Promise.resolve()
      },
    })
    await assert.rejects(teardown.run(), /b failed/)
    assert.deepEqual(released, ['c', 'a'])
    await teardown.run()
    assert.deepEqual(released, ['c', 'a'], 'a second run releases nothing twice')
  })

  it('reports several failures together', async () => {
    const teardown = new Teardown()
    for (const name of ['x', 'y']) {
      teardown.add(name, (n) => Promise.reject(new Error(`${n} failed`)))
    }
    await assert.rejects(teardown.run(), (err: unknown) => {
      assert.ok(err instanceof AggregateError)
      assert.deepEqual(
        err.errors.map((e: Error) => e.message),
        ['y failed', 'x failed']
      )
      return true
    })
  })

  it('stopAll settles only once every start has, and registers the late ones too', async () => {
    const teardown = new Teardown()
    const stopped: string[] = []
    const started = (name: string, ms: number) =>
      new Promise<{ stop(): Promise<void> }>((resolve) =>
        setTimeout(() => {
          resolve({
            stop: () => {
              stopped.push(name)
              return Promise.resolve()
            },
          })
        }, ms)
      )
    const failed = new Promise<never>((_resolve, reject) => {
      reject(new Error('start failed'))
    })
    await assert.rejects(teardown.stopAll([failed, started('slow', 50)]), /start failed/)
    await teardown.run()
    assert.deepEqual(stopped, ['slow'], 'the start still running when its sibling failed')

    const [one, two] = await teardown.stopAll([started('one', 0), started('two', 0)])
    assert.ok(one !== two)
    await teardown.run()
    assert.deepEqual(stopped.slice(1).sort(), ['one', 'two'])
  })
})

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, bindable for TCP and UDP', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()))
    assert.equal(new Set(ports).size, ports.length)
    for (const port of ports) {
      assert.ok(port >= 20_000 && port < 32_768, `${port} below the ephemeral range`)
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
      const socket = createSocket('udp4')
      await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve))
      await new Promise<void>((resolve) => {
        socket.close(() => {
          resolve()
        })
      })
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
