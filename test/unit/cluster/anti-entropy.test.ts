import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { AntiEntropy } from '#src/cluster/anti-entropy.js'
import type { DropReason, GossipState } from '#src/cluster/index.js'
import { WarnLimiter } from '#src/util/index.js'

import { MemoryState, quietLog } from './helpers.js'

function antiEntropy(states: Record<string, GossipState>) {
  const { log, records } = quietLog()
  const drops: DropReason[] = []
  const ae = new AntiEntropy({
    states: new Map(Object.entries(states)),
    counter: {
      received: () => undefined,
      sent: () => undefined,
      dropped: (reason) => drops.push(reason),
    },
    warn: new WarnLimiter(log, 10_000, () => 0),
    log,
  })
  return { ae, drops, records }
}

describe('AntiEntropy', () => {
  it('finds the shared keys whose digests differ', () => {
    const mine = { sil: new MemoryState(), nfl: new MemoryState(), only: new MemoryState() }
    const theirs = { sil: new MemoryState(), nfl: new MemoryState(), other: new MemoryState() }
    mine.sil.set('a', '1', false)
    theirs.sil.entries.set('a', mine.sil.entries.get('a') ?? { value: '', ts: 0 })
    mine.nfl.set('b', '2', false)
    const local = antiEntropy(mine).ae
    const remote = antiEntropy(theirs).ae
    // sil is equal, nfl differs, `only` and `other` exist on one side.
    assert.deepEqual(local.mismatched(remote.digests()), ['nfl'])
    assert.deepEqual(remote.mismatched(local.digests()), ['nfl'])
    assert.equal(local.digests()[0]?.data.length, 32)
  })

  it('encodes the full state of the requested keys, skipping unknown ones', () => {
    const sil = new MemoryState()
    sil.set('a', '1', false)
    const { ae } = antiEntropy({ sil, nfl: new MemoryState() })
    assert.deepEqual(
      ae.fullState().map((p) => p.key),
      ['sil', 'nfl']
    )
    const [part] = ae.fullState(['sil', 'nope'])
    assert.equal(part?.key, 'sil')
    assert.deepEqual(part.data, sil.marshalBinary())
  })

  it('merges each part, counting unknown keys and failed merges without stopping', () => {
    const sil = new MemoryState()
    const { ae, drops, records } = antiEntropy({ sil })
    const good = Buffer.from(JSON.stringify({ k: { value: 'v', ts: 1 } }))
    const changed = ae.merge(
      [
        { key: 'nope', data: good },
        { key: 'sil', data: Buffer.from('{broken') },
        { key: 'sil', data: good },
      ],
      'peer-1',
      'update'
    )
    assert.equal(changed, 1)
    assert.equal(sil.get('k'), 'v')
    assert.deepEqual(drops, ['unknown_key', 'merge_failed'])
    const warning = records().find((r) => r['msg'] === 'Dropped gossip that failed to merge')
    assert.equal(warning?.['peer'], 'peer-1')
  })

  it('skips a state whose encoder throws, and says so', () => {
    const broken: GossipState = {
      marshalBinary: () => {
        throw new Error('cannot encode')
      },
      mergeBinary: () => false,
    }
    const { ae, records } = antiEntropy({ broken, sil: new MemoryState() })
    assert.deepEqual(
      ae.digests().map((p) => p.key),
      ['sil']
    )
    assert.ok(records().some((r) => r['msg'] === 'Could not encode a state for gossip'))
  })
})
