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
  const value = firstJSONValue(body)
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

/**
 * firstJSONValue parses the first JSON value of a text, as json.Decoder.Decode reads one value
 * from a stream: leading white space is skipped, and what follows the value is never read.
 */
function firstJSONValue(text: string): unknown {
  const start = text.search(/[^ \t\r\n]/)
  if (start < 0) {
    return undefined
  }
  const end = valueEnd(text, start)
  if (end === undefined) {
    return undefined
  }
  try {
    return JSON.parse(text.slice(start, end)) as unknown
  } catch {
    return undefined
  }
}

/** valueEnd finds where the JSON value starting at `i` ends (exclusive), undefined if never. */
function valueEnd(text: string, i: number): number | undefined {
  const first = text[i]
  if (first === '{' || first === '[') {
    let depth = 0
    let inString = false
    for (let j = i; j < text.length; j++) {
      const c = text[j]
      if (inString) {
        if (c === '\\') {
          j++
        } else if (c === '"') {
          inString = false
        }
      } else if (c === '"') {
        inString = true
      } else if (c === '{' || c === '[') {
        depth++
      } else if (c === '}' || c === ']') {
        depth--
        if (depth === 0) {
          return j + 1
        }
      }
    }
    return undefined
  }
  if (first === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') {
        j++
      } else if (text[j] === '"') {
        return j + 1
      }
    }
    return undefined
  }
  // A number, true, false or null ends at a delimiter.
  const m = /^[^\s{}[\],:"]+/.exec(text.slice(i))
  return m === null ? undefined : i + m[0].length
}
