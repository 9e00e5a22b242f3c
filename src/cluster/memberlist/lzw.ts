import { MemberlistDecodeError } from './errors.js'

// Go's compress/lzw with LSB order and 8-bit literals, as memberlist's compressPayload writes
// it (util.go, lzwLitWidth = 8). Codes start 9 bits wide and grow to 12; 256 clears the table,
// 257 ends the stream.
const CLEAR = 256
const EOF = 257
const MAX_WIDTH = 12
const INVALID = 0xffff

/**
 * lzwDecompress decodes a Go `lzw.NewReader(r, lzw.LSB, 8)` stream, ported from Go 1.19's
 * compress/lzw reader so that every stream Go accepts decodes the same way, and every stream Go
 * refuses is refused.
 *
 * @param input - the compressed bytes (memberlist's `compress.Buf`).
 * @param maxBytes - the largest output accepted; memberlist streams are capped at 20 MiB.
 * @returns the decompressed bytes.
 * @throws MemberlistDecodeError when the stream ends before its end code, holds an invalid code
 *   or inflates beyond `maxBytes`.
 */
export function lzwDecompress(input: Uint8Array, maxBytes: number): Uint8Array {
  const suffix = new Uint8Array(1 << MAX_WIDTH)
  const prefix = new Uint16Array(1 << MAX_WIDTH)
  const scratch = new Uint8Array(1 << MAX_WIDTH)
  const chunks: Uint8Array[] = []
  let out = new Uint8Array(Math.max(64, input.length * 3))
  let o = 0
  let total = 0

  let width = 9
  let hi = EOF
  let overflow = 1 << width
  let last = INVALID
  let bits = 0
  let nBits = 0
  let pos = 0

  const emit = (bytes: Uint8Array): void => {
    total += bytes.length
    if (total > maxBytes) {
      throw new MemberlistDecodeError('oversize', `lzw output beyond ${maxBytes} bytes`)
    }
    if (o + bytes.length > out.length) {
      chunks.push(out.subarray(0, o))
      out = new Uint8Array(Math.max(out.length * 2, bytes.length))
      o = 0
    }
    out.set(bytes, o)
    o += bytes.length
  }

  for (;;) {
    while (nBits < width) {
      if (pos >= input.length) {
        throw new MemberlistDecodeError('truncated', 'lzw stream ends before its end code')
      }
      bits |= (input[pos++] as number) << nBits
      nBits += 8
    }
    const code = bits & ((1 << width) - 1)
    bits >>>= width
    nBits -= width

    if (code < CLEAR) {
      emit(Uint8Array.of(code))
      if (last !== INVALID) {
        suffix[hi] = code
        prefix[hi] = last
      }
    } else if (code === CLEAR) {
      width = 9
      hi = EOF
      overflow = 1 << width
      last = INVALID
      continue
    } else if (code === EOF) {
      break
    } else if (code <= hi) {
      let c = code
      let i = scratch.length - 1
      if (code === hi && last !== INVALID) {
        // code == hi expands to the last expansion followed by its own first byte.
        c = last
        while (c >= CLEAR) {
          c = prefix[c] as number
        }
        scratch[i--] = c
        c = last
      }
      while (c >= CLEAR) {
        scratch[i--] = suffix[c] as number
        c = prefix[c] as number
      }
      scratch[i] = c
      emit(scratch.subarray(i))
      if (last !== INVALID) {
        suffix[hi] = c
        prefix[hi] = last
      }
    } else {
      throw new MemberlistDecodeError('malformed', `lzw: invalid code ${code}`)
    }
    last = code
    hi++
    if (hi >= overflow) {
      if (width === MAX_WIDTH) {
        last = INVALID
        hi--
      } else {
        width++
        overflow = 1 << width
      }
    }
  }
  chunks.push(out.subarray(0, o))
  if (chunks.length === 1) {
    return chunks[0] as Uint8Array
  }
  const all = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.length
  }
  return all
}
