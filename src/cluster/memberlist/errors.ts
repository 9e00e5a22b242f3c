import { AlertmeshError } from '../../util/index.js'

/**
 * MemberlistDecodeErrorKind says what was wrong with bytes a memberlist peer sent.
 *
 * - `truncated`: the bytes end inside a value; on a stream, more bytes may complete it.
 * - `malformed`: bytes no memberlist peer writes (an unknown msgpack type, a field of the wrong
 *   type, a bad checksum, an LZW stream that does not decode).
 * - `unsupported`: a message this node does not speak (encryption, an unknown message type).
 * - `oversize`: a declared length beyond the limit memberlist itself enforces.
 */
export type MemberlistDecodeErrorKind = 'truncated' | 'malformed' | 'unsupported' | 'oversize'

/**
 * MemberlistDecodeError is the only error the memberlist codec throws on bad input: truncated
 * or garbage packets from the network come back as this type, never as a RangeError or
 * TypeError, so the socket handlers can count and drop them.
 */
export class MemberlistDecodeError extends AlertmeshError {
  /** What was wrong. */
  readonly kind: MemberlistDecodeErrorKind

  /**
   * MemberlistDecodeError's constructor.
   *
   * @param kind - what was wrong.
   * @param message - the detail for the log.
   */
  constructor(kind: MemberlistDecodeErrorKind, message: string) {
    super('AM_CLUSTER_PROTOCOL', `memberlist: ${message}`)
    this.kind = kind
  }
}
