import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { ProtocolError } from '#src/cluster/errors.js'
import {
  NONCE_BYTES,
  PROTOCOL_VERSION,
  decodeAnswer,
  decodeAuth,
  decodeHello,
  decodeMembers,
  decodePart,
  decodeParts,
  decodeQuery,
  decodeStateRequest,
  encodeAnswer,
  encodeAuth,
  encodeHello,
  encodeMembers,
  encodePart,
  encodeParts,
  encodeQuery,
  encodeStateRequest,
} from '#src/cluster/messages.js'

const malformed = (err: unknown): boolean =>
  err instanceof ProtocolError && err.reason === 'malformed'

const hello = {
  version: PROTOCOL_VERSION,
  name: 'am-0',
  address: '10.0.0.1:9094',
  nonce: new Uint8Array(NONCE_BYTES).fill(7),
  auth: true,
}

describe('cluster messages', () => {
  it("encodes Part and FullState with Alertmanager's clusterpb field numbers", () => {
    // clusterpb.Part{key: "sil", data: [1, 2]}: field 1 string, field 2 bytes.
    const part = encodePart({ key: 'sil', data: new Uint8Array([1, 2]) })
    assert.deepEqual([...part], [0x0a, 3, 0x73, 0x69, 0x6c, 0x12, 2, 1, 2])
    // clusterpb.FullState{parts: [that]}: field 1, repeated Part.
    const full = encodeParts('full_state', [{ key: 'sil', data: new Uint8Array([1, 2]) }])
    assert.deepEqual([...full], [0x0a, part.length, ...part])
  })

  it('round-trips every message', () => {
    assert.deepEqual(
      { ...decodeHello(encodeHello(hello)), nonce: [...hello.nonce] },
      {
        ...hello,
        nonce: [...hello.nonce],
        // A HELLO of an older node leaves it out: that node is never sent a QUERY.
        queries: false,
      }
    )
    assert.equal(decodeHello(encodeHello({ ...hello, queries: true })).queries, true)
    const query = decodeQuery(encodeQuery({ id: 7, key: 'history', data: new Uint8Array([1]) }))
    assert.deepEqual({ ...query, data: [...query.data] }, { id: 7, key: 'history', data: [1] })
    const answer = decodeAnswer(encodeAnswer({ id: 7, data: new Uint8Array(0), error: 'x' }))
    assert.deepEqual({ ...answer, data: [...answer.data] }, { id: 7, data: [], error: 'x' })
    assert.throws(
      () => decodeQuery(encodeQuery({ id: 1, key: '', data: new Uint8Array(0) })),
      malformed
    )
    assert.deepEqual([...decodeAuth(encodeAuth(new Uint8Array([5, 6])))], [5, 6])
    const members = [
      { name: 'a', address: '127.0.0.1:1' },
      { name: 'b', address: '[::1]:2' },
    ]
    assert.deepEqual(decodeMembers(encodeMembers(members)), members)
    const part = decodePart(encodePart({ key: 'nfl', data: new Uint8Array([3]) }))
    assert.equal(part.key, 'nfl')
    assert.deepEqual([...part.data], [3])
    const parts = decodeParts(
      'digest',
      encodeParts('digest', [{ key: 'a', data: new Uint8Array(32) }])
    )
    assert.equal(parts[0]?.data.length, 32)
    assert.deepEqual(decodeStateRequest(encodeStateRequest(['sil', 'nfl'])), ['sil', 'nfl'])
    assert.deepEqual(decodeParts('full_state', new Uint8Array(0)), [])
  })

  it('refuses HELLOs with invalid fields', () => {
    const cases: [string, object][] = [
      // Every HELLO names its node.
      ['empty name', { ...hello, name: '' }],
      // The address is what peers dial.
      ['no port', { ...hello, address: 'am-0' }],
      // A short nonce weakens the proof.
      ['short nonce', { ...hello, nonce: new Uint8Array(8) }],
      // An address must be dialable later, so it must parse now.
      ['bad port', { ...hello, address: 'am-0:x' }],
      ['empty host', { ...hello, address: ':9094' }],
      // Names are bounded so a peer cannot make members() huge.
      ['long name', { ...hello, name: 'x'.repeat(300) }],
    ]
    for (const [what, fields] of cases) {
      assert.throws(() => decodeHello(encodeHello(fields as typeof hello)), malformed, what)
    }
  })

  it('turns undecodable bytes into a malformed ProtocolError', () => {
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])
    assert.throws(() => decodePart(garbage), malformed)
    assert.throws(() => decodeHello(garbage), malformed)
    assert.throws(() => decodeMembers(garbage), malformed)
    assert.throws(() => decodeParts('full_state', garbage), malformed)
  })
})
