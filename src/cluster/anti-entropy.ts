import { createHash } from 'node:crypto'

import type Logger from 'bunyan'

import type { WarnLimiter } from '../util/index.js'

import type { Part } from './messages.js'
import type { MessageCounter } from './metrics.js'
import type { GossipState, MergeOrigin } from './state.js'

/** AntiEntropyOptions configure an {@link AntiEntropy}. */
export interface AntiEntropyOptions {
  readonly states: ReadonlyMap<string, GossipState>
  readonly counter: MessageCounter
  readonly warn: WarnLimiter
  readonly log: Logger
}

/**
 * AntiEntropy holds the state side of the exchanges between two peers: full states on every
 * new connection, and digests in between. Every pushPullInterval each node sends each peer a
 * DIGEST (key → SHA-256 of the state's full encoding); a peer whose digest differs for a key
 * answers with STATE_REQUEST for that key and its own FULL_STATE of it, so both sides merge
 * the other's state in one round trip. Alertmanager instead pushes and pulls both full states
 * with one random peer per interval; a digest costs 32 bytes per state when nothing differs.
 *
 * A state whose encoding is not canonical (the same content in another order) differs on
 * every digest and is then exchanged in full each interval, which is what Alertmanager always
 * does, so correctness never depends on digests matching.
 */
export class AntiEntropy {
  readonly #options: AntiEntropyOptions

  /**
   * AntiEntropy's constructor takes the states and the reporting hooks.
   *
   * @param options - states, counter, rate-limited warnings and logger.
   */
  constructor(options: AntiEntropyOptions) {
    this.#options = options
  }

  /**
   * digests computes states' digests now.
   *
   * @param keys - which states; every registered one when omitted.
   * @returns one part per state whose data is the SHA-256 of its full encoding.
   */
  digests(keys?: Iterable<string>): Part[] {
    const parts: Part[] = []
    for (const [key, data] of this.#marshal(keys ?? this.#options.states.keys())) {
      parts.push({ key, data: createHash('sha256').update(data).digest() })
    }
    return parts
  }

  /**
   * fullState encodes the requested states, or all of them.
   *
   * @param keys - which states; every registered one when omitted. Unknown keys are skipped.
   * @returns one part per state.
   */
  fullState(keys?: Iterable<string>): Part[] {
    return [...this.#marshal(keys ?? this.#options.states.keys())].map(([key, data]) => ({
      key,
      data,
    }))
  }

  /**
   * mismatched compares a peer's digests with ours.
   *
   * @param remote - the peer's DIGEST parts.
   * @returns the keys both sides have whose digests differ. A key only one side registers is
   *   left alone: the other side could not merge it anyway.
   */
  mismatched(remote: readonly Part[]): string[] {
    const theirs = new Map(remote.map((p) => [p.key, Buffer.from(p.data)]))
    const keys = [...this.#options.states.keys()].filter((k) => theirs.has(k))
    return this.digests(keys)
      .filter((p) => !(theirs.get(p.key)?.equals(p.data) ?? false))
      .map((p) => p.key)
  }

  /**
   * merge hands each part to its state. A part for an unknown key is ignored (as Alertmanager
   * does) and one that makes `mergeBinary` throw is dropped; both are counted, and neither
   * stops the other parts.
   *
   * @param parts - the parts of an UPDATE or FULL_STATE.
   * @param peer - who sent them, for the log and the states.
   * @param via - which message carried them.
   * @returns how many states changed.
   */
  merge(parts: readonly Part[], peer: string, via: MergeOrigin['via']): number {
    let changed = 0
    for (const part of parts) {
      const state = this.#options.states.get(part.key)
      if (state === undefined) {
        this.#options.counter.dropped('unknown_key')
        this.#options.log.debug({ peer, key: part.key }, 'Ignored gossip for an unknown state')
        continue
      }
      try {
        if (state.mergeBinary(part.data, { peer, via })) {
          changed++
        }
      } catch (err: unknown) {
        this.#options.counter.dropped('merge_failed')
        this.#options.warn.warn(
          `merge_failed:${part.key}`,
          { peer, key: part.key, bytes: part.data.length, err },
          'Dropped gossip that failed to merge'
        )
      }
    }
    return changed
  }

  /** marshal encodes states, skipping (and logging) one whose encoder throws. */
  *#marshal(keys: Iterable<string>): Generator<[string, Uint8Array]> {
    for (const key of keys) {
      const state = this.#options.states.get(key)
      if (state === undefined) {
        continue
      }
      try {
        yield [key, state.marshalBinary()]
      } catch (err: unknown) {
        this.#options.warn.warn(
          `marshal_failed:${key}`,
          { key, err },
          'Could not encode a state for gossip'
        )
      }
    }
  }
}
