/**
 * How 0.25's WeChat notifier (notify/wechat/wechat.go) reads WeChat's answers with Go's
 * encoding/json: the `gettoken` answer with a json.Decoder (the first JSON value only) into
 * `token{AccessToken string "access_token"}`, the `message/send` answer with json.Unmarshal
 * (the whole body) into `weChatResponse{Code int "code"; Error string "error"}`. Keys match
 * case-insensitively, as encoding/json matches them; the error texts are encoding/json's.
 *
 * Note that 0.25 reads `code` and `error`, not WeChat's documented `errcode` and `errmsg`: an
 * answer carrying only those reads as code 0, a success, and alertmesh reads it the same way.
 */

import { goJSONKind, goQuoteChar, isJSONObject } from '../go-json.js'
import type { JSONObject, JSONValue } from '../go-json.js'

/** TokenResult is the `gettoken` answer: the token ('' when absent), or the decoding error. */
export type TokenResult =
  | { readonly ok: true; readonly accessToken: string }
  | { readonly ok: false; readonly error: string }

/** SendResult is the `message/send` answer: its code and error, or the decoding error. */
export type SendResult =
  | { readonly ok: true; readonly code: number; readonly error: string }
  | { readonly ok: false; readonly error: string }

/**
 * readToken decodes the `gettoken` answer as json.Decoder.Decode does: an empty body is `EOF`,
 * a value cut short is `unexpected EOF`, anything after the first value is ignored.
 *
 * @param body - the response body.
 * @returns the access token or encoding/json's error.
 */
export function readToken(body: string): TokenResult {
  const first = firstValue(body)
  if (first.kind === 'error') {
    return { ok: false, error: first.error }
  }
  const parsed = first.value
  if (parsed === null) {
    return { ok: true, accessToken: '' }
  }
  if (!isJSONObject(parsed)) {
    return { ok: false, error: typeError(parsed, 'Go value of type wechat.token') }
  }
  const token = field(parsed, 'access_token')
  if (token === undefined || token === null) {
    return { ok: true, accessToken: '' }
  }
  if (typeof token !== 'string') {
    return {
      ok: false,
      error: typeError(token, 'Go struct field token.access_token of type string'),
    }
  }
  return { ok: true, accessToken: token }
}

/**
 * readSendResponse decodes the `message/send` answer as json.Unmarshal does: the whole body
 * must be one JSON value; `null` and an object without `code` read as code 0.
 *
 * @param body - the response body.
 * @returns the code and error, or encoding/json's error.
 */
export function readSendResponse(body: string): SendResult {
  let parsed: JSONValue
  try {
    parsed = JSON.parse(body) as JSONValue
  } catch {
    return { ok: false, error: unmarshalSyntaxError(body) }
  }
  if (parsed === null) {
    return { ok: true, code: 0, error: '' }
  }
  if (!isJSONObject(parsed)) {
    return { ok: false, error: typeError(parsed, 'Go value of type wechat.weChatResponse') }
  }
  const code = field(parsed, 'code') ?? null
  const error = field(parsed, 'error') ?? null
  // encoding/json reports the first mismatch in document order; these are the two fields.
  if (code !== null && !(typeof code === 'number' && Number.isSafeInteger(code))) {
    return {
      ok: false,
      error: typeError(code, 'Go struct field weChatResponse.code of type int'),
    }
  }
  if (error !== null && typeof error !== 'string') {
    return {
      ok: false,
      error: typeError(error, 'Go struct field weChatResponse.error of type string'),
    }
  }
  return { ok: true, code: code ?? 0, error: error ?? '' }
}

/**
 * field is encoding/json's key matching: the last key equal to `name` under case folding
 * (ASCII folding is what matters for these field names).
 */
function field(obj: JSONObject, name: string): JSONValue | undefined {
  let found: JSONValue | undefined
  for (const [key, value] of Object.entries(obj)) {
    if (key.toLowerCase() === name) {
      found = value
    }
  }
  return found
}

/** typeError is encoding/json's UnmarshalTypeError text for a value put into `target`. */
function typeError(v: JSONValue, target: string): string {
  // Into an int, encoding/json names the number itself.
  const kind =
    typeof v === 'number' && target.endsWith('of type int') ? `number ${String(v)}` : goJSONKind(v)
  return `json: cannot unmarshal ${kind} into ${target}`
}

const VALUE_START = /^[-{["0-9tfn]$/

/**
 * unmarshalSyntaxError approximates json.Unmarshal's syntax error for a body JSON.parse refused:
 * exact for an empty body, for one that does not start like JSON (an HTML error page, which is
 * what proxies answer) and for text after a complete value; a generic text otherwise.
 */
function unmarshalSyntaxError(body: string): string {
  const first = firstValue(body)
  if (first.kind === 'error') {
    return first.error === 'EOF' || first.error === 'unexpected EOF'
      ? 'unexpected end of JSON input'
      : first.error
  }
  const rest = body.slice(first.end)
  const next = /\S/u.exec(rest)?.[0]
  return next === undefined
    ? 'invalid JSON in response'
    : `invalid character ${goQuoteChar(next)} after top-level value`
}

type FirstValue =
  | { readonly kind: 'value'; readonly value: JSONValue; readonly end: number }
  | { readonly kind: 'error'; readonly error: string }

/**
 * firstValue finds and parses the first JSON value of `text`, as json.Decoder reads one value
 * from a stream: `EOF` when there is none, `unexpected EOF` when it is cut short.
 */
function firstValue(text: string): FirstValue {
  const start = text.search(/\S/u)
  if (start < 0) {
    return { kind: 'error', error: 'EOF' }
  }
  const c = text.charAt(start)
  if (!VALUE_START.test(c)) {
    return {
      kind: 'error',
      error: `invalid character ${goQuoteChar(c)} looking for beginning of value`,
    }
  }
  const end = valueEnd(text, start)
  if (end === undefined) {
    return { kind: 'error', error: 'unexpected EOF' }
  }
  try {
    return { kind: 'value', value: JSON.parse(text.slice(start, end)) as JSONValue, end }
  } catch {
    return { kind: 'error', error: 'invalid JSON in response' }
  }
}

/** valueEnd is the index just after the JSON value starting at `start`, if it ends. */
function valueEnd(text: string, start: number): number | undefined {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text.charAt(i)
    if (inString) {
      if (c === '\\') {
        i++
      } else if (c === '"') {
        inString = false
        if (depth === 0) {
          return i + 1
        }
      }
      continue
    }
    if (c === '"') {
      inString = true
    } else if (c === '{' || c === '[') {
      depth++
    } else if (c === '}' || c === ']') {
      depth--
      if (depth === 0) {
        return i + 1
      }
    } else if (depth === 0 && /[\s,:]/u.test(c)) {
      return i
    }
  }
  // A bare number or literal ends with the text; a string, object or array must be closed.
  return depth === 0 && !inString && !'"{['.includes(text.charAt(start)) ? text.length : undefined
}
