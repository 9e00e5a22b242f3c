// The silence form's state and rules, kept free of rendering so each rule reads on its own: the
// matcher rows, the linked start/end/duration fields, what blocks saving, and whether saving an
// edit keeps the silence's ID (Alertmanager 0.25's silence/silence.go canUpdate).
import { formatMatcher, matcherOf, matcherProblem, matchesEmpty, operatorOf } from './matchers'
import type { MatcherOperator } from './matchers'
import { formatDuration, fromLocalInput, parseDuration, toLocalInput } from './time'
import type { Matcher, Silence } from './types'

/** MatcherRow is one editable matcher; `key` keeps a row's inputs (and focus) across edits. */
export interface MatcherRow {
  readonly key: number
  readonly name: string
  readonly operator: MatcherOperator
  readonly value: string
}

let lastKey = 0

/** newRow makes a row, blank or holding `m`. */
export function newRow(m?: Matcher): MatcherRow {
  lastKey += 1
  return m === undefined
    ? { key: lastKey, name: '', operator: '=', value: '' }
    : { key: lastKey, name: m.name, operator: operatorOf(m), value: m.value }
}

/** isBlank tells a row the user left empty; blank rows are ignored rather than refused. */
export function isBlank(row: MatcherRow): boolean {
  return row.name === '' && row.value === ''
}

/** rowMatcher is the API matcher a row stands for. */
export function rowMatcher(row: MatcherRow): Matcher {
  return matcherOf(row.name, row.operator, row.value)
}

/** RowProblem is what is wrong with a row and which of its inputs to mark. */
export interface RowProblem {
  readonly field: 'name' | 'value'
  readonly message: string
}

/** rowProblem checks one row as the user types; blank rows have no problem. */
export function rowProblem(row: MatcherRow): RowProblem | undefined {
  if (isBlank(row)) {
    return undefined
  }
  const message = matcherProblem(rowMatcher(row))
  if (message === undefined) {
    return undefined
  }
  // matcherProblem checks the name first; a name that passes alone means the value is at fault.
  const nameAlone = matcherProblem(matcherOf(row.name, '=', ''))
  return { field: nameAlone === undefined ? 'value' : 'name', message }
}

/** rowsMatchers are the matchers of the non-blank rows, in order. */
export function rowsMatchers(rows: readonly MatcherRow[]): Matcher[] {
  return rows.filter((row) => !isBlank(row)).map(rowMatcher)
}

/**
 * matchersRuleProblem is Alertmanager's silence-level rule (validateSilence): at least one
 * matcher, and at least one that does not match the empty string. Like 0.25 (and the node),
 * only `=` and `=~` matchers can "match empty": a silence of only `team!="a"` is accepted.
 */
export function matchersRuleProblem(matchers: readonly Matcher[]): string | undefined {
  if (matchers.length === 0) {
    return 'A silence needs at least one matcher.'
  }
  const allMatchEmpty = matchers.every((m) => (m.isEqual ?? true) && matchesEmpty(m))
  if (allMatchEmpty) {
    return (
      'At least one matcher must not match the empty string: these matchers also match alerts ' +
      'that lack the label, so the silence would mute far more than intended. ' +
      'Add a matcher with a non-empty value, such as alertname="…".'
    )
  }
  return undefined
}

/** sameMatchers compares matcher lists as 0.25 does: same order, names, operators, values. */
export function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  return a.length === b.length && a.every((m, i) => formatMatcher(m) === formatMatcher(b[i] ?? m))
}

/**
 * TimeFields are the start, end and duration inputs with what they mean. The `…Ms` values stay
 * exact (to the millisecond) until the user edits that input, because the inputs show minutes
 * and an in-place update of an active silence needs its start second unchanged.
 */
export interface TimeFields {
  readonly startText: string
  readonly startMs: number | undefined
  readonly endText: string
  readonly endMs: number | undefined
  readonly durationText: string
}

/** timesOf fills the three inputs from a start and an end. */
export function timesOf(startMs: number, endMs: number): TimeFields {
  return {
    startText: toLocalInput(startMs),
    startMs,
    endText: toLocalInput(endMs),
    endMs,
    durationText: formatDuration(endMs - startMs),
  }
}

/** withStart moves the start and, keeping the duration, the end (as Alertmanager's UI does). */
export function withStart(t: TimeFields, text: string): TimeFields {
  const startMs = fromLocalInput(text)
  const durationMs =
    parseDuration(t.durationText) ??
    (t.endMs !== undefined && t.startMs !== undefined ? t.endMs - t.startMs : undefined)
  if (startMs === undefined || durationMs === undefined) {
    return { ...t, startText: text, startMs }
  }
  const endMs = startMs + durationMs
  return { ...t, startText: text, startMs, endMs, endText: toLocalInput(endMs) }
}

/** withDuration sets the duration and moves the end to start + duration. */
export function withDuration(t: TimeFields, text: string): TimeFields {
  const durationMs = parseDuration(text)
  if (durationMs === undefined || t.startMs === undefined) {
    return { ...t, durationText: text }
  }
  const endMs = t.startMs + durationMs
  return { ...t, durationText: text, endMs, endText: toLocalInput(endMs) }
}

/** withEnd sets the end and rewrites the duration to match. */
export function withEnd(t: TimeFields, text: string): TimeFields {
  const endMs = fromLocalInput(text)
  if (endMs === undefined || t.startMs === undefined) {
    return { ...t, endText: text, endMs }
  }
  return { ...t, endText: text, endMs, durationText: formatDuration(endMs - t.startMs) }
}

/** TimeProblems say what is wrong with each time input. */
export interface TimeProblems {
  readonly start?: string
  readonly end?: string
  readonly duration?: string
}

/** timeProblems checks the times as the node will (end after start, end not in the past). */
export function timeProblems(t: TimeFields, now: number): TimeProblems {
  const problems: { start?: string; end?: string; duration?: string } = {}
  if (t.startMs === undefined) {
    problems.start = 'Enter a start time.'
  }
  if (parseDuration(t.durationText) === undefined) {
    problems.duration = `"${t.durationText}" is not a duration: write e.g. 2h, 1d3h or 90m.`
  }
  if (t.endMs === undefined) {
    problems.end = 'Enter an end time or a duration.'
  } else if (t.startMs !== undefined && t.endMs <= t.startMs) {
    problems.end = 'The end must be after the start.'
  } else if (t.endMs < now) {
    problems.end = 'The end is in the past.'
  }
  return problems
}

/** SilenceStateNow is a silence's state at an instant, by 0.25's internal rule (silence/silence.go getState). */
export type SilenceStateNow = 'active' | 'pending' | 'expired'

/** stateAt is the state 0.25's canUpdate looks at: pending before start, expired after end. */
export function stateAt(s: Silence, now: number): SilenceStateNow {
  if (now < Date.parse(s.startsAt)) {
    return 'pending'
  }
  return now > Date.parse(s.endsAt) ? 'expired' : 'active'
}

/** EditOutcome says whether saving an edit keeps the silence's ID, and if not why. */
export type EditOutcome =
  | { readonly kind: 'in-place' }
  | { readonly kind: 'replace'; readonly reason: string }
  | { readonly kind: 'expired' }

/**
 * editOutcome predicts what the node will do with an edit (0.25's canUpdate): in place only when
 * the matchers are identical and, for an active silence, the start keeps its second and the end
 * is not in the past; for a pending one, the start is not in the past; never for an expired one.
 */
export function editOutcome(
  original: Silence,
  next: { readonly matchers: readonly Matcher[]; readonly startMs: number; readonly endMs: number },
  now: number
): EditOutcome {
  const state = stateAt(original, now)
  if (state === 'expired') {
    return { kind: 'expired' }
  }
  if (!sameMatchers(original.matchers, next.matchers)) {
    return { kind: 'replace', reason: 'the matchers changed' }
  }
  if (state === 'active') {
    if (Math.floor(next.startMs / 1000) !== Math.floor(Date.parse(original.startsAt) / 1000)) {
      return { kind: 'replace', reason: 'the start of an active silence changed' }
    }
    if (next.endMs < now) {
      return { kind: 'replace', reason: 'the new end is in the past' }
    }
    return { kind: 'in-place' }
  }
  if (next.startMs < now) {
    return { kind: 'replace', reason: 'the new start of this pending silence is in the past' }
  }
  return { kind: 'in-place' }
}

/** FormValues are what the form starts with. */
export interface FormValues {
  readonly rows: readonly MatcherRow[]
  readonly times: TimeFields
  readonly createdBy: string
  readonly comment: string
}

/** DEFAULT_DURATION_MS is a new silence's length, Alertmanager UI's default of 2h. */
export const DEFAULT_DURATION_MS = 2 * 3600_000

/** copyOf starts a new silence like `s`: its matchers, comment, creator and length, from now. */
export function copyOf(s: Silence, now: number): FormValues {
  const length = Date.parse(s.endsAt) - Date.parse(s.startsAt)
  // Expiring a silence moves its end to that moment: one expired right after it started (or
  // while pending) has no length worth copying, so it gets the default instead.
  return {
    rows: s.matchers.map((m) => newRow(m)),
    times: timesOf(now, now + (length >= 60_000 ? length : DEFAULT_DURATION_MS)),
    createdBy: s.createdBy,
    comment: s.comment,
  }
}

/** editOf starts an edit of `s`: as it is, or from now when it has expired (its times are over). */
export function editOf(s: Silence, now: number): FormValues {
  if (stateAt(s, now) === 'expired') {
    return copyOf(s, now)
  }
  return {
    rows: s.matchers.map((m) => newRow(m)),
    times: timesOf(Date.parse(s.startsAt), Date.parse(s.endsAt)),
    createdBy: s.createdBy,
    comment: s.comment,
  }
}
