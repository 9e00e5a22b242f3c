import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  decodePacket,
  decodeStream,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodePushPull,
  encodeSuspect,
  encodeUser,
  encodeUserStream,
  withCrc,
} from '#src/cluster/memberlist/codec.js'
import type { Packet, PushPull } from '#src/cluster/memberlist/codec.js'
import { MemberlistDecodeError } from '#src/cluster/memberlist/errors.js'

import { askMemberlistOracle, b64 } from '../../support/memberlist-oracle.js'
import type { EncodeCase, GoValue, OracleKind } from '../../support/memberlist-oracle.js'

const ip = Uint8Array.of(10, 0, 200, 7)
const ulid = '01GQ8ZK3Q7Y5V6W3N2T1R0P9M8'
const longName = 'n'.repeat(40) // str8 in @msgpack/msgpack, str16 in go-msgpack
const vsn = Uint8Array.of(1, 5, 2, 0, 0, 0)
const meta = new Uint8Array(300).map((_, i) => (i * 7) & 0xff)

/** PACKETS pairs each packet message with its Go struct as encoding/json shows it. */
const PACKETS: readonly {
  readonly packet: Packet
  readonly kind: OracleKind
  readonly go: GoValue
}[] = [
  {
    packet: { type: 'ping', body: { seqNo: 7, node: ulid } },
    kind: 'ping',
    go: { SeqNo: 7, Node: ulid },
  },
  {
    packet: {
      type: 'ping',
      body: {
        seqNo: 0xfffffff0,
        node: longName,
        sourceAddr: ip,
        sourcePort: 9094,
        sourceNode: ulid,
      },
    },
    kind: 'ping',
    go: {
      SeqNo: 0xfffffff0,
      Node: longName,
      SourceAddr: b64(ip),
      SourcePort: 9094,
      SourceNode: ulid,
    },
  },
  {
    packet: {
      type: 'indirectPing',
      body: {
        seqNo: 300,
        target: ip,
        port: 65535,
        node: ulid,
        nack: true,
        sourceAddr: ip,
        sourcePort: 1,
        sourceNode: 'x',
      },
    },
    kind: 'indirectPing',
    go: {
      SeqNo: 300,
      Target: b64(ip),
      Port: 65535,
      Node: ulid,
      Nack: true,
      SourceAddr: b64(ip),
      SourcePort: 1,
      SourceNode: 'x',
    },
  },
  {
    packet: { type: 'ack', body: { seqNo: 70000, payload: new Uint8Array(0) } },
    kind: 'ack',
    go: { SeqNo: 70000, Payload: '' },
  },
  { packet: { type: 'nack', body: { seqNo: 128 } }, kind: 'nack', go: { SeqNo: 128 } },
  {
    packet: { type: 'suspect', body: { incarnation: 3, node: ulid, from: longName } },
    kind: 'suspect',
    go: { Incarnation: 3, Node: ulid, From: longName },
  },
  {
    packet: { type: 'dead', body: { incarnation: 255, node: ulid, from: ulid } },
    kind: 'dead',
    go: { Incarnation: 255, Node: ulid, From: ulid },
  },
  {
    packet: {
      type: 'alive',
      body: { incarnation: 65536, node: ulid, addr: ip, port: 9094, meta, vsn },
    },
    kind: 'alive',
    go: {
      Incarnation: 65536,
      Node: ulid,
      Addr: b64(ip),
      Port: 9094,
      Meta: b64(meta),
      Vsn: b64(vsn),
    },
  },
]

function encodePacket(p: Packet): Uint8Array {
  switch (p.type) {
    case 'ping':
      return encodePing(p.body)
    case 'indirectPing':
      return encodeIndirectPing(p.body)
    case 'ack':
      return encodeAck(p.body)
    case 'nack':
      return encodeNack(p.body)
    case 'suspect':
    case 'dead':
      return encodeSuspect(p.type, p.body)
    case 'alive':
      return encodeAlive(p.body)
    case 'user':
      return encodeUser(p.body)
  }
}

/** withDefaults fills the omitempty source fields decodePacket reports as Go's zero values. */
function withDefaults(p: Packet): Packet {
  if (p.type === 'ping' || p.type === 'indirectPing') {
    return {
      ...p,
      body: {
        sourceAddr: new Uint8Array(0),
        sourcePort: 0,
        sourceNode: '',
        ...p.body,
      },
    } as Packet
  }
  return p
}

const PUSH_PULL: PushPull = {
  join: true,
  nodes: [
    { name: ulid, addr: ip, port: 9094, meta: new Uint8Array(0), incarnation: 1, state: 0, vsn },
    {
      name: longName,
      addr: Uint8Array.of(127, 0, 0, 1),
      port: 9095,
      meta,
      incarnation: 9,
      state: 2,
      vsn,
    },
  ],
  userState: new Uint8Array(5000).map((_, i) => (i * 31) % 251),
}

const PUSH_PULL_GO = {
  Join: true,
  Nodes: PUSH_PULL.nodes.map((n) => ({
    Name: n.name,
    Addr: b64(n.addr),
    Port: n.port,
    Meta: b64(n.meta),
    Incarnation: n.incarnation,
    State: n.state,
    Vsn: b64(n.vsn),
  })),
  UserState: b64(PUSH_PULL.userState),
}

// A payload that fills LZW's table past 12-bit codes, so the width steps and the clear code
// Go's writer emits on a full table are all exercised.
const bigPayload = new Uint8Array(200_000)
{
  let x = 12345
  for (let i = 0; i < bigPayload.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    bigPayload[i] = i % 3 === 0 ? (x >>> 24) & 0x3f : 0x41 + (i % 17)
  }
}

const ENCODE: EncodeCase[] = [
  ...PACKETS.map((c) => ({ Kind: c.kind, Value: c.go })),
  { Kind: 'alive', Value: PACKETS[7]?.go ?? '', Wrap: 'crc' },
  { Kind: 'alive', Value: PACKETS[7]?.go ?? '', Wrap: 'compress' },
  { Kind: 'user', Value: b64(bigPayload), Wrap: 'compress' },
  {
    Kind: 'compound',
    Wrap: 'compound',
    Values: [
      { Kind: 'ping', Value: PACKETS[0]?.go ?? '' },
      { Kind: 'user', Value: b64(Uint8Array.of(1, 2, 3)) },
      { Kind: 'suspect', Value: PACKETS[5]?.go ?? '' },
    ],
  },
  { Kind: 'pushPull', Value: PUSH_PULL_GO },
  { Kind: 'pushPull', Value: PUSH_PULL_GO, Wrap: 'compress' },
  { Kind: 'userStream', Value: b64(meta), Wrap: 'compress' },
  { Kind: 'userStream', Value: b64(meta) },
]

const oracle = askMemberlistOracle(ENCODE, [
  ...PACKETS.map((c) => ({
    Kind: c.kind,
    Hex: Buffer.from(encodePacket(c.packet)).toString('hex'),
  })),
  { Kind: 'pushPull', Hex: Buffer.from(encodePushPull(PUSH_PULL)).toString('hex') },
])
/** goJson reads Go's JSON with an empty []byte as '': go-msgpack leaves a zero-length one nil. */
const goJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll(':null', ':""'))

const goBytes = (i: number): Uint8Array => {
  const b = oracle.encoded[i]
  assert.ok(b !== undefined, `oracle answer ${i}`)
  return b
}

describe('memberlist codec against Go (memberlist 0.2.2, go-msgpack 0.5.5)', () => {
  it('decodes every packet message Go encodes', () => {
    PACKETS.forEach((c, i) => {
      assert.deepEqual(decodePacket(goBytes(i)), [withDefaults(c.packet)], c.kind)
    })
  })

  it('encodes every packet message so that Go decodes the same values', () => {
    PACKETS.forEach((c, i) => {
      const d = oracle.decoded[i]
      assert.ok(d !== undefined && 'value' in d, `${c.kind}: ${JSON.stringify(d)}`)
      const go = goJson(d.value) as Record<string, unknown>
      for (const [k, v] of Object.entries(c.go as Record<string, unknown>)) {
        assert.deepEqual(go[k], v, `${c.kind}.${k}`)
      }
    })
  })

  it('checks the CRC header and unwraps LZW compression', () => {
    const alive = withDefaults(PACKETS[7]?.packet as Packet)
    assert.deepEqual(decodePacket(goBytes(8)), [alive])
    assert.deepEqual(decodePacket(goBytes(9)), [alive])
    const big = decodePacket(goBytes(10))
    assert.equal(big.length, 1)
    const [first] = big
    assert.ok(first?.type === 'user')
    assert.deepEqual(first.body, bigPayload)
    // Our own CRC framing reads back.
    const crcd = withCrc(
      encodeAlive((PACKETS[7]?.packet as { body: Parameters<typeof encodeAlive>[0] }).body)
    )
    assert.deepEqual(decodePacket(crcd), [alive])
  })

  it('splits compound messages and drops the parts a short packet cuts off, as Go does', () => {
    const compound = goBytes(11)
    assert.deepEqual(decodePacket(compound), [
      withDefaults(PACKETS[0]?.packet as Packet),
      { type: 'user', body: Uint8Array.of(1, 2, 3) },
      PACKETS[5]?.packet,
    ])
    const lastLen = encodeSuspect(
      'suspect',
      (PACKETS[5]?.packet as { body: { incarnation: number; node: string; from: string } }).body
    ).length
    assert.deepEqual(decodePacket(compound.subarray(0, compound.length - lastLen)).length, 2)
    const ours = encodeCompound([encodeNack({ seqNo: 1 }), encodeUser(Uint8Array.of(9))])
    assert.deepEqual(decodePacket(ours), [
      { type: 'nack', body: { seqNo: 1 } },
      { type: 'user', body: Uint8Array.of(9) },
    ])
  })

  it('reads push/pull streams Go writes, plain and compressed, and waits for the rest of a short one', () => {
    for (const i of [12, 13]) {
      const bytes = goBytes(i)
      assert.deepEqual(decodeStream(bytes), { type: 'pushPull', body: PUSH_PULL })
    }
    const plain = goBytes(12)
    for (const cut of [0, 1, 5, 40, plain.length - 1]) {
      assert.equal(decodeStream(plain.subarray(0, cut)), undefined, `cut at ${cut}`)
    }
    assert.deepEqual(decodeStream(goBytes(14)), { type: 'user', body: meta })
    assert.deepEqual(decodeStream(goBytes(15)), { type: 'user', body: meta })
    assert.deepEqual(decodeStream(encodeUserStream(meta)), { type: 'user', body: meta })
  })

  it('writes push/pull streams Go reads', () => {
    const d = oracle.decoded[PACKETS.length]
    assert.ok(d !== undefined && 'value' in d, JSON.stringify(d))
    assert.deepEqual(goJson(d.value), PUSH_PULL_GO)
  })

  it('turns truncated and garbage packets into MemberlistDecodeError, never another throw', () => {
    const inputs: Uint8Array[] = []
    for (const b of oracle.encoded) {
      for (let cut = 0; cut < Math.min(b.length, 400); cut += 1 + (cut >> 3)) {
        inputs.push(b.subarray(0, cut))
      }
      const flipped = Uint8Array.from(b.subarray(0, 2000))
      for (let i = 0; i < flipped.length; i += 7) {
        flipped[i] = (flipped[i] as number) ^ 0x5a
      }
      inputs.push(flipped)
    }
    let x = 99
    for (let n = 0; n < 2000; n++) {
      const len = n % 64
      const g = new Uint8Array(len)
      for (let i = 0; i < len; i++) {
        x = (x * 1664525 + 1013904223) >>> 0
        g[i] = x >>> 24
      }
      if (len > 0) {
        g[0] = (g[0] as number) % 14
      }
      inputs.push(g)
    }
    for (const input of inputs) {
      for (const decode of [decodePacket, decodeStream]) {
        try {
          decode(input)
        } catch (err: unknown) {
          assert.ok(
            err instanceof MemberlistDecodeError,
            `${String(err)} for ${Buffer.from(input).toString('hex').slice(0, 80)}`
          )
        }
      }
    }
  })
})
