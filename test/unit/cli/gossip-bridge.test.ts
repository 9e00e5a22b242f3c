/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
// The gossip adapters are the same for both states: each state decodes its own messages, the
// bridge broadcasts local changes only, and undecodable records are logged and dropped.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import { GossipBridge, gossipState, nflogBridge } from '../../../src/cli/gossip-bridge.js'
import { Nflog } from '../../../src/nflog/index.js'
import type { MeshEntry } from '../../../src/nflog/index.js'
import { Silences, encodeMeshSilences } from '../../../src/silences/index.js'
import type { MeshSilence } from '../../../src/silences/index.js'

const T0 = Date.UTC(2024, 0, 1, 12)
const HOUR = 3_600_000
const GARBAGE = Uint8Array.from([5, 1, 2])

function capture(): { log: bunyan; records: { msg: string; problems?: string[] }[] } {
  const records: { msg: string; problems?: string[] }[] = []
  const log = bunyan.createLogger({
    name: 't',
    streams: [
      { type: 'raw', level: 'trace', stream: { write: (r: object) => records.push(r as never) } },
    ],
  })
  return { log, records }
}

interface Node {
  /** change makes a local change. */
  change: () => Promise<void>
  state: ReturnType<typeof gossipState>
  sent: Uint8Array[]
  records: { msg: string; problems?: string[] }[]
}

async function silencesNode(): Promise<Node> {
  const { log, records } = capture()
  const bridge = new GossipBridge<MeshSilence>((changed) => encodeMeshSilences(changed))
  const silences = await Silences.open({
    retentionMs: HOUR,
    now: () => T0,
    log,
    onChange: bridge.onChange,
  })
  const state = gossipState(silences, bridge, log, 'Dropped undecodable silences from a peer')
  const sent: Uint8Array[] = []
  bridge.attach({ broadcast: (data) => sent.push(data) })
  return {
    change: async () => {
      await silences.set({
        matchers: [{ type: 'EQUAL', name: 'a', pattern: 'b' }],
        startsAt: T0,
        endsAt: T0 + HOUR,
        createdBy: 'me',
        comment: '',
      })
    },
    state,
    sent,
    records,
  }
}

async function nflogNode(): Promise<Node> {
  const { log, records } = capture()
  const bridge: GossipBridge<MeshEntry> = await nflogBridge()
  const nflog = await Nflog.open({
    retentionMs: HOUR,
    now: () => T0,
    log,
    onChange: bridge.onChange,
  })
  const state = gossipState(nflog, bridge, log, 'Dropped undecodable nflog entries from a peer')
  const sent: Uint8Array[] = []
  bridge.attach({ broadcast: (data) => sent.push(data) })
  return {
    change: () => {
      nflog.log({ groupName: 'r', integration: 'webhook', idx: 0 }, '{}:{}', [1n], [], 0)
      return Promise.resolve()
    },
    state,
    sent,
    records,
  }
}

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
