import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { after, describe, it } from 'node:test'

import { Registry } from 'prom-client'

import { MemberlistPeer } from '#src/cluster/index.js'
import type { GossipState } from '#src/cluster/index.js'
import { BroadcastQueue, retransmitLimit } from '#src/cluster/memberlist/broadcast-queue.js'
import {
  encodeAlive,
  encodeCompound,
  encodeIndirectPing,
  encodePing,
  encodePushPull,
  encodeSuspect,
  encodeUser,
  encodeUserStream,
  withCrc,
} from '#src/cluster/memberlist/codec.js'
import { ipBytes, ipString } from '#src/cluster/memberlist/memberlist.js'
import { newUlid } from '#src/cluster/memberlist/ulid.js'

import { freePorts } from '../../support/ports.js'
import { waitFor } from '../../support/wait.js'

import { quietLog } from './helpers.js'

describe('memberlist names and addresses', () => {
  it('makes 26-character Crockford ULIDs that sort by time', () => {
    const a = newUlid(1_700_000_000_000, new Uint8Array(10).fill(255))
    const b = newUlid(1_700_000_000_001, new Uint8Array(10))
    assert.match(a, /^[0-9A-HJKMNP-TV-Z]{26}$/)
    assert.ok(a < b)
    // The ulid package's own example: time 0 and zero entropy.
    assert.equal(newUlid(0, new Uint8Array(10)), '0'.repeat(26))
    assert.equal(newUlid(0, new Uint8Array(10).fill(255)), '0000000000ZZZZZZZZZZZZZZZZ')
  })

  it("reads IPv4 as 4 bytes and both of Go's IP forms back", () => {
    assert.deepEqual(ipBytes('10.1.2.3'), Uint8Array.of(10, 1, 2, 3))
    assert.equal(ipString(Uint8Array.of(10, 1, 2, 3)), '10.1.2.3')
    const mapped = new Uint8Array(16)
    mapped.set([0xff, 0xff, 192, 168, 0, 9], 10)
    assert.equal(ipString(mapped), '192.168.0.9')
    assert.equal(ipString(ipBytes('fd00::1')), 'fd00::1')
    assert.equal(ipString(Uint8Array.of(1, 2)), '')
  })
})

describe('BroadcastQueue', () => {
  it('sends each broadcast retransmitLimit times, least-sent first, and replaces by node', () => {
    assert.equal(retransmitLimit(4, 3), 4)
    assert.equal(retransmitLimit(4, 10), 8)
    const q = new BroadcastQueue(2, () => 3)
    q.queue(Uint8Array.of(1), 'a')
    q.queue(Uint8Array.of(2), 'a')
    q.queue(Uint8Array.of(3, 3, 3))
    assert.equal(q.length, 2)
    // 4 bytes fit the 1-byte message with its overhead, not the 3-byte one.
    assert.deepEqual(q.take(2, 4), [Uint8Array.of(2)])
    assert.deepEqual(q.take(2, 100), [Uint8Array.of(3, 3, 3), Uint8Array.of(2)])
    assert.deepEqual(q.take(2, 100), [Uint8Array.of(3, 3, 3)])
    assert.equal(q.length, 0)
  })
})

/** memoryState is a GossipState holding a set of strings, merged by union. */
function memoryState(): GossipState & { items: Set<string> } {
  const items = new Set<string>()
  return {
    items,
    marshalBinary: () => Buffer.from(JSON.stringify([...items])),
    mergeBinary: (data) => {
      const before = items.size
      for (const s of JSON.parse(Buffer.from(data).toString()) as string[]) {
        items.add(s)
      }
      return items.size > before
    },
  }
}

describe('MemberlistPeer between alertmesh nodes', () => {
  const peers: MemberlistPeer[] = []
  after(() => Promise.all(peers.map((p) => p.stop())))

  it('joins, agrees on members and positions, gossips changes, and sees a leave', async () => {
    const [p0 = 0, p1 = 0] = await freePorts(2)
    const options = (port: number, seed: number) => ({
      listenAddress: `127.0.0.1:${port}`,
      knownPeers: [`127.0.0.1:${seed}`],
      gossipIntervalMs: 50,
      probeIntervalMs: 200,
      probeTimeoutMs: 100,
      pushPullIntervalMs: 1_000,
      log: quietLog().log,
    })
    const a = await MemberlistPeer.create(options(p0, p1))
    peers.push(a)
    const b = await MemberlistPeer.create(options(p1, p0))
    peers.push(b)
    const stateA = memoryState()
    const stateB = memoryState()
    stateA.items.add('before-join')
    const channelA = a.addState('sil', stateA)
    b.addState('sil', stateB)
    a.start()
    b.start()
    await waitFor('2 members on both', () => a.members().length === 2 && b.members().length === 2)
    assert.deepEqual(a.members(), b.members())
    assert.deepEqual([a.position(), b.position()].sort(), [0, 1])
    // The join's push/pull carried the full state; then a change goes out as a user message.
    await waitFor('full state merged', () => stateB.items.has('before-join'))
    await waitFor('settled', () => a.ready && b.ready)
    stateA.items.add('change')
    channelA.broadcast(Buffer.from(JSON.stringify(['change'])))
    await waitFor('change gossiped', () => stateB.items.has('change'))
    // A change over half a packet travels over TCP.
    const big = 'x'.repeat(2_000)
    channelA.broadcast(Buffer.from(JSON.stringify([big])))
    await waitFor('large change sent reliably', () => stateB.items.has(big))
    let changes = 0
    b.onMembersChanged(() => changes++)
    await a.stop()
    await waitFor('leave seen', () => b.members().length === 1)
    assert.ok(changes >= 1)
  })
})

describe('MemberlistPeer on garbage', () => {
  it('drops and counts undecodable packets and streams, and keeps answering', async () => {
    const [port = 0] = await freePorts(1)
    const registry = new Registry()
    const peer = await MemberlistPeer.create({
      listenAddress: `127.0.0.1:${port}`,
      log: quietLog().log,
      registry,
    })
    after(() => peer.stop())
    peer.start()
    const dropped = async (reason: string): Promise<number> => {
      const m = await registry.getSingleMetric('alertmanager_cluster_messages_dropped_total')?.get()
      return m?.values.find((v) => v.labels['reason'] === reason)?.value ?? 0
    }
    const udp = createSocket('udp4')
    after(() => {
      udp.close()
    })
    // A truncated ping, an unknown message type, and a CRC that does not match.
    for (const packet of [
      [0, 0x82, 0xa5],
      [99, 1, 2],
      [12, 0, 0, 0, 0, 0],
    ]) {
      udp.send(Uint8Array.from(packet), port, '127.0.0.1')
    }
    await waitFor(
      '3 dropped packets',
      async () => (await dropped('malformed')) + (await dropped('unknown_type')) === 3
    )
    // A stream that declares 1 GiB of user state.
    const tcp = connect(port, '127.0.0.1')
    tcp.end(Uint8Array.from([8, 0x81, 0xaa, ...Buffer.from('UserMsgLen'), 0xce, 0x40, 0, 0, 0]))
    await waitFor('the oversized stream dropped', async () => (await dropped('oversize')) === 1)
    assert.equal(peer.members().length, 1)
  })
})

describe('MemberlistPeer with discovery', () => {
  it('does not settle alone before the discovered peers were tried', async () => {
    const [port = 0] = await freePorts(1)
    const peer = await MemberlistPeer.create({
      listenAddress: `127.0.0.1:${port}`,
      expectDiscoveredPeers: true,
      log: quietLog().log,
    })
    after(() => peer.stop())
    peer.start()
    // The settle poll runs every 200 ms; a node that would settle alone does so at once.
    await new Promise<void>((resolve) => {
      setImmediate(resolve)
    })
    const settled = peer.waitReady(AbortSignal.timeout(10_000))
    assert.equal(peer.ready, false)
    peer.setDiscoveredPeers([])
    await settled
    assert.equal(peer.status(), 'ready')
  })
})

describe('MemberlistPeer under fuzzed packets and streams', () => {
  it('drops and counts mutated input, never crashes, and keeps its members', async () => {
    const [pa = 0, pb = 0] = await freePorts(2)
    const registry = new Registry()
    const options = (port: number, seed: number) => ({
      listenAddress: `127.0.0.1:${port}`,
      knownPeers: [`127.0.0.1:${seed}`],
      probeIntervalMs: 200,
      probeTimeoutMs: 100,
      log: quietLog().log,
    })
    const a = await MemberlistPeer.create({ ...options(pa, pb), registry })
    const b = await MemberlistPeer.create(options(pb, pa))
    after(() => Promise.all([a.stop(), b.stop()]))
    const stateA = memoryState()
    a.addState('sil', stateA)
    const channelB = b.addState('sil', memoryState())
    a.start()
    b.start()
    await waitFor('joined', () => a.members().length === 2 && b.members().length === 2)

    const ip = ipBytes('127.0.0.1')
    const vsn = Uint8Array.of(1, 5, 2, 0, 0, 0)
    const seeds = [
      encodePing({ seqNo: 1, node: 'x', sourceAddr: ip, sourcePort: 1, sourceNode: 'y' }),
      encodeIndirectPing({ seqNo: 2, target: ip, port: 9, node: 'n', nack: true }),
      encodeSuspect('suspect', { incarnation: 1, node: 'n', from: 'm' }),
      encodeAlive({ incarnation: 1, node: 'n', addr: ip, port: 9, meta: new Uint8Array(0), vsn }),
      encodeUser(Uint8Array.of(10, 3, 115, 105, 108)),
    ]
    seeds.push(withCrc(encodeCompound(seeds.slice(0, 3))))
    const streams = [
      encodePushPull({ join: false, nodes: [], userState: Uint8Array.of(10, 0) }),
      encodeUserStream(Uint8Array.of(1, 2, 3)),
    ]
    let x = 7
    const rand = (n: number): number => {
      x = (x * 1103515245 + 12345) >>> 0
      return (x >>> 8) % n
    }
    const mutate = (seed: Uint8Array): Uint8Array => {
      const out = Uint8Array.from(seed.subarray(0, 1 + rand(seed.length)))
      for (let k = rand(4); k >= 0; k--) {
        out[rand(out.length)] = rand(256)
      }
      return out
    }
    const udp = createSocket('udp4')
    after(() => {
      udp.close()
    })
    for (let i = 0; i < 3_000; i++) {
      const packet = mutate(seeds[i % seeds.length] ?? Uint8Array.of(0))
      await new Promise<void>((resolve) => {
        udp.send(packet, pa, '127.0.0.1', () => {
          resolve()
        })
      })
    }
    for (let i = 0; i < 60; i++) {
      const tcp = connect(pa, '127.0.0.1')
      tcp.on('error', () => undefined)
      tcp.end(mutate(streams[i % streams.length] ?? Uint8Array.of(0)))
    }
    const dropped = async (): Promise<number> => {
      const m = await registry.getSingleMetric('alertmanager_cluster_messages_dropped_total')?.get()
      return (m?.values ?? []).reduce((sum, v) => sum + v.value, 0)
    }
    await waitFor('drops counted', async () => (await dropped()) > 100)
    // A still takes real gossip after the garbage, and both still count each other in.
    channelB.broadcast(Buffer.from(JSON.stringify(['after-fuzz'])))
    await waitFor('gossip after the fuzz', () => stateA.items.has('after-fuzz'))
    const names = [a.self().name, b.self().name]
    await waitFor('both still members of each other', () =>
      [a, b].every((p) => names.every((n) => p.members().some((m) => m.name === n)))
    )
  })
})

describe('MemberlistPeer failed peers', () => {
  it('counts a --cluster.peer nobody answers on in alertmanager_cluster_failed_peers', async () => {
    const [port = 0, nobody = 0] = await freePorts(2)
    const registry = new Registry()
    const peer = await MemberlistPeer.create({
      listenAddress: `127.0.0.1:${port}`,
      knownPeers: [`127.0.0.1:${nobody}`],
      log: quietLog().log,
      registry,
    })
    after(() => peer.stop())
    peer.start()
    await peer.waitReady(AbortSignal.timeout(10_000))
    const gauge = await registry.getSingleMetric('alertmanager_cluster_failed_peers')?.get()
    assert.equal(gauge?.values[0]?.value, 1)
  })
})
