import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it, mock } from 'node:test'

import { Dialer } from '#src/cluster/dialer.js'
import type { DialerOptions } from '#src/cluster/dialer.js'

/** harness records each dial with its (mock) time; `connected` plays the peer's name map. */
function harness(overrides: Partial<DialerOptions> = {}, self: string[] = []) {
  const dials: [number, string][] = []
  const connected = new Set<string>()
  const reconnects = { tried: 0, failed: 0 }
  const dialer = new Dialer(
    {
      initialBackoffMs: 100,
      maxBackoffMs: 400,
      forgetAfterMs: 10_000,
      now: () => Date.now(),
      dial: (address) => dials.push([Date.now(), address]),
      isConnected: (name) => connected.has(name),
      onReconnect: (failed) => {
        if (failed) {
          reconnects.failed++
        } else {
          reconnects.tried++
        }
      },
      ...overrides,
    },
    self
  )
  return { dialer, dials, connected, reconnects }
}

describe('Dialer', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 })
  })
  afterEach(() => {
    mock.timers.reset()
  })

  it('dials at start, then backs off from 100 ms doubling to the maximum', () => {
    // Every dial fails at once, as a refused connection does.
    const failing: [number, string][] = []
    const h = harness({ dial: (address) => failing.push([Date.now(), address]) })
    const { dialer, reconnects } = h
    const fail = (): void => {
      for (const [, address] of failing.splice(0)) {
        h.dials.push([Date.now(), address])
        dialer.dialEnded(address, undefined)
      }
    }
    dialer.setSource('static', ['10.0.0.1:9094'])
    dialer.start()
    for (let t = 0; t <= 1_600; t++) {
      mock.timers.tick(t === 0 ? 0 : 1)
      fail()
    }
    const times = h.dials.map(([t]) => t)
    assert.deepEqual(times, [0, 100, 300, 700, 1_100, 1_500])
    // The first dial is not a retry; the five after it are, and all failed.
    assert.equal(reconnects.tried, 5)
    assert.equal(reconnects.failed, 5)
    dialer.stop()
  })

  it('does not dial a node connected another way, and redials it 100 ms after it leaves', () => {
    const { dialer, dials, connected, reconnects } = harness()
    dialer.start()
    connected.add('b')
    dialer.learn('10.0.0.2:9094', 'b')
    dialer.connected('b')
    mock.timers.tick(1_000)
    assert.equal(dials.length, 0)
    assert.equal(dialer.failedCount(), 0)
    connected.delete('b')
    dialer.disconnected('b')
    assert.equal(dialer.failedCount(), 1)
    mock.timers.tick(99)
    assert.equal(dials.length, 0)
    mock.timers.tick(1)
    assert.deepEqual(dials, [[1_100, '10.0.0.2:9094']])
    assert.equal(reconnects.tried, 1, 'a dial to a node seen before is a reconnection')
    dialer.stop()
  })

  it('redials a lost node at once while its dials go unanswered, and backs off when refused', () => {
    const { dialer, dials, connected } = harness({ maxBackoffMs: 10_000 })
    dialer.setSource('static', ['10.0.0.2:9094'])
    dialer.start()
    mock.timers.tick(0)
    // The node answers once and is connected, then goes behind a partition.
    dialer.dialEnded(dials.splice(0)[0]?.[1] ?? '', 'b')
    connected.add('b')
    dialer.connected('b')
    connected.delete('b')
    dialer.disconnected('b')
    const unanswered: number[] = []
    for (let t = 0; t < 12_000; t += 100) {
      mock.timers.tick(100)
      for (const [at, address] of dials.splice(0)) {
        unanswered.push(at)
        // Each dial gives up after CONNECT_TIMEOUT_MS with no answer.
        mock.timers.tick(1_000)
        t += 1_000
        dialer.dialEnded(address, undefined, true)
      }
    }
    const gaps = unanswered.slice(1).map((at, i) => at - (unanswered[i] as number))
    assert.ok(gaps.length >= 8, `dialled ${unanswered.length} times`)
    assert.ok(
      gaps.every((gap) => gap <= 1_100),
      `an unanswered lost node waited ${Math.max(...gaps)} ms between dials`
    )
    // A refusal says the host is there and the process is not: back off as before.
    const refused: number[] = []
    for (let t = 0; t < 20_000; t += 100) {
      mock.timers.tick(100)
      for (const [at, address] of dials.splice(0)) {
        refused.push(at)
        dialer.dialEnded(address, undefined, false)
      }
    }
    const refusedGaps = refused.slice(1).map((at, i) => at - (refused[i] as number))
    assert.ok(Math.max(...refusedGaps) >= 6_400, `refused dials every ${refusedGaps.join(', ')} ms`)
    dialer.stop()
  })

  it('never dials its own addresses, including one found by the handshake', () => {
    const { dialer, dials } = harness({}, ['127.0.0.1:9094'])
    dialer.setSource('static', ['127.0.0.1:9094', '127.0.0.1:9095'])
    dialer.start()
    mock.timers.tick(0)
    assert.deepEqual(
      dials.map(([, a]) => a),
      ['127.0.0.1:9095']
    )
    dialer.markSelf('127.0.0.1:9095')
    dialer.dialEnded('127.0.0.1:9095', undefined)
    mock.timers.tick(10_000)
    assert.equal(dials.length, 1)
    assert.deepEqual(dialer.addresses(), new Map())
    dialer.stop()
  })

  it('stops dialling addresses a source drops, and keeps those another source still wants', () => {
    const { dialer } = harness()
    dialer.setSource('static', ['a:1', 'b:1'])
    dialer.setSource('discovered', ['b:1', 'c:1'])
    dialer.setSource('discovered', ['c:1'])
    assert.deepEqual(
      dialer.addresses(),
      new Map([
        ['a:1', ['static']],
        ['b:1', ['static']],
        ['c:1', ['discovered']],
      ])
    )
    dialer.setSource('static', [])
    assert.deepEqual([...dialer.addresses().keys()], ['c:1'])
  })

  it('forgets a gossip-learned address unreachable for forgetAfterMs, never a configured one', () => {
    const { dialer, dials } = harness({ forgetAfterMs: 1_000 })
    dialer.learn('g:1', 'g')
    dialer.setSource('static', ['s:1'])
    dialer.start()
    for (let i = 0; i < 30; i++) {
      mock.timers.tick(100)
      for (const [, address] of dials.splice(0)) {
        dialer.dialEnded(address, undefined)
      }
    }
    assert.deepEqual([...dialer.addresses().keys()], ['s:1'])
    dialer.stop()
  })

  it('counts a failed node once across its addresses, and tells when all are down', () => {
    const { dialer, connected } = harness()
    dialer.learn('10.0.0.1:9094', 'a')
    dialer.learn('127.0.0.1:9094', 'a')
    dialer.setSource('static', ['10.0.0.9:9094'])
    assert.equal(dialer.failedCount(), 2)
    assert.equal(dialer.allDownFor(1_000), false)
    mock.timers.tick(1_000)
    assert.equal(dialer.allDownFor(1_000), true)
    connected.add('a')
    dialer.connected('a')
    assert.equal(dialer.failedCount(), 1)
    assert.equal(dialer.allDownFor(1_000), false)
  })
})
