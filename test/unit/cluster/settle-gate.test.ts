import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it, mock } from 'node:test'

import { Dialer } from '#src/cluster/dialer.js'
import { SettleGate } from '#src/cluster/settle-gate.js'
import { ClosedError } from '#src/util/index.js'

import { quietLog } from './helpers.js'

/**
 * gate builds a SettleGate over a real (never started) Dialer: `peers` plays the mesh's
 * established connections, `handshakes` its connections still in their handshake, and
 * `sources.known` the discovery's verdict. Time is mock time.
 */
function gate(timeoutMs = 60_000) {
  const { log, records } = quietLog()
  const peers = new Map<string, unknown>()
  const sources = { known: true, handshakes: 0 }
  const dialer = new Dialer(
    {
      initialBackoffMs: 100,
      maxBackoffMs: 1_000,
      forgetAfterMs: 60_000,
      now: () => Date.now(),
      dial: () => undefined,
      isConnected: (name) => peers.has(name),
      onReconnect: () => undefined,
    },
    []
  )
  const g = new SettleGate({
    timeoutMs,
    sourcesKnown: () => sources.known,
    peers: () => peers,
    handshaking: () => sources.handshakes > 0,
    targets: dialer,
    now: () => Date.now(),
    log,
  })
  /** connect plays a peer `name` at `address` becoming connected, as the mesh reports it. */
  const connect = (address: string, name: string): void => {
    peers.set(name, {})
    dialer.learn(address, name)
    dialer.connected(name)
  }
  /** reason is what the settle log gives as the reason; `timeout` has a message of its own. */
  const reason = (): unknown => {
    const settled = records().find(
      (r) =>
        r['msg'] === 'gossip settled; proceeding' ||
        r['msg'] === 'gossip not settled but continuing anyway'
    )
    return settled?.['msg'] === 'gossip not settled but continuing anyway'
      ? 'timeout'
      : settled?.['reason']
  }
  return { g, peers, sources, dialer, connect, reason }
}

describe('SettleGate', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 })
  })
  afterEach(() => {
    mock.timers.reset()
  })

  it('settles at start when no peer may come', () => {
    const { g, reason } = gate()
    g.start(false)
    assert.equal(g.ready, true)
    assert.equal(reason(), 'no_peers')
  })

  it('decides nothing before start', () => {
    const { g } = gate()
    g.check()
    g.merged('b')
    assert.equal(g.ready, false)
  })

  it('waits for every source, then settles at once when they name nobody', () => {
    const { g, sources, reason } = gate()
    sources.known = false
    g.start(true)
    mock.timers.tick(5_000)
    // Not even settling alone: an unresolved --cluster.peer or a silent discovery may yet
    // name a peer.
    assert.equal(g.ready, false)
    sources.known = true
    g.check()
    assert.equal(g.ready, true)
    assert.equal(reason(), 'no_peers')
  })

  it('settles on a full state once every known address is synced or down for a second', () => {
    const { g, dialer, connect, reason } = gate()
    dialer.setSource('static', ['10.0.0.1:9094', '10.0.0.2:9094'])
    g.start(true)
    connect('10.0.0.1:9094', 'b')
    mock.timers.tick(500)
    g.merged('b')
    // 10.0.0.2 has been unreachable for only half a second: it may be a peer still starting.
    assert.equal(g.ready, false)
    mock.timers.tick(499)
    assert.equal(g.ready, false)
    mock.timers.tick(1)
    assert.equal(g.ready, true)
    assert.equal(reason(), 'full_state')
  })

  it('settles on the full state at once when it is the only peer known', () => {
    const { g, dialer, connect, reason } = gate()
    dialer.setSource('static', ['10.0.0.1:9094'])
    g.start(true)
    connect('10.0.0.1:9094', 'b')
    g.merged('b')
    assert.equal(g.ready, true)
    assert.equal(reason(), 'full_state')
  })

  it('does not count a full state from a peer that is no longer connected', () => {
    const { g, peers, dialer, connect } = gate()
    dialer.setSource('static', ['10.0.0.1:9094'])
    g.start(true)
    connect('10.0.0.1:9094', 'b')
    peers.delete('b')
    dialer.disconnected('b')
    g.merged('b')
    assert.equal(g.ready, false)
  })

  it('settles alone a second after start when every known address is unreachable', () => {
    const { g, dialer, reason } = gate()
    dialer.setSource('static', ['10.0.0.1:9094', '10.0.0.2:9094'])
    g.start(true)
    mock.timers.tick(999)
    assert.equal(g.ready, false)
    // The next poll (every 100 ms) sees both down for a second.
    mock.timers.tick(100)
    assert.equal(g.ready, true)
    assert.equal(reason(), 'peers_unreachable')
  })

  it('does not settle alone while a connection is handshaking or a peer is connected', () => {
    const { g, peers, sources, dialer } = gate()
    dialer.setSource('static', ['10.0.0.1:9094'])
    g.start(true)
    sources.handshakes = 1
    mock.timers.tick(2_000)
    assert.equal(g.ready, false)
    sources.handshakes = 0
    // A connected peer that sends no full state: reachable, so waited for.
    peers.set('b', {})
    mock.timers.tick(2_000)
    assert.equal(g.ready, false)
    peers.delete('b')
    mock.timers.tick(100)
    assert.equal(g.ready, true)
  })

  it('gives up waiting at the timeout', () => {
    const { g, dialer, connect, reason } = gate(5_000)
    dialer.setSource('static', ['10.0.0.1:9094'])
    g.start(true)
    connect('10.0.0.1:9094', 'b')
    mock.timers.tick(4_999)
    assert.equal(g.ready, false)
    mock.timers.tick(1)
    assert.equal(g.ready, true)
    assert.equal(reason(), 'timeout')
  })

  it('releases waiters when settled and rejects them on stop', async () => {
    const { g, dialer, connect } = gate()
    dialer.setSource('static', ['10.0.0.1:9094'])
    g.start(true)
    const released = g.waitReady(new AbortController().signal)
    connect('10.0.0.1:9094', 'b')
    g.merged('b')
    await released

    const other = gate()
    other.dialer.setSource('static', ['10.0.0.1:9094'])
    other.g.start(true)
    const pending = other.g.waitReady(new AbortController().signal)
    other.g.stop()
    await assert.rejects(pending, ClosedError)
    // Stopped means stopped: a late full state settles nothing.
    other.connect('10.0.0.1:9094', 'b')
    other.g.merged('b')
    assert.equal(other.g.ready, false)
  })
})
