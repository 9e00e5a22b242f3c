import { ProtocolError } from './errors.js'

/**
 * FrameType names each frame on the wire; the names are also the `msg_type` label of the
 * message metrics (Alertmanager's are `full_state` and `update`).
 */
export type FrameType =
  | 'hello'
  | 'auth'
  | 'members'
  | 'update'
  | 'full_state'
  | 'digest'
  | 'state_request'
  | 'ping'
  | 'query'
  | 'answer'

/** FRAME_CODES are the type bytes; never renumber them, only add. */
export const FRAME_CODES: Readonly<Record<FrameType, number>> = {
  hello: 1,
  auth: 2,
  members: 3,
  update: 4,
  full_state: 5,
  digest: 6,
  state_request: 7,
  ping: 8,
  // Sent only to peers whose HELLO says they answer queries.
  query: 9,
  answer: 10,
}

/** FRAME_TYPES lists every frame type, so the metrics start at 0 for each. */
export const FRAME_TYPES = Object.keys(FRAME_CODES) as readonly FrameType[]

const TYPES_BY_CODE = new Map<number, FrameType>(
  FRAME_TYPES.map((type) => [FRAME_CODES[type], type])
)

/** LENGTH_BYTES is the size of the big-endian length that starts every frame. */
export const LENGTH_BYTES = 4
/** MAC_BYTES is the size of the HMAC-SHA256 that ends every frame after a keyed handshake. */
export const MAC_BYTES = 32

/**
 * frameTypeOf names a type byte.
 *
 * @param code - the byte after the length.
 * @returns the type, or undefined for a code this version does not know.
 */
export function frameTypeOf(code: number): FrameType | undefined {
  return TYPES_BY_CODE.get(code)
}

/**
 * encodeFrame lays out one frame: a 4-byte big-endian length of everything after it, the type
 * byte, the payload and, when given, the MAC.
 *
 * @param type - the frame type.
 * @param payload - the message bytes.
 * @param mac - the HMAC over (counter, type, payload), or undefined before/without a key.
 * @returns the frame, ready to write.
 */
export function encodeFrame(type: FrameType, payload: Uint8Array, mac?: Uint8Array): Buffer {
  const macLength = mac?.length ?? 0
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + 1 + payload.length + macLength)
  frame.writeUInt32BE(1 + payload.length + macLength, 0)
  frame[LENGTH_BYTES] = FRAME_CODES[type]
  frame.set(payload, LENGTH_BYTES + 1)
  if (mac !== undefined) {
    frame.set(mac, LENGTH_BYTES + 1 + payload.length)
  }
  return frame
}

/**
 * FrameDecoder cuts a byte stream into frame bodies (type byte, payload and MAC, without the
 * length). It refuses a length above `maxFrameBytes` as soon as the 4 length bytes arrive,
 * before buffering anything, so a peer cannot make the node hold a frame it will refuse. The
 * limit may change between frames (it is small until the handshake ends), so bodies are taken
 * one at a time with {@link FrameDecoder.next}.
 */
export class FrameDecoder {
  /** The largest body accepted, in bytes. */
  maxFrameBytes: number
  #chunks: Buffer[] = []
  #buffered = 0
  #expected: number | undefined

  /**
   * FrameDecoder's constructor takes the initial limit.
   *
   * @param maxFrameBytes - the largest body accepted.
   */
  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes
  }

  /** buffered is how many bytes wait for the rest of their frame. */
  get buffered(): number {
    return this.#buffered
  }

  /**
   * push adds bytes from the socket.
   *
   * @param chunk - what arrived.
   */
  push(chunk: Buffer): void {
    if (chunk.length > 0) {
      this.#chunks.push(chunk)
      this.#buffered += chunk.length
    }
  }

  /**
   * next takes the next complete frame body, if one has arrived.
   *
   * @returns the body (type byte first), or undefined when more bytes are needed.
   * @throws ProtocolError `oversize` for a length above the limit, `malformed` for length 0.
   */
  next(): Buffer | undefined {
    if (this.#expected === undefined) {
      if (this.#buffered < LENGTH_BYTES) {
        return undefined
      }
      const length = this.#take(LENGTH_BYTES).readUInt32BE(0)
      if (length === 0) {
        throw new ProtocolError('malformed', 'frame of length 0')
      }
      if (length > this.maxFrameBytes) {
        throw new ProtocolError(
          'oversize',
          `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`
        )
      }
      this.#expected = length
    }
    if (this.#buffered < this.#expected) {
      return undefined
    }
    const body = this.#take(this.#expected)
    this.#expected = undefined
    return body
  }

  /** take removes n buffered bytes, copying only when they span chunks. */
  #take(n: number): Buffer {
    const first = this.#chunks[0] as Buffer
    let out: Buffer
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) {
        this.#chunks.shift()
      } else {
        this.#chunks[0] = first.subarray(n)
      }
    } else {
      out = Buffer.allocUnsafe(n)
      let filled = 0
      while (filled < n) {
        const chunk = this.#chunks[0] as Buffer
        const used = Math.min(chunk.length, n - filled)
        chunk.copy(out, filled, 0, used)
        filled += used
        if (used === chunk.length) {
          this.#chunks.shift()
        } else {
          this.#chunks[0] = chunk.subarray(used)
        }
      }
    }
    this.#buffered -= n
    return out
  }
}
