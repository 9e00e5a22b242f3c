import xxhash from 'xxhash-wasm'
import type { XXHashAPI } from 'xxhash-wasm'

import { compareGoStrings } from '../util/index.js'

import type { LabelSet } from './labels.js'

// Both hashes run once or more per received alert, so they share one growing byte buffer and
// encode UTF-8 by hand (ASCII fast path) instead of allocating per call. The layout is Go's
// (prometheus/common model/signature.go, alertmanager notify.go hashAlert): for each label name in
// byte-wise order, name, 0xFF, value, 0xFF.

const SEPARATOR = 0xff
let buf = new Uint8Array(1024)

/** ensureCapacity grows the shared buffer so that `needed` bytes fit, keeping `used` bytes. */
function ensureCapacity(used: number, needed: number): void {
  if (needed > buf.length) {
    const next = new Uint8Array(Math.max(needed, buf.length * 2))
    next.set(buf.subarray(0, used))
    buf = next
  }
}

/**
 * writeUtf8 appends the UTF-8 bytes of `s` at `pos` (lone surrogates as U+FFFD, as Go's JSON
 * decoding yields) and returns the new end.
 */
function writeUtf8(s: string, pos: number): number {
  // 3 bytes per UTF-16 code unit is the worst case; +1 for the separator the caller appends.
  ensureCapacity(pos, pos + s.length * 3 + 1)
  const b = buf
  let p = pos
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) {
      b[p++] = c
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6)
      b[p++] = 0x80 | (c & 0x3f)
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1)
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
        b[p++] = 0xf0 | (c >> 18)
        b[p++] = 0x80 | ((c >> 12) & 0x3f)
        b[p++] = 0x80 | ((c >> 6) & 0x3f)
        b[p++] = 0x80 | (c & 0x3f)
      } else {
        b[p++] = 0xef
        b[p++] = 0xbf
        b[p++] = 0xbd
      }
    } else {
      b[p++] = 0xe0 | (c >> 12)
      b[p++] = 0x80 | ((c >> 6) & 0x3f)
      b[p++] = 0x80 | (c & 0x3f)
    }
  }
  return p
}

/** isAscii reports whether every code unit of `s` is below 0x80. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      return false
    }
  }
  return true
}

/**
 * encodeLabels writes the hash input of `labels` into the shared buffer and returns its length.
 */
function encodeLabels(labels: LabelSet): number {
  const names = Object.keys(labels)
  // The default sort compares UTF-16 code units, which equals Go's byte order for ASCII; valid
  // label names are ASCII, anything else takes the exact (slower) comparison.
  let ascii = true
  for (const name of names) {
    if (!isAscii(name)) {
      ascii = false
      break
    }
  }
  if (ascii) {
    names.sort()
  } else {
    names.sort(compareGoStrings)
  }
  let p = 0
  for (const name of names) {
    p = writeUtf8(name, p)
    buf[p++] = SEPARATOR
    p = writeUtf8(labels[name] ?? '', p)
    buf[p++] = SEPARATOR
  }
  return p
}

/**
 * fingerprint returns a label set's Alertmanager fingerprint: FNV-1a 64 over the sorted label
 * names and values (name, 0xFF, value, 0xFF as UTF-8), as 16 lowercase hex digits (prometheus/common model/signature.go).
 * It identifies an alert and an aggregation group; an empty set gives the FNV offset basis.
 *
 * @param labels - the label set.
 * @returns the fingerprint, e.g. `d2b371819297f98a` for `{a="b"}`.
 * @example
 * fingerprint({}) // 'cbf29ce484222325'
 */
export function fingerprint(labels: LabelSet): string {
  const n = encodeLabels(labels)
  const b = buf
  // FNV-1a 64 on two int32 halves, with no doubles or BigInts (10x faster than BigInt). The prime
  // is 2^40 + 0x1b3, so (hi:lo) * prime mod 2^64 has low word lo*0x1b3 mod 2^32 and high word
  // hi*0x1b3 + (lo << 8) + carry, where carry (the high word of lo*0x1b3) is computed on 16-bit
  // halves of lo so every product stays a small integer.
  let hi = 0xcbf29ce4 | 0
  let lo = 0x84222325 | 0
  for (let i = 0; i < n; i++) {
    lo ^= b[i] ?? 0
    const low = (lo & 0xffff) * 0x1b3
    const carry = ((lo >>> 16) * 0x1b3 + (low >>> 16)) >>> 16
    hi = (Math.imul(hi, 0x1b3) + (lo << 8) + carry) | 0
    lo = Math.imul(lo, 0x1b3)
  }
  return toHex16(hi, lo)
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))

/**
 * toHex16 renders hi:lo as 16 lowercase hex digits. One fromCharCode call builds a flat string,
 * about 15x faster than toString(16) + padStart.
 */
function toHex16(hi: number, lo: number): string {
  const h = HEX_CODES
  return String.fromCharCode(
    h[(hi >>> 28) & 15] ?? 0,
    h[(hi >>> 24) & 15] ?? 0,
    h[(hi >>> 20) & 15] ?? 0,
    h[(hi >>> 16) & 15] ?? 0,
    h[(hi >>> 12) & 15] ?? 0,
    h[(hi >>> 8) & 15] ?? 0,
    h[(hi >>> 4) & 15] ?? 0,
    h[hi & 15] ?? 0,
    h[(lo >>> 28) & 15] ?? 0,
    h[(lo >>> 24) & 15] ?? 0,
    h[(lo >>> 20) & 15] ?? 0,
    h[(lo >>> 16) & 15] ?? 0,
    h[(lo >>> 12) & 15] ?? 0,
    h[(lo >>> 8) & 15] ?? 0,
    h[(lo >>> 4) & 15] ?? 0,
    h[lo & 15] ?? 0
  )
}

let api: XXHashAPI | undefined
let loading: Promise<void> | undefined

/**
 * initHashing loads the xxHash64 WebAssembly module once; later calls return the same promise.
 * Await it at startup, before any call to {@link labelsHash}.
 *
 * @returns a promise that resolves when labelsHash is usable.
 */
export function initHashing(): Promise<void> {
  loading ??= xxhash().then((loaded) => {
    api = loaded
  })
  return loading
}

/**
 * labelsHash returns the dedup hash of a label set: xxHash64 (seed 0) over the same bytes as
 * {@link fingerprint} (0.25's `hashAlert`, notify/notify.go). Only labels count, so annotation
 * changes never cause a notification.
 *
 * @param labels - the alert's labels.
 * @returns the unsigned 64-bit hash.
 * @throws Error when {@link initHashing} has not resolved yet (a programming error).
 * @example
 * await initHashing()
 * labelsHash({}) // 0xef46db3751d8e999n
 */
export function labelsHash(labels: LabelSet): bigint {
  if (api === undefined) {
    throw new Error('labelsHash called before initHashing() resolved')
  }
  const n = encodeLabels(labels)
  return api.h64Raw(buf.subarray(0, n))
}
