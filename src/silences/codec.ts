import protobuf from 'protobufjs'
import type { Type } from 'protobufjs'

import { TIMESTAMP_PROTO } from '../storage/index.js'
import type { RecordIssue } from '../storage/index.js'
import { GO_ZERO_TIME_MS, errorMessage } from '../util/index.js'

import { isSilenceMatcherType } from './silence.js'
import type { MeshSilence, SilenceMatcher, SilenceMatcherType } from './silence.js'

// Alertmanager 0.25's silence/silencepb/silence.proto without the gogoproto options, which do not
// change the wire format. google.protobuf.Timestamp comes from TIMESTAMP_PROTO (src/storage).
const SILENCE_PROTO = `
syntax = "proto3";
package silencepb;
import "google/protobuf/timestamp.proto";

message Matcher {
  enum Type {
    EQUAL = 0;
    REGEXP = 1;
    NOT_EQUAL = 2;
    NOT_REGEXP = 3;
  }
  Type type = 1;
  string name = 2;
  string pattern = 3;
}

message Comment {
  string author = 1;
  string comment = 2;
  google.protobuf.Timestamp timestamp = 3;
}

message Silence {
  string id = 1;
  repeated Matcher matchers = 2;
  google.protobuf.Timestamp starts_at = 3;
  google.protobuf.Timestamp ends_at = 4;
  google.protobuf.Timestamp updated_at = 5;
  repeated Comment comments = 7;
  string created_by = 8;
  string comment = 9;
}

message MeshSilence {
  Silence silence = 1;
  google.protobuf.Timestamp expires_at = 2;
}
`

/** TYPE_NUMBERS are the enum values of `silencepb.Matcher.Type`. */
const TYPE_NUMBERS: Readonly<Record<SilenceMatcherType, number>> = {
  EQUAL: 0,
  REGEXP: 1,
  NOT_EQUAL: 2,
  NOT_REGEXP: 3,
}
const TYPE_NAMES: readonly SilenceMatcherType[] = ['EQUAL', 'REGEXP', 'NOT_EQUAL', 'NOT_REGEXP']

/**
 * MAX_RECORD_BYTES bounds one record's length prefix. Larger values only come from corrupt
 * bytes; without a bound a garbage varint would look like a record cut short by a crash.
 */
const MAX_RECORD_BYTES = 64 << 20

let meshType: Type | undefined

/** meshSilenceType parses the schema on first use; most processes never decode a silence. */
function meshSilenceType(): Type {
  if (meshType === undefined) {
    const root = new protobuf.Root()
    protobuf.parse(TIMESTAMP_PROTO, root, { keepCase: true })
    protobuf.parse(SILENCE_PROTO, root, { keepCase: true })
    root.resolveAll()
    meshType = root.lookupType('silencepb.MeshSilence')
  }
  return meshType
}

/** TimestampFields is a google.protobuf.Timestamp as protobufjs encodes it. */
interface TimestampFields {
  seconds: number
  nanos: number
}

/** toTimestamp converts epoch ms to a Timestamp; Go's zero time stays year 1, as gogo writes it. */
function toTimestamp(ms: number): TimestampFields {
  const seconds = Math.floor(ms / 1000)
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 }
}

/**
 * fromTimestamp converts a decoded Timestamp to epoch ms, truncating below the millisecond (the
 * API renders times with millisecond precision the same way). An absent field is Go's zero time,
 * as gogo's non-nullable stdtime decodes it.
 */
function fromTimestamp(value: unknown): number {
  if (typeof value !== 'object' || value === null) {
    return GO_ZERO_TIME_MS
  }
  const seconds = numberField(value, 'seconds')
  const nanos = numberField(value, 'nanos')
  return seconds * 1000 + Math.floor(nanos / 1_000_000)
}

/** field reads a property of a decoded plain object. */
function field(obj: object, key: string): unknown {
  return (obj as Record<string, unknown>)[key]
}

/** numberField reads a numeric field, 0 when absent (proto3 default). */
function numberField(obj: object, key: string): number {
  const v = field(obj, key)
  return typeof v === 'number' ? v : 0
}

/** stringField reads a string field, '' when absent (proto3 default). */
function stringField(obj: object, key: string): string {
  const v = field(obj, key)
  return typeof v === 'string' ? v : ''
}

/** objects reads a repeated message field. */
function objects(obj: object, key: string): object[] {
  const v = field(obj, key)
  return Array.isArray(v) ? v.filter((e): e is object => typeof e === 'object' && e !== null) : []
}

/** meshSilenceFields is the protobufjs plain form of one MeshSilence; comments are never written. */
function meshSilenceFields(m: MeshSilence): object {
  const s = m.silence
  return {
    silence: {
      id: s.id,
      matchers: s.matchers.map((mt) => ({
        type: TYPE_NUMBERS[mt.type],
        name: mt.name,
        pattern: mt.pattern,
      })),
      starts_at: toTimestamp(s.startsAt),
      ends_at: toTimestamp(s.endsAt),
      updated_at: toTimestamp(s.updatedAt),
      created_by: s.createdBy,
      comment: s.comment,
    },
    expires_at: toTimestamp(m.expiresAt),
  }
}

/**
 * encodeMeshSilences encodes silences as Alertmanager's snapshot and gossip do: each
 * `silencepb.MeshSilence` prefixed with its length as a varint (`pbutil.WriteDelimited`),
 * concatenated.
 *
 * @param silences - the silences.
 * @returns the bytes; empty for no silences.
 * @example
 * decodeMeshSilences(encodeMeshSilences([m])).silences // [m]
 */
export function encodeMeshSilences(silences: Iterable<MeshSilence>): Uint8Array {
  const type = meshSilenceType()
  const writer = protobuf.Writer.create()
  for (const m of silences) {
    type.encodeDelimited(meshSilenceFields(m), writer)
  }
  return writer.finish()
}

/** toMeshSilence checks one decoded record and migrates legacy comments (0.25's loadSnapshot/merge). */
function toMeshSilence(decoded: object): MeshSilence | string {
  const sil = field(decoded, 'silence')
  if (typeof sil !== 'object' || sil === null) {
    // 0.25 refuses the whole state with ErrInvalidState here.
    return 'record has no silence'
  }
  const id = stringField(sil, 'id')
  if (id === '') {
    return 'silence has no id'
  }
  const matchers: SilenceMatcher[] = []
  for (const m of objects(sil, 'matchers')) {
    const type = TYPE_NAMES[numberField(m, 'type')]
    if (!isSilenceMatcherType(type)) {
      return `silence ${id} has unknown matcher type ${numberField(m, 'type')}`
    }
    matchers.push(
      Object.freeze({ type, name: stringField(m, 'name'), pattern: stringField(m, 'pattern') })
    )
  }
  if (matchers.length === 0) {
    return `silence ${id} has no matchers`
  }
  let createdBy = stringField(sil, 'created_by')
  let comment = stringField(sil, 'comment')
  const [legacy] = objects(sil, 'comments')
  if (legacy !== undefined) {
    // The comments list was replaced by one comment and created_by (0.25 silence.go).
    comment = stringField(legacy, 'comment')
    createdBy = stringField(legacy, 'author')
  }
  return Object.freeze({
    silence: Object.freeze({
      id,
      matchers: Object.freeze(matchers),
      startsAt: fromTimestamp(field(sil, 'starts_at')),
      endsAt: fromTimestamp(field(sil, 'ends_at')),
      updatedAt: fromTimestamp(field(sil, 'updated_at')),
      createdBy,
      comment,
    }),
    expiresAt: fromTimestamp(field(decoded, 'expires_at')),
  })
}

/** DecodeProblem is a record that could not be read, at a byte offset of the input. */
export type DecodeProblem = RecordIssue

/** DecodeResult is what {@link decodeMeshSilences} could read, and what it could not. */
export interface DecodeResult {
  /** silences in input order (an id may repeat: later records are later writes). */
  readonly silences: MeshSilence[]
  /** problems, one per unreadable record; reading stops at a broken length prefix. */
  readonly problems: DecodeProblem[]
  /** stoppedAt is the offset where reading stopped early (framing lost), or undefined. */
  readonly stoppedAt: number | undefined
}

/** readVarint reads a protobuf varint at `pos`: [value, next] or a reason it is broken. */
function readVarint(bytes: Uint8Array, pos: number): [number, number] | string {
  let value = 0
  let factor = 1
  for (let i = 0; i < 10; i++) {
    const b = bytes[pos + i]
    if (b === undefined) {
      return 'truncated length prefix'
    }
    value += (b & 0x7f) * factor
    factor *= 128
    if (b < 0x80) {
      return [value, pos + i + 1]
    }
  }
  return 'bad length varint'
}

/**
 * decodeMeshSilences reads varint-delimited `silencepb.MeshSilence` records (an Alertmanager
 * snapshot, our journal, or a gossip message) without ever throwing on bad input. A record whose
 * body does not decode (or decodes to no usable silence) is skipped and reading goes on, since
 * its length prefix still frames the next record; a broken or impossible length prefix (garbage,
 * or a record cut short by a crash) ends reading there.
 *
 * @param bytes - the input.
 * @returns the silences read, the problems, and where reading stopped.
 */
export function decodeMeshSilences(bytes: Uint8Array): DecodeResult {
  const type = meshSilenceType()
  const silences: MeshSilence[] = []
  const problems: DecodeProblem[] = []
  let pos = 0
  while (pos < bytes.length) {
    const prefix = readVarint(bytes, pos)
    if (typeof prefix === 'string') {
      problems.push({ offset: pos, message: prefix })
      return { silences, problems, stoppedAt: pos }
    }
    const [length, start] = prefix
    const end = start + length
    if (length > MAX_RECORD_BYTES || end > bytes.length) {
      const message =
        length > MAX_RECORD_BYTES
          ? `impossible record length ${length}`
          : `truncated record: length ${length}, only ${bytes.length - start} bytes left`
      problems.push({ offset: pos, message })
      return { silences, problems, stoppedAt: pos }
    }
    try {
      const message = type.decode(bytes.subarray(start, end))
      const plain = type.toObject(message, { longs: Number, enums: Number, arrays: true })
      const m = toMeshSilence(plain)
      if (typeof m === 'string') {
        problems.push({ offset: pos, message: m })
      } else {
        silences.push(m)
      }
    } catch (err: unknown) {
      problems.push({ offset: pos, message: `undecodable record: ${errorMessage(err)}` })
    }
    pos = end
  }
  return { silences, problems, stoppedAt: undefined }
}
