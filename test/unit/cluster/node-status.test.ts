import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { NodeStatusState } from '#src/cluster/index.js'
import type { Channel, NodeStatusEntry } from '#src/cluster/index.js'

/** recordingChannel keeps every broadcast payload, decoded. */
function recordingChannel(): { channel: Channel; sent: NodeStatusEntry[][] } {
  const sent: NodeStatusEntry[][] = []
  return {
    channel: {
      broadcast: (data) =>
        sent.push(JSON.parse(Buffer.from(data).toString('utf8')) as NodeStatusEntry[]),
    },
    sent,
  }
}

/** stateOf makes a state for `self` on a clock the test moves. */
function stateOf(self: string, clock = { ms: 1000 }, maxEntries?: number): NodeStatusState {
  return new NodeStatusState({
    self,
    now: () => clock.ms,
    ...(maxEntries === undefined ? {} : { maxEntries }),
  })
}

const bytes = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8')

const entry = (name: string, updatedAtMs: number, hash = 'aaaaaaaaaaaa'): NodeStatusEntry => ({
  name,
  hash,
  appliedAt: '2026-08-01T10:00:00.000Z',
  updatedAtMs,
})

describe('NodeStatusState', () => {
  it('publishes its own entry, stamped by the clock, and broadcasts it', () => {
    const { channel, sent } = recordingChannel()
    const state = stateOf('n0')
    state.attach(channel)
    const published = state.publish({
      hash: '0123456789ab',
      appliedAt: '2026-08-01T10:00:00.000Z',
      error: 'bad route',
    })
    assert.deepEqual(published, {
      name: 'n0',
      hash: '0123456789ab',
      appliedAt: '2026-08-01T10:00:00.000Z',
      error: 'bad route',
      updatedAtMs: 1000,
    })
    assert.deepEqual(state.get('n0'), published)
    assert.deepEqual(sent, [[published]])
  })

  it('stamps each publish later than the last, even when the clock stands still or goes back', () => {
    const clock = { ms: 5000 }
    const state = stateOf('n0', clock)
    assert.equal(state.publish({ hash: 'a', appliedAt: '' }).updatedAtMs, 5000)
    assert.equal(state.publish({ hash: 'b', appliedAt: '' }).updatedAtMs, 5001)
    clock.ms = 10
    assert.equal(state.publish({ hash: 'c', appliedAt: '' }).updatedAtMs, 5002)
  })

  it('cuts an overlong error when publishing, so peers do not drop the entry', () => {
    const state = stateOf('n0')
    const published = state.publish({ hash: 'a', appliedAt: '', error: 'x'.repeat(10_000) })
    assert.equal(published.error?.length, 2048)
    const peer = stateOf('n1')
    assert.equal(peer.mergeBinary(state.marshalBinary()), true)
    assert.equal(peer.get('n0')?.error?.length, 2048)
  })

  describe('merge', () => {
    const cases: {
      what: string
      held: NodeStatusEntry[]
      incoming: NodeStatusEntry[]
      changed: boolean
      hash: string
    }[] = [
      // A member not seen before is added.
      {
        what: 'new member',
        held: [],
        incoming: [entry('n1', 5)],
        changed: true,
        hash: 'aaaaaaaaaaaa',
      },
      // A later entry replaces the one held.
      {
        what: 'newer wins',
        held: [entry('n1', 5)],
        incoming: [entry('n1', 6, 'bbbbbbbbbbbb')],
        changed: true,
        hash: 'bbbbbbbbbbbb',
      },
      // An earlier entry (a delayed broadcast) is ignored.
      {
        what: 'older loses',
        held: [entry('n1', 6, 'bbbbbbbbbbbb')],
        incoming: [entry('n1', 5)],
        changed: false,
        hash: 'bbbbbbbbbbbb',
      },
      // On equal stamps the entry held stays, so a re-sent state changes nothing.
      {
        what: 'tie keeps held',
        held: [entry('n1', 5)],
        incoming: [entry('n1', 5, 'bbbbbbbbbbbb')],
        changed: false,
        hash: 'aaaaaaaaaaaa',
      },
    ]
    for (const c of cases) {
      it(`last writer wins per name: ${c.what}`, () => {
        const state = stateOf('n0')
        if (c.held.length > 0) {
          state.mergeBinary(bytes(c.held))
        }
        assert.equal(state.mergeBinary(bytes(c.incoming)), c.changed)
        assert.equal(state.get('n1')?.hash, c.hash)
      })
    }

    it('is idempotent: merging the same full state twice changes nothing the second time', () => {
      const a = stateOf('n0')
      a.publish({ hash: 'aaaaaaaaaaaa', appliedAt: 'x', error: 'refused' })
      a.mergeBinary(bytes([entry('n2', 7)]))
      const b = stateOf('n1')
      assert.equal(b.mergeBinary(a.marshalBinary()), true)
      assert.equal(b.mergeBinary(a.marshalBinary()), false)
      assert.deepEqual(
        b.entries().map((e) => e.name),
        ['n0', 'n2']
      )
      assert.equal(b.get('n0')?.error, 'refused')
    })

    it('is commutative: two orders of the same updates give the same bytes', () => {
      const updates = [
        entry('n1', 3),
        entry('n2', 4),
        entry('n1', 9, 'cccccccccccc'),
        entry('n3', 1),
      ]
      const forward = stateOf('n0')
      const backward = stateOf('n0')
      for (const u of updates) {
        forward.mergeBinary(bytes([u]))
      }
      for (const u of [...updates].reverse()) {
        backward.mergeBinary(bytes([u]))
      }
      assert.deepEqual(forward.marshalBinary(), backward.marshalBinary())
      assert.equal(forward.get('n1')?.hash, 'cccccccccccc')
    })

    it('encodes canonically (sorted by name), so converged nodes have equal digests', () => {
      const a = stateOf('n0')
      const b = stateOf('n9')
      a.mergeBinary(bytes([entry('n2', 1), entry('n1', 1)]))
      b.mergeBinary(bytes([entry('n1', 1)]))
      b.mergeBinary(bytes([entry('n2', 1)]))
      assert.equal(
        Buffer.from(a.marshalBinary()).toString(),
        Buffer.from(b.marshalBinary()).toString()
      )
      assert.deepEqual(
        a.entries().map((e) => e.name),
        ['n1', 'n2']
      )
    })

    it('does not re-broadcast what it merged from a peer', () => {
      const { channel, sent } = recordingChannel()
      const state = stateOf('n0')
      state.attach(channel)
      state.mergeBinary(bytes([entry('n1', 5)]))
      assert.deepEqual(sent, [])
    })

    it('keeps its own entry over a newer one from an earlier run, re-stamps past it and broadcasts', () => {
      const { channel, sent } = recordingChannel()
      const state = stateOf('n0', { ms: 1000 })
      state.attach(channel)
      state.publish({ hash: 'mine00000000', appliedAt: '' })
      // A peer still holds what this node published before a restart, with a clock ahead.
      assert.equal(state.mergeBinary(bytes([entry('n0', 9000, 'old000000000')])), true)
      assert.equal(state.get('n0')?.hash, 'mine00000000')
      assert.equal(state.get('n0')?.updatedAtMs, 9001)
      assert.deepEqual(sent.at(-1), [state.get('n0')])
      // The peer takes the re-stamped entry.
      const peer = stateOf('n1')
      peer.mergeBinary(bytes([entry('n0', 9000, 'old000000000')]))
      assert.equal(peer.mergeBinary(bytes(sent.at(-1))), true)
      assert.equal(peer.get('n0')?.hash, 'mine00000000')
    })

    it('takes an entry for itself before it has published, and publishes past it', () => {
      const state = stateOf('n0', { ms: 1000 })
      assert.equal(state.mergeBinary(bytes([entry('n0', 9000, 'old000000000')])), true)
      assert.equal(state.publish({ hash: 'mine00000000', appliedAt: '' }).updatedAtMs, 9001)
    })
  })

  describe('bounds', () => {
    it('caps the entries, dropping the oldest but never its own', () => {
      const state = stateOf('n0', { ms: 1 }, 3)
      state.publish({ hash: 'mine', appliedAt: '' })
      assert.equal(state.mergeBinary(bytes([entry('a', 10), entry('b', 20), entry('c', 30)])), true)
      assert.deepEqual(
        state.entries().map((e) => e.name),
        ['b', 'c', 'n0']
      )
      // An entry older than all kept ones is dropped again at once: nothing changed.
      assert.equal(state.mergeBinary(bytes([entry('a', 10)])), false)
      // A newer one evicts the oldest.
      assert.equal(state.mergeBinary(bytes([entry('d', 40)])), true)
      assert.deepEqual(
        state.entries().map((e) => e.name),
        ['c', 'd', 'n0']
      )
    })

    it('skips entries with absurd sizes or an empty name, and merges the rest', () => {
      const state = stateOf('n0')
      const changed = state.mergeBinary(
        bytes([
          { ...entry('n1', 1), hash: 'h'.repeat(65) },
          { ...entry('n2', 1), error: 'e'.repeat(2049) },
          { ...entry('n3', 1), appliedAt: 't'.repeat(65) },
          entry('x'.repeat(257), 1),
          entry('', 1),
          entry('n4', 1),
        ])
      )
      assert.equal(changed, true)
      assert.deepEqual(
        state.entries().map((e) => e.name),
        ['n4']
      )
    })

    const garbage: { what: string; data: Uint8Array }[] = [
      // Not JSON at all.
      { what: 'not JSON', data: Buffer.from('\x00\x01protobuf?') },
      // Invalid UTF-8.
      { what: 'invalid UTF-8', data: new Uint8Array([0x5b, 0xff, 0x5d]) },
      // JSON, but an object instead of the array.
      { what: 'an object', data: bytes({ name: 'n1' }) },
      // An entry that is not an object.
      { what: 'a number entry', data: bytes([1]) },
      // A field of the wrong type.
      { what: 'hash as a number', data: bytes([{ ...entry('n1', 1), hash: 1 }]) },
      // A stamp that is not a non-negative safe integer.
      { what: 'fractional stamp', data: bytes([{ ...entry('n1', 1), updatedAtMs: 1.5 }]) },
      { what: 'negative stamp', data: bytes([{ ...entry('n1', 1), updatedAtMs: -1 }]) },
      { what: 'missing stamp', data: bytes([{ name: 'n1', hash: '', appliedAt: '' }]) },
      // An error that is not a string.
      { what: 'error as an object', data: bytes([{ ...entry('n1', 1), error: {} }]) },
    ]
    for (const g of garbage) {
      it(`throws on garbage, so the peer counts merge_failed: ${g.what}`, () => {
        const state = stateOf('n0')
        state.mergeBinary(bytes([entry('n5', 1)]))
        assert.throws(() => state.mergeBinary(g.data), /node status/)
        // Nothing of a rejected message is merged.
        assert.deepEqual(
          state.entries().map((e) => e.name),
          ['n5']
        )
      })
    }

    it('refuses an empty self name and a cap below 1', () => {
      assert.throws(() => stateOf(''), /self/)
      assert.throws(() => stateOf('n0', { ms: 0 }, 0), /maxEntries/)
    })
  })
})
