import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { StateChannel } from '#src/cluster/broadcast.js'
import type { FrameType } from '#src/cluster/frame.js'
import { decodePart } from '#src/cluster/messages.js'
import type { Connection } from '#src/cluster/transport.js'

/** fakeConnection records what would be sent. */
function fakeConnection(): { conn: Connection; sent: [FrameType, Uint8Array][] } {
  const sent: [FrameType, Uint8Array][] = []
  const conn = {
    send: (type: FrameType, payload: Uint8Array) => {
      sent.push([type, payload])
      return true
    },
  } as unknown as Connection
  return { conn, sent }
}

describe('StateChannel', () => {
  it('sends one UPDATE with the key and data to every connected peer', () => {
    const peers = [fakeConnection(), fakeConnection()]
    const channel = new StateChannel('nfl', () => peers.map((p) => p.conn))
    channel.broadcast(new Uint8Array([1, 2, 3]))
    for (const { sent } of peers) {
      assert.equal(sent.length, 1)
      const [type, payload] = sent[0] as [FrameType, Uint8Array]
      assert.equal(type, 'update')
      const part = decodePart(payload)
      assert.equal(part.key, 'nfl')
      assert.deepEqual([...part.data], [1, 2, 3])
    }
  })

  it('does nothing without peers', () => {
    const channel = new StateChannel('sil', () => [])
    assert.doesNotThrow(() => {
      channel.broadcast(new Uint8Array([1]))
    })
  })
})
