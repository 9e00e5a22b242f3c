import { parseMatcher } from '../../labels/index.js'
import type { Matcher } from '../../labels/index.js'
import { apiSilenceState } from '../../silences/index.js'
import type {
  PostableSilence as PostedSilence,
  Silence as SilenceView,
  SilenceMatcherType,
} from '../../silences/index.js'
import {
  AlertmeshError,
  errorMessage,
  formatRFC3339Millis,
  goJSONString,
  goJSONStringify,
  parseRFC3339,
} from '../../util/index.js'
import { HandlerError, OpenApiError } from '../errors.js'

// The v2 silence endpoints (Alertmanager 0.25's api/v2 silence handlers), written against the
// small SilenceStore interface below so the API does not depend on how silences are stored.

/** SilenceStore is what the API needs of the silences (implemented by src/silences). */
export interface SilenceStore {
  /** Creates or updates; resolves with the (possibly new) id once it is durable. */
  set(silence: PostedSilence): Promise<string>
  /** Expires; rejects with code AM_SILENCE_NOT_FOUND for an unknown id. */
  expire(id: string): Promise<void>
  get(id: string): SilenceView | undefined
  list(): readonly SilenceView[]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * checkSilenceId applies go-openapi's uuid format check to the path parameter.
 *
 * @param id - the path parameter.
 * @throws OpenApiError 422 as Alertmanager words it.
 */
export function checkSilenceId(id: string): void {
  if (!UUID.test(id)) {
    throw new OpenApiError(
      422,
      601,
      `silenceID in path must be of type uuid: ${JSON.stringify(id)}`
    )
  }
}

/**
 * gettableSilenceJson renders a silence in go-swagger's key order.
 *
 * @param silence - the silence.
 * @param now - for its state.
 * @returns the JSON text.
 */
export function gettableSilenceJson(silence: SilenceView, now: number): string {
  const matchers = silence.matchers.map(
    (m) =>
      `{"isEqual":${String(m.type === 'EQUAL' || m.type === 'REGEXP')},"isRegex":${String(m.type === 'REGEXP' || m.type === 'NOT_REGEXP')},"name":${goJSONString(m.name)},"value":${goJSONString(m.pattern)}}`
  )
  return (
    `{"id":${goJSONString(silence.id)},"status":{"state":"${apiSilenceState(silence, now)}"},` +
    `"updatedAt":"${formatRFC3339Millis(silence.updatedAt)}","comment":${goJSONString(silence.comment)},` +
    `"createdBy":${goJSONString(silence.createdBy)},"endsAt":"${formatRFC3339Millis(silence.endsAt)}",` +
    `"matchers":[${matchers.join(',')}],"startsAt":"${formatRFC3339Millis(silence.startsAt)}"}`
  )
}

const STATE_ORDER = { active: 1, pending: 2, expired: 3 } as const

/**
 * sortSilences orders silences as Alertmanager's SortSilences: active (ending soonest first),
 * then pending (starting soonest first), then expired (most recently ended first).
 *
 * @param silences - the silences.
 * @param now - for their states.
 * @returns a sorted copy.
 */
export function sortSilences(silences: readonly SilenceView[], now: number): SilenceView[] {
  const states = new Map(silences.map((s) => [s, apiSilenceState(s, now)]))
  return [...silences].sort((a, b) => {
    const sa = states.get(a) ?? 'expired'
    const sb = states.get(b) ?? 'expired'
    if (sa !== sb) {
      return STATE_ORDER[sa] - STATE_ORDER[sb]
    }
    switch (sa) {
      case 'active':
        return a.endsAt - b.endsAt
      case 'pending':
        return a.startsAt - b.startsAt
      case 'expired':
        return b.endsAt - a.endsAt
    }
  })
}

const TYPE_OF: Readonly<Record<Matcher['type'], SilenceMatcherType>> = {
  '=': 'EQUAL',
  '=~': 'REGEXP',
  '!=': 'NOT_EQUAL',
  '!~': 'NOT_REGEXP',
}

/**
 * silenceMatchesFilter is Alertmanager's CheckSilenceMatchesFilterLabels: every filter matcher
 * must have an identical matcher (name, operator, literal value) in the silence.
 *
 * @param silence - the silence.
 * @param filters - parsed `filter` parameters.
 * @returns true when the silence is listed.
 */
export function silenceMatchesFilter(silence: SilenceView, filters: readonly Matcher[]): boolean {
  return filters.every((f) =>
    silence.matchers.some(
      (m) => m.name === f.name && m.type === TYPE_OF[f.type] && m.pattern === f.value
    )
  )
}

/**
 * listSilencesBody answers GET /api/v2/silences.
 *
 * @param store - the silences.
 * @param filters - the raw `filter` parameters.
 * @param now - the request instant.
 * @returns the JSON text.
 */
export function listSilencesBody(
  store: SilenceStore,
  filters: readonly string[],
  now: number
): string {
  let matchers: Matcher[]
  try {
    matchers = filters.map((f) => parseMatcher(f))
  } catch (err: unknown) {
    throw new HandlerError(400, errorMessage(err))
  }
  const listed = sortSilences(
    store.list().filter((s) => silenceMatchesFilter(s, matchers)),
    now
  )
  return `[${listed.map((s) => gettableSilenceJson(s, now)).join(',')}]\n`
}

function decodeError(reason: string): OpenApiError {
  return new OpenApiError(400, 400, `parsing silence body from "" failed, because ${reason}`)
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) {
    return 'array'
  }
  return value === null ? 'null' : typeof value === 'boolean' ? 'bool' : typeof value
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'string') {
    throw decodeError(
      `json: cannot unmarshal ${jsonType(value)} into Go struct field PostableSilence.${field} of type string`
    )
  }
  return value
}

function optionalBool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'boolean') {
    throw decodeError(
      `json: cannot unmarshal ${jsonType(value)} into Go struct field Matcher.matchers.${field} of type bool`
    )
  }
  return value
}

function optionalTime(value: unknown, field: string): number | undefined {
  const text = optionalString(value, field)
  if (text === undefined) {
    return undefined
  }
  const ms = parseRFC3339(text)
  if (ms === undefined) {
    throw decodeError(
      `parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": not an RFC3339 date-time`
    )
  }
  return ms
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new OpenApiError(422, 602, `${field} in body is required`)
  }
  return value
}

/**
 * parsePostableSilence decodes and shape-checks a POST /api/v2/silences body with go-openapi's
 * statuses: decoding problems 400, schema problems 422.
 *
 * @param text - the body.
 * @returns the silence to store.
 */
export function parsePostableSilence(text: string): PostedSilence {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err: unknown) {
    throw decodeError(errorMessage(err))
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw decodeError(
      `json: cannot unmarshal ${jsonType(body)} into Go value of type models.PostableSilence`
    )
  }
  const raw = body as Record<string, unknown>
  const id = optionalString(raw['id'], 'id')
  const rawMatchers = raw['matchers']
  if (rawMatchers !== undefined && rawMatchers !== null && !Array.isArray(rawMatchers)) {
    throw decodeError(
      `json: cannot unmarshal ${jsonType(rawMatchers)} into Go struct field PostableSilence.matchers of type models.Matchers`
    )
  }
  const decoded = (rawMatchers ?? []).map((item: unknown, i: number) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw decodeError(
        `json: cannot unmarshal ${jsonType(item)} into Go struct field PostableSilence.matchers of type models.Matcher`
      )
    }
    const m = item as Record<string, unknown>
    return {
      i,
      name: optionalString(m['name'], 'matchers.name'),
      value: optionalString(m['value'], 'matchers.value'),
      isRegex: optionalBool(m['isRegex'], 'isRegex'),
      isEqual: optionalBool(m['isEqual'], 'isEqual'),
    }
  })
  const comment = optionalString(raw['comment'], 'comment')
  const createdBy = optionalString(raw['createdBy'], 'createdBy')
  const endsAt = optionalTime(raw['endsAt'], 'endsAt')
  const startsAt = optionalTime(raw['startsAt'], 'startsAt')
  // go-swagger validates the fields in alphabetical order and reports the first failure.
  required(comment, 'comment')
  required(createdBy, 'createdBy')
  required(endsAt, 'endsAt')
  if (rawMatchers === undefined || rawMatchers === null) {
    throw new OpenApiError(422, 602, 'matchers in body is required')
  }
  if (decoded.length === 0) {
    throw new OpenApiError(422, 612, 'matchers in body should have at least 1 items')
  }
  const matchers = decoded.map((m) => {
    const isRegex = required(m.isRegex, `matchers.${m.i}.isRegex`)
    const name = required(m.name, `matchers.${m.i}.name`)
    const value = required(m.value, `matchers.${m.i}.value`)
    const isEqual = m.isEqual ?? true
    const type: SilenceMatcherType = isEqual
      ? isRegex
        ? 'REGEXP'
        : 'EQUAL'
      : isRegex
        ? 'NOT_REGEXP'
        : 'NOT_EQUAL'
    return { type, name, pattern: value }
  })
  return {
    ...(id === undefined || id === '' ? {} : { id }),
    matchers,
    startsAt: required(startsAt, 'startsAt'),
    endsAt: endsAt as number,
    createdBy: createdBy as string,
    comment: comment as string,
  }
}

/**
 * postSilence applies POST /api/v2/silences: Alertmanager's pre-checks, then the store's
 * create/update rules.
 *
 * @param store - the silences.
 * @param text - the request body.
 * @param now - the request instant.
 * @returns the response body `{"silenceID": …}`.
 */
export async function postSilence(store: SilenceStore, text: string, now: number): Promise<string> {
  const silence = parsePostableSilence(text)
  if (silence.startsAt >= silence.endsAt) {
    throw new HandlerError(400, 'Failed to create silence: start time must be before end time')
  }
  if (silence.endsAt < now) {
    throw new HandlerError(400, "Failed to create silence: end time can't be in the past")
  }
  try {
    const id = await store.set(silence)
    return `${goJSONStringify({ silenceID: id })}\n`
  } catch (err: unknown) {
    const notFound = err instanceof AlertmeshError && err.code === 'AM_SILENCE_NOT_FOUND'
    throw new HandlerError(notFound ? 404 : 400, errorMessage(err))
  }
}

/**
 * expireSilence applies DELETE /api/v2/silence/{id}; an unknown id is a 500 in 0.25.
 *
 * @param store - the silences.
 * @param id - the path parameter.
 */
export async function expireSilence(store: SilenceStore, id: string): Promise<void> {
  checkSilenceId(id)
  try {
    await store.expire(id)
  } catch (err: unknown) {
    throw new HandlerError(500, errorMessage(err))
  }
}
