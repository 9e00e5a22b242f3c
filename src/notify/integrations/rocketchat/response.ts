import { goQuote } from '../../../labels/index.js'
import { goJSONSyntaxError } from '../go-json-syntax.js'
import { goJSONKind } from '../go-json.js'

/** ResponseVerdict is how checkJSONResponseError judges a 2xx answer. */
export type ResponseVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string }

/** The Go type names encoding/json puts in its errors for rocketchat.go's response struct. */
const RESPONSE_TYPE = 'rocketchat.response'
const FIELDS = [
  ['success', 'boolean', 'bool'],
  ['error', 'string', 'string'],
] as const

/**
 * foldKey is encoding/json's case-insensitive key match for these ASCII names: ASCII case and
 * the two non-ASCII letters Go's folding maps onto them (ſ onto s, the Kelvin sign onto k).
 */
const foldKey = (key: string): string => key.replace(/ſ/gu, 's').toLowerCase()

/**
 * decodeResponse is `json.Unmarshal(body, &data)` into rocketchat.go's
 * `struct { Success bool; Error string }`: Go's syntax error for invalid JSON, its type error
 * for the first field (or top-level value) of the wrong type, else the decoded fields. A key
 * matches its field exactly or case-insensitively, the last one written wins, null leaves a
 * field alone, and other keys are ignored.
 */
function decodeResponse(
  body: string
): { readonly error: string } | { readonly success: boolean; readonly message: string } {
  const syntax = goJSONSyntaxError(Buffer.from(body, 'utf8'))
  if (syntax !== undefined) {
    return { error: syntax }
  }
  const parsed = JSON.parse(body) as unknown
  if (parsed === null) {
    return { success: false, message: '' }
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      error: `json: cannot unmarshal ${goJSONKind(parsed)} into Go value of type ${RESPONSE_TYPE}`,
    }
  }
  let success = false
  let message = ''
  let typeError: string | undefined
  for (const [key, value] of Object.entries(parsed)) {
    const exact = FIELDS.find(([name]) => name === key)
    const field = exact ?? FIELDS.find(([name]) => name === foldKey(key))
    if (field === undefined || value === null) {
      continue
    }
    const [name, jsType, goType] = field
    if (typeof value !== jsType) {
      typeError ??= `json: cannot unmarshal ${goJSONKind(value)} into Go struct field response.${name} of type ${goType}`
    } else if (name === 'success') {
      success = value as boolean
    } else {
      message = value as string
    }
  }
  return typeError === undefined ? { success, message } : { error: typeError }
}

/**
 * checkJSONResponseError is rocketchat.go's reading of a 2xx answer, which Rocket.Chat's API
 * may use for errors too: a body that is not the expected JSON is retried
 * (`could not unmarshal JSON response "<body>": <Go's error>`), `"success": false` is final
 * (`error response from Rocketchat: <error>`), `"success": true` succeeds.
 *
 * @param body - the response body.
 * @returns the verdict, with Alertmanager's message for a failure.
 */
export function checkJSONResponseError(body: string): ResponseVerdict {
  const decoded = decodeResponse(body)
  if ('error' in decoded) {
    return {
      ok: false,
      retryable: true,
      error: `could not unmarshal JSON response ${goQuote(body)}: ${decoded.error}`,
    }
  }
  if (!decoded.success) {
    return {
      ok: false,
      retryable: false,
      error: `error response from Rocketchat: ${decoded.message}`,
    }
  }
  return { ok: true }
}
