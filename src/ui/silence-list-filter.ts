// What the Silences page shows: which silences pass the filters, in which order, and how many
// alerts each one mutes now. Pure functions, so the page only wires them to its inputs.
import { splitMatcherList } from '../labels/matcher-syntax'

import { formatMatchers, operatorOf, parseMatcherList } from './matchers'
import type { Alert, Matcher, Silence, SilenceState } from './types'

/** SILENCE_STATES are the tabs of the Silences page, in their order. */
export const SILENCE_STATES: readonly SilenceState[] = ['active', 'pending', 'expired']

/** tabOf reads the `tab` query parameter; anything unknown is the active tab. */
export function tabOf(value: string | null): SilenceState {
  return SILENCE_STATES.find((s) => s === value) ?? 'active'
}

/** SilenceTest tells whether a silence passes one filter. */
export type SilenceTest = (s: Silence) => boolean

/** MatcherFilterResult is the test of a filter text, or why the text is not a filter. */
export type MatcherFilterResult =
  | { readonly ok: true; readonly test: SilenceTest }
  | { readonly ok: false; readonly message: string }

// A term with an operator character is a matcher; anything else is a word to look for.
const OPERATOR_CHAR = /[=!~]/

function sameMatcher(a: Matcher, b: Matcher): boolean {
  return a.name === b.name && a.value === b.value && operatorOf(a) === operatorOf(b)
}

/**
 * matcherFilter builds the test for the "Filter by matchers" text. The text is a matcher list
 * (`{team=~"db.*", disk}`, braces optional) and every term must hold:
 * - a matcher (`team=~"db.*"`) must equal one of the silence's matchers, the rule of
 *   Alertmanager's `GET /api/v2/silences?filter=`, so the list agrees with amtool;
 * - a plain word (`disk`) must occur in the silence's formatted matchers, ignoring case, for
 *   when one does not remember the exact matcher.
 * The empty text lets everything through.
 */
export function matcherFilter(text: string): MatcherFilterResult {
  const matchers: Matcher[] = []
  const words: string[] = []
  for (const term of splitMatcherList(text.trim())) {
    const trimmed = term.trim()
    if (trimmed === '') {
      continue
    }
    if (!OPERATOR_CHAR.test(trimmed)) {
      words.push(trimmed.toLowerCase())
      continue
    }
    const parsed = parseMatcherList(trimmed)
    if (!parsed.ok) {
      return { ok: false, message: parsed.message }
    }
    matchers.push(...parsed.matchers)
  }
  return {
    ok: true,
    test: (s) => {
      const formatted = formatMatchers(s.matchers).toLowerCase()
      return (
        matchers.every((m) => s.matchers.some((own) => sameMatcher(m, own))) &&
        words.every((w) => formatted.includes(w))
      )
    },
  }
}

/** creatorFilter tests "created by" for a substring, ignoring case; '' lets everything through. */
export function creatorFilter(text: string): SilenceTest {
  const needle = text.trim().toLowerCase()
  return (s) => s.createdBy.toLowerCase().includes(needle)
}

/**
 * mutedAlerts groups alerts by the silences that mute them now (their status.silencedBy), from
 * one answer of `GET /api/v2/alerts`: one request for the whole list instead of one per silence.
 */
export function mutedAlerts(alerts: readonly Alert[]): ReadonlyMap<string, readonly Alert[]> {
  const muted = new Map<string, Alert[]>()
  for (const alert of alerts) {
    for (const id of alert.status.silencedBy) {
      const list = muted.get(id)
      if (list === undefined) {
        muted.set(id, [alert])
      } else {
        list.push(alert)
      }
    }
  }
  return muted
}

/**
 * sortSilences orders one tab the way one reads it: active by the soonest end, pending by the
 * soonest start, expired by the most recent end first.
 */
export function sortSilences(silences: readonly Silence[], state: SilenceState): Silence[] {
  const key = (s: Silence) => Date.parse(state === 'pending' ? s.startsAt : s.endsAt)
  const sign = state === 'expired' ? -1 : 1
  return [...silences].sort((a, b) => sign * (key(a) - key(b)) || a.id.localeCompare(b.id))
}

/** countOf says `1 alert`, `3 alerts`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
