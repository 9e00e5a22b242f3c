import { TIMESTAMP_PROTO } from '../storage/index.js'
import type { RecordIssue } from '../storage/index.js'
import { GO_ZERO_TIME_MS, errorMessage } from '../util/index.js'

import type { MeshEntry } from './mesh-entry.js'

/**
 * NFLOG_PROTO is Alertmanager 0.25's nflog/nflogpb/nflog.proto with the gogoproto options
 * removed: the field numbers and types are what the snapshot file and gossip depend on.
 */
export const NFLOG_PROTO = `
syntax = "proto3";
package nflogpb;
import "google/protobuf/timestamp.proto";
message Receiver {
  string group_name = 1;
  string integration = 2;
  uint32 idx = 3;
}
message Entry {
  bytes group_key = 1;
  Receiver receiver = 2;
  bytes group_hash = 3;
  bool resolved = 4;
  google.protobuf.Timestamp timestamp = 5;
  repeated uint64 firing_alerts = 6;
  repeated uint64 resolved_alerts = 7;
}
message MeshEntry {
  Entry entry = 1;
  google.protobuf.Timestamp expires_at = 2;
}
`

/** DecodeIssue is one record of a delimited stream that could not be used. */
export type DecodeIssue = RecordIssue

/** DecodeResult is what could be read from a stream of delimited MeshEntry messages. */
export interface DecodeResult {
  readonly entries: MeshEntry[]
  readonly issues: DecodeIssue[]
}

/**
 * NflogCodec encodes and decodes nflog state as Alertmanager does for its snapshot file and
 * gossip: MeshEntry messages, each preceded by its length as a varint.
 */
export interface NflogCodec {
  /** encode writes the entries as delimited MeshEntry messages. */
  encode(entries: Iterable<MeshEntry>): Uint8Array
  /** decode reads every record it can; unusable records become issues, never exceptions. */
  decode(data: Uint8Array): DecodeResult
}

/** The 64-bit values protobufjs hands out: long.js instances, or numbers without long.js. */
interface Bits64 {
  readonly low: number
  readonly high: number
}
type Int64 = Bits64 | number

interface PbTimestamp {
  readonly seconds: Int64
  readonly nanos: number
}
interface PbReceiver {
  readonly groupName: string
  readonly integration: string
  readonly idx: number
}
interface PbEntry {
  /** An absent bytes field decodes to protobufjs's shared empty array, not a Uint8Array. */
  readonly groupKey: Uint8Array | readonly number[]
  readonly receiver: PbReceiver | null
  readonly timestamp: PbTimestamp | null
  readonly firingAlerts: readonly Int64[]
  readonly resolvedAlerts: readonly Int64[]
}
interface PbMeshEntry {
  readonly entry: PbEntry | null
  readonly expiresAt: PbTimestamp | null
}

let loading: Promise<NflogCodec> | undefined

/**
 * loadNflogCodec imports protobufjs and parses the nflog schema on first use, so processes
 * that never touch a snapshot or gossip do not pay for either.
 *
 * @returns the codec (the same instance on every call).
 */
export function loadNflogCodec(): Promise<NflogCodec> {
  loading ??= buildCodec()
  return loading
}

async function buildCodec(): Promise<NflogCodec> {
  const { default: protobuf } = await import('protobufjs')
  // Without long.js, protobufjs decodes uint64 into lossy doubles: alert hashes above 2^53
  // would silently change, so refuse to run rather than corrupt the log.
  const long = protobuf.util.Long as typeof protobuf.util.Long | null | undefined
  if (long === null || long === undefined) {
    throw new Error('protobufjs has no long.js: uint64 alert hashes cannot be decoded exactly')
  }
  const root = new protobuf.Root()
  protobuf.parse(TIMESTAMP_PROTO, root)
  protobuf.parse(NFLOG_PROTO, root)
  root.resolveAll()
  const meshType = root.lookupType('nflogpb.MeshEntry')
  return {
    encode(entries) {
      const writer = protobuf.Writer.create()
      for (const mesh of entries) {
        meshType.encodeDelimited(toPb(mesh), writer)
      }
      return writer.finish()
    },
    decode(data) {
      return decodeDelimited(data, (body) => meshType.decode(body) as unknown as PbMeshEntry)
    },
  }
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

function toPb(mesh: MeshEntry): object {
  const { entry } = mesh
  // protobufjs skips proto3 default values as gogoproto does, so passing every field gives
  // Alertmanager's exact bytes (checked against a gogoproto-written golden file).
  return {
    entry: {
      groupKey: textEncoder.encode(entry.groupKey),
      receiver: {
        groupName: entry.receiver.groupName,
        integration: entry.receiver.integration,
        idx: entry.receiver.idx,
      },
      timestamp: toTimestamp(entry.timestamp),
      firingAlerts: entry.firingAlerts.map(toBits),
      resolvedAlerts: entry.resolvedAlerts.map(toBits),
    },
    expiresAt: toTimestamp(mesh.expiresAt),
  }
}

function toTimestamp(ms: number): { seconds: number; nanos: number } {
  const whole = Math.floor(ms)
  const seconds = Math.floor(whole / 1000)
  return { seconds, nanos: (whole - seconds * 1000) * 1_000_000 }
}

function toBits(hash: bigint): { low: number; high: number; unsigned: true } {
  const value = BigInt.asUintN(64, hash)
  return {
    low: Number(value & 0xffffffffn) | 0,
    high: Number(value >> 32n) | 0,
    unsigned: true,
  }
}

function fromUint64(value: Int64): bigint {
  if (typeof value === 'number') {
    return BigInt(value)
  }
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)
}

function fromTimestamp(ts: PbTimestamp | null): number {
  // gogoproto's non-nullable stdtime leaves a missing timestamp at Go's zero time.
  if (ts === null) {
    return GO_ZERO_TIME_MS
  }
  const seconds =
    typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.high * 2 ** 32 + (ts.seconds.low >>> 0)
  return seconds * 1000 + Math.floor(ts.nanos / 1_000_000)
}

/**
 * decodeDelimited walks varint-length-prefixed records. A record that does not decode or
 * lacks entry/receiver (Alertmanager's ErrInvalidState) is skipped by its length; a length
 * that runs past the end (a torn write) or is itself malformed ends the walk, since nothing
 * after it can be framed.
 */
function decodeDelimited(
  data: Uint8Array,
  decodeBody: (body: Uint8Array) => PbMeshEntry
): DecodeResult {
  const entries: MeshEntry[] = []
  const issues: DecodeIssue[] = []
  let pos = 0
  while (pos < data.length) {
    const offset = pos
    let length = 0
    let complete = false
    for (let shift = 0; shift < 70 && pos < data.length; shift += 7) {
      const byte = data[pos++] as number
      length += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) {
        complete = true
        break
      }
    }
    if (!complete) {
      const why = pos >= data.length ? 'truncated length prefix' : 'malformed length prefix'
      issues.push({ offset, message: `${why}; ${data.length - offset} trailing bytes ignored` })
      break
    }
    if (length > data.length - pos) {
      issues.push({
        offset,
        message: `truncated record: length ${length} but only ${data.length - pos} bytes left`,
      })
      break
    }
    const body = data.subarray(pos, pos + length)
    pos += length
    let pb: PbMeshEntry
    try {
      pb = decodeBody(body)
    } catch (err: unknown) {
      issues.push({
        offset,
        message: `undecodable record of ${length} bytes: ${errorMessage(err)}`,
      })
      continue
    }
    const { entry } = pb
    const receiver = entry?.receiver ?? null
    if (entry === null || receiver === null) {
      const missing = entry === null ? 'entry' : 'receiver'
      issues.push({ offset, message: `invalid record: no ${missing}` })
      continue
    }
    entries.push({
      entry: {
        groupKey: entry.groupKey instanceof Uint8Array ? textDecoder.decode(entry.groupKey) : '',
        receiver: {
          groupName: receiver.groupName,
          integration: receiver.integration,
          idx: receiver.idx,
        },
        timestamp: fromTimestamp(entry.timestamp),
        firingAlerts: entry.firingAlerts.map(fromUint64),
        resolvedAlerts: entry.resolvedAlerts.map(fromUint64),
      },
      expiresAt: fromTimestamp(pb.expiresAt),
    })
  }
  return { entries, issues }
}
