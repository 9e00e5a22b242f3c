// The gossip adapters are the same for both states: each state decodes its own messages, the
// bridge broadcasts local changes only, and undecodable records are logged and dropped.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type bunyan from 'bunyan'

import { GossipBridge, gossipState, nflogBridge } from '#src/cli/gossip-bridge.js'
import type { BinaryState } from '#src/cli/gossip-bridge.js'
import { Nflog } from '#src/nflog/index.js'
import { Silences, encodeMeshSilences } from '#src/silences/index.js'
import type { MeshSilence } from '#src/silences/index.js'

import { recordingLog } from '../../support/recording-log.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const HOUR = 3_600_000
const GARBAGE = Uint8Array.from([5, 1, 2])

function capture(): { log: bunyan; records: { msg: string; problems?: string[] }[] } {
  return recordingLog()
}

interface Node {
  /** change makes a local change. */
  change: () => Promise<void>
  state: ReturnType<typeof gossipState>
  sent: Uint8Array[]
  records: { msg: string; problems?: string[] }[]
}

/**
 * node opens a state with its bridge's change hook and wires it to a channel that records what
 * it broadcasts, as cluster-setup does.
 */
async function node<T, S extends BinaryState>(
  bridge: GossipBridge<T>,
  open: (log: bunyan, onChange: (changes: readonly T[]) => void) => Promise<S>,
  change: (state: S) => unknown,
  dropped: string
): Promise<Node> {
  const { log, records } = capture()
  const store = await open(log, bridge.onChange)
  const sent: Uint8Array[] = []
  bridge.attach({ broadcast: (data) => sent.push(data) })
  return {
    change: async () => {
      await change(store)
    },
    state: gossipState(store, bridge, log, dropped),
    sent,
    records,
  }
}

const silencesNode = (): Promise<Node> =>
  node(
    new GossipBridge<MeshSilence>((changed) => encodeMeshSilences(changed)),
    (log, onChange) => Silences.open({ retentionMs: HOUR, now: () => T0, log, onChange }),
    (silences) =>
      silences.set({
        matchers: [{ type: 'EQUAL', name: 'a', pattern: 'b' }],
        startsAt: T0,
        endsAt: T0 + HOUR,
        createdBy: 'me',
        comment: '',
      }),
    'Dropped undecodable silences from a peer'
  )

const nflogNode = async (): Promise<Node> =>
  node(
    await nflogBridge(),
    (log, onChange) => Nflog.open({ retentionMs: HOUR, now: () => T0, log, onChange }),
    (nflog) => {
      nflog.log({ groupName: 'r', integration: 'webhook', idx: 0 }, '{}:{}', [1n], [], 0)
    },
    'Dropped undecodable nflog entries from a peer'
  )

const kinds: { name: string; node: () => Promise<Node>; dropped: string }[] = [
  { name: 'silences', node: silencesNode, dropped: 'Dropped undecodable silences from a peer' },
  { name: 'nflog', node: nflogNode, dropped: 'Dropped undecodable nflog entries from a peer' },
]

describe('gossipState', () => {
  for (const k of kinds) {
    it(`carries ${k.name} from node to node, broadcasting local changes only`, async () => {
      const a = await k.node()
      const b = await k.node()
      await a.change()
      assert.equal(a.sent.length, 1)
      assert.equal(b.state.mergeBinary(a.sent[0] ?? new Uint8Array()), true)
      assert.deepEqual(b.sent, [], 'a merged change is not sent on')
      assert.deepEqual(b.state.marshalBinary(), a.state.marshalBinary())
      assert.equal(b.state.mergeBinary(a.state.marshalBinary()), false, 'nothing new')
    })

    it(`logs and drops what does not decode (${k.name})`, async () => {
      const a = await k.node()
      assert.equal(a.state.mergeBinary(GARBAGE), false)
      assert.deepEqual(
        a.records.map((r) => r.msg),
        [k.dropped]
      )
      assert.match(a.records[0]?.problems?.[0] ?? '', /^byte 0: /)
    })
  }
})
