import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

import protobuf from 'protobufjs'

import { decodeMeshSilences, encodeMeshSilences } from '#src/silences/index.js'
import type { MeshSilence, SilenceMatcherType } from '#src/silences/index.js'
import { GO_ZERO_TIME_MS } from '#src/util/index.js'

import type { ApiMatcher, GettableSilence } from '../../support/fixtures.js'

const FIXTURES = new URL('../../../../test/fixtures/silences/', import.meta.url)
const NOW = Date.UTC(2024, 0, 1, 12, 0, 0, 123)
const HOUR = 3_600_000

function apiType(m: ApiMatcher): SilenceMatcherType {
  if (m.isRegex) {
    return m.isEqual ? 'REGEXP' : 'NOT_REGEXP'
  }
  return m.isEqual ? 'EQUAL' : 'NOT_EQUAL'
}

// Rows port 0.25's TestStateCoding: every matcher type, equal and different times.
const ENTRIES: MeshSilence[] = [
  {
    silence: {
      id: '3be80475-e219-4ee7-b6fc-4b65114e362f',
      matchers: [
        { name: 'label1', pattern: 'val1', type: 'EQUAL' },
        { name: 'label2', pattern: 'val.+', type: 'REGEXP' },
      ],
      startsAt: NOW,
      endsAt: NOW,
      updatedAt: NOW,
      createdBy: '',
      comment: '',
    },
    expiresAt: NOW,
  },
  {
    silence: {
      id: '4b1e760d-182c-4980-b873-c1a6827c9817',
      matchers: [{ name: 'label1', pattern: 'val1', type: 'EQUAL' }],
      startsAt: NOW + HOUR,
      endsAt: NOW + 2 * HOUR,
      updatedAt: NOW,
      createdBy: 'ünïcode ☃',
      comment: 'line\nbreak "quotes"',
    },
    expiresAt: NOW + 24 * HOUR,
  },
  {
    silence: {
      id: '3dfb2528-59ce-41eb-b465-f875a4e744a4',
      matchers: [
        { name: 'label1', pattern: 'val1', type: 'NOT_EQUAL' },
        { name: 'label2', pattern: 'val.+', type: 'NOT_REGEXP' },
      ],
      // Before 1970 and Go's zero time must survive the seconds/nanos split.
      startsAt: -1,
      endsAt: GO_ZERO_TIME_MS,
      updatedAt: NOW,
      createdBy: '',
      comment: '',
    },
    expiresAt: NOW,
  },
]

describe('encodeMeshSilences / decodeMeshSilences', () => {
  it('round-trips silences of every matcher type', () => {
    const { silences, problems, stoppedAt } = decodeMeshSilences(encodeMeshSilences(ENTRIES))
    assert.deepEqual(silences, ENTRIES)
    assert.deepEqual(problems, [])
    assert.equal(stoppedAt, undefined)
  })

  it('encodes nothing as no bytes', () => {
    assert.equal(encodeMeshSilences([]).length, 0)
    assert.deepEqual(decodeMeshSilences(new Uint8Array()).silences, [])
  })

  it('reads a snapshot written by Alertmanager 0.25 exactly as its API lists it', () => {
    const bytes = readFileSync(new URL('am-0.25.silences', FIXTURES))
    const listed = JSON.parse(
      readFileSync(new URL('am-0.25.json', FIXTURES), 'utf8')
    ) as GettableSilence[]
    const { silences, problems } = decodeMeshSilences(bytes)
    assert.deepEqual(problems, [])
    const byId = new Map(silences.map((m) => [m.silence.id, m.silence]))
    assert.equal(byId.size, listed.length)
    for (const want of listed) {
      const got = byId.get(want.id)
      assert.ok(got, want.id)
      assert.deepEqual(got, {
        id: want.id,
        matchers: want.matchers.map((m) => ({ type: apiType(m), name: m.name, pattern: m.value })),
        // The API renders times truncated to the millisecond, as decoding does.
        startsAt: Date.parse(want.startsAt),
        endsAt: Date.parse(want.endsAt),
        updatedAt: Date.parse(want.updatedAt),
        createdBy: want.createdBy,
        comment: want.comment,
      })
    }
  })

  it('migrates the legacy comments list to createdBy and comment', () => {
    // A record as written before created_by/comment existed (field 7, silencepb.Comment).
    const root = protobuf.parse(`
      syntax = "proto3";
      message Ts { int64 seconds = 1; int32 nanos = 2; }
      message M { int32 type = 1; string name = 2; string pattern = 3; }
      message C { string author = 1; string comment = 2; Ts timestamp = 3; }
      message S { string id = 1; repeated M matchers = 2; Ts starts_at = 3; Ts ends_at = 4;
                  Ts updated_at = 5; repeated C comments = 7; }
      message Mesh { S silence = 1; Ts expires_at = 2; }`).root
    const Mesh = root.lookupType('Mesh')
    const ts = { seconds: 1_700_000_000, nanos: 5_000_000 }
    const bytes = Mesh.encodeDelimited({
      silence: {
        id: 'legacy',
        matchers: [{ type: 0, name: 'a', pattern: 'b' }],
        startsAt: ts,
        endsAt: ts,
        updatedAt: ts,
        comments: [
          { author: 'old-author', comment: 'old comment', timestamp: ts },
          { author: 'ignored', comment: 'only the first counts', timestamp: ts },
        ],
      },
      expiresAt: ts,
    }).finish()
    const { silences, problems } = decodeMeshSilences(bytes)
    assert.deepEqual(problems, [])
    const [first] = silences
    assert.ok(first)
    assert.equal(first.silence.createdBy, 'old-author')
    assert.equal(first.silence.comment, 'old comment')
    assert.equal(first.silence.startsAt, 1_700_000_000_005)
  })

  it('truncates nanoseconds to the millisecond', () => {
    const bytes = readFileSync(new URL('am-0.25.silences', FIXTURES))
    for (const m of decodeMeshSilences(bytes).silences) {
      assert.ok(Number.isInteger(m.silence.updatedAt))
    }
  })
})

describe('decodeMeshSilences on bad input', () => {
  const good = encodeMeshSilences(ENTRIES)
  const sizes = ENTRIES.map((e) => encodeMeshSilences([e]).length)
  const firstLength = sizes[0] ?? 0
  const thirdOffset = firstLength + (sizes[1] ?? 0)
  const cat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts)
  // A record whose body is not a MeshSilence: field 1 with wire type 7 does not exist.
  const undecodable = Uint8Array.of(2, 0x0f, 0x00)
  // A record that decodes but has no silence (0.25's ErrInvalidState, TestStateDecodingError).
  const empty = Uint8Array.of(0)

  const cases: {
    name: string
    bytes: Uint8Array
    read: number
    problems: { offset: number; message: RegExp }[]
    stoppedAt: number | undefined
  }[] = [
    {
      name: 'a last record cut short (crash during a write)',
      bytes: good.subarray(0, good.length - 3),
      read: 2,
      problems: [{ offset: thirdOffset, message: /truncated record/ }],
      stoppedAt: thirdOffset,
    },
    {
      name: 'a length prefix cut short',
      bytes: cat(good, Uint8Array.of(0x80)),
      read: 3,
      problems: [{ offset: good.length, message: /truncated length prefix/ }],
      stoppedAt: good.length,
    },
    {
      name: 'a varint longer than 10 bytes',
      bytes: cat(good, new Uint8Array(11).fill(0xff)),
      read: 3,
      problems: [{ offset: good.length, message: /bad length varint/ }],
      stoppedAt: good.length,
    },
    {
      name: 'an impossible length',
      bytes: cat(good, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), new Uint8Array(8)),
      read: 3,
      problems: [{ offset: good.length, message: /impossible record length/ }],
      stoppedAt: good.length,
    },
    {
      name: 'an undecodable record between good ones (skipped, reading goes on)',
      bytes: cat(good.subarray(0, firstLength), undecodable, good.subarray(firstLength)),
      read: 3,
      problems: [{ offset: firstLength, message: /undecodable record/ }],
      stoppedAt: undefined,
    },
    {
      name: 'a record without a silence',
      bytes: cat(empty, good),
      read: 3,
      problems: [{ offset: 0, message: /record has no silence/ }],
      stoppedAt: undefined,
    },
    {
      name: 'garbage text appended',
      bytes: cat(good, Buffer.from('this is not protobuf at all')),
      read: 3,
      problems: [{ offset: good.length, message: /./ }],
      stoppedAt: undefined,
    },
  ]
  for (const c of cases) {
    it(`keeps what it can read before ${c.name}`, () => {
      const got = decodeMeshSilences(c.bytes)
      assert.equal(got.silences.length, c.read)
      assert.deepEqual(got.silences, ENTRIES.slice(0, c.read))
      assert.ok(got.problems.length >= 1)
      const [first] = got.problems
      assert.equal(first?.offset, c.problems[0]?.offset)
      assert.match(first?.message ?? '', c.problems[0]?.message ?? /./)
      if (c.stoppedAt !== undefined) {
        assert.equal(got.stoppedAt, c.stoppedAt)
      }
    })
  }

  it('reports an unknown matcher type instead of guessing', () => {
    const root = protobuf.parse(`
      syntax = "proto3";
      message M { int32 type = 1; string name = 2; string pattern = 3; }
      message S { string id = 1; repeated M matchers = 2; }
      message Mesh { S silence = 1; }`).root
    const bytes = root
      .lookupType('Mesh')
      .encodeDelimited({ silence: { id: 'x', matchers: [{ type: 9, name: 'a', pattern: 'b' }] } })
      .finish()
    const got = decodeMeshSilences(bytes)
    assert.deepEqual(got.silences, [])
    assert.match(got.problems[0]?.message ?? '', /silence x has unknown matcher type 9/)
  })
})
