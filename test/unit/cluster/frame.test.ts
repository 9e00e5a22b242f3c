import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { ProtocolError } from '#src/cluster/errors.js'
import {
  FRAME_CODES,
  FRAME_TYPES,
  FrameDecoder,
  encodeFrame,
  frameTypeOf,
} from '#src/cluster/frame.js'

describe('encodeFrame', () => {
  it('lays out length, type, payload and MAC', () => {
    const frame = encodeFrame('update', Buffer.from([9, 8]), Buffer.from([1, 2, 3]))
    assert.deepEqual([...frame], [0, 0, 0, 6, FRAME_CODES.update, 9, 8, 1, 2, 3])
    assert.deepEqual([...encodeFrame('ping', new Uint8Array(0))], [0, 0, 0, 1, 8])
  })

  it('numbers every type uniquely and names each code back', () => {
    const codes = FRAME_TYPES.map((t) => FRAME_CODES[t])
    assert.equal(new Set(codes).size, codes.length)
    for (const t of FRAME_TYPES) {
      assert.equal(frameTypeOf(FRAME_CODES[t]), t)
    }
    assert.equal(frameTypeOf(0), undefined)
    assert.equal(frameTypeOf(0xee), undefined)
  })
})

describe('FrameDecoder', () => {
  it('cuts frames out of a stream split at every byte', () => {
    const stream = Buffer.concat([
      encodeFrame('hello', Buffer.from('first')),
      encodeFrame('ping', new Uint8Array(0)),
      encodeFrame('update', Buffer.alloc(1000, 7)),
    ])
    const decoder = new FrameDecoder(1 << 20)
    const bodies: Buffer[] = []
    for (const byte of stream) {
      decoder.push(Buffer.from([byte]))
      for (let b = decoder.next(); b !== undefined; b = decoder.next()) {
        bodies.push(b)
      }
    }
    assert.deepEqual(
      bodies.map((b) => b[0]),
      [FRAME_CODES.hello, FRAME_CODES.ping, FRAME_CODES.update]
    )
    assert.equal(bodies[0]?.subarray(1).toString(), 'first')
    assert.equal(bodies[2]?.length, 1001)
    assert.equal(decoder.buffered, 0)
  })

  it('cuts several frames out of one chunk', () => {
    const decoder = new FrameDecoder(100)
    decoder.push(
      Buffer.concat([encodeFrame('ping', new Uint8Array(0)), encodeFrame('ping', Buffer.from([1]))])
    )
    assert.equal(decoder.next()?.length, 1)
    assert.equal(decoder.next()?.length, 2)
    assert.equal(decoder.next(), undefined)
  })

  it('refuses an oversize length as soon as the 4 length bytes arrive', () => {
    const decoder = new FrameDecoder(1024)
    decoder.push(Buffer.from([0, 0, 4, 1]))
    assert.throws(
      () => decoder.next(),
      (err: unknown) => err instanceof ProtocolError && err.reason === 'oversize'
    )
  })

  it('applies a limit changed between frames', () => {
    const decoder = new FrameDecoder(10)
    decoder.push(
      Buffer.concat([
        encodeFrame('hello', Buffer.alloc(5)),
        encodeFrame('update', Buffer.alloc(50)),
      ])
    )
    assert.equal(decoder.next()?.length, 6)
    decoder.maxFrameBytes = 100
    assert.equal(decoder.next()?.length, 51)
  })

  it('refuses a frame of length 0', () => {
    const decoder = new FrameDecoder(10)
    decoder.push(Buffer.alloc(4))
    assert.throws(
      () => decoder.next(),
      (err: unknown) => err instanceof ProtocolError && err.reason === 'malformed'
    )
  })
})
