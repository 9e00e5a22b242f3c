import { randomBytes } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * newUlid makes a node name as Alertmanager's cluster.Create does (`ulid.New(ulid.Now(), …)`):
 * 48 bits of milliseconds and 80 random bits in Crockford's base32, 26 characters. Names sort
 * by start time, which decides the peer position on Go and alertmesh nodes alike.
 *
 * @param nowMs - the wall clock in ms.
 * @param random - 10 random bytes.
 * @returns the ULID.
 */
export function newUlid(nowMs: number, random: Uint8Array = randomBytes(10)): string {
  let v = BigInt(Math.floor(nowMs)) & 0xffffffffffffn
  for (const b of random.subarray(0, 10)) {
    v = (v << 8n) | BigInt(b)
  }
  let out = ''
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD.charAt(Number(v & 31n)) + out
    v >>= 5n
  }
  return out
}
