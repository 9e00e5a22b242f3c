import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { frameMac, handshakeProof, macEquals, sessionKey } from '#src/cluster/auth.js'

const key = Buffer.from('k'.repeat(32))
const helloA = Buffer.from('hello from a')
const helloB = Buffer.from('hello from b')
const nonceA = Buffer.alloc(32, 1)
const nonceB = Buffer.alloc(32, 2)

describe('cluster auth', () => {
  it('gives each side of a handshake a different proof, so a reflected proof fails', () => {
    const fromA = handshakeProof(key, helloB, helloA)
    const fromB = handshakeProof(key, helloA, helloB)
    assert.equal(fromA.length, 32)
    assert.ok(!macEquals(fromA, fromB))
    // What b checks for a's proof is what a computed.
    assert.ok(macEquals(fromA, handshakeProof(key, helloB, helloA)))
    // Another key, or one changed byte in either HELLO, gives another proof.
    assert.ok(!macEquals(fromA, handshakeProof(Buffer.from('x'.repeat(32)), helloB, helloA)))
    assert.ok(!macEquals(fromA, handshakeProof(key, Buffer.from('hello from c'), helloA)))
    // Moving bytes between the two HELLOs does not give the same proof.
    assert.ok(
      !macEquals(
        handshakeProof(key, Buffer.from('ab'), Buffer.from('c')),
        handshakeProof(key, Buffer.from('a'), Buffer.from('bc'))
      )
    )
  })

  it('derives a different session key per direction and per connection', () => {
    const aToB = sessionKey(key, nonceA, nonceB)
    const bToA = sessionKey(key, nonceB, nonceA)
    const other = sessionKey(key, nonceA, Buffer.alloc(32, 3))
    assert.ok(!aToB.equals(bToA))
    assert.ok(!aToB.equals(other))
  })

  it('binds a frame MAC to its counter, type and payload', () => {
    const k = sessionKey(key, nonceA, nonceB)
    const mac = frameMac(k, 0n, 4, Buffer.from('x'))
    assert.ok(macEquals(mac, frameMac(k, 0n, 4, Buffer.from('x'))))
    assert.ok(!macEquals(mac, frameMac(k, 1n, 4, Buffer.from('x'))), 'replayed later')
    assert.ok(!macEquals(mac, frameMac(k, 0n, 5, Buffer.from('x'))), 'other type')
    assert.ok(!macEquals(mac, frameMac(k, 0n, 4, Buffer.from('y'))), 'other payload')
    assert.ok(!macEquals(mac, mac.subarray(0, 16)), 'truncated')
  })
})
