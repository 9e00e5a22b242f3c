import { WebConfigError } from './errors.js'

/**
 * Go's golang.org/x/crypto/bcrypt hash decoding (newFromHash: decodeVersion, decodeCost), which
 * the toolkit's validateUsers runs through bcrypt.Cost on every hash at start, with its errors.
 */

const MIN_HASH_SIZE = 59
const MIN_COST = 4
const MAX_COST = 31

/**
 * bcryptCost checks a hash as Go's bcrypt.Cost does.
 *
 * @param hash - a `basic_auth_users` value.
 * @returns the cost.
 * @throws WebConfigError with crypto/bcrypt's message.
 */
export function bcryptCost(hash: string): number {
  const bytes = Buffer.from(hash, 'utf8')
  if (bytes.length < MIN_HASH_SIZE) {
    throw new WebConfigError('crypto/bcrypt: hashedSecret too short to be a bcrypted password')
  }
  const offset = versionLength(bytes)
  const costText = bytes.subarray(offset, offset + 2).toString('latin1')
  if (!/^[+-]?\d+$/.test(costText)) {
    throw new WebConfigError(`strconv.Atoi: parsing ${JSON.stringify(costText)}: invalid syntax`)
  }
  const cost = Number(costText)
  if (cost < MIN_COST || cost > MAX_COST) {
    throw new WebConfigError(
      `crypto/bcrypt: cost ${cost} is outside allowed range (${MIN_COST},${MAX_COST})`
    )
  }
  return cost
}

/**
 * versionLength is decodeVersion: `$2$` or `$2a$` (any minor letter), returning where the cost
 * starts.
 *
 * @param bytes - the hash.
 * @returns 3 or 4.
 * @throws WebConfigError for a hash that does not start like a bcrypt hash.
 */
export function versionLength(bytes: Uint8Array): number {
  const [first = 0, major = 0, third = 0] = bytes
  if (first !== 0x24) {
    throw new WebConfigError(
      `crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${String.fromCharCode(first)}'`
    )
  }
  if (major > 0x32) {
    throw new WebConfigError(
      `crypto/bcrypt: bcrypt algorithm version '${String.fromCharCode(major)}' requested is newer than current version '2'`
    )
  }
  return third === 0x24 ? 3 : 4
}
