import bcrypt from 'bcryptjs'

import { versionLength } from './bcrypt-cost.js'

/**
 * Basic auth as the toolkit's webHandler checks it (web/handler.go, web/cache.go): a bcrypt
 * comparison per (user, hash, password) not yet seen, one comparison at a time, and a cache of
 * 100 verdicts with random eviction, so a client that sends the right password on every request
 * costs one bcrypt run, not one per request.
 */

/**
 * FAKE_HASH is the toolkit's bcrypt hash of "fakepassword", compared for an unknown user so the
 * answer takes as long as for a known one (no user enumeration by timing).
 */
export const FAKE_HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi'

/** CACHE_SIZE is the toolkit's cacheSize. */
export const CACHE_SIZE = 100

/** Credentials are a request's decoded basic auth. */
export interface Credentials {
  readonly user: string
  readonly password: string
}

/**
 * parseBasicAuth is Go's Request.BasicAuth: `Basic ` (any case) and base64 of `user:password`.
 *
 * @param header - the Authorization header.
 * @returns the credentials, or undefined when there are none.
 */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  const prefix = 'basic '
  if (header?.slice(0, prefix.length).toLowerCase() !== prefix) {
    return undefined
  }
  const encoded = header.slice(prefix.length)
  // Go's base64.StdEncoding is strict: padding required, no stray characters.
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
    return undefined
  }
  const decoded = Buffer.from(encoded, 'base64').toString('latin1')
  const colon = decoded.indexOf(':')
  if (colon === -1) {
    return undefined
  }
  const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8')
  return { user: utf8(decoded.slice(0, colon)), password: utf8(decoded.slice(colon + 1)) }
}

/** BasicAuthOptions tune a BasicAuth (tests inject a cheap comparison). */
export interface BasicAuthOptions {
  /**
   * compare checks a password against a bcrypt hash.
   *
   * @default bcryptjs's compare, after folding Go-accepted version prefixes into `$2b$`
   */
  readonly compare?: (password: string, hash: string) => Promise<boolean>
  /** random picks an index below n for eviction. @default Math.random */
  readonly random?: () => number
}

/**
 * BasicAuth verifies credentials against `basic_auth_users`, caching verdicts.
 */
export class BasicAuth {
  readonly #cache = new Map<string, boolean>()
  readonly #compare: (password: string, hash: string) => Promise<boolean>
  readonly #random: () => number
  /** #queue serialises comparisons, as the toolkit's bcryptMtx does: bcrypt is CPU-bound. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: BasicAuthOptions = {}) {
    this.#compare = options.compare ?? compareGoHash
    this.#random = options.random ?? Math.random
  }

  /**
   * verify says whether the credentials match a user's hash.
   *
   * @param users - the configured users and hashes.
   * @param credentials - what the request sent.
   * @returns true only for a known user with the right password.
   */
  async verify(users: ReadonlyMap<string, string>, credentials: Credentials): Promise<boolean> {
    const known = users.get(credentials.user)
    const hash = known ?? FAKE_HASH
    const key = [credentials.user, hash, credentials.password]
      .map((s) => Buffer.from(s, 'utf8').toString('hex'))
      .join(':')
    let ok = this.#cache.get(key)
    if (ok === undefined) {
      const run = this.#queue.then(() => this.#compare(credentials.password, hash))
      this.#queue = run.catch(() => undefined)
      const matched = await run.catch(() => false)
      ok = known !== undefined && matched
      this.#set(key, ok)
    }
    return ok && known !== undefined
  }

  /** size is the number of cached verdicts (for tests). */
  get size(): number {
    return this.#cache.size
  }

  #set(key: string, value: boolean): void {
    if (this.#cache.size >= CACHE_SIZE) {
      // cache.go's makeRoom: drop a tenth (at least one, plus one) at random.
      const toDelete = Math.max(1, Math.floor(this.#cache.size / 10))
      for (let deleted = 0; deleted <= toDelete && this.#cache.size > 0; deleted++) {
        const victim = Math.floor(this.#random() * this.#cache.size)
        let i = 0
        for (const k of this.#cache.keys()) {
          if (i++ === victim) {
            this.#cache.delete(k)
            break
          }
        }
      }
    }
    this.#cache.set(key, value)
  }
}

/**
 * compareGoHash is bcrypt.CompareHashAndPassword over bcryptjs: Go reads `$2$`, `$2a$`, `$2b$`,
 * `$2y$` (any minor letter) the same way, bcryptjs only some of them, so the prefix is folded.
 *
 * @param password - the sent password.
 * @param hash - the configured hash.
 * @returns whether they match; false for a hash bcrypt cannot read.
 */
export async function compareGoHash(password: string, hash: string): Promise<boolean> {
  let offset: number
  try {
    offset = versionLength(Buffer.from(hash, 'utf8'))
  } catch {
    return false
  }
  return bcrypt.compare(password, `$2b$${hash.slice(offset)}`)
}
