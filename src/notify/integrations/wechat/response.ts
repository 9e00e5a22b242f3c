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

import { decodeFirstJSONValue, goUnmarshalSyntaxError } from '../go-json-syntax.js'
import { goJSONKind, isJSONObject } from '../go-json.js'
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
  const first = decodeFirstJSONValue(body)
  if (first.kind === 'error') {
    return { ok: false, error: first.error }
  }
  const parsed = first.value as JSONValue
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
    return { ok: false, error: goUnmarshalSyntaxError(body) }
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
