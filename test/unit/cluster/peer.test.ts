import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { ClusterListenError, ClusterPeer } from '#src/cluster/index.js'
import { ClosedError, InvalidArgumentError } from '#src/util/index.js'

import { freePort } from '../../support/ports.js'

import {
  MemoryState,
  RawPeer,
  metricValue,
  names,
  quietLog,
  startPeer,
  waitFor,
} from './helpers.js'
import type { TestPeer } from './helpers.js'

/** stopAll stops test peers, whatever state they are in. */
async function stopAll(peers: readonly TestPeer[]): Promise<void> {
  await Promise.all(peers.map((p) => p.peer.stop()))
}

/** settledRecord finds the settle log record. */
function settledRecord(p: TestPeer): Record<string, unknown> | undefined {
  return p
    .records()
    .find(
      (r) =>
        r['msg'] === 'gossip settled; proceeding' ||
        r['msg'] === 'gossip not settled but continuing anyway'
    )
}

/**
 * star starts a, b, c where b and c know only a (and a knows only b), so b and c can only learn
 * of each other through a's MEMBERS list.
 */
async function star(extra: Parameters<typeof startPeer>[1] = {}): Promise<TestPeer[]> {
  const portA = await freePort()
  const b = await startPeer('b', { ...extra, knownPeers: [`127.0.0.1:${portA}`] })
  const a = await startPeer('a', {
    ...extra,
    listenAddress: `127.0.0.1:${portA}`,
    knownPeers: [b.address],
  })
  const c = await startPeer('c', { ...extra, knownPeers: [a.address] })
  return [a, b, c]
}

describe('ClusterPeer', () => {
  it('forms a full mesh from one known peer each, with the same order and positions everywhere', async () => {
    const peers = await star()
    try {
      await waitFor('a full mesh', () => peers.every((p) => names(p).length === 3))
      for (const p of peers) {
        assert.deepEqual(names(p), ['a', 'b', 'c'])
        assert.deepEqual(
          p.peer.members(),
          peers.map((q) => q.peer.self())
        )
      }
      assert.deepEqual(
        peers.map((p) => p.peer.position()),
        [0, 1, 2]
      )
      assert.deepEqual(
        peers.map((p) => p.peer.waitMs()),
        [0, 1_000, 2_000]
      )
      // One connection per pair: each node saw exactly two joins, duplicates were not joins.
      for (const p of peers) {
        assert.equal(await metricValue(p.registry, 'alertmanager_cluster_peers_joined_total'), 2)
        assert.equal(await metricValue(p.registry, 'alertmanager_cluster_members'), 3)
        assert.equal(await metricValue(p.registry, 'alertmanager_cluster_enabled'), 1)
        assert.equal(
          await metricValue(p.registry, 'alertmanager_cluster_peer_info', {
            peer: p.peer.self().name,
          }),
          1
        )
        assert.equal(await metricValue(p.registry, 'alertmanager_peer_position'), p.peer.position())
        assert.equal(await metricValue(p.registry, 'alertmanager_cluster_failed_peers'), 0)
      }
    } finally {
      await stopAll(peers)
    }
  })

  it('delivers a broadcast to every peer within a few milliseconds', async () => {
    const peers = await star()
    const [a, b, c] = peers as [TestPeer, TestPeer, TestPeer]
    try {
      await waitFor('a full mesh', () => peers.every((p) => names(p).length === 3))
      const started = performance.now()
      a.state.set('silence-1', 'active')
      await Promise.all([
        b.state.waitFor('silence-1', 'active'),
        c.state.waitFor('silence-1', 'active'),
      ])
      const elapsedMs = performance.now() - started
      assert.ok(elapsedMs < 100, `broadcast took ${elapsedMs} ms`)
      // Receivers do not pass it on: each merged it once, from a.
      assert.ok(
        (await metricValue(b.registry, 'alertmanager_cluster_messages_received_total', {
          msg_type: 'update',
        })) === 1
      )
      assert.equal(
        await metricValue(a.registry, 'alertmanager_cluster_messages_sent_total', {
          msg_type: 'update',
        }),
        2
      )
      // A large change set goes out whole in one message.
      const big = 'x'.repeat(2 * 1024 * 1024)
      c.state.set('big', big)
      await Promise.all([a.state.waitFor('big', big), b.state.waitFor('big', big)])
    } finally {
      await stopAll(peers)
    }
  })

  it('gives a late joiner the existing state before it reports ready, and takes its state too', async () => {
    const a = await startPeer('a')
    const b = await startPeer('b', { knownPeers: [a.address] })
    const peers = [a, b]
    try {
      await waitFor('a and b', () => names(b).length === 2)
      a.state.set('from-a', '1')
      await b.state.waitFor('from-a', '1')
      const late = await startPeer('late', { knownPeers: [b.address] }, (s) => {
        s.set('from-late', '2', false)
      })
      peers.push(late)
      assert.equal(late.peer.status(), 'settling')
      await late.peer.waitReady(AbortSignal.timeout(5_000))
      assert.equal(late.state.get('from-a'), '1', 'state is in when ready resolves')
      assert.equal(late.peer.status(), 'ready')
      assert.equal(settledRecord(late)?.['reason'], 'full_state')
      await b.state.waitFor('from-late', '2')
      await a.state.waitFor('from-late', '2')
    } finally {
      await stopAll(peers)
    }
  })

  it('repairs a change made without broadcast through anti-entropy, both ways', async () => {
    const a = await startPeer('a', { pushPullIntervalMs: 100 })
    const b = await startPeer('b', { pushPullIntervalMs: 100, knownPeers: [a.address] })
    try {
      await waitFor('a and b', () => names(a).length === 2)
      a.state.set('only-a', '1', false)
      b.state.set('only-b', '2', false)
      await Promise.all([b.state.waitFor('only-a', '1'), a.state.waitFor('only-b', '2')])
      assert.deepEqual(a.state.entries, b.state.entries)
      assert.ok(
        ((await metricValue(a.registry, 'alertmanager_cluster_messages_sent_total', {
          msg_type: 'digest',
        })) ?? 0) > 0
      )
    } finally {
      await stopAll([a, b])
    }
  })

  it('drops a stopped peer from members once a redial finds it gone, and the next node no longer waits for it', async () => {
    const peers = await star({ peerTimeoutMs: 500 })
    const [a, b, c] = peers as [TestPeer, TestPeer, TestPeer]
    try {
      await waitFor('a full mesh', () => peers.every((p) => names(p).length === 3))
      assert.equal(b.peer.waitMs(), 500)
      const started = performance.now()
      await a.peer.stop()
      await waitFor('b and c to drop a', () => names(b).length === 2 && names(c).length === 2, {
        intervalMs: 2,
      })
      const elapsedMs = performance.now() - started
      // The close alone does not prove a gone: a is redialled first (after 100 ms, refused), and
      // leaves when the 300 ms grace for a closed connection ends.
      assert.ok(elapsedMs >= 250 && elapsedMs < 1_000, `a left after ${elapsedMs} ms`)
      assert.deepEqual(names(b), ['b', 'c'])
      assert.equal(b.peer.position(), 0)
      assert.equal(b.peer.waitMs(), 0)
      assert.equal(c.peer.waitMs(), 500)
      assert.equal(await metricValue(b.registry, 'alertmanager_cluster_peers_left_total'), 1)
      assert.equal(await metricValue(b.registry, 'alertmanager_cluster_failed_peers'), 1)
    } finally {
      await stopAll(peers)
    }
  })

  describe('a peer that stops answering pings', () => {
    /**
     * silentServer accepts raw peers named `silent` that complete the handshake and then never
     * send again, so a connection to one times out; `answer` decides, per connection, whether
     * the handshake is completed at all.
     */
    async function silentServer(answer: (connection: number) => boolean): Promise<{
      address: string
      accepted: RawPeer[]
      close: () => void
    }> {
      const accepted: RawPeer[] = []
      let connections = 0
      const server = createServer((socket) => {
        if (answer(++connections)) {
          accepted.push(RawPeer.accept(socket, { name: 'silent' }))
        } else {
          socket.on('error', () => undefined)
        }
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      return {
        address: `127.0.0.1:${port}`,
        accepted,
        close: () => {
          for (const r of accepted) {
            r.socket.destroy()
          }
          server.close()
        },
      }
    }
    const msgs = (p: TestPeer): unknown[] => p.records().map((r) => r['msg'])

    it('stays a member when a redial reaches it within a ping interval', async () => {
      const silent = await silentServer(() => true)
      const a = await startPeer('a', {
        knownPeers: [silent.address],
        pingIntervalMs: 500,
        pingTimeoutMs: 1_000,
      })
      try {
        await waitFor('the silent peer to join', () => names(a).length === 2)
        // The first connection times out; the redial (100 ms later) completes a new handshake.
        await waitFor('a redial', () => silent.accepted.length >= 2, { timeoutMs: 5_000 })
        await waitFor('the reconnect', () =>
          msgs(a).includes('Peer reconnected before it counted as gone')
        )
        assert.ok(msgs(a).includes('Peer connection lost; redialling it before it counts as gone'))
        assert.ok(!msgs(a).includes('Peer left; no longer waited for'))
        assert.deepEqual(names(a), ['a', 'silent'])
        assert.equal(await metricValue(a.registry, 'alertmanager_cluster_peers_left_total'), 0)
        assert.equal(await metricValue(a.registry, 'alertmanager_cluster_peers_joined_total'), 1)
      } finally {
        await a.peer.stop()
        silent.close()
      }
    })

    it('stays a member when it closed the connection itself and answers the redial', async () => {
      const silent = await silentServer(() => true)
      const a = await startPeer('a', { knownPeers: [silent.address] })
      try {
        await waitFor('the silent peer to join', () => names(a).length === 2)
        // As a peer that timed the link out closes it: a sees only the close.
        silent.accepted[0]?.socket.destroy()
        await waitFor('the reconnect', () =>
          msgs(a).includes('Peer reconnected before it counted as gone')
        )
        assert.equal(silent.accepted.length, 2)
        assert.ok(!msgs(a).includes('Peer left; no longer waited for'))
        assert.deepEqual(names(a), ['a', 'silent'])
        assert.equal(await metricValue(a.registry, 'alertmanager_cluster_peers_left_total'), 0)
      } finally {
        await a.peer.stop()
        silent.close()
      }
    })

    it('counts as a member through the grace, and leaves a ping interval later when nothing answers', async () => {
      // Only the first connection completes its handshake; redials get nowhere.
      const silent = await silentServer((n) => n === 1)
      const z = await startPeer('z', {
        knownPeers: [silent.address],
        pingIntervalMs: 500,
        pingTimeoutMs: 1_000,
        peerTimeoutMs: 700,
      })
      try {
        await waitFor('the silent peer to join', () => names(z).length === 2)
        await waitFor('the ping timeout', () =>
          msgs(z).includes('Peer connection lost; redialling it before it counts as gone')
        )
        const timedOutAt = performance.now()
        // Still waited for during the grace: z stays behind it in the order.
        assert.deepEqual(names(z), ['silent', 'z'])
        assert.equal(z.peer.waitMs(), 700)
        await waitFor('the leave', () => names(z).length === 1, { intervalMs: 5 })
        const graceMs = performance.now() - timedOutAt
        assert.ok(graceMs >= 400, `left ${graceMs} ms after the timeout`)
        assert.ok(msgs(z).includes('Peer left; no longer waited for'))
        assert.equal(z.peer.waitMs(), 0)
        assert.equal(await metricValue(z.registry, 'alertmanager_cluster_peers_left_total'), 1)
      } finally {
        await z.peer.stop()
        silent.close()
      }
    })
  })

  it('reconnects to a peer that restarts on the same port', async () => {
    const a = await startPeer('a')
    let b = await startPeer('b', { knownPeers: [a.address] })
    const port = b.address.slice(b.address.lastIndexOf(':') + 1)
    try {
      await waitFor('a and b', () => names(a).length === 2)
      await b.peer.stop()
      await waitFor('a to drop b', () => names(a).length === 1)
      a.state.set('while-b-was-down', 'x')
      // b comes back with no --cluster.peer: a must dial it again.
      b = await startPeer('b', { listenAddress: `127.0.0.1:${port}` })
      await waitFor('a to reconnect', () => names(a).length === 2 && names(b).length === 2)
      await b.state.waitFor('while-b-was-down', 'x')
      assert.ok(
        ((await metricValue(a.registry, 'alertmanager_cluster_reconnections_total')) ?? 0) > 0
      )
      assert.equal(await metricValue(a.registry, 'alertmanager_cluster_peers_joined_total'), 2)
    } finally {
      await stopAll([a, b])
    }
  })

  it('dedupes the two connections of peers that dial each other at once', async () => {
    const [pa, pb] = await Promise.all([freePort(), freePort()])
    const [a, b] = await Promise.all([
      startPeer('a', { listenAddress: `127.0.0.1:${pa}`, knownPeers: [`127.0.0.1:${pb}`] }),
      startPeer('b', { listenAddress: `127.0.0.1:${pb}`, knownPeers: [`127.0.0.1:${pa}`] }),
    ])
    try {
      await waitFor('a and b', () => names(a).length === 2 && names(b).length === 2)
      a.state.set('k', 'v')
      await b.state.waitFor('k', 'v')
      // Two joins would mean the loser of the dedupe was counted as a peer.
      assert.equal(await metricValue(a.registry, 'alertmanager_cluster_peers_joined_total'), 1)
      assert.equal(await metricValue(b.registry, 'alertmanager_cluster_peers_joined_total'), 1)
      assert.equal(await metricValue(a.registry, 'alertmanager_cluster_peers_left_total'), 0)
    } finally {
      await stopAll([a, b])
    }
  })

  it('ignores its own address in the peer list', async () => {
    const port = await freePort()
    const self = `127.0.0.1:${port}`
    const a = await startPeer('a', { listenAddress: self, knownPeers: [self] })
    try {
      await a.peer.waitReady(AbortSignal.timeout(2_000))
      assert.deepEqual(names(a), ['a'])
      assert.equal(await metricValue(a.registry, 'alertmanager_cluster_failed_peers'), 0)
    } finally {
      await a.peer.stop()
    }
  })

  describe('settle', () => {
    it('is ready at start() without known peers', async () => {
      const a = await startPeer('a')
      try {
        assert.equal(a.peer.ready, true)
        assert.equal(a.peer.status(), 'ready')
        assert.equal(settledRecord(a)?.['reason'], 'no_peers')
        await a.peer.waitReady(AbortSignal.timeout(10))
      } finally {
        await a.peer.stop()
      }
    })

    it('is ready at start() with settleTimeoutMs 0', async () => {
      const port = await freePort()
      const a = await startPeer('a', { knownPeers: [`127.0.0.1:${port}`], settleTimeoutMs: 0 })
      try {
        assert.equal(a.peer.ready, true)
      } finally {
        await a.peer.stop()
      }
    })

    it('is ready about a second after start when every known peer is unreachable', async () => {
      const [p1, p2] = await Promise.all([freePort(), freePort()])
      const started = performance.now()
      const a = await startPeer('a', {
        knownPeers: [`127.0.0.1:${p1}`, `127.0.0.1:${p2}`],
        settleTimeoutMs: 20_000,
      })
      try {
        assert.equal(a.peer.status(), 'settling')
        await a.peer.waitReady(AbortSignal.timeout(5_000))
        const elapsedMs = performance.now() - started
        assert.ok(elapsedMs >= 950 && elapsedMs < 3_000, `ready after ${elapsedMs} ms`)
        assert.equal(settledRecord(a)?.['reason'], 'peers_unreachable')
        assert.equal(await metricValue(a.registry, 'alertmanager_cluster_failed_peers'), 2)
        assert.ok(
          ((await metricValue(a.registry, 'alertmanager_cluster_reconnections_failed_total')) ??
            0) > 0
        )
      } finally {
        await a.peer.stop()
      }
    })

    it('waits for a full state while a peer is reachable, until settleTimeoutMs', async () => {
      // A peer that completes the handshake and then says nothing: reachable, but no state.
      const silent: RawPeer[] = []
      const server = createServer((socket) => {
        silent.push(RawPeer.accept(socket, { name: 'silent' }))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      const started = performance.now()
      const a = await startPeer('a', {
        knownPeers: [`127.0.0.1:${port}`],
        settleTimeoutMs: 2_500,
        pingTimeoutMs: 10_000,
      })
      try {
        await waitFor('the silent peer to be a member', () => names(a).length === 2)
        // Past the one-second rule for unreachable peers, a is still settling: this peer is up.
        await sleep(1_500)
        assert.equal(a.peer.status(), 'settling')
        await a.peer.waitReady(AbortSignal.timeout(5_000))
        const elapsedMs = performance.now() - started
        assert.ok(elapsedMs >= 2_400, `ready after ${elapsedMs} ms`)
        assert.equal(settledRecord(a)?.['msg'], 'gossip not settled but continuing anyway')
        assert.ok(silent[0]?.types.includes('full_state'), 'a still sent its own state')
      } finally {
        await a.peer.stop()
        for (const r of silent) {
          r.socket.destroy()
        }
        server.close()
      }
    })

    it('waits for the first discovered list when discovery is expected', async () => {
      const a = await startPeer('a', {}, (s) => {
        s.set('from-a', '1', false)
      })
      const b = await startPeer('b', { expectDiscoveredPeers: true })
      const lone = await startPeer('lone', { expectDiscoveredPeers: true })
      try {
        assert.equal(b.peer.status(), 'settling')
        assert.equal(lone.peer.status(), 'settling')
        b.peer.setDiscoveredPeers([a.address])
        await b.peer.waitReady(AbortSignal.timeout(5_000))
        assert.equal(b.state.get('from-a'), '1')
        assert.equal(settledRecord(b)?.['reason'], 'full_state')
        // An empty list (or one naming only this node) means there is nobody to wait for.
        lone.peer.setDiscoveredPeers([lone.address])
        await lone.peer.waitReady(AbortSignal.timeout(1_000))
        assert.equal(settledRecord(lone)?.['reason'], 'no_peers')
      } finally {
        await stopAll([a, b, lone])
      }
    })

    it('rejects waitReady on abort and on stop', async () => {
      const port = await freePort()
      const a = await startPeer('a', { knownPeers: [`127.0.0.1:${port}`] })
      const controller = new AbortController()
      const aborted = a.peer.waitReady(controller.signal)
      controller.abort(new Error('shutdown'))
      await assert.rejects(aborted, /shutdown/)
      const pending = a.peer.waitReady(AbortSignal.timeout(5_000))
      await a.peer.stop()
      await assert.rejects(pending, ClosedError)
    })
  })

  describe('lifecycle', () => {
    it('stops three connected peers at once in well under a second', async () => {
      const peers = await star()
      await waitFor('a full mesh', () => peers.every((p) => names(p).length === 3))
      const started = performance.now()
      await stopAll(peers)
      const elapsedMs = performance.now() - started
      assert.ok(elapsedMs < 1_000, `stop took ${elapsedMs} ms`)
      // Idempotent.
      await peers[0]?.peer.stop()
    })

    it('names the address when the port is taken', async () => {
      const a = await startPeer('a')
      try {
        await assert.rejects(
          ClusterPeer.create({ name: 'b', listenAddress: a.address, log: quietLog().log }),
          (err: unknown) =>
            err instanceof ClusterListenError &&
            err.code === 'AM_CLUSTER_LISTEN' &&
            err.message.includes(a.address) &&
            err.message.includes('already in use')
        )
      } finally {
        await a.peer.stop()
      }
    })

    it('checks its options', async () => {
      const { log } = quietLog()
      const cases: [string, Partial<Parameters<typeof ClusterPeer.create>[0]>, RegExp][] = [
        // No port.
        ['listen without port', { listenAddress: '127.0.0.1' }, /listenAddress/],
        // A peer address without a port.
        ['peer without port', { knownPeers: ['127.0.0.1'] }, /knownPeers\[0\]/],
        // Anti-entropy needs a period.
        ['zero push-pull', { pushPullIntervalMs: 0 }, /pushPullIntervalMs/],
        // Below the handshake frame limit.
        ['tiny max message', { maxMessageBytes: 100 }, /maxMessageBytes/],
        // An empty key would be no secret at all.
        ['empty key', { key: Buffer.alloc(0) }, /key/],
      ]
      for (const [what, options, message] of cases) {
        await assert.rejects(
          ClusterPeer.create({ name: 'a', listenAddress: '127.0.0.1:0', log, ...options }),
          (err: unknown) => err instanceof InvalidArgumentError && message.test(err.message),
          what
        )
      }
    })

    it('refuses addState after start() and use after stop()', async () => {
      const a = await startPeer('a')
      assert.throws(() => a.peer.addState('nfl', new MemoryState()), InvalidArgumentError)
      await a.peer.stop()
      assert.throws(() => {
        a.peer.start()
      }, ClosedError)
      // Discovery may still deliver during shutdown; that must not throw.
      a.peer.setDiscoveredPeers(['127.0.0.1:1'])
      a.state.set('after-stop', 'x')
      assert.equal(a.state.get('after-stop'), 'x')
    })
  })

  it('joins peers handed over by discovery', async () => {
    const a = await startPeer('a')
    const b = await startPeer('b')
    try {
      b.peer.setDiscoveredPeers([a.address])
      await waitFor('a and b', () => names(a).length === 2 && names(b).length === 2)
      a.state.set('k', 'v')
      await b.state.waitFor('k', 'v')
    } finally {
      await stopAll([a, b])
    }
  })
})
