// In memberlist mode the gossip bridge relays what a merge changed, as Alertmanager's silences
// do: memberlist reaches a few random members per round, not every member.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import { GossipBridge, gossipState } from '#src/cli/gossip-bridge.js'
import { Silences, encodeMeshSilences } from '#src/silences/index.js'
import type { MeshSilence } from '#src/silences/index.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const HOUR = 3_600_000

async function silencesNode(relayMerges: boolean): Promise<{
  silences: Silences
  state: ReturnType<typeof gossipState>
  sent: Uint8Array[]
}> {
  const log = bunyan.createLogger({ name: 't', level: 'fatal' })
  const bridge = new GossipBridge<MeshSilence>((changed) => encodeMeshSilences(changed))
  const silences = await Silences.open({
    retentionMs: HOUR,
    now: () => T0,
    log,
    onChange: bridge.onChange,
  })
  const sent: Uint8Array[] = []
  bridge.attach({ broadcast: (data) => sent.push(data) }, relayMerges)
  return { silences, state: gossipState(silences, bridge, log, 'dropped'), sent }
}

describe('GossipBridge relayMerges', () => {
  it('relays a merged change once, and not what changed nothing', async () => {
    const a = await silencesNode(false)
    const b = await silencesNode(true)
    await a.silences.set({
      matchers: [{ type: 'EQUAL', name: 'a', pattern: 'b' }],
      startsAt: T0,
      endsAt: T0 + HOUR,
      createdBy: 'me',
      comment: '',
    })
    const [change] = a.sent
    assert.ok(change !== undefined)
    assert.equal(b.state.mergeBinary(change), true)
    assert.equal(b.sent.length, 1, 'the merged change goes on')
    assert.equal(b.state.mergeBinary(change), false)
    assert.equal(b.sent.length, 1, 'a repeat changes nothing and is not relayed')
  })
})
