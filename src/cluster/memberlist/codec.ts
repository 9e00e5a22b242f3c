import { MemberlistDecodeError } from './errors.js'
import { lzwDecompress } from './lzw.js'
import { encodeMsgpack, MsgReader, StructReader } from './msgpack.js'
import type { MsgValue } from './msgpack.js'

// The wire format of hashicorp/memberlist 0.2.2 (net.go, util.go), the version Debian links
// into prometheus-alertmanager 0.25. Every message is one type byte followed by the msgpack
// encoding of a Go struct (a map keyed by Go field names, in declaration order).

/** MESSAGE_TYPE maps memberlist's messageType names to their byte (net.go, iota order). */
export const MESSAGE_TYPE = {
  ping: 0,
  indirectPing: 1,
  ack: 2,
  suspect: 3,
  alive: 4,
  dead: 5,
  pushPull: 6,
  compound: 7,
  user: 8,
  compress: 9,
  encrypt: 10,
  nack: 11,
  hasCrc: 12,
  err: 13,
} as const

/** NodeStateType is memberlist's NodeStateType: alive 0, suspect 1, dead 2, left 3 (0.2.2 has no left). */
export type NodeStateType = 0 | 1 | 2 | 3

/** NODE_STATE names memberlist's node states. */
export const NODE_STATE = { alive: 0, suspect: 1, dead: 2, left: 3 } as const

/** MAX_PUSH_STATE_BYTES is memberlist's maxPushStateBytes: the largest stream it accepts. */
export const MAX_PUSH_STATE_BYTES = 20 * 1024 * 1024

/** Ping is memberlist's `ping`: a direct probe, over UDP or a TCP stream. */
export interface Ping {
  readonly seqNo: number
  /** The name of the node meant; a node ignores a ping for another name. */
  readonly node: string
  readonly sourceAddr?: Uint8Array
  readonly sourcePort?: number
  readonly sourceNode?: string
}

/** IndirectPing is memberlist's `indirectPingReq`: probe `target` for me. */
export interface IndirectPing {
  readonly seqNo: number
  readonly target: Uint8Array
  readonly port: number
  readonly node: string
  readonly nack: boolean
  readonly sourceAddr?: Uint8Array
  readonly sourcePort?: number
  readonly sourceNode?: string
}

/** Ack is memberlist's `ackResp`. */
export interface Ack {
  readonly seqNo: number
  readonly payload: Uint8Array
}

/** Nack is memberlist's `nackResp`: the indirect probe found no answer. */
export interface Nack {
  readonly seqNo: number
}

/** Suspect is memberlist's `suspect` (and, with the same fields, `dead`). */
export interface Suspect {
  readonly incarnation: number
  readonly node: string
  readonly from: string
}

/** Dead is memberlist's `dead`; `from === node` means the node left on purpose. */
export type Dead = Suspect

/** Alive is memberlist's `alive`: a node announcing itself or refuting a suspicion. */
export interface Alive {
  readonly incarnation: number
  readonly node: string
  readonly addr: Uint8Array
  readonly port: number
  readonly meta: Uint8Array
  /** pmin, pmax, pcur, dmin, dmax, dcur. */
  readonly vsn: Uint8Array
}

/** PushPullHeader is memberlist's `pushPullHeader`. */
export interface PushPullHeader {
  readonly nodes: number
  readonly userStateLen: number
  readonly join: boolean
}

/** PushNodeState is memberlist's `pushNodeState`: one member in a push/pull exchange. */
export interface PushNodeState {
  readonly name: string
  readonly addr: Uint8Array
  readonly port: number
  readonly meta: Uint8Array
  readonly incarnation: number
  readonly state: NodeStateType
  readonly vsn: Uint8Array
}

/** PushPull is a whole push/pull message: the members and the delegate's state. */
export interface PushPull {
  readonly join: boolean
  readonly nodes: readonly PushNodeState[]
  /** The delegate's LocalState (Alertmanager: a clusterpb.FullState); empty when none. */
  readonly userState: Uint8Array
}

/** Packet is one decoded UDP message (after CRC, compression and compound unwrapping). */
export type Packet =
  | { readonly type: 'ping'; readonly body: Ping }
  | { readonly type: 'indirectPing'; readonly body: IndirectPing }
  | { readonly type: 'ack'; readonly body: Ack }
  | { readonly type: 'nack'; readonly body: Nack }
  | { readonly type: 'suspect'; readonly body: Suspect }
  | { readonly type: 'alive'; readonly body: Alive }
  | { readonly type: 'dead'; readonly body: Dead }
  | { readonly type: 'user'; readonly body: Uint8Array }

/** StreamMessage is one decoded TCP stream message. */
export type StreamMessage =
  | { readonly type: 'ping'; readonly body: Ping }
  | { readonly type: 'ack'; readonly body: Ack }
  | { readonly type: 'pushPull'; readonly body: PushPull }
  | { readonly type: 'user'; readonly body: Uint8Array }
  | { readonly type: 'err'; readonly body: string }

const crcTable = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    }
    t[n] = c >>> 0
  }
  return t
})()

/**
 * crc32 is Go's crc32.ChecksumIEEE.
 *
 * @param data - the bytes.
 * @returns the checksum.
 */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (const b of data) {
    c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  }
  return (c ^ 0xffffffff) >>> 0
}

function withType(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length)
  out[0] = type
  out.set(body, 1)
  return out
}

function optionalSource(m: {
  readonly sourceAddr?: Uint8Array
  readonly sourcePort?: number
  readonly sourceNode?: string
}): Record<string, unknown> {
  // The source fields are `codec:",omitempty"`: Go leaves them out when zero.
  return {
    ...(m.sourceAddr !== undefined && m.sourceAddr.length > 0 ? { SourceAddr: m.sourceAddr } : {}),
    ...(m.sourcePort !== undefined && m.sourcePort !== 0 ? { SourcePort: m.sourcePort } : {}),
    ...(m.sourceNode !== undefined && m.sourceNode !== '' ? { SourceNode: m.sourceNode } : {}),
  }
}

/**
 * encodePing encodes a ping with its type byte.
 *
 * @param p - the ping.
 * @returns the message.
 */
export function encodePing(p: Ping): Uint8Array {
  return withType(
    MESSAGE_TYPE.ping,
    encodeMsgpack({ SeqNo: p.seqNo, Node: p.node, ...optionalSource(p) })
  )
}

/**
 * encodeIndirectPing encodes an indirect ping request with its type byte.
 *
 * @param p - the request.
 * @returns the message.
 */
export function encodeIndirectPing(p: IndirectPing): Uint8Array {
  return withType(
    MESSAGE_TYPE.indirectPing,
    encodeMsgpack({
      SeqNo: p.seqNo,
      Target: p.target,
      Port: p.port,
      Node: p.node,
      Nack: p.nack,
      ...optionalSource(p),
    })
  )
}

/**
 * encodeAck encodes an ack with its type byte.
 *
 * @param a - the ack.
 * @returns the message.
 */
export function encodeAck(a: Ack): Uint8Array {
  return withType(MESSAGE_TYPE.ack, encodeMsgpack({ SeqNo: a.seqNo, Payload: a.payload }))
}

/**
 * encodeNack encodes a nack with its type byte.
 *
 * @param n - the nack.
 * @returns the message.
 */
export function encodeNack(n: Nack): Uint8Array {
  return withType(MESSAGE_TYPE.nack, encodeMsgpack({ SeqNo: n.seqNo }))
}

/**
 * encodeSuspect encodes a suspect or dead message with its type byte.
 *
 * @param type - `suspect` or `dead`.
 * @param s - the message.
 * @returns the message.
 */
export function encodeSuspect(type: 'suspect' | 'dead', s: Suspect): Uint8Array {
  return withType(
    MESSAGE_TYPE[type],
    encodeMsgpack({ Incarnation: s.incarnation, Node: s.node, From: s.from })
  )
}

/**
 * encodeAlive encodes an alive message with its type byte.
 *
 * @param a - the message.
 * @returns the message.
 */
export function encodeAlive(a: Alive): Uint8Array {
  return withType(
    MESSAGE_TYPE.alive,
    encodeMsgpack({
      Incarnation: a.incarnation,
      Node: a.node,
      Addr: a.addr,
      Port: a.port,
      Meta: a.meta,
      Vsn: a.vsn,
    })
  )
}

/**
 * encodeUser frames a delegate message for a UDP packet (type byte + raw bytes).
 *
 * @param payload - the delegate's bytes (Alertmanager: a clusterpb.Part).
 * @returns the message.
 */
export function encodeUser(payload: Uint8Array): Uint8Array {
  return withType(MESSAGE_TYPE.user, payload)
}

/**
 * encodeCompound packs messages into one packet (makeCompoundMessage): type, count, a
 * big-endian uint16 length per part, then the parts.
 *
 * @param parts - at most 255 messages, each under 64 KiB.
 * @returns the packet.
 */
export function encodeCompound(parts: readonly Uint8Array[]): Uint8Array {
  const size = 2 + parts.length * 2 + parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  out[0] = MESSAGE_TYPE.compound
  out[1] = parts.length
  let at = 2 + parts.length * 2
  parts.forEach((p, i) => {
    view.setUint16(2 + i * 2, p.length)
    out.set(p, at)
    at += p.length
  })
  return out
}

/**
 * withCrc prefixes a packet with memberlist's checksum header, which a Go node adds when the
 * receiver speaks protocol 5 or later (rawSendMsgPacket).
 *
 * @param packet - the packet.
 * @returns the framed packet.
 */
export function withCrc(packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + packet.length)
  out[0] = MESSAGE_TYPE.hasCrc
  new DataView(out.buffer).setUint32(1, crc32(packet))
  out.set(packet, 5)
  return out
}

function pushNodeStateFields(n: PushNodeState): Record<string, unknown> {
  return {
    Name: n.name,
    Addr: n.addr,
    Port: n.port,
    Meta: n.meta,
    Incarnation: n.incarnation,
    State: n.state,
    Vsn: n.vsn,
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * encodePushPull encodes a push/pull stream message (sendLocalState): type byte, header, one
 * msgpack value per node, then the raw user state.
 *
 * @param p - the message.
 * @returns the stream bytes, sent uncompressed (a Go reader takes either).
 */
export function encodePushPull(p: PushPull): Uint8Array {
  return concat([
    Uint8Array.of(MESSAGE_TYPE.pushPull),
    encodeMsgpack({ Nodes: p.nodes.length, UserStateLen: p.userState.length, Join: p.join }),
    ...p.nodes.map((n) => encodeMsgpack(pushNodeStateFields(n))),
    p.userState,
  ])
}

/**
 * encodeUserStream encodes a reliable user message for a TCP stream (sendUserMsg).
 *
 * @param payload - the delegate's bytes.
 * @returns the stream bytes.
 */
export function encodeUserStream(payload: Uint8Array): Uint8Array {
  return concat([
    Uint8Array.of(MESSAGE_TYPE.user),
    encodeMsgpack({ UserMsgLen: payload.length }),
    payload,
  ])
}

/** readSource reads the omitempty reply-to fields of ping and indirectPingReq. */
function readSource(s: StructReader): Pick<Ping, 'sourceAddr' | 'sourcePort' | 'sourceNode'> {
  return {
    sourceAddr: s.bytes('SourceAddr'),
    sourcePort: s.uint('SourcePort', 16),
    sourceNode: s.string('SourceNode'),
  }
}

function decodePing(v: MsgValue): Ping {
  const s = new StructReader(v, 'ping')
  return { seqNo: s.uint('SeqNo', 32), node: s.string('Node'), ...readSource(s) }
}

function decodeIndirectPing(v: MsgValue): IndirectPing {
  const s = new StructReader(v, 'indirectPingReq')
  return {
    seqNo: s.uint('SeqNo', 32),
    target: s.bytes('Target'),
    port: s.uint('Port', 16),
    node: s.string('Node'),
    nack: s.bool('Nack'),
    ...readSource(s),
  }
}

function decodeAck(v: MsgValue): Ack {
  const s = new StructReader(v, 'ackResp')
  return { seqNo: s.uint('SeqNo', 32), payload: s.bytes('Payload') }
}

function decodeSuspect(v: MsgValue, what: string): Suspect {
  const s = new StructReader(v, what)
  return { incarnation: s.uint('Incarnation', 32), node: s.string('Node'), from: s.string('From') }
}

function decodeAlive(v: MsgValue): Alive {
  const s = new StructReader(v, 'alive')
  return {
    incarnation: s.uint('Incarnation', 32),
    node: s.string('Node'),
    addr: s.bytes('Addr'),
    port: s.uint('Port', 16),
    meta: s.bytes('Meta'),
    vsn: s.bytes('Vsn'),
  }
}

function decodePushNodeState(v: MsgValue): PushNodeState {
  const s = new StructReader(v, 'pushNodeState')
  const state = s.uint('State', 64)
  if (state > 3) {
    throw new MemberlistDecodeError('malformed', `pushNodeState.State ${state}`)
  }
  return {
    name: s.string('Name'),
    addr: s.bytes('Addr'),
    port: s.uint('Port', 16),
    meta: s.bytes('Meta'),
    incarnation: s.uint('Incarnation', 32),
    state: state as NodeStateType,
    vsn: s.bytes('Vsn'),
  }
}

/** Nesting limit for compound and compressed packets; Go recurses without one. */
const MAX_PACKET_NESTING = 4

/**
 * decodePacket decodes one UDP packet as memberlist's ingestPacket and handleCommand do: an
 * optional CRC header (checked), then compressed and compound messages unwrapped into the
 * messages they carry. A compound's truncated tail is dropped, as Go does.
 *
 * @param buf - the datagram.
 * @returns the messages, in order.
 * @throws MemberlistDecodeError for anything Go would drop with an error.
 */
export function decodePacket(buf: Uint8Array): Packet[] {
  if (buf.length >= 5 && buf[0] === MESSAGE_TYPE.hasCrc) {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    const body = buf.subarray(5)
    if (crc32(body) !== view.getUint32(1)) {
      throw new MemberlistDecodeError('malformed', 'packet checksum does not match')
    }
    buf = body
  }
  const out: Packet[] = []
  decodeCommand(buf, out, 0)
  return out
}

function decodeCommand(buf: Uint8Array, out: Packet[], depth: number): void {
  if (buf.length === 0) {
    throw new MemberlistDecodeError('truncated', 'empty message')
  }
  if (depth > MAX_PACKET_NESTING) {
    throw new MemberlistDecodeError(
      'malformed',
      'compound or compressed messages nested too deeply'
    )
  }
  const type = buf[0] as number
  const rest = buf.subarray(1)
  switch (type) {
    case MESSAGE_TYPE.compound:
      for (const part of splitCompound(rest)) {
        decodeCommand(part, out, depth + 1)
      }
      return
    case MESSAGE_TYPE.compress:
      decodeCommand(decompress(new MsgReader(rest).value()), out, depth + 1)
      return
    case MESSAGE_TYPE.user:
      out.push({ type: 'user', body: rest })
      return
    default:
      out.push(decodeTyped(type, new MsgReader(rest).value()))
  }
}

function decodeTyped(type: number, v: MsgValue): Packet {
  switch (type) {
    case MESSAGE_TYPE.ping:
      return { type: 'ping', body: decodePing(v) }
    case MESSAGE_TYPE.indirectPing:
      return { type: 'indirectPing', body: decodeIndirectPing(v) }
    case MESSAGE_TYPE.ack:
      return { type: 'ack', body: decodeAck(v) }
    case MESSAGE_TYPE.nack:
      return { type: 'nack', body: { seqNo: new StructReader(v, 'nackResp').uint('SeqNo', 32) } }
    case MESSAGE_TYPE.suspect:
      return { type: 'suspect', body: decodeSuspect(v, 'suspect') }
    case MESSAGE_TYPE.alive:
      return { type: 'alive', body: decodeAlive(v) }
    case MESSAGE_TYPE.dead:
      return { type: 'dead', body: decodeSuspect(v, 'dead') }
    case MESSAGE_TYPE.encrypt:
      throw new MemberlistDecodeError('unsupported', 'encrypted packet (no gossip key is set)')
    default:
      throw new MemberlistDecodeError('unsupported', `message type ${type}`)
  }
}

/**
 * splitCompound is decodeCompoundMessage: parts that the packet cuts short are dropped.
 *
 * @param buf - the compound body after its type byte.
 * @returns the complete parts.
 */
function splitCompound(buf: Uint8Array): Uint8Array[] {
  if (buf.length < 1) {
    throw new MemberlistDecodeError('truncated', 'missing compound length byte')
  }
  const n = buf[0] as number
  if (buf.length < 1 + n * 2) {
    throw new MemberlistDecodeError('truncated', 'truncated compound length slice')
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const parts: Uint8Array[] = []
  let at = 1 + n * 2
  for (let i = 0; i < n; i++) {
    const len = view.getUint16(1 + i * 2)
    if (at + len > buf.length) {
      break
    }
    parts.push(buf.subarray(at, at + len))
    at += len
  }
  return parts
}

function decompress(v: MsgValue): Uint8Array {
  const s = new StructReader(v, 'compress')
  const algo = s.uint('Algo', 8)
  if (algo !== 0) {
    throw new MemberlistDecodeError('unsupported', `compression algorithm ${algo}`)
  }
  return lzwDecompress(s.bytes('Buf'), MAX_PUSH_STATE_BYTES)
}

/**
 * decodeStream decodes one TCP stream message (readStream and what follows it in handleConn)
 * from the bytes received so far. A stream carries one message, so the caller retries with
 * more bytes while the answer is `truncated`.
 *
 * @param buf - the bytes received so far.
 * @returns the message, or `undefined` while it is incomplete.
 * @throws MemberlistDecodeError when the bytes cannot become a message.
 */
export function decodeStream(buf: Uint8Array): StreamMessage | undefined {
  try {
    return decodeStreamBody(buf)
  } catch (err: unknown) {
    if (err instanceof MemberlistDecodeError && err.kind === 'truncated') {
      if (buf.length > MAX_PUSH_STATE_BYTES) {
        throw new MemberlistDecodeError('oversize', `stream beyond ${MAX_PUSH_STATE_BYTES} bytes`)
      }
      return undefined
    }
    throw err
  }
}

function decodeStreamBody(buf: Uint8Array): StreamMessage {
  if (buf.length === 0) {
    throw new MemberlistDecodeError('truncated', 'empty stream')
  }
  let type = buf[0] as number
  let reader = new MsgReader(buf, 1)
  if (type === MESSAGE_TYPE.encrypt) {
    throw new MemberlistDecodeError('unsupported', 'encrypted stream (no gossip key is set)')
  }
  if (type === MESSAGE_TYPE.compress) {
    // A Go node with EnableCompression (memberlist's default, kept by Alertmanager) compresses
    // every stream message whole; the message inside is complete once this value is.
    const plain = decompress(reader.value())
    if (plain.length === 0) {
      throw new MemberlistDecodeError('malformed', 'empty compressed stream message')
    }
    type = plain[0] as number
    reader = new MsgReader(plain, 1)
    try {
      return decodeStreamType(type, reader)
    } catch (err: unknown) {
      // Nothing more will arrive for a decompressed message: short is malformed.
      if (err instanceof MemberlistDecodeError && err.kind === 'truncated') {
        throw new MemberlistDecodeError('malformed', `compressed stream message: ${err.message}`)
      }
      throw err
    }
  }
  return decodeStreamType(type, reader)
}

function decodeStreamType(type: number, r: MsgReader): StreamMessage {
  switch (type) {
    case MESSAGE_TYPE.ping:
      return { type: 'ping', body: decodePing(r.value()) }
    case MESSAGE_TYPE.ack:
      return { type: 'ack', body: decodeAck(r.value()) }
    case MESSAGE_TYPE.err:
      return { type: 'err', body: new StructReader(r.value(), 'errResp').string('Error') }
    case MESSAGE_TYPE.user: {
      const len = new StructReader(r.value(), 'userMsgHeader').length('UserMsgLen')
      return { type: 'user', body: r.bytes(checkedLength(len)) }
    }
    case MESSAGE_TYPE.pushPull: {
      const h = new StructReader(r.value(), 'pushPullHeader')
      const header: PushPullHeader = {
        nodes: h.length('Nodes'),
        userStateLen: checkedLength(h.length('UserStateLen')),
        join: h.bool('Join'),
      }
      if (header.nodes > 1 << 16) {
        throw new MemberlistDecodeError('oversize', `push/pull of ${header.nodes} nodes`)
      }
      const nodes: PushNodeState[] = []
      for (let i = 0; i < header.nodes; i++) {
        nodes.push(decodePushNodeState(r.value()))
      }
      return {
        type: 'pushPull',
        body: { join: header.join, nodes, userState: r.bytes(header.userStateLen) },
      }
    }
    default:
      throw new MemberlistDecodeError('unsupported', `stream message type ${type}`)
  }
}

function checkedLength(n: number): number {
  if (n > MAX_PUSH_STATE_BYTES) {
    throw new MemberlistDecodeError('oversize', `declared length ${n}`)
  }
  return n
}

/**
 * encodeErrStream encodes the error answer memberlist sends on a stream it could not read.
 *
 * @param message - the error text.
 * @returns the stream bytes.
 */
export function encodeErrStream(message: string): Uint8Array {
  return withType(MESSAGE_TYPE.err, encodeMsgpack({ Error: message }))
}
