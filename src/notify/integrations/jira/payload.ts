import { AlertmeshError, compareGoStrings, goJSONString } from '../../../util/index.js'

/**
 * The request bodies of newer Alertmanager's jira notifier (notify/jira/types.go at 68fb2d5),
 * as json.Encoder writes them: a trailing newline, Go's HTML-safe escaping, struct fields in
 * declaration order with `omitempty`, and `issueFields.MarshalJSON`'s merged map, whose keys
 * (the standard fields and the custom `fields`, which win over them) come sorted by bytes.
 */

/**
 * JiraDescription is `jiraDescription`: a plain string (API v2) or ADF JSON text (API v3), sent
 * as it is apart from Go's compaction.
 */
export type JiraDescription = { readonly text: string } | { readonly adf: string }

/** IssueFields are the `issueFields` the notifier fills; absent ones are not sent. */
export interface IssueFields {
  readonly summary?: string
  readonly description?: JiraDescription
  /** `issuetype.name`. */
  readonly issuetype?: string
  readonly labels?: readonly string[]
  /** `priority.name`. */
  readonly priority?: string
  /** `project.key`. */
  readonly project?: string
  /** The rendered custom fields, merged over the others. */
  readonly custom?: Readonly<Record<string, unknown>>
}

/** JSONEncodeError is encoding/json's failure on a value it cannot encode (NaN, ±Inf). */
export class JSONEncodeError extends AlertmeshError {
  constructor(message: string) {
    super('AM_NOTIFY_PAYLOAD', message)
    this.name = 'JSONEncodeError'
  }
}

/**
 * encodeIssue is `issue{Fields: &issueFields{...}}` through json.Encoder: the create (POST
 * issue) and update (PUT issue/<key>) body.
 *
 * @param fields - what to send.
 * @returns the body, newline included.
 * @throws JSONEncodeError for a custom field value Go cannot encode, with Go's message.
 *
 * @example
 * ```ts
 * encodeIssue({ summary: 's', project: 'OPS', issuetype: 'Bug', labels: ['a'] })
 * // '{"fields":{"issuetype":{"name":"Bug"},"labels":["a"],"project":{"key":"OPS"},"summary":"s"}}\n'
 * ```
 */
export function encodeIssue(fields: IssueFields): string {
  const entries = new Map<string, string>()
  if (fields.summary !== undefined) {
    entries.set('summary', goJSONString(fields.summary))
  }
  if (fields.description !== undefined) {
    entries.set(
      'description',
      'adf' in fields.description
        ? compactGoJSON(fields.description.adf)
        : goJSONString(fields.description.text)
    )
  }
  if (fields.issuetype !== undefined) {
    entries.set('issuetype', `{"name":${goJSONString(fields.issuetype)}}`)
  }
  if (fields.labels !== undefined) {
    entries.set('labels', `[${fields.labels.map(goJSONString).join(',')}]`)
  }
  if (fields.priority !== undefined) {
    entries.set('priority', `{"name":${goJSONString(fields.priority)}}`)
  }
  if (fields.project !== undefined) {
    entries.set('project', `{"key":${goJSONString(fields.project)}}`)
  }
  try {
    for (const [key, value] of Object.entries(fields.custom ?? {})) {
      entries.set(key, encodeGoJSONValue(value))
    }
  } catch (err: unknown) {
    // The encoder reports a failure inside MarshalJSON with the method's receiver type.
    if (err instanceof JSONEncodeError) {
      throw new JSONEncodeError(
        `json: error calling MarshalJSON for type *jira.issueFields: ${err.message}`
      )
    }
    throw err
  }
  const keys = [...entries.keys()].sort(compareGoStrings)
  return `{"fields":{${keys.map((k) => `${goJSONString(k)}:${entries.get(k) ?? ''}`).join(',')}}}\n`
}

/**
 * encodeSearch is the `issueSearch` body of the issue search.
 *
 * @param jql - the query.
 * @returns the body, newline included.
 */
export function encodeSearch(jql: string): string {
  return `{"fields":["status"],"jql":${goJSONString(jql)},"maxResults":2}\n`
}

/**
 * encodeTransition is `issue{Transition: &idNameValue{ID: id}}`, the body that moves an issue.
 *
 * @param id - the transition's id ('' is omitted, as Go's omitempty does).
 * @returns the body, newline included.
 */
export function encodeTransition(id: string): string {
  return `{"transition":{${id === '' ? '' : `"id":${goJSONString(id)}`}}}\n`
}

/**
 * encodeGoJSONValue is json.Marshal of a Go `any` built from YAML: maps with their keys sorted
 * by bytes, numbers as encoding/json formats a float64 (or an int, which reads the same).
 *
 * @param value - null, a boolean, number, string, array or plain object.
 * @returns the JSON text.
 * @throws JSONEncodeError `json: unsupported value: NaN` (or `+Inf`, `-Inf`).
 */
export function encodeGoJSONValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null'
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return goJSONNumber(value)
    case 'string':
      return goJSONString(value)
    case 'object':
      break
    default:
      return 'null'
  }
  if (Array.isArray(value)) {
    return `[${value.map(encodeGoJSONValue).join(',')}]`
  }
  const o = value as Record<string, unknown>
  const keys = Object.keys(o).sort(compareGoStrings)
  return `{${keys.map((k) => `${goJSONString(k)}:${encodeGoJSONValue(o[k])}`).join(',')}}`
}

/** goJSONNumber is encoding/json's float64 text: JavaScript's shortest form, save -0. */
function goJSONNumber(n: number): string {
  if (Number.isNaN(n)) {
    throw new JSONEncodeError('json: unsupported value: NaN')
  }
  if (!Number.isFinite(n)) {
    throw new JSONEncodeError(`json: unsupported value: ${n > 0 ? '+Inf' : '-Inf'}`)
  }
  // Both switch to exponent form below 1e-6 and from 1e21 and print the shortest round trip;
  // Go then trims `e-07` to `e-7`, which is how JavaScript writes it anyway.
  return Object.is(n, -0) ? '-0' : String(n)
}

const JSON_SPACE = new Set([' ', '\t', '\n', '\r'])

/**
 * compactGoJSON is encoding/json's compact with HTML escaping, as json.Marshal applies it to
 * what a MarshalJSON method returns (the ADF description): whitespace between tokens goes,
 * `<`, `>`, `&`, U+2028 and U+2029 become `\u` escapes, everything else is kept as written.
 *
 * @param json - valid JSON text.
 * @returns the compacted text.
 */
export function compactGoJSON(json: string): string {
  let out = ''
  let inString = false
  let escaped = false
  for (const ch of json) {
    if (inString) {
      if (escaped) {
        escaped = false
      } else if (ch === '\\') {
        escaped = true
      } else if (ch === '"') {
        inString = false
      }
    } else if (JSON_SPACE.has(ch)) {
      continue
    } else if (ch === '"') {
      inString = true
    }
    out += htmlSafe(ch)
  }
  return out
}

function htmlSafe(ch: string): string {
  switch (ch) {
    case '<':
      return '\\u003c'
    case '>':
      return '\\u003e'
    case '&':
      return '\\u0026'
    case '\u2028':
      return '\\u2028'
    case '\u2029':
      return '\\u2029'
    default:
      return ch
  }
}
