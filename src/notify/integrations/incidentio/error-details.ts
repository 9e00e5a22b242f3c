import { decodeFirstJSONValue } from '../go-json-syntax.js'

/**
 * errorDetails is incidentio's errDetails (notify/incidentio/incidentio.go at 68fb2d5), which
 * its Retrier quotes after `unexpected status code <code>`: the body decoded by
 * json.Decoder into `{message string; errors []string; error string}`, then the non-empty
 * message, error and the errors joined by ", ", all joined by ": ". A body that is not such
 * JSON (or any field of another type) gives "", and the error names the status only.
 *
 * As Go's Decoder, only the first JSON value counts (what follows it is not read), keys match
 * the fields exactly or else case-insensitively, and null leaves a field empty.
 *
 * @param body - the response body.
 * @returns the details, or "" when there are none.
 *
 * @example
 * ```ts
 * errorDetails('{"message":"Too many requests","error":"Rate limit exceeded"}')
 * // 'Too many requests: Rate limit exceeded'
 * ```
 */
export function errorDetails(body: string): string {
  const first = decodeFirstJSONValue(body)
  const value = first.kind === 'value' ? first.value : undefined
  if (value === undefined || value === null) {
    return ''
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return ''
  }
  let message = ''
  let error = ''
  let errors: string[] = []
  for (const [key, v] of Object.entries(value)) {
    const field = fieldFor(key)
    if (field === undefined || v === null) {
      continue
    }
    if (field === 'errors') {
      if (!Array.isArray(v) || v.some((e) => e !== null && typeof e !== 'string')) {
        return ''
      }
      errors = v.map((e) => (typeof e === 'string' ? e : ''))
    } else if (typeof v !== 'string') {
      return ''
    } else if (field === 'message') {
      message = v
    } else {
      error = v
    }
  }
  const parts: string[] = []
  if (message !== '') {
    parts.push(message)
  }
  if (error !== '') {
    parts.push(error)
  }
  if (errors.length > 0) {
    parts.push(errors.join(', '))
  }
  return parts.join(': ')
}

const FIELDS = ['message', 'errors', 'error'] as const

/**
 * fieldFor is encoding/json's field match: the exact name, else case-insensitively with Go's
 * simple folding, in which the long s (U+017F) is an s and the Kelvin sign a k.
 */
function fieldFor(key: string): (typeof FIELDS)[number] | undefined {
  const folded = key.toLowerCase().replace(/\u017f/g, 's')
  return FIELDS.find((f) => f === key) ?? FIELDS.find((f) => f === folded)
}
