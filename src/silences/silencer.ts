import { fingerprint as labelsFingerprint } from '../labels/index.js'
import type { LabelSet } from '../labels/index.js'

import type { MutedBy } from './mute-cache.js'

/** SilenceStatus is the silence part of an alert's API status. */
export interface SilenceStatus {
  /** silencedBy are the sorted ids of the active silences muting the alert. */
  readonly silencedBy: readonly string[]
  /** pendingBy are the sorted ids of matching silences that have not started yet. */
  readonly pendingBy: readonly string[]
}

/** MutedBySource is what a Silencer needs: the store's cached muting query. */
export interface MutedBySource {
  mutedBy(labels: LabelSet, fingerprint: string): MutedBy
}

/**
 * Silencer is 0.25's `silence.Silencer` for the pipeline's mute stage and the API's alert status.
 * It holds no state of its own: the per-alert cache lives in the store, so the pipeline and the
 * API share one cache however many Silencers exist.
 *
 * @example
 * const silencer = new Silencer(silences)
 * silencer.mutes({ alertname: 'Down' }) // true when an active silence matches
 */
export class Silencer {
  readonly #source: MutedBySource

  /**
   * Silencer's constructor binds it to a store.
   *
   * @param source - the silence store (or anything with its mutedBy).
   */
  constructor(source: MutedBySource) {
    this.#source = source
  }

  /**
   * mutes reports whether an active silence matches the labels (the mute stage's `Muter`).
   *
   * @param labels - the alert's labels.
   * @param fingerprint - the alert's fingerprint; computed from the labels when omitted.
   * @returns true when muted.
   */
  mutes(labels: LabelSet, fingerprint?: string): boolean {
    return this.#source.mutedBy(labels, fingerprint ?? labelsFingerprint(labels)).active.length > 0
  }

  /**
   * status returns the alert's silence status for the API (api/v2/api.go): the complete sorted set
   * of active matching silences, and the pending ones.
   *
   * @param labels - the alert's labels.
   * @param fingerprint - the alert's fingerprint.
   * @returns the ids.
   */
  status(labels: LabelSet, fingerprint: string): SilenceStatus {
    const { active, pending } = this.#source.mutedBy(labels, fingerprint)
    return { silencedBy: active, pendingBy: pending }
  }
}
