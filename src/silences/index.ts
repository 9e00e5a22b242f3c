/**
 * @module silences
 * Owns silences (Alertmanager's silence/silence.go): the model and 0.25's validation, the store with its create/update/
 * expire/merge/GC rules, muting queries (matcher index and a per-alert cache keyed by the store's
 * version), metrics, and durable storage in Alertmanager's snapshot format plus a write-ahead
 * journal (src/storage). Imports nothing from other src folders except src/labels, src/storage and
 * src/util.
 */
export { decodeMeshSilences, encodeMeshSilences } from './codec.js'
export type { DecodeProblem, DecodeResult } from './codec.js'
export { SILENCE_NOT_FOUND_MESSAGE, SilenceInvalidError, SilenceNotFoundError } from './errors.js'
export type { MutedBy } from './mute-cache.js'
export {
  SILENCE_STATES,
  apiSilenceState,
  canUpdate,
  sameMatchers,
  silenceState,
  validateSilence,
} from './silence.js'
export type {
  MeshSilence,
  PostableSilence,
  Silence,
  SilenceMatcher,
  SilenceMatcherType,
  SilenceState,
} from './silence.js'
export { Silencer } from './silencer.js'
export type { MutedBySource, SilenceStatus } from './silencer.js'
export { Silences } from './silences.js'
export type { MergeBinaryResult, SilencesOptions } from './silences.js'
export { JOURNAL_FILE, SNAPSHOT_FILE } from './snapshot.js'
export type { OpenReport } from './snapshot.js'
