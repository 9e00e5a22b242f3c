/**
 * Builds and runs test/support/memberlist-oracle/main.go: hashicorp/memberlist 0.2.2's message
 * structs (copied; they are unexported) encoded and decoded with Debian's go-msgpack codec and
 * Go's compress/lzw, exactly as the memberlist linked into prometheus-alertmanager 0.25 does.
 * GOPATH mode, offline.
 */
import type { GoProgram } from './go-program.js'
import { runGoProgram } from './go-program.js'

const MEMBERLIST_ORACLE: GoProgram = {
  name: 'memberlist-oracle',
  source: 'test/support/memberlist-oracle',
  importPath: 'memberlistoracle',
  gopath: ['/usr/share/gocode'],
}

/** OracleKind names a message kind the oracle knows. */
export type OracleKind =
  | 'ping'
  | 'indirectPing'
  | 'ack'
  | 'nack'
  | 'suspect'
  | 'alive'
  | 'dead'
  | 'pushPull'
  | 'user'
  | 'userStream'

/**
 * GoValue is a message as Go's encoding/json shows the copied struct: Go field names, []byte
 * as base64.
 */
export type GoValue = Readonly<Record<string, unknown>> | string

/** EncodeCase asks Go to encode a value, optionally wrapped as memberlist wraps packets. */
export type EncodeCase =
  | { readonly Kind: OracleKind; readonly Value: GoValue; readonly Wrap?: 'crc' | 'compress' }
  | {
      readonly Kind: 'compound'
      readonly Wrap: 'compound'
      readonly Values: readonly { readonly Kind: OracleKind; readonly Value: GoValue }[]
    }

/** DecodeCase asks Go to decode bytes TypeScript wrote. */
export interface DecodeCase {
  readonly Kind: OracleKind
  readonly Hex: string
}

/** OracleAnswer is what Go made of each case, in order. */
export interface OracleAnswer {
  readonly encoded: readonly Uint8Array[]
  readonly decoded: readonly ({ readonly value: unknown } | { readonly error: string })[]
}

interface RawAnswer {
  readonly Encoded: readonly { readonly Hex: string }[] | null
  readonly Decoded: readonly { readonly Value?: unknown; readonly Error?: string }[] | null
}

/**
 * askMemberlistOracle runs every case through Go in one process.
 *
 * @param encode - values for Go to encode.
 * @param decode - TypeScript encodings for Go to decode.
 * @returns Go's bytes and Go's decoded values.
 */
export function askMemberlistOracle(
  encode: readonly EncodeCase[],
  decode: readonly DecodeCase[]
): OracleAnswer {
  const raw = runGoProgram(
    MEMBERLIST_ORACLE,
    [],
    JSON.stringify({ Encode: encode, Decode: decode })
  ) as RawAnswer
  return {
    encoded: (raw.Encoded ?? []).map((e) => Uint8Array.from(Buffer.from(e.Hex, 'hex'))),
    decoded: (raw.Decoded ?? []).map((d) =>
      d.Error !== undefined ? { error: d.Error } : { value: d.Value }
    ),
  }
}

/**
 * b64 is Go's JSON form of a []byte.
 *
 * @param bytes - the bytes.
 * @returns base64.
 */
export function b64(bytes: Uint8Array | readonly number[]): string {
  return Buffer.from(bytes as Uint8Array).toString('base64')
}
