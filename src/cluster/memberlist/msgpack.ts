import { encode } from '@msgpack/msgpack'

import { MemberlistDecodeError } from './errors.js'

/**
 * MsgValue is a decoded msgpack value. Strings and binaries both come back as raw bytes:
 * hashicorp/go-msgpack's MsgpackHandle (without WriteExt) writes Go `[]byte` fields such as
 * `Addr` and `Meta` as old-spec raw strings, so only the Go field's type says which is text.
 */
export type MsgValue =
  null | boolean | number | Uint8Array | readonly MsgValue[] | ReadonlyMap<string, MsgValue>

/** MsgStruct is a decoded msgpack map with string keys: a Go struct as go-msgpack writes it. */
export type MsgStruct = ReadonlyMap<string, MsgValue>

/** MAX_CONTAINER caps a declared array/map length, so a forged header cannot allocate. */
const MAX_CONTAINER = 1 << 20

const utf8 = new TextDecoder('utf-8')

/**
 * MsgReader reads msgpack values one after another from a buffer and says where each ended.
 * memberlist's streams put raw bytes (the delegate's user state) right after msgpack values,
 * which @msgpack/msgpack's decoder cannot report the end of; this reader can.
 */
export class MsgReader {
  readonly #buf: Uint8Array
  readonly #view: DataView
  #pos: number

  /**
   * MsgReader's constructor.
   *
   * @param buf - the bytes.
   * @param offset - where to start.
   */
  constructor(buf: Uint8Array, offset = 0) {
    this.#buf = buf
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.#pos = offset
  }

  /** offset is where the next value starts. */
  get offset(): number {
    return this.#pos
  }

  /**
   * bytes takes raw bytes that follow the msgpack values.
   *
   * @param n - how many.
   * @returns a view of them.
   * @throws MemberlistDecodeError (`truncated`) when fewer remain.
   */
  bytes(n: number): Uint8Array {
    this.#need(n)
    const out = this.#buf.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return out
  }

  /**
   * value reads one msgpack value.
   *
   * @returns the value.
   * @throws MemberlistDecodeError when the bytes end early or hold a type msgpack lacks.
   */
  value(): MsgValue {
    return this.#value(0)
  }

  #need(n: number): void {
    if (this.#pos + n > this.#buf.length) {
      throw new MemberlistDecodeError(
        'truncated',
        `msgpack value needs ${n} bytes at offset ${this.#pos}, ${this.#buf.length - this.#pos} left`
      )
    }
  }

  #u8(): number {
    this.#need(1)
    return this.#buf[this.#pos++] as number
  }

  #uint(width: 1 | 2 | 4 | 8): number {
    this.#need(width)
    const p = this.#pos
    this.#pos += width
    switch (width) {
      case 1:
        return this.#view.getUint8(p)
      case 2:
        return this.#view.getUint16(p)
      case 4:
        return this.#view.getUint32(p)
      case 8:
        return this.#safe(this.#view.getBigUint64(p))
    }
  }

  #int(width: 1 | 2 | 4 | 8): number {
    this.#need(width)
    const p = this.#pos
    this.#pos += width
    switch (width) {
      case 1:
        return this.#view.getInt8(p)
      case 2:
        return this.#view.getInt16(p)
      case 4:
        return this.#view.getInt32(p)
      case 8:
        return this.#safe(this.#view.getBigInt64(p))
    }
  }

  #safe(v: bigint): number {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new MemberlistDecodeError('malformed', `64-bit integer ${v} out of range`)
    }
    return Number(v)
  }

  #length(n: number): number {
    if (n > MAX_CONTAINER) {
      throw new MemberlistDecodeError('oversize', `msgpack container of ${n} entries`)
    }
    return n
  }

  #value(depth: number): MsgValue {
    // go-msgpack nests at most a struct in a slice; anything deeper is not memberlist's.
    if (depth > 16) {
      throw new MemberlistDecodeError('malformed', 'msgpack nested too deeply')
    }
    const b = this.#u8()
    if (b <= 0x7f) {
      return b
    }
    if (b >= 0xe0) {
      return b - 0x100
    }
    if (b >= 0xa0 && b <= 0xbf) {
      return this.bytes(b & 0x1f)
    }
    if (b >= 0x90 && b <= 0x9f) {
      return this.#array(b & 0x0f, depth)
    }
    if (b >= 0x80 && b <= 0x8f) {
      return this.#map(b & 0x0f, depth)
    }
    switch (b) {
      case 0xc0:
        return null
      case 0xc2:
        return false
      case 0xc3:
        return true
      case 0xc4:
      case 0xd9:
        return this.bytes(this.#uint(1))
      case 0xc5:
      case 0xda:
        return this.bytes(this.#uint(2))
      case 0xc6:
      case 0xdb:
        return this.bytes(this.#uint(4))
      case 0xca:
        this.#need(4)
        this.#pos += 4
        return this.#view.getFloat32(this.#pos - 4)
      case 0xcb:
        this.#need(8)
        this.#pos += 8
        return this.#view.getFloat64(this.#pos - 8)
      case 0xcc:
        return this.#uint(1)
      case 0xcd:
        return this.#uint(2)
      case 0xce:
        return this.#uint(4)
      case 0xcf:
        return this.#uint(8)
      case 0xd0:
        return this.#int(1)
      case 0xd1:
        return this.#int(2)
      case 0xd2:
        return this.#int(4)
      case 0xd3:
        return this.#int(8)
      case 0xdc:
        return this.#array(this.#uint(2), depth)
      case 0xdd:
        return this.#array(this.#length(this.#uint(4)), depth)
      case 0xde:
        return this.#map(this.#uint(2), depth)
      case 0xdf:
        return this.#map(this.#length(this.#uint(4)), depth)
      default:
        // Extensions (0xc7-0xc9, 0xd4-0xd8) and 0xc1: memberlist never writes them.
        throw new MemberlistDecodeError(
          'malformed',
          `msgpack type 0x${b.toString(16)} at offset ${this.#pos - 1}`
        )
    }
  }

  #array(n: number, depth: number): MsgValue[] {
    const out: MsgValue[] = []
    for (let i = 0; i < n; i++) {
      out.push(this.#value(depth + 1))
    }
    return out
  }

  #map(n: number, depth: number): Map<string, MsgValue> {
    const out = new Map<string, MsgValue>()
    for (let i = 0; i < n; i++) {
      const key = this.#value(depth + 1)
      if (!(key instanceof Uint8Array)) {
        throw new MemberlistDecodeError('malformed', 'msgpack map key is not a string')
      }
      out.set(utf8.decode(key), this.#value(depth + 1))
    }
    return out
  }
}

/**
 * encodeMsgpack encodes a Go struct's fields in declaration order. @msgpack/msgpack's output is
 * what go-msgpack's decoder accepts although go-msgpack itself writes otherwise: strings of 32
 * to 255 bytes as str8 (go-msgpack: str16) and Uint8Array as bin (go-msgpack: raw str);
 * go-msgpack decodes str8 into strings and both str and bin into `[]byte`.
 *
 * @param fields - the struct's fields; bytes as Uint8Array, never number arrays.
 * @returns the encoding.
 */
export function encodeMsgpack(fields: Readonly<Record<string, unknown>>): Uint8Array {
  return encode(fields, { ignoreUndefined: true })
}

/**
 * StructReader reads a decoded struct's fields by their Go names with Go's types, treating a
 * missing field as Go's zero value as go-msgpack does.
 */
export class StructReader {
  readonly #fields: MsgStruct
  readonly #what: string

  /**
   * StructReader's constructor.
   *
   * @param value - the decoded value, which must be a map.
   * @param what - the Go type's name, for errors.
   * @throws MemberlistDecodeError when the value is not a map.
   */
  constructor(value: MsgValue, what: string) {
    if (!(value instanceof Map)) {
      throw new MemberlistDecodeError('malformed', `${what} is not a msgpack map`)
    }
    this.#fields = value as MsgStruct
    this.#what = what
  }

  #bad(name: string, want: string): MemberlistDecodeError {
    return new MemberlistDecodeError('malformed', `${this.#what}.${name} is not ${want}`)
  }

  /**
   * uint reads an unsigned integer field of the given bit size.
   *
   * @param name - the Go field name.
   * @param bits - 8, 16, 32 or 64 (Go's int on amd64 is 64).
   * @returns the value, 0 when absent.
   */
  uint(name: string, bits: 8 | 16 | 32 | 64): number {
    const v = this.#fields.get(name)
    if (v === undefined || v === null) {
      return 0
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || (bits < 64 && v >= 2 ** bits)) {
      throw this.#bad(name, `a uint${bits}`)
    }
    return v
  }

  /**
   * length reads a Go int field (64 bits on amd64) that must not be negative, such as a length.
   *
   * @param name - the Go field name.
   * @returns the value, 0 when absent.
   */
  length(name: string): number {
    const v = this.#fields.get(name)
    if (v === undefined || v === null) {
      return 0
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw this.#bad(name, 'a non-negative int')
    }
    return v
  }

  /**
   * bool reads a bool field; go-msgpack also takes the fixints 0 and 1.
   *
   * @param name - the Go field name.
   * @returns the value, false when absent.
   */
  bool(name: string): boolean {
    const v = this.#fields.get(name)
    if (v === undefined || v === null) {
      return false
    }
    if (v === true || v === 1) {
      return true
    }
    if (v === false || v === 0) {
      return false
    }
    throw this.#bad(name, 'a bool')
  }

  /**
   * bytes reads a `[]byte` field (str or bin).
   *
   * @param name - the Go field name.
   * @returns the bytes, empty when absent.
   */
  bytes(name: string): Uint8Array {
    const v = this.#fields.get(name)
    if (v === undefined || v === null) {
      return new Uint8Array(0)
    }
    if (!(v instanceof Uint8Array)) {
      throw this.#bad(name, 'bytes')
    }
    return v
  }

  /**
   * string reads a string field.
   *
   * @param name - the Go field name.
   * @returns the text, empty when absent.
   */
  string(name: string): string {
    return utf8.decode(this.bytes(name))
  }
}
