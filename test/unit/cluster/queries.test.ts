import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { decodeAnswer, encodeQuery } from '#src/cluster/messages.js'

import { RawPeer, names, startPeer, waitFor } from './helpers.js'
import type { TestPeer } from './helpers.js'

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')
const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8')

async function pair(): Promise<[TestPeer, TestPeer]> {
  const a = await startPeer('a')
  const b = await startPeer('b', { knownPeers: [a.address] })
  await waitFor('a and b connected', () => names(a).length === 2 && names(b).length === 2)
  return [a, b]
}

describe('cluster queries', () => {
  it("asks every peer and gathers their answers, each handler seeing the asker's name", async () => {
    const [a, b] = await pair()
    const c = await startPeer('c', { knownPeers: [a.address] })
    try {
      await waitFor('a full mesh', () => names(a).length === 3 && names(c).length === 3)
      b.peer.addQuery('echo', (data, from) => bytes(`b:${from}:${text(data)}`))
      c.peer.addQuery('echo', (data, from) => bytes(`c:${from}:${text(data)}`))
      const answers = await a.peer.ask('echo', bytes('hi'), 2_000)
      assert.deepEqual(
        answers
          .map((x) => ('data' in x ? `${x.peer}=${text(x.data)}` : `${x.peer}!${x.error}`))
          .sort(),
        ['b=b:a:hi', 'c=c:a:hi']
      )
    } finally {
      await Promise.all([a, b, c].map((p) => p.peer.stop()))
    }
  })

  it('turns a missing handler and a throwing one into error answers', async () => {
    const [a, b] = await pair()
    try {
      assert.deepEqual(await a.peer.ask('nothing', bytes(''), 2_000), [
        { peer: 'b', error: 'no handler for "nothing"' },
      ])
      b.peer.addQuery('broken', () => {
        throw new Error('cannot answer that')
      })
      assert.deepEqual(await a.peer.ask('broken', bytes(''), 2_000), [
        { peer: 'b', error: 'cannot answer that' },
      ])
    } finally {
      await Promise.all([a.peer.stop(), b.peer.stop()])
    }
  })

  it('does not ask a peer of an older version', async () => {
    const a = await startPeer('a')
    // A HELLO without the queries flag: a node that would close on an unknown frame type.
    const raw = await RawPeer.connect(a.address, { name: 'mute' })
    try {
      await waitFor('the raw peer connected', () => names(a).length === 2)
      const started = performance.now()
      const answers = await a.peer.ask('echo', bytes('x'), 300)
      const elapsed = performance.now() - started
      // A RawPeer's HELLO does not offer queries, so it is not even asked.
      assert.deepEqual(answers, [
        { peer: 'mute', error: 'the peer runs a version that answers no queries' },
      ])
      assert.ok(elapsed < 300, `answered at once, not after the timeout (${elapsed} ms)`)
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })

  it('ends a query that gets no answer with an error after the timeout', async () => {
    const a = await startPeer('a')
    // A peer that offers queries but never answers them.
    const raw = await RawPeer.connect(a.address, { name: 'mute', queries: true })
    try {
      await waitFor('the raw peer connected', () => names(a).length === 2)
      const started = performance.now()
      const answers = await a.peer.ask('echo', bytes('x'), 300)
      const elapsed = performance.now() - started
      assert.deepEqual(answers, [{ peer: 'mute', error: 'no answer within 300 ms' }])
      assert.ok(elapsed >= 290, `waited for the timeout (${elapsed} ms)`)
      await raw.waitFrame('query')
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })

  it('answers a QUERY frame on the connection it came from', async () => {
    const a = await startPeer('a')
    a.peer.addQuery('echo', (data) => data)
    const raw = await RawPeer.connect(a.address, { name: 'asker' })
    try {
      await waitFor('the raw peer connected', () => raw.established)
      raw.send('query', encodeQuery({ id: 41, key: 'echo', data: bytes('ping') }))
      await raw.waitFrame('answer')
      const answer = decodeAnswer(raw.payloads('answer')[0] ?? new Uint8Array(0))
      assert.deepEqual({ ...answer, data: text(answer.data) }, { id: 41, data: 'ping', error: '' })
    } finally {
      raw.socket.destroy()
      await a.peer.stop()
    }
  })

  it('resolves open queries when the peer stops, and asks nobody after stop', async () => {
    const [a, b] = await pair()
    b.peer.addQuery('slow', () => bytes('late'))
    await a.peer.stop()
    assert.deepEqual(await a.peer.ask('slow', bytes(''), 2_000), [])
    await b.peer.stop()
  })
})
