/**
 * The responses newer Alertmanager's jira notifier reads with json.Unmarshal (notify/jira/
 * types.go at 68fb2d5): the issue search result and an issue's transitions. Only what the
 * notifier uses is kept; the failures carry encoding/json's messages for the cases a Jira (or
 * a proxy in front of it) realistically answers with: an empty or non-JSON body, and values of
 * the wrong JSON type where the notifier reads.
 */
import { AlertmeshError } from '../../../util/index.js'
import { goUnmarshalSyntaxError } from '../go-json-syntax.js'
import { goJSONKind } from '../go-json.js'

/** FoundIssue is one `issue` of the search result, as far as the notifier reads it. */
export interface FoundIssue {
  readonly key: string
  /** `fields.status.statusCategory.key`, when the issue came with a status. */
  readonly statusCategory?: string
}

/** Transition is one `idNameValue` of an issue's transitions. */
export interface Transition {
  readonly id: string
  readonly name: string
}

/** JSONDecodeError is json.Unmarshal's failure, with Go's message. */
export class JSONDecodeError extends AlertmeshError {
  constructor(message: string) {
    super('AM_NOTIFY_PAYLOAD', message)
    this.name = 'JSONDecodeError'
  }
}

/**
 * parseSearchResult is json.Unmarshal into `issueSearchResult`.
 *
 * @param body - the response body.
 * @returns the issues in the order Jira ranked them.
 * @throws JSONDecodeError with Go's message.
 */
export function parseSearchResult(body: string): FoundIssue[] {
  const decoder = new GoDecoder(parse(body))
  const root = decoder.object(decoder.root, 'Go value of type jira.issueSearchResult')
  const issues = decoder.array(
    field(root, 'issues'),
    'Go struct field issueSearchResult.issues of type []jira.issue'
  )
  const found = issues.map((raw): FoundIssue => {
    const issue = decoder.object(raw, 'Go struct field issueSearchResult.issues of type jira.issue')
    const key = decoder.string(
      field(issue, 'key'),
      'Go struct field issueSearchResult.issues.key of type string'
    )
    const fields = decoder.object(
      field(issue, 'fields'),
      'Go struct field issueSearchResult.issues.fields of type jira.issueFields'
    )
    const status = decoder.object(
      field(fields, 'status'),
      'Go struct field issueSearchResult.issues.fields.status of type jira.issueStatus'
    )
    const category = decoder.object(
      field(status, 'statusCategory'),
      'Go struct field issueSearchResult.issues.fields.status.statusCategory of type struct { Key string "json:\\"key\\"" }'
    )
    const categoryKey = decoder.string(
      field(category, 'key'),
      'Go struct field issueSearchResult.issues.fields.status.statusCategory.key of type string'
    )
    return status === undefined
      ? { key: key ?? '' }
      : { key: key ?? '', statusCategory: categoryKey ?? '' }
  })
  decoder.done()
  return found
}

/**
 * parseTransitions is json.Unmarshal into `issueTransitions`.
 *
 * @param body - the response body.
 * @returns the transitions offered.
 * @throws JSONDecodeError with Go's message.
 */
export function parseTransitions(body: string): Transition[] {
  const decoder = new GoDecoder(parse(body))
  const root = decoder.object(decoder.root, 'Go value of type jira.issueTransitions')
  const list = decoder.array(
    field(root, 'transitions'),
    'Go struct field issueTransitions.transitions of type []jira.idNameValue'
  )
  const transitions = list.map((raw): Transition => {
    const t = decoder.object(
      raw,
      'Go struct field issueTransitions.transitions of type jira.idNameValue'
    )
    const id = decoder.string(
      field(t, 'id'),
      'Go struct field issueTransitions.transitions.id of type string'
    )
    const name = decoder.string(
      field(t, 'name'),
      'Go struct field issueTransitions.transitions.name of type string'
    )
    return { id: id ?? '', name: name ?? '' }
  })
  decoder.done()
  return transitions
}

type JSONObject = Readonly<Record<string, unknown>>

/**
 * field is how encoding/json finds a struct field's key: exactly or case-insensitively, the
 * last matching key of the object winning as it decodes them in order.
 */
function field(o: JSONObject | undefined, name: string): unknown {
  if (o === undefined) {
    return undefined
  }
  let found: unknown
  const folded = name.toLowerCase()
  for (const key of Object.keys(o)) {
    if (key === name || key.toLowerCase() === folded) {
      found = o[key]
    }
  }
  return found
}

/**
 * GoDecoder walks parsed JSON as encoding/json fills a struct: a value of the wrong type is
 * skipped and remembered, and the first such error is returned once decoding is done.
 */
class GoDecoder {
  readonly root: unknown
  #error: string | undefined

  constructor(root: unknown) {
    this.root = root
  }

  object(v: unknown, into: string): JSONObject | undefined {
    return this.#expect(
      v,
      into,
      (x): x is JSONObject => typeof x === 'object' && !Array.isArray(x),
      undefined
    )
  }

  array(v: unknown, into: string): unknown[] {
    return this.#expect(v, into, (x): x is unknown[] => Array.isArray(x), [])
  }

  string(v: unknown, into: string): string | undefined {
    return this.#expect(v, into, (x): x is string => typeof x === 'string', undefined)
  }

  /**
   * expect is encoding/json filling one field: null or absent leaves the field's zero value
   * (`empty`); a value of the wrong JSON type is remembered and leaves it too.
   */
  #expect<T, E>(v: unknown, into: string, matches: (x: unknown) => x is T, empty: E): T | E {
    if (v === undefined || v === null) {
      return empty
    }
    if (matches(v)) {
      return v
    }
    this.#mismatch(v, into)
    return empty
  }

  done(): void {
    if (this.#error !== undefined) {
      throw new JSONDecodeError(this.#error)
    }
  }

  #mismatch(v: unknown, into: string): void {
    this.#error ??= `json: cannot unmarshal ${goJSONKind(v)} into ${into}`
  }
}

/** parse is json.Unmarshal's syntax check, with Go's message for a body that is not JSON. */
function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    throw new JSONDecodeError(goUnmarshalSyntaxError(body))
  }
}
