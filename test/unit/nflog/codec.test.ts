import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'

import { loadNflogCodec } from '#src/nflog/index.js'
import type { MeshEntry, NflogCodec } from '#src/nflog/index.js'
import { GO_ZERO_TIME_MS } from '#src/util/index.js'

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'nflog')
const U64_MAX = 2n ** 64n - 1n

function mesh(fields: {
  groupKey?: string
  groupName?: string
  integration?: string
  idx?: number
  timestamp?: number
  expiresAt?: number
  firing?: bigint[]
  resolved?: bigint[]
}): MeshEntry {
  return {
    entry: {
      groupKey: fields.groupKey ?? '{}:{alertname="A"}',
      receiver: {
        groupName: fields.groupName ?? 'team',
        integration: fields.integration ?? 'webhook',
        idx: fields.idx ?? 0,
      },
      timestamp: fields.timestamp ?? Date.UTC(2024, 0, 2, 3, 4, 5, 678),
      firingAlerts: fields.firing ?? [],
      resolvedAlerts: fields.resolved ?? [],
    },
    expiresAt: fields.expiresAt ?? Date.UTC(2024, 0, 2, 11, 4, 5, 678),
  }
}

/** What gogo-golden.go writes (see that file). */
const GOLDEN: MeshEntry[] = [
  mesh({ firing: [1n, U64_MAX, 2n ** 63n] }),
  mesh({
    groupKey: '{}/{team="db"}:{alertname="B"}',
    groupName: 'db.team',
    integration: 'email',
    idx: 2,
    timestamp: Date.UTC(2024, 0, 2, 3, 4, 6, 678),
    expiresAt: Date.UTC(2024, 0, 2, 3, 4, 5, 678) + 120 * 3_600_000,
    resolved: [42n, 12345678901234567890n],
  }),
]

/** delimited frames raw message bodies with their varint length. */
function delimited(...bodies: number[][]): Uint8Array {
  return Uint8Array.from(bodies.flatMap((b) => [b.length, ...b]))
}

let codec: NflogCodec
before(async () => {
  codec = await loadNflogCodec()
})

describe('nflog codec against Alertmanager (gogoproto) bytes', () => {
  it('decodes a snapshot written by nflogpb exactly, uint64 hashes above 2^63 included', async () => {
    const data = await readFile(join(FIXTURES, 'gogo-golden.nflog'))
    const { entries, issues } = codec.decode(data)
    assert.deepEqual(issues, [])
    assert.deepEqual(entries, GOLDEN)
  })

  it('encodes the same entries into the same bytes', async () => {
    const data = await readFile(join(FIXTURES, 'gogo-golden.nflog'))
    assert.deepEqual(Buffer.from(codec.encode(GOLDEN)), data)
  })
})

describe('nflog codec round trip', () => {
  const cases: { name: string; entry: MeshEntry }[] = [
    // The edges of uint64: zero, 2^53 + 1 (lost by doubles), 2^63 (sign bit), the maximum.
    { name: 'uint64 edges', entry: mesh({ firing: [0n, 2n ** 53n + 1n, 2n ** 63n, U64_MAX] }) },
    // Hashes in both lists, in their order.
    { name: 'firing and resolved', entry: mesh({ firing: [U64_MAX - 1n], resolved: [7n, 3n] }) },
    // proto3 defaults (empty strings, idx 0, empty key) are omitted on the wire and restored.
    { name: 'default values', entry: mesh({ groupKey: '', groupName: '', integration: '' }) },
    // A large receiver index.
    { name: 'idx above 127', entry: mesh({ idx: 300 }) },
    // Non-ASCII group keys are UTF-8 bytes.
    { name: 'UTF-8 group key', entry: mesh({ groupKey: '{}:{alertname="Ünïcødé ✓"}' }) },
    // Epoch exactly (an empty Timestamp message) and Go's zero time (negative seconds).
    { name: 'epoch and Go zero time', entry: mesh({ timestamp: 0, expiresAt: GO_ZERO_TIME_MS }) },
    // Times before 1970 keep their milliseconds (nanos are never negative on the wire).
    { name: 'pre-1970 millis', entry: mesh({ timestamp: -1, expiresAt: -1_500 }) },
  ]
  for (const c of cases) {
    it(`keeps ${c.name}`, () => {
      const { entries, issues } = codec.decode(codec.encode([c.entry]))
      assert.deepEqual(issues, [])
      assert.deepEqual(entries, [c.entry])
    })
  }

  it('reads nothing from nothing', () => {
    assert.deepEqual(codec.decode(new Uint8Array()), { entries: [], issues: [] })
    assert.equal(codec.encode([]).length, 0)
  })

  it('treats missing timestamps as Go zero time, as gogoproto stdtime does', () => {
    // MeshEntry{entry: Entry{receiver: Receiver{}}}: no timestamp, no expires_at.
    const { entries } = codec.decode(delimited([0x0a, 0x02, 0x12, 0x00]))
    assert.deepEqual(
      entries.map((m) => [m.entry.timestamp, m.expiresAt]),
      [[GO_ZERO_TIME_MS, GO_ZERO_TIME_MS]]
    )
  })
})

describe('nflog codec damaged input', () => {
  const good = (): number[] => [...codec.encode([mesh({ firing: [5n] })])]
  const cases: {
    name: string
    data: () => Uint8Array
    entries: number
    issues: { offset: (goodLength: number) => number; message: RegExp }[]
  }[] = [
    // A torn write: the last record is cut short.
    {
      name: 'a truncated last record',
      data: () => Uint8Array.from([...good(), ...good().slice(0, 20)]),
      entries: 1,
      issues: [{ offset: (n) => n, message: /truncated record: length \d+ but only 19 bytes/ }],
    },
    // Cut inside the length prefix (a varint continuation byte at the end).
    {
      name: 'a truncated length prefix',
      data: () => Uint8Array.from([...good(), 0x80]),
      entries: 1,
      issues: [{ offset: (n) => n, message: /truncated length prefix; 1 trailing bytes/ }],
    },
    // Eleven continuation bytes: not a varint at all.
    {
      name: 'a malformed length prefix',
      data: () => Uint8Array.from([...good(), ...Array<number>(11).fill(0xff), 0x01]),
      entries: 1,
      issues: [{ offset: (n) => n, message: /malformed length prefix/ }],
    },
    // A framed record of garbage (wire type 7) is skipped; the records after it still load.
    {
      name: 'a garbage record between good ones',
      data: () => Uint8Array.from([...good(), 2, 0xff, 0xff, ...good()]),
      entries: 2,
      issues: [{ offset: (n) => n, message: /undecodable record of 2 bytes/ }],
    },
    // MeshEntry without entry: Alertmanager aborts start-up (ErrInvalidState); we skip it.
    {
      name: 'a record without entry',
      data: () => Uint8Array.from([...delimited([0x12, 0x00]), ...good()]),
      entries: 1,
      issues: [{ offset: () => 0, message: /invalid record: no entry/ }],
    },
    // Entry without receiver: the same.
    {
      name: 'a record without receiver',
      data: () => Uint8Array.from([...good(), ...delimited([0x0a, 0x02, 0x0a, 0x00])]),
      entries: 1,
      issues: [{ offset: (n) => n, message: /invalid record: no receiver/ }],
    },
    // Text where a snapshot should be: the first length runs past the end.
    {
      name: 'a text file',
      data: () => new TextEncoder().encode('this is not an nflog snapshot\n'),
      entries: 0,
      issues: [{ offset: () => 0, message: /truncated record: length 116/ }],
    },
  ]
  for (const c of cases) {
    it(`keeps what it can read around ${c.name}`, () => {
      const goodLength = good().length
      const { entries, issues } = codec.decode(c.data())
      assert.equal(entries.length, c.entries)
      assert.equal(issues.length, c.issues.length, JSON.stringify(issues))
      c.issues.forEach((want, i) => {
        const issue = issues[i]
        assert.ok(issue)
        assert.equal(issue.offset, want.offset(goodLength))
        assert.match(issue.message, want.message)
      })
    })
  }
})
