import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  SilenceInvalidError,
  apiSilenceState,
  canUpdate,
  sameMatchers,
  silenceState,
  validateSilence,
} from '#src/silences/index.js'
import type { Silence, SilenceMatcher, SilenceState } from '#src/silences/index.js'
import { GO_ZERO_TIME_MS } from '#src/util/index.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN

const eq = (name: string, pattern: string): SilenceMatcher => ({ type: 'EQUAL', name, pattern })
const re = (name: string, pattern: string): SilenceMatcher => ({ type: 'REGEXP', name, pattern })

function silence(overrides: Partial<Silence> = {}): Silence {
  return {
    id: 'some_id',
    matchers: [eq('a', 'b')],
    startsAt: NOW,
    endsAt: NOW,
    updatedAt: NOW,
    createdBy: '',
    comment: '',
    ...overrides,
  }
}

describe('silenceState', () => {
  const cases: { at: number; want: SilenceState; api: SilenceState }[] = [
    // Before the start: pending for both.
    { at: NOW - 1, want: 'pending', api: 'pending' },
    // At the start: active for both.
    { at: NOW, want: 'active', api: 'active' },
    // Inside the range.
    { at: NOW + MIN, want: 'active', api: 'active' },
    // Exactly at the end: 0.25's getState says active, CalcSilenceState already expired.
    { at: NOW + HOUR, want: 'active', api: 'expired' },
    // After the end: expired for both.
    { at: NOW + HOUR + 1, want: 'expired', api: 'expired' },
  ]
  for (const c of cases) {
    it(`is ${c.want} internally and ${c.api} in the API at start${c.at - NOW >= 0 ? '+' : ''}${c.at - NOW}ms`, () => {
      const s = { startsAt: NOW, endsAt: NOW + HOUR }
      assert.equal(silenceState(s, c.at), c.want)
      assert.equal(apiSilenceState(s, c.at), c.api)
    })
  }

  it('treats a zero-length silence as active at its instant and expired in the API', () => {
    assert.equal(silenceState({ startsAt: NOW, endsAt: NOW }, NOW), 'active')
    assert.equal(apiSilenceState({ startsAt: NOW, endsAt: NOW }, NOW), 'expired')
  })
})

describe('validateSilence', () => {
  // Rows follow 0.25's TestValidateSilence and TestValidateMatcher; messages are 0.25's.
  const cases: { name: string; s: Silence; err: string | undefined }[] = [
    { name: 'a valid silence', s: silence(), err: undefined },
    { name: 'no id', s: silence({ id: '' }), err: 'silence invalid: ID missing' },
    {
      name: 'no matchers',
      s: silence({ matchers: [] }),
      err: 'silence invalid: at least one matcher required',
    },
    {
      name: 'an invalid label name in the second matcher',
      s: silence({ matchers: [eq('a', 'b'), eq('00', 'b')] }),
      err: 'silence invalid: invalid label matcher 1: invalid label name "00"',
    },
    {
      // The matcher parser accepts colons; silences do not.
      name: 'a colon in a label name',
      s: silence({ matchers: [eq('job:rate', 'b')] }),
      err: 'silence invalid: invalid label matcher 0: invalid label name "job:rate"',
    },
    {
      name: 'a regex that does not compile',
      s: silence({ matchers: [re('a', '((')] }),
      err: 'silence invalid: invalid label matcher 0: invalid regular expression "((": error parsing regexp: missing closing ): `((`',
    },
    {
      name: 'a negative regex that does not compile',
      s: silence({ matchers: [{ type: 'NOT_REGEXP', name: 'a', pattern: '))' }] }),
      err: 'silence invalid: invalid label matcher 0: invalid regular expression "))": error parsing regexp: unexpected ): `))`',
    },
    {
      // Go compiles the pattern unanchored, so this fails although ^(?:a)|(b)$ would compile.
      name: 'a regex only valid once anchored',
      s: silence({ matchers: [re('a', 'a)|(b')] }),
      err: 'silence invalid: invalid label matcher 0: invalid regular expression "a)|(b": error parsing regexp: unexpected ): `a)|(b`',
    },
    {
      // A JS string is ill-formed only by a lone surrogate; %q-style quoting shows it as U+FFFD.
      name: 'a label value that is not valid UTF-8',
      s: silence({ matchers: [eq('a', '\ud800')] }),
      err: 'silence invalid: invalid label matcher 0: invalid label value "\ufffd"',
    },
    {
      name: 'an unknown matcher type',
      s: silence({ matchers: [{ type: 'LIKE' as 'EQUAL', name: 'a', pattern: 'b' }] }),
      err: 'silence invalid: invalid label matcher 0: unknown matcher type "LIKE"',
    },
    {
      name: 'only matchers matching the empty string',
      s: silence({ matchers: [eq('a', ''), re('b', '.*')] }),
      err: 'silence invalid: at least one matcher must not match the empty string',
    },
    {
      // An unanchored "a|" matches "" as well.
      name: 'a regex with an empty alternative alone',
      s: silence({ matchers: [re('b', 'a|')] }),
      err: 'silence invalid: at least one matcher must not match the empty string',
    },
    {
      // Negative matchers never count as matching the empty string.
      name: 'a single not-equal matcher',
      s: silence({ matchers: [{ type: 'NOT_EQUAL', name: 'foo', pattern: 'bar' }] }),
      err: undefined,
    },
    {
      name: 'an empty equal matcher next to a real one',
      s: silence({ matchers: [eq('a', ''), eq('b', 'c')] }),
      err: undefined,
    },
    {
      name: 'the end before the start',
      s: silence({ endsAt: NOW - SEC }),
      err: 'silence invalid: end time must not be before start time',
    },
    {
      name: 'a zero start',
      s: silence({ startsAt: GO_ZERO_TIME_MS }),
      err: 'silence invalid: invalid zero start timestamp',
    },
    {
      name: 'a zero end',
      s: silence({ endsAt: GO_ZERO_TIME_MS }),
      err: 'silence invalid: invalid zero end timestamp',
    },
    {
      name: 'a zero update time',
      s: silence({ updatedAt: GO_ZERO_TIME_MS }),
      err: 'silence invalid: invalid zero update timestamp',
    },
    {
      name: 'a start that is not a number',
      s: silence({ startsAt: Number.NaN }),
      err: 'silence invalid: invalid zero start timestamp',
    },
  ]
  for (const c of cases) {
    it(`${c.err === undefined ? 'accepts' : 'rejects'} ${c.name}`, () => {
      if (c.err === undefined) {
        validateSilence(c.s)
        return
      }
      assert.throws(
        () => {
          validateSilence(c.s)
        },
        (err: unknown) => {
          assert.ok(err instanceof SilenceInvalidError)
          assert.equal(err.code, 'AM_SILENCE_INVALID')
          assert.equal(err.message, c.err)
          return true
        }
      )
    })
  }
})

describe('canUpdate', () => {
  const base = { matchers: [eq('a', 'b')], updatedAt: NOW - HOUR }
  // Rows port 0.25's TestSilenceCanUpdate, plus the matcher and same-second rules of silence/silence.go canUpdate.
  const cases: {
    name: string
    a: Pick<Silence, 'startsAt' | 'endsAt'> & { matchers?: SilenceMatcher[] }
    b: Pick<Silence, 'startsAt' | 'endsAt'> & { matchers?: SilenceMatcher[] }
    ok: boolean
  }[] = [
    {
      name: 'expired: never',
      a: { startsAt: NOW - HOUR, endsAt: NOW - SEC },
      b: { startsAt: NOW, endsAt: NOW },
      ok: false,
    },
    {
      name: 'pending: the new start is in the past',
      a: { startsAt: NOW + HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - MIN, endsAt: NOW + HOUR },
      ok: false,
    },
    {
      name: 'pending: the new start is in the future',
      a: { startsAt: NOW + HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW + MIN, endsAt: NOW + MIN },
      ok: true,
    },
    {
      name: 'pending: the new start is exactly now',
      a: { startsAt: NOW + HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW, endsAt: NOW + 2 * HOUR },
      ok: true,
    },
    {
      name: 'active: the start moves by a minute',
      a: { startsAt: NOW - HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - MIN, endsAt: NOW + 2 * HOUR },
      ok: false,
    },
    {
      name: 'active: the start moves within the same second',
      a: { startsAt: NOW - HOUR + 100, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - HOUR + 999, endsAt: NOW + 2 * HOUR },
      ok: true,
    },
    {
      name: 'active: the start moves into the next second by 1 ms',
      a: { startsAt: NOW - HOUR + 999, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - HOUR + 1000, endsAt: NOW + 2 * HOUR },
      ok: false,
    },
    {
      name: 'active: the new end is in the past',
      a: { startsAt: NOW - HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - HOUR, endsAt: NOW - SEC },
      ok: false,
    },
    {
      name: 'active: the new end is exactly now',
      a: { startsAt: NOW - HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - HOUR, endsAt: NOW },
      ok: true,
    },
    {
      name: 'active: the end is extended',
      a: { startsAt: NOW - HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - HOUR, endsAt: NOW + 3 * HOUR },
      ok: true,
    },
    {
      name: 'active: a matcher changed',
      a: { startsAt: NOW - HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW - HOUR, endsAt: NOW + 3 * HOUR, matchers: [eq('a', 'c')] },
      ok: false,
    },
    {
      name: 'pending: a matcher added',
      a: { startsAt: NOW + HOUR, endsAt: NOW + 2 * HOUR },
      b: { startsAt: NOW + HOUR, endsAt: NOW + 2 * HOUR, matchers: [eq('a', 'b'), eq('c', 'd')] },
      ok: false,
    },
  ]
  for (const c of cases) {
    it(`${c.ok ? 'allows' : 'refuses'} an in-place update when ${c.name}`, () => {
      const a = silence({ ...base, ...c.a, matchers: c.a.matchers ?? base.matchers })
      const b = { ...c.b, matchers: c.b.matchers ?? base.matchers }
      assert.equal(canUpdate(a, b, NOW), c.ok)
    })
  }
})

describe('sameMatchers', () => {
  const cases: { name: string; a: SilenceMatcher[]; b: SilenceMatcher[]; same: boolean }[] = [
    // Identical lists.
    {
      name: 'identical',
      a: [eq('a', 'b'), re('c', 'd')],
      b: [eq('a', 'b'), re('c', 'd')],
      same: true,
    },
    // Same matchers, other order: reflect.DeepEqual on slices is order-sensitive.
    {
      name: 'reordered',
      a: [eq('a', 'b'), re('c', 'd')],
      b: [re('c', 'd'), eq('a', 'b')],
      same: false,
    },
    // Only the operator differs.
    { name: 'another type', a: [eq('a', 'b')], b: [re('a', 'b')], same: false },
    // One list is a prefix of the other.
    { name: 'a prefix', a: [eq('a', 'b')], b: [eq('a', 'b'), eq('c', 'd')], same: false },
  ]
  for (const c of cases) {
    it(`says ${String(c.same)} for ${c.name} lists`, () => {
      assert.equal(sameMatchers(c.a, c.b), c.same)
    })
  }
})
