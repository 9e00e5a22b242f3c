// How Debian's Alertmanager 0.25 answers malformed API requests, pinned. Two tests share each
// table: test/unit/api checks that an in-process alertmesh node gives these answers, and
// test/e2e (bad-input, silences-api) checks that the real Alertmanager still gives them, so the
// two answer alike without every handler case spawning an alertmesh process.
import assert from 'node:assert/strict'

/** Answer is an HTTP status and the body, trimmed. */
export interface Answer {
  readonly status: number
  readonly body: string
}

/** PinnedCase is one malformed request and Alertmanager 0.25's answer to it. */
export interface PinnedCase {
  readonly why: string
  readonly method: 'GET' | 'POST' | 'DELETE'
  /** The path under the node's URL. */
  readonly path: string
  readonly body?: string
  readonly contentType?: string
  readonly answer: Answer
}

const UNKNOWN_ID = '7c2a2d30-1a8b-4a11-9c35-7a0f3d2c2f11'

// go-openapi's 400 for a body that does not decode; the decoder's own wording follows.
const parseError = (what: 'alerts' | 'silence', because: string): string =>
  JSON.stringify({
    code: 400,
    message: `parsing ${what} body from "" failed, because ${because}`,
  })

const apiError = (code: number, message: string): string => JSON.stringify({ code, message })

/** ALERT_POST_CASES are malformed POST /api/v2/alerts requests. */
export const ALERT_POST_CASES: readonly PinnedCase[] = (
  [
    [
      'not JSON at all',
      'x',
      400,
      parseError('alerts', "invalid character 'x' looking for beginning of value"),
    ],
    [
      'an object where a list is expected',
      '{}',
      400,
      parseError(
        'alerts',
        'json: cannot unmarshal object into Go value of type models.PostableAlerts'
      ),
    ],
    ['labels missing', '[{}]', 422, apiError(602, '0.labels in body is required')],
    [
      'labels of the wrong type',
      '[{"labels":"x"}]',
      400,
      parseError(
        'alerts',
        'json: cannot unmarshal string into Go struct field Alert.labels of type models.LabelSet'
      ),
    ],
    [
      'a label value that is not a string',
      '[{"labels":{"a":1}}]',
      400,
      parseError(
        'alerts',
        'json: cannot unmarshal number into Go struct field Alert.labels of type string'
      ),
    ],
    [
      'an invalid label name, an empty label set and a label set emptied by empty values',
      '[{"labels":{"a-b":"x"}},{"labels":{}},{"labels":{"a":""}}]',
      400,
      JSON.stringify(
        'invalid label set: invalid name "a-b"; at least one label pair required; at least one label pair required'
      ),
    ],
    [
      'an invalid annotation name',
      '[{"labels":{"a":"b"},"annotations":{"x-y":"1"}}]',
      400,
      JSON.stringify('invalid annotations: invalid name "x-y"'),
    ],
    [
      'endsAt before startsAt',
      '[{"labels":{"a":"b"},"startsAt":"2026-11-24T07:02:39Z","endsAt":"2026-11-24T06:02:39Z"}]',
      400,
      JSON.stringify('start time must be before end time'),
    ],
    [
      'a generatorURL that is not a URI',
      '[{"labels":{"a":"b"},"generatorURL":"::nope"}]',
      422,
      apiError(601, '0.generatorURL in body must be of type uri: "::nope"'),
    ],
  ] as const
)
  .map(([why, body, status, answer]): PinnedCase => ({
    why,
    method: 'POST',
    path: '/api/v2/alerts',
    body,
    answer: { status, body: answer },
  }))
  .concat(
    (
      [
        ['a form content type', 'application/x-www-form-urlencoded'],
        ['a text content type', 'text/plain'],
      ] as const
    ).map(([why, contentType]) => ({
      why,
      method: 'POST',
      path: '/api/v2/alerts',
      body: '[]',
      contentType,
      answer: {
        status: 415,
        body: apiError(
          415,
          `unsupported media type "${contentType}", only [application/json] are allowed`
        ),
      },
    }))
  )

/**
 * silencePostCases are malformed POST /api/v2/silences requests around a valid silence.
 *
 * @param now - epoch ms the silences' times are relative to.
 * @returns the cases.
 */
export function silencePostCases(now: number): PinnedCase[] {
  const iso = (ms: number): string => new Date(ms).toISOString()
  const valid = {
    matchers: [{ name: 'a', value: 'b', isRegex: false }],
    startsAt: iso(now),
    endsAt: iso(now + 3_600_000),
    createdBy: 'me',
    comment: 'c',
  }
  const invalid = (message: string): string => JSON.stringify(`silence invalid: ${message}`)
  const refused = (message: string): string =>
    JSON.stringify(`Failed to create silence: ${message}`)
  const rows: [string, string, number, string][] = [
    [
      'no matchers',
      JSON.stringify({ ...valid, matchers: [] }),
      422,
      apiError(612, 'matchers in body should have at least 1 items'),
    ],
    [
      'a matcher without isRegex',
      JSON.stringify({ ...valid, matchers: [{ name: 'a', value: 'b' }] }),
      422,
      apiError(602, 'matchers.0.isRegex in body is required'),
    ],
    [
      'no comment',
      JSON.stringify({ ...valid, comment: undefined }),
      422,
      apiError(602, 'comment in body is required'),
    ],
    [
      'an invalid label name',
      JSON.stringify({ ...valid, matchers: [{ name: 'a-b', value: 'b', isRegex: false }] }),
      400,
      invalid('invalid label matcher 0: invalid label name "a-b"'),
    ],
    [
      'an invalid regex',
      JSON.stringify({ ...valid, matchers: [{ name: 'a', value: '(', isRegex: true }] }),
      400,
      invalid(
        'invalid label matcher 0: invalid regular expression "(": error parsing regexp: missing closing ): `(`'
      ),
    ],
    [
      'only a matcher that matches the empty string',
      JSON.stringify({ ...valid, matchers: [{ name: 'a', value: '', isRegex: false }] }),
      400,
      invalid('at least one matcher must not match the empty string'),
    ],
    [
      'endsAt before startsAt',
      JSON.stringify({ ...valid, startsAt: valid.endsAt, endsAt: valid.startsAt }),
      400,
      refused('start time must be before end time'),
    ],
    [
      'endsAt in the past',
      JSON.stringify({ ...valid, startsAt: iso(now - 7_200_000), endsAt: iso(now - 3_600_000) }),
      400,
      refused("end time can't be in the past"),
    ],
    [
      'an unknown id',
      JSON.stringify({ ...valid, id: UNKNOWN_ID }),
      404,
      JSON.stringify('silence not found'),
    ],
    [
      'not JSON',
      'x',
      400,
      parseError('silence', "invalid character 'x' looking for beginning of value"),
    ],
  ]
  return rows.map(([why, body, status, answer]) => ({
    why: `a silence with ${why}`,
    method: 'POST',
    path: '/api/v2/silences',
    body,
    answer: { status, body: answer },
  }))
}

const notUuid = (id: string): Answer => ({
  status: 422,
  body: apiError(601, `silenceID in path must be of type uuid: "${id}"`),
})

/** SILENCE_ID_CASES are requests on /api/v2/silence/{id} with a bad or unknown id. */
export const SILENCE_ID_CASES: readonly PinnedCase[] = (
  [
    ['GET', 'xyz', notUuid('xyz')],
    ['GET', UNKNOWN_ID, { status: 404, body: '' }],
    ['DELETE', 'xyz', notUuid('xyz')],
    // 0.25 answers an unknown id on DELETE with 500, not 404.
    ['DELETE', UNKNOWN_ID, { status: 500, body: JSON.stringify('silence not found') }],
  ] as const
).map(([method, id, answer]) => ({
  why: `${method} /api/v2/silence/${id}`,
  method,
  path: `/api/v2/silence/${id}`,
  answer,
}))

/**
 * ask sends a case's request to a node (alertmesh or Alertmanager).
 *
 * @param url - the node's base URL.
 * @param c - the case.
 * @returns the status and the trimmed body.
 */
export async function ask(url: string, c: PinnedCase): Promise<Answer> {
  const res = await fetch(`${url}${c.path}`, {
    method: c.method,
    ...(c.body === undefined
      ? {}
      : { headers: { 'Content-Type': c.contentType ?? 'application/json' }, body: c.body }),
  })
  return { status: res.status, body: (await res.text()).trim() }
}

const PARSE_ERROR =
  /^\{"code":400,"message":"parsing (?:alerts|silence) body from \\"\\" failed, because /

/**
 * assertAnswersLikeAlertmanager checks an alertmesh answer against the pinned one: the same
 * status and body, except that Go's JSON decoder words syntax errors its own way, so for those
 * only the form around the decoder's message must match.
 *
 * @param ours - alertmesh's answer.
 * @param c - the case with Alertmanager's answer.
 */
export function assertAnswersLikeAlertmanager(ours: Answer, c: PinnedCase): void {
  assert.equal(ours.status, c.answer.status, `status for ${c.why}`)
  const parse = PARSE_ERROR.exec(c.answer.body)
  if (parse === null) {
    assert.equal(ours.body, c.answer.body)
  } else {
    assert.ok(ours.body.startsWith(parse[0]), `${ours.body} starts with ${parse[0]}`)
  }
}
