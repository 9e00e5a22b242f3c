import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'

import { encodeFrame } from '#src/cluster/frame.js'
import { DROP_REASONS } from '#src/cluster/index.js'
import type { DropReason } from '#src/cluster/index.js'
import { encodeHello, encodePart, NONCE_BYTES } from '#src/cluster/messages.js'

import { RawPeer, metricValue, names, rawConnect, startPeer, waitFor } from './helpers.js'
import type { TestPeer } from './helpers.js'

const KEY = Buffer.from('0123456789abcdef0123456789abcdef')
const OTHER_KEY = Buffer.from('fedcba9876543210fedcba9876543210')

/** dropped reads the dropped-messages counter for one reason. */
async function dropped(p: TestPeer, reason: DropReason): Promise<number> {
  return (
    (await metricValue(p.registry, 'alertmanager_cluster_messages_dropped_total', { reason })) ?? 0
  )
}

/** totalDropped sums the counter over every reason. */
async function totalDropped(p: TestPeer): Promise<number> {
  let sum = 0
  for (const reason of DROP_REASONS) {
    sum += await dropped(p, reason)
  }
  return sum
}

/** waitDropped waits until the counter for a reason reaches `n`. */
async function waitDropped(p: TestPeer, reason: DropReason, n = 1): Promise<void> {
  await waitFor(`${n} drop(s) for ${reason}`, async () => (await dropped(p, reason)) >= n)
}

/** stillServes proves the node works after abuse: a fresh peer joins and gets a broadcast. */
async function stillServes(node: TestPeer, options: Parameters<typeof startPeer>[1] = {}) {
  const probe = await startPeer('zz-probe', { ...options, knownPeers: [node.address] })
  try {
    await waitFor('the probe to join', () => names(probe).includes(node.peer.self().name))
    node.state.set('after-abuse', 'ok')
    await probe.state.waitFor('after-abuse', 'ok')
  } finally {
    await probe.peer.stop()
  }
}

describe('Connection with a key', () => {
  it('meshes and broadcasts between peers holding the same key', async () => {
    const a = await startPeer('a', { key: KEY })
    const b = await startPeer('b', { key: KEY, knownPeers: [a.address] })
    try {
      await waitFor('a and b', () => names(a).length === 2 && names(b).length === 2)
      a.state.set('k', 'v')
      await b.state.waitFor('k', 'v')
      assert.equal(await totalDropped(a), 0)
      assert.equal(await totalDropped(b), 0)
    } finally {
      await Promise.all([a.peer.stop(), b.peer.stop()])
    }
  })

  for (const [what, key] of [
    ['a wrong key', OTHER_KEY],
    ['no key', undefined],
  ] as const) {
    it(`refuses a peer with ${what}: it neither reads nor injects state`, async () => {
      const a = await startPeer('a', { key: KEY }, (s) => {
        s.set('secret', 'a-state', false)
      })
      const intruder = await startPeer(
        'intruder',
        { ...(key === undefined ? {} : { key }), knownPeers: [a.address] },
        (s) => {
          s.set('injected', 'bad', false)
        }
      )
      try {
        // Let it try a few times (retries start at 100 ms).
        await waitDropped(a, 'auth', 3)
        await waitDropped(intruder, 'auth', 3)
        assert.deepEqual(names(a), ['a'])
        assert.deepEqual(names(intruder), ['intruder'])
        assert.equal(a.state.merges, 0, 'nothing from the intruder was merged')
        assert.equal(intruder.state.merges, 0, 'the intruder got no state')
        assert.equal(a.state.get('injected'), undefined)
        assert.equal(intruder.state.get('secret'), undefined)
        const warned = a.records().find((r) => r['msg'] === 'Dropped cluster connection')
        assert.equal(warned?.['reason'], 'auth')
      } finally {
        await Promise.all([a.peer.stop(), intruder.peer.stop()])
      }
    })
  }

  it('sends nothing but HELLO and AUTH to a client with a bad proof, then closes', async () => {
    const a = await startPeer('a', { key: KEY }, (s) => {
      s.set('secret', 'x', false)
    })
    try {
      for (const options of [
        { name: 'bad-proof', key: KEY, badProof: true },
        { name: 'claims-auth', claimAuth: true },
      ]) {
        const raw = await RawPeer.connect(a.address, options)
        await raw.closed
        // No MEMBERS and no FULL_STATE: nothing is sent before the client's proof verifies.
        assert.ok(
          raw.types.every((t) => t === 'hello' || t === 'auth'),
          `received ${raw.types.join(',')}`
        )
      }
      assert.equal(await dropped(a, 'auth'), 2)
      assert.equal(a.state.merges, 0)
      await stillServes(a, { key: KEY })
    } finally {
      await a.peer.stop()
    }
  })

  it('accepts signed frames and closes on a replayed one', async () => {
    const a = await startPeer('a', { key: KEY })
    const raw = await RawPeer.connect(a.address, { name: 'raw', key: KEY })
    try {
      await raw.waitFrame('full_state')
      assert.deepEqual(names(a), ['a', 'raw'])
      const update = encodePart({
        key: 'sil',
        data: Buffer.from(JSON.stringify({ k: { value: 'signed', ts: 1 } })),
      })
      raw.send('update', update)
      await a.state.waitFor('k', 'signed')
      // The same frame again (counter 0 reused): a forged or replayed frame fails its MAC.
      const replay = encodeFrame('update', update, Buffer.alloc(32))
      raw.sendRaw(replay)
      await raw.closed
      assert.equal(await dropped(a, 'bad_mac'), 1)
      await waitFor('a to drop raw', () => names(a).length === 1)
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })
})

describe('Connection robustness', () => {
  it('closes on random bytes and keeps serving', async () => {
    const a = await startPeer('a')
    try {
      const noise = randomBytes(4096)
      // A first byte ≥ 1 makes the length ≥ 16 MiB, beyond any handshake frame.
      noise[0] = (noise[0] as number) | 1
      const raw = await rawConnect(a.address)
      raw.socket.write(noise)
      await raw.closed
      assert.equal(await dropped(a, 'oversize'), 1)
      // A small frame of an unknown type.
      const unknown = await rawConnect(a.address)
      unknown.socket.write(Buffer.from([0, 0, 0, 3, 0xee, 1, 2]))
      await unknown.closed
      assert.equal(await dropped(a, 'unknown_type'), 1)
      // A HELLO frame whose payload is not a HELLO.
      const garbled = await rawConnect(a.address)
      garbled.socket.write(encodeFrame('hello', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])))
      await garbled.closed
      assert.equal(await dropped(a, 'malformed'), 1)
      // A frame of length 0.
      const empty = await rawConnect(a.address)
      empty.socket.write(Buffer.alloc(4))
      await empty.closed
      assert.equal(await dropped(a, 'malformed'), 2)
      // State first, without a handshake.
      const early = await rawConnect(a.address)
      early.socket.write(encodeFrame('update', encodePart({ key: 'sil', data: Buffer.from('{}') })))
      await early.closed
      assert.equal(await dropped(a, 'unexpected'), 1)
      assert.equal(a.state.merges, 0)
      await stillServes(a)
    } finally {
      await a.peer.stop()
    }
  })

  it('refuses an oversize frame after the handshake without reading it', async () => {
    const a = await startPeer('a', { maxMessageBytes: 64 * 1024 })
    const raw = await RawPeer.connect(a.address, { name: 'raw' })
    try {
      await raw.waitFrame('full_state')
      const header = Buffer.alloc(5)
      header.writeUInt32BE(1024 * 1024, 0)
      header[4] = 4
      raw.sendRaw(header)
      await raw.closed
      assert.equal(await dropped(a, 'oversize'), 1)
      assert.equal(a.state.merges, 0)
      await stillServes(a)
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })

  it('closes on garbage after the handshake', async () => {
    const a = await startPeer('a')
    try {
      const raw = await RawPeer.connect(a.address, { name: 'raw' })
      await raw.waitFrame('full_state')
      raw.send('update', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))
      await raw.closed
      assert.equal(await dropped(a, 'malformed'), 1)
      const unknown = await RawPeer.connect(a.address, { name: 'raw2' })
      await unknown.waitFrame('full_state')
      unknown.sendRaw(Buffer.from([0, 0, 0, 2, 0xee, 0]))
      await unknown.closed
      assert.equal(await dropped(a, 'unknown_type'), 1)
      assert.equal(a.state.merges, 0)
      await stillServes(a)
    } finally {
      await a.peer.stop()
    }
  })

  it('drops state that fails to merge or has an unknown key, and keeps the connection', async () => {
    const a = await startPeer('a')
    const raw = await RawPeer.connect(a.address, { name: 'raw' })
    try {
      await raw.waitFrame('full_state')
      raw.send('update', encodePart({ key: 'sil', data: Buffer.from('not json') }))
      raw.send('update', encodePart({ key: 'nope', data: Buffer.from('{}') }))
      raw.send(
        'update',
        encodePart({ key: 'sil', data: Buffer.from(JSON.stringify({ k: { value: 'v', ts: 1 } })) })
      )
      await a.state.waitFor('k', 'v')
      assert.equal(await dropped(a, 'merge_failed'), 1)
      assert.equal(await dropped(a, 'unknown_key'), 1)
      assert.deepEqual(names(a), ['a', 'raw'])
      const warned = a.records().find((r) => r['msg'] === 'Dropped gossip that failed to merge')
      assert.equal(warned?.['key'], 'sil')
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })

  it("refuses a peer that uses this node's name or another protocol version", async () => {
    const a = await startPeer('a')
    try {
      const twin = await RawPeer.connect(a.address, { name: 'a' })
      await twin.closed
      assert.equal(await dropped(a, 'duplicate_name'), 1)
      const future = await rawConnect(a.address)
      future.socket.write(
        encodeFrame(
          'hello',
          encodeHello({
            version: 99,
            name: 'future',
            address: '127.0.0.1:1',
            nonce: randomBytes(NONCE_BYTES),
            auth: false,
          })
        )
      )
      await future.closed
      assert.equal(await dropped(a, 'version'), 1)
      assert.deepEqual(names(a), ['a'])
    } finally {
      await a.peer.stop()
    }
  })

  it('drops a peer that stops answering (hung process) after the ping timeout', async () => {
    const a = await startPeer('a', { pingIntervalMs: 50, pingTimeoutMs: 300 })
    const raw = await RawPeer.connect(a.address, { name: 'hung' })
    try {
      await raw.waitFrame('full_state')
      assert.deepEqual(names(a), ['a', 'hung'])
      const started = performance.now()
      await raw.closed
      const elapsedMs = performance.now() - started
      assert.ok(elapsedMs >= 200 && elapsedMs < 2_000, `dropped after ${elapsedMs} ms`)
      // It stays a member for one more ping interval, while a redial may still reach it.
      await waitFor('the hung peer to leave', () => names(a).length === 1)
      assert.deepEqual(names(a), ['a'])
      assert.ok(raw.types.includes('ping'), 'a pinged the peer while it waited')
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })

  it('does not send a broadcast above maxMessageBytes, and counts it', async () => {
    const a = await startPeer('a', { maxMessageBytes: 64 * 1024 })
    const b = await startPeer('b', { knownPeers: [a.address] })
    try {
      await waitFor('a and b', () => names(a).length === 2)
      a.state.set('huge', 'x'.repeat(100 * 1024))
      assert.equal(await dropped(a, 'oversize_outgoing'), 1)
      a.state.set('small', 'y')
      await b.state.waitFor('small', 'y')
      assert.equal(b.state.get('huge'), undefined)
      assert.deepEqual(names(a), ['a', 'b'])
    } finally {
      await Promise.all([a.peer.stop(), b.peer.stop()])
    }
  })

  it('refuses connections beyond 128 pending handshakes, and serves again once they go', async () => {
    const a = await startPeer('a')
    const sockets = await Promise.all(Array.from({ length: 130 }, () => rawConnect(a.address)))
    try {
      await waitDropped(a, 'too_many_handshakes', 2)
      assert.equal(await dropped(a, 'too_many_handshakes'), 2)
    } finally {
      for (const s of sockets) {
        s.socket.destroy()
      }
    }
    await Promise.all(sockets.map((s) => s.closed))
    try {
      await stillServes(a)
    } finally {
      await a.peer.stop()
    }
  })

  it('closes a connection that never completes its handshake after tcpTimeoutMs', async () => {
    const a = await startPeer('a', { tcpTimeoutMs: 200, pingIntervalMs: 50 })
    try {
      const raw = await rawConnect(a.address)
      const started = performance.now()
      await raw.closed
      const elapsedMs = performance.now() - started
      assert.ok(elapsedMs >= 150 && elapsedMs < 2_000, `closed after ${elapsedMs} ms`)
      assert.ok(raw.received().length > 0, 'a sent its HELLO')
    } finally {
      await a.peer.stop()
    }
  })
})
