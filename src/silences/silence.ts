import { compileGoRegex, goQuote, isValidLabelName, newMatcher } from '../labels/index.js'
import type { Matcher, MatchType } from '../labels/index.js'
import { GO_ZERO_TIME_MS, errorMessage } from '../util/index.js'

import { SilenceInvalidError } from './errors.js'

/** SilenceMatcherType is a silence matcher's operator as stored (`silencepb.Matcher.Type`). */
export type SilenceMatcherType = 'EQUAL' | 'REGEXP' | 'NOT_EQUAL' | 'NOT_REGEXP'

/** SilenceMatcher is one matcher of a silence (`silencepb.Matcher`). */
export interface SilenceMatcher {
  readonly type: SilenceMatcherType
  /** name is the label name the matcher looks at. */
  readonly name: string
  /** pattern is the value, or the regex for REGEXP/NOT_REGEXP (anchored when matching). */
  readonly pattern: string
}

/** Silence is a stored silence (`silencepb.Silence`). Times are epoch ms. */
export interface Silence {
  /** id is a UUIDv4 assigned by the store. */
  readonly id: string
  readonly matchers: readonly SilenceMatcher[]
  readonly startsAt: number
  readonly endsAt: number
  /** updatedAt is when the silence was last written; the newer write wins a merge. */
  readonly updatedAt: number
  readonly createdBy: string
  readonly comment: string
}

/** PostableSilence is what {@link Silences.set} takes: a silence without store-owned fields. */
export interface PostableSilence {
  /** id selects the silence to update; absent to create one. */
  readonly id?: string | undefined
  readonly matchers: readonly SilenceMatcher[]
  readonly startsAt: number
  readonly endsAt: number
  readonly createdBy: string
  readonly comment: string
}

/** MeshSilence is a silence with its GC time (`silencepb.MeshSilence`), the unit of gossip and snapshots. */
export interface MeshSilence {
  readonly silence: Silence
  /** expiresAt is endsAt + retention: when GC may delete the silence (epoch ms). */
  readonly expiresAt: number
}

/**
 * freezeMeshSilence copies a MeshSilence into frozen objects, which a store can hand out without
 * callers being able to change its state.
 *
 * @param m - the silence, e.g. as a peer sent it.
 * @returns a frozen copy.
 */
export function freezeMeshSilence(m: MeshSilence): MeshSilence {
  const s = m.silence
  return Object.freeze({
    silence: Object.freeze({
      id: s.id,
      matchers: Object.freeze(
        s.matchers.map((x) => Object.freeze({ type: x.type, name: x.name, pattern: x.pattern }))
      ),
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      updatedAt: s.updatedAt,
      createdBy: s.createdBy,
      comment: s.comment,
    }),
    expiresAt: m.expiresAt,
  })
}

/** SilenceState is a silence's state at some instant. */
export type SilenceState = 'active' | 'pending' | 'expired'

/** SILENCE_STATES lists every state, in Alertmanager's metric order. */
export const SILENCE_STATES: readonly SilenceState[] = ['active', 'pending', 'expired']

/**
 * silenceState is the state 0.25 uses internally for muting, updates and metrics (`getState`):
 * pending before startsAt, expired after endsAt, so a silence is still active at exactly endsAt.
 *
 * @param s - the silence's time range.
 * @param now - the instant, epoch ms.
 * @returns the state.
 * @example
 * silenceState({ startsAt: 10, endsAt: 20 }, 20) // 'active'
 */
export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) {
    return 'pending'
  }
  return now > s.endsAt ? 'expired' : 'active'
}

/**
 * apiSilenceState is the state the API reports (`types.CalcSilenceState`): active iff
 * startsAt <= now < endsAt, so at exactly endsAt the API already says expired.
 *
 * @param s - the silence's time range.
 * @param now - the instant, epoch ms.
 * @returns the state.
 * @example
 * apiSilenceState({ startsAt: 10, endsAt: 20 }, 20) // 'expired'
 */
export function apiSilenceState(
  s: Pick<Silence, 'startsAt' | 'endsAt'>,
  now: number
): SilenceState {
  if (now < s.startsAt) {
    return 'pending'
  }
  return now < s.endsAt ? 'active' : 'expired'
}

/** MATCH_TYPES maps a stored matcher type to the labels operator. */
const MATCH_TYPES: Readonly<Record<SilenceMatcherType, MatchType>> = {
  EQUAL: '=',
  NOT_EQUAL: '!=',
  REGEXP: '=~',
  NOT_REGEXP: '!~',
}

/**
 * isSilenceMatcherType reports whether a value is one of the four stored matcher types.
 *
 * @param type - any value.
 * @returns true for EQUAL, REGEXP, NOT_EQUAL and NOT_REGEXP.
 */
export function isSilenceMatcherType(type: unknown): type is SilenceMatcherType {
  return typeof type === 'string' && Object.hasOwn(MATCH_TYPES, type)
}

/**
 * compileSilenceMatchers builds the label matchers of a silence once, as 0.25's matcher cache
 * does; regexes are anchored (`^(?:pattern)$`).
 *
 * @param matchers - the stored matchers.
 * @returns the compiled matchers, in the same order.
 * @throws MatcherError for an invalid regex; Error for an unknown type.
 */
export function compileSilenceMatchers(matchers: readonly SilenceMatcher[]): Matcher[] {
  return matchers.map((m) => {
    if (!isSilenceMatcherType(m.type)) {
      throw new Error(`unknown matcher type ${goQuote(String(m.type))}`)
    }
    return newMatcher(MATCH_TYPES[m.type], m.name, m.pattern)
  })
}

/**
 * isZeroTime reports whether a time is Go's zero `time.Time` (or not a time at all), which
 * validation rejects.
 */
function isZeroTime(ms: number): boolean {
  return ms === GO_ZERO_TIME_MS || !Number.isFinite(ms)
}

/** matcherProblem returns why one matcher is invalid (0.25's `ValidateMatcher`), or undefined. */
function matcherProblem(m: SilenceMatcher): string | undefined {
  if (!isValidLabelName(m.name)) {
    return `invalid label name ${goQuote(m.name)}`
  }
  switch (m.type) {
    case 'EQUAL':
    case 'NOT_EQUAL':
      // Go checks utf8.ValidString; a JS string can only be ill-formed by a lone surrogate.
      return m.pattern.isWellFormed() ? undefined : `invalid label value ${goQuote(m.pattern)}`
    case 'REGEXP':
    case 'NOT_REGEXP':
      try {
        // Unanchored, like Go's regexp.Compile here: `a)|(b` fails although it would compile
        // once wrapped in ^(?:...)$.
        compileGoRegex(m.pattern)
        return undefined
      } catch (err: unknown) {
        return `invalid regular expression ${goQuote(m.pattern)}: ${errorMessage(err)}`
      }
    default:
      return `unknown matcher type ${goQuote(String(m.type))}`
  }
}

/**
 * matchesEmpty reports whether a matcher matches the empty string, i.e. an alert without the
 * label (0.25's `matchesEmpty`: only `=""` and regexes; negative matchers never count).
 */
function matchesEmpty(m: SilenceMatcher): boolean {
  switch (m.type) {
    case 'EQUAL':
      return m.pattern === ''
    case 'REGEXP':
      return compileGoRegex(m.pattern).test('')
    default:
      return false
  }
}

/**
 * validateSilence checks a silence as 0.25's `validateSilence` does before storing it (silence/silence.go),
 * in the same order, so the first problem reported is the same.
 *
 * @param s - the silence as it would be stored (id and updatedAt set).
 * @throws SilenceInvalidError with 0.25's message, e.g. `silence invalid: invalid label matcher
 * 1: invalid label name "0a"`.
 * @example
 * validateSilence({ ...s, matchers: [] }) // throws 'silence invalid: at least one matcher required'
 */
export function validateSilence(s: Silence): void {
  if (s.id === '') {
    throw new SilenceInvalidError('ID missing')
  }
  if (s.matchers.length === 0) {
    throw new SilenceInvalidError('at least one matcher required')
  }
  let allMatchEmpty = true
  for (const [i, m] of s.matchers.entries()) {
    const problem = matcherProblem(m)
    if (problem !== undefined) {
      throw new SilenceInvalidError(`invalid label matcher ${i}: ${problem}`)
    }
    allMatchEmpty &&= matchesEmpty(m)
  }
  if (allMatchEmpty) {
    throw new SilenceInvalidError('at least one matcher must not match the empty string')
  }
  if (isZeroTime(s.startsAt)) {
    throw new SilenceInvalidError('invalid zero start timestamp')
  }
  if (isZeroTime(s.endsAt)) {
    throw new SilenceInvalidError('invalid zero end timestamp')
  }
  if (s.endsAt < s.startsAt) {
    throw new SilenceInvalidError('end time must not be before start time')
  }
  if (isZeroTime(s.updatedAt)) {
    throw new SilenceInvalidError('invalid zero update timestamp')
  }
}

/**
 * sameMatchers reports whether two matcher lists are identical: same length, order, types, names
 * and patterns (0.25 compares them with `reflect.DeepEqual`).
 *
 * @param a - one list.
 * @param b - the other.
 * @returns true when identical.
 */
export function sameMatchers(a: readonly SilenceMatcher[], b: readonly SilenceMatcher[]): boolean {
  if (a.length !== b.length) {
    return false
  }
  return a.every((m, i) => {
    const o = b[i]
    return m.type === o?.type && m.name === o.name && m.pattern === o.pattern
  })
}

/** unixSeconds is Go's `Time.Unix()` of an epoch-ms time (floored, also before 1970). */
function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}

/**
 * canUpdate reports whether `prev` may be changed into `next` in place without rewriting history
 * (0.25's `canUpdate`, silence/silence.go): matchers identical, and by prev's state now: active → same
 * start second and next does not end before now; pending → next does not start before now;
 * expired → never.
 *
 * @param prev - the stored silence.
 * @param next - the posted one.
 * @param now - epoch ms.
 * @returns true when the update may keep prev's id.
 */
export function canUpdate(
  prev: Silence,
  next: Pick<Silence, 'matchers' | 'startsAt' | 'endsAt'>,
  now: number
): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) {
    return false
  }
  switch (silenceState(prev, now)) {
    case 'active':
      return unixSeconds(next.startsAt) === unixSeconds(prev.startsAt) && next.endsAt >= now
    case 'pending':
      return next.startsAt >= now
    case 'expired':
      return false
  }
}
