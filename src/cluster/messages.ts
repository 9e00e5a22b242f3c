import protobuf from 'protobufjs'
import type { Type } from 'protobufjs'

import { parseHostPort } from './address.js'
import { ProtocolError } from './errors.js'

// Payloads of the cluster frames. Part and FullState have the field numbers of Alertmanager's
// cluster/clusterpb/cluster.proto, so a state's bytes travel in the same envelope; the other
// messages are ours (memberlist's own messages have no counterpart here).
const CLUSTER_PROTO = `
syntax = "proto3";
package alertmesh.cluster;

message Part {
  string key = 1;
  bytes data = 2;
}

message FullState {
  repeated Part parts = 1;
}

message Hello {
  uint32 version = 1;
  string name = 2;
  string address = 3;
  bytes nonce = 4;
  bool auth = 5;
  bool queries = 6;
}

message Auth {
  bytes proof = 1;
}

message Member {
  string name = 1;
  string address = 2;
}

message Members {
  repeated Member members = 1;
}

message Digest {
  repeated Part parts = 1;
}

message StateRequest {
  repeated string keys = 1;
}

message Query {
  uint32 id = 1;
  string key = 2;
  bytes data = 3;
}

message Answer {
  uint32 id = 1;
  bytes data = 2;
  string error = 3;
}
`

/** PROTOCOL_VERSION is sent in HELLO; a peer with another version is refused. */
export const PROTOCOL_VERSION = 1
/** NONCE_BYTES is the length of a HELLO nonce. */
export const NONCE_BYTES = 32
/** MAX_NAME_CHARS bounds a node name in HELLO and MEMBERS. */
const MAX_NAME_CHARS = 256
/** MAX_ADDRESS_CHARS bounds an address in HELLO and MEMBERS. */
const MAX_ADDRESS_CHARS = 300

/** Hello opens a connection in both directions. */
export interface Hello {
  readonly version: number
  /** The sender's node name. */
  readonly name: string
  /** The sender's advertised `host:port`. */
  readonly address: string
  /** Fresh random bytes the other side must sign when a key is configured. */
  readonly nonce: Uint8Array
  /** Whether the sender has a cluster key, so a mismatch is named instead of failing later. */
  readonly auth: boolean
  /**
   * Whether the sender answers QUERY frames. Nodes of an older version leave it unset (and
   * would close on an unknown frame type), so they are never asked.
   */
  readonly queries?: boolean
}

/** Part is one state's bytes under its key (clusterpb.Part). */
export interface Part {
  readonly key: string
  readonly data: Uint8Array
}

/** Query asks a peer for a named, read-only answer (ours: no Alertmanager counterpart). */
export interface Query {
  /** Chosen by the asker to match the answer; unique among its open queries on a connection. */
  readonly id: number
  /** The handler's key, e.g. `history`. */
  readonly key: string
  readonly data: Uint8Array
}

/** Answer is a peer's reply to a {@link Query}: data, or an error when it could not answer. */
export interface Answer {
  readonly id: number
  readonly data: Uint8Array
  /** Empty on success. */
  readonly error: string
}

/** Member is a name and address in a MEMBERS list. */
export interface Member {
  readonly name: string
  readonly address: string
}

interface Types {
  readonly part: Type
  readonly fullState: Type
  readonly hello: Type
  readonly auth: Type
  readonly members: Type
  readonly digest: Type
  readonly stateRequest: Type
  readonly query: Type
  readonly answer: Type
}

let types: Types | undefined

/** loadTypes parses the schema once, on first use. */
function loadTypes(): Types {
  if (types === undefined) {
    const root = protobuf.parse(CLUSTER_PROTO, { keepCase: true }).root
    const t = (name: string): Type => root.lookupType(`alertmesh.cluster.${name}`)
    types = {
      part: t('Part'),
      fullState: t('FullState'),
      hello: t('Hello'),
      auth: t('Auth'),
      members: t('Members'),
      digest: t('Digest'),
      stateRequest: t('StateRequest'),
      query: t('Query'),
      answer: t('Answer'),
    }
  }
  return types
}

/** encode writes a plain object with a type. */
function encode(type: Type, fields: object): Uint8Array {
  return type.encode(type.fromObject(fields)).finish()
}

/**
 * decode reads bytes into a plain object with proto3 defaults filled in; anything protobufjs
 * cannot read becomes a `malformed` ProtocolError.
 */
function decode(type: Type, bytes: Uint8Array): Record<string, unknown> {
  try {
    return type.toObject(type.decode(bytes), { defaults: true, arrays: true })
  } catch (err: unknown) {
    throw new ProtocolError(
      'malformed',
      `undecodable ${type.name}: ${err instanceof Error ? err.message : String(err)}`
    )
  }
}

function str(obj: Record<string, unknown>, key: string): string {
  const v = obj[key]
  return typeof v === 'string' ? v : ''
}

function bytes(obj: Record<string, unknown>, key: string): Uint8Array {
  const v = obj[key]
  return v instanceof Uint8Array ? v : new Uint8Array(0)
}

function list(obj: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = obj[key]
  return Array.isArray(v)
    ? v.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    : []
}

function checkName(name: string, what: string): void {
  if (name === '' || name.length > MAX_NAME_CHARS) {
    throw new ProtocolError('malformed', `${what} has an empty or overlong node name`)
  }
}

function checkAddress(address: string, what: string): void {
  // Addresses from the wire are dialled later from a timer, so they must parse now.
  let valid = address.length <= MAX_ADDRESS_CHARS
  if (valid) {
    try {
      valid = parseHostPort(address).host !== ''
    } catch {
      valid = false
    }
  }
  if (!valid) {
    throw new ProtocolError('malformed', `${what} has no valid host:port address`)
  }
}

/**
 * encodeHello encodes a HELLO payload.
 *
 * @param hello - the fields.
 * @returns the bytes (also signed by the peer's proof, so they are kept as sent).
 */
export function encodeHello(hello: Hello): Uint8Array {
  return encode(loadTypes().hello, hello)
}

/**
 * decodeHello reads and checks a HELLO payload; the version is checked by the caller.
 *
 * @param payload - the bytes.
 * @returns the fields.
 * @throws ProtocolError `malformed` when it does not decode or a field is invalid.
 */
export function decodeHello(payload: Uint8Array): Hello {
  const o = decode(loadTypes().hello, payload)
  const hello: Hello = {
    version: typeof o['version'] === 'number' ? o['version'] : 0,
    name: str(o, 'name'),
    address: str(o, 'address'),
    nonce: bytes(o, 'nonce'),
    auth: o['auth'] === true,
    queries: o['queries'] === true,
  }
  checkName(hello.name, 'HELLO')
  checkAddress(hello.address, 'HELLO')
  if (hello.nonce.length !== NONCE_BYTES) {
    throw new ProtocolError('malformed', `HELLO nonce is not ${NONCE_BYTES} bytes`)
  }
  return hello
}

/**
 * encodeAuth encodes an AUTH payload.
 *
 * @param proof - the handshake proof.
 * @returns the bytes.
 */
export function encodeAuth(proof: Uint8Array): Uint8Array {
  return encode(loadTypes().auth, { proof })
}

/**
 * decodeAuth reads an AUTH payload.
 *
 * @param payload - the bytes.
 * @returns the proof.
 * @throws ProtocolError `malformed` when it does not decode.
 */
export function decodeAuth(payload: Uint8Array): Uint8Array {
  return bytes(decode(loadTypes().auth, payload), 'proof')
}

/**
 * encodeMembers encodes a MEMBERS payload.
 *
 * @param members - the sender and every peer it is connected to.
 * @returns the bytes.
 */
export function encodeMembers(members: readonly Member[]): Uint8Array {
  return encode(loadTypes().members, { members })
}

/**
 * decodeMembers reads and checks a MEMBERS payload.
 *
 * @param payload - the bytes.
 * @returns the members.
 * @throws ProtocolError `malformed` when it does not decode or an entry is invalid.
 */
export function decodeMembers(payload: Uint8Array): Member[] {
  return list(decode(loadTypes().members, payload), 'members').map((m) => {
    const member = { name: str(m, 'name'), address: str(m, 'address') }
    checkName(member.name, 'MEMBERS')
    checkAddress(member.address, 'MEMBERS')
    return member
  })
}

/**
 * encodePart encodes an UPDATE payload (clusterpb.Part).
 *
 * @param part - state key and bytes.
 * @returns the bytes.
 */
export function encodePart(part: Part): Uint8Array {
  return encode(loadTypes().part, part)
}

/**
 * decodePart reads an UPDATE payload.
 *
 * @param payload - the bytes.
 * @returns key and data.
 * @throws ProtocolError `malformed` when it does not decode.
 */
export function decodePart(payload: Uint8Array): Part {
  const o = decode(loadTypes().part, payload)
  return { key: str(o, 'key'), data: bytes(o, 'data') }
}

/**
 * encodeParts encodes a FULL_STATE (clusterpb.FullState) or DIGEST payload: the two have the
 * same shape, a list of parts.
 *
 * @param kind - which message.
 * @param parts - the parts.
 * @returns the bytes.
 */
export function encodeParts(kind: 'full_state' | 'digest', parts: readonly Part[]): Uint8Array {
  const t = loadTypes()
  return encode(kind === 'full_state' ? t.fullState : t.digest, { parts })
}

/**
 * decodeParts reads a FULL_STATE or DIGEST payload.
 *
 * @param kind - which message.
 * @param payload - the bytes.
 * @returns the parts.
 * @throws ProtocolError `malformed` when it does not decode.
 */
export function decodeParts(kind: 'full_state' | 'digest', payload: Uint8Array): Part[] {
  const t = loadTypes()
  return list(decode(kind === 'full_state' ? t.fullState : t.digest, payload), 'parts').map(
    (p) => ({ key: str(p, 'key'), data: bytes(p, 'data') })
  )
}

/**
 * encodeStateRequest encodes a STATE_REQUEST payload.
 *
 * @param keys - the state keys whose full state is wanted.
 * @returns the bytes.
 */
export function encodeStateRequest(keys: readonly string[]): Uint8Array {
  return encode(loadTypes().stateRequest, { keys })
}

/**
 * decodeStateRequest reads a STATE_REQUEST payload.
 *
 * @param payload - the bytes.
 * @returns the keys.
 * @throws ProtocolError `malformed` when it does not decode.
 */
export function decodeStateRequest(payload: Uint8Array): string[] {
  const v = decode(loadTypes().stateRequest, payload)['keys']
  return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : []
}

/** MAX_QUERY_KEY_CHARS bounds a query's key; handlers use short fixed names. */
const MAX_QUERY_KEY_CHARS = 64

/**
 * encodeQuery encodes a QUERY payload.
 *
 * @param query - id, key and data.
 * @returns the bytes.
 */
export function encodeQuery(query: Query): Uint8Array {
  return encode(loadTypes().query, query)
}

/**
 * decodeQuery reads a QUERY payload.
 *
 * @param payload - the bytes.
 * @returns the query.
 * @throws ProtocolError `malformed` when it does not decode or has no usable key.
 */
export function decodeQuery(payload: Uint8Array): Query {
  const o = decode(loadTypes().query, payload)
  const query = { id: num(o, 'id'), key: str(o, 'key'), data: bytes(o, 'data') }
  if (query.key === '' || query.key.length > MAX_QUERY_KEY_CHARS) {
    throw new ProtocolError('malformed', 'QUERY has an empty or overlong key')
  }
  return query
}

/**
 * encodeAnswer encodes an ANSWER payload.
 *
 * @param answer - id, data and error.
 * @returns the bytes.
 */
export function encodeAnswer(answer: Answer): Uint8Array {
  return encode(loadTypes().answer, answer)
}

/**
 * decodeAnswer reads an ANSWER payload.
 *
 * @param payload - the bytes.
 * @returns the answer.
 * @throws ProtocolError `malformed` when it does not decode.
 */
export function decodeAnswer(payload: Uint8Array): Answer {
  const o = decode(loadTypes().answer, payload)
  return { id: num(o, 'id'), data: bytes(o, 'data'), error: str(o, 'error') }
}

function num(obj: Record<string, unknown>, key: string): number {
  const v = obj[key]
  return typeof v === 'number' ? v : 0
}
