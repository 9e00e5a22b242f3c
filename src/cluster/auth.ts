import { createHmac, timingSafeEqual } from 'node:crypto'

// Domain labels keep the three uses of the shared key apart, so a value computed for one can
// never be presented as another.
const PROOF_LABEL = Buffer.from('alertmesh/cluster/v1/proof\0')
const SESSION_LABEL = Buffer.from('alertmesh/cluster/v1/session\0')

/**
 * handshakeProof is a node's answer to its peer's HELLO: HMAC-SHA256(key, peer's HELLO ‖ own
 * HELLO). The peer's HELLO carries the peer's fresh nonce, so the proof cannot be replayed on
 * another connection; the own HELLO carries this node's name, address and nonce, so none of
 * them can be altered on the way. The two sides concatenate in opposite orders, so a proof
 * reflected back to its sender does not verify.
 *
 * @param key - the shared cluster key.
 * @param peerHello - the HELLO payload received, byte for byte.
 * @param ownHello - the HELLO payload sent, byte for byte.
 * @returns the 32-byte proof.
 */
export function handshakeProof(key: Buffer, peerHello: Uint8Array, ownHello: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(PROOF_LABEL)
    .update(lengthPrefix(peerHello.length))
    .update(peerHello)
    .update(ownHello)
    .digest()
}

/**
 * sessionKey derives the key that signs the frames one side sends on one connection:
 * HMAC-SHA256(key, sender nonce ‖ receiver nonce). Both nonces are fresh per connection, so a
 * frame recorded on one connection does not verify on another, and the two directions use
 * different keys, so a frame cannot be reflected back.
 *
 * @param key - the shared cluster key.
 * @param senderNonce - the nonce from the sender's HELLO.
 * @param receiverNonce - the nonce from the receiver's HELLO.
 * @returns the 32-byte session key.
 */
export function sessionKey(
  key: Buffer,
  senderNonce: Uint8Array,
  receiverNonce: Uint8Array
): Buffer {
  return createHmac('sha256', key)
    .update(SESSION_LABEL)
    .update(senderNonce)
    .update(receiverNonce)
    .digest()
}

/**
 * frameMac signs one frame: HMAC-SHA256(session key, counter ‖ type ‖ payload). The counter is
 * the frame's number in its direction since the handshake (both sides count, it is not sent),
 * so a replayed, dropped or reordered frame fails to verify.
 *
 * @param key - the direction's session key.
 * @param counter - the frame's sequence number, from 0.
 * @param typeCode - the frame's type byte.
 * @param payload - the frame's payload.
 * @returns the 32-byte MAC.
 */
export function frameMac(
  key: Buffer,
  counter: bigint,
  typeCode: number,
  payload: Uint8Array
): Buffer {
  const head = Buffer.allocUnsafe(9)
  head.writeBigUInt64BE(counter, 0)
  head[8] = typeCode
  return createHmac('sha256', key).update(head).update(payload).digest()
}

/**
 * macEquals compares two MACs in constant time.
 *
 * @param a - one MAC.
 * @param b - the other.
 * @returns whether they are equal.
 */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeUInt32BE(n, 0)
  return b
}
