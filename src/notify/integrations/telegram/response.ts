/**
 * How telebot.v3 3.1.2 (the library Alertmanager 0.25 sends Telegram messages with, api.go
 * extractOk and extractMessage, errors.go) reads a `sendMessage` answer. It never looks at the
 * HTTP status: the JSON body alone says whether the call worked, and its errors are the texts
 * Alertmanager logs.
 */

import { goUnmarshalSyntaxError } from '../go-json-syntax.js'
import { goJSONKind, isJSONObject } from '../go-json.js'
import type { JSONObject, JSONValue } from '../go-json.js'

/** SendMessageResult is a `sendMessage` answer read the way telebot reads it. */
export type SendMessageResult =
  | {
      readonly ok: true
      /** `result.message_id` and `result.chat.id`, for 0.25's debug log. */
      readonly messageID: number
      readonly chatID: number
    }
  | {
      readonly ok: false
      /** The error as telebot words it (its Error() text). */
      readonly error: string
      /** Telegram's own `description` and `error_code`, when the answer carried them. */
      readonly description?: string
      readonly code?: number
    }

/**
 * KNOWN_ERRORS are telebot's predefined errors (errors.go), by Telegram's description: their
 * code and, for a few, the message telebot shows instead of the description.
 */
const KNOWN_ERRORS: ReadonlyMap<string, readonly [number, string?]> = new Map([
  ['Request Entity Too Large', [400]],
  ['Unauthorized', [401]],
  ['Not Found', [404]],
  ['Internal Server Error', [500]],
  ['Bad Request: BUTTON_DATA_INVALID', [400]],
  ['Bad Request: expected an Array of String as options', [400]],
  ['Bad Request: failed to get HTTP URL content', [400]],
  ["Bad Request: message can't be edited", [400]],
  ["Bad Request: can't remove chat owner", [400]],
  ["Bad Request: can't upload file by URL", [400]],
  ["Bad Request: can't use the media of the specified type in the album", [400]],
  ['Bad Request: chat description is not modified', [400]],
  ['Bad Request: chat not found', [400]],
  ['Bad Request: chat_id is empty', [400]],
  ['Bad Request: message must be non-empty', [400]],
  ['Bad Request: text is empty', [400]],
  ['Bad Request: IMAGE_PROCESS_FAILED', [400, 'Image process failed']],
  ['Bad Request: group chat was upgraded to a supergroup chat', [400]],
  ['Bad Request: message is not modified', [400]],
  ["Bad Request: message can't be deleted", [400]],
  ['Bad Request: not enough rights to restrict/unrestrict chat member', [400]],
  ['Bad Request: have no rights to send a message', [400]],
  ['Bad Request: CHAT_SEND_GIFS_FORBIDDEN', [400, 'sending GIFS is not allowed in this chat']],
  ['Bad Request: not enough rights to send photos to the chat', [400]],
  ['Bad Request: not enough rights to send stickers to the chat', [400]],
  ['Bad Request: message to delete not found', [400]],
  ['Bad Request: message to forward not found', [400]],
  ['Bad Request: reply message not found', [400]],
  ['Bad Request: query is too old and response timeout expired or query ID is invalid', [400]],
  [
    'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    [400],
  ],
  ['Bad Request: invalid sticker emojis', [400]],
  ['Bad Request: STICKERSET_INVALID', [400, 'Stickerset is invalid']],
  ['Bad Request: invalid sticker set name is specified', [400]],
  ['Bad Request: sticker set name is already occupied', [400]],
  ['Bad Request: reply markup is too long', [400]],
  ['Bad Request: message is too long', [400]],
  ['Bad Request: user is an administrator of the chat', [400]],
  ['Bad Request: wrong file identifier/HTTP URL specified', [400]],
  ['Bad Request: wrong remote file id specified: Wrong character in the string', [400]],
  ['Bad Request: wrong remote file id specified: Wrong string length', [400]],
  ['Bad Request: wrong remote file id specified: Wrong padding in the string', [400]],
  ["Bad Request: wrong remote file id specified: can't unserialize it. Wrong last symbol", [400]],
  ['Bad Request: wrong type of the web page content', [400]],
  ['Bad Request: wrong HTTP URL specified', [400]],
  ['Bad Request: administrators of the chat restricted message forwarding', [400]],
  ['Forbidden: bot was blocked by the user', [403]],
  ['Forbidden: bot was kicked from the group chat', [403]],
  ['Forbidden: bot was kicked from the supergroup chat', [403]],
  ["Forbidden: bot can't initiate conversation with a user", [403]],
  ['Forbidden: user is deactivated', [403]],
])

const GROUP_MIGRATED = 'Bad Request: group chat was upgraded to a supergroup chat'

/** telebotErrorText is telebot's (*Error).Error(): the part after `: ` when there is one. */
function telebotErrorText(code: number, description: string, message = ''): string {
  let msg = message
  if (msg === '') {
    const split = description.split(': ')
    msg = split.length === 2 ? (split[1] ?? '') : description
  }
  return `telegram: ${msg} (${code})`
}

/**
 * field is encoding/json's key matching: an exact key, else one equal under case folding
 * (ASCII folding is what matters for these field names).
 */
function field(obj: JSONObject, name: string): JSONValue | undefined {
  if (Object.hasOwn(obj, name)) {
    return obj[name]
  }
  const folded = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase())
  return folded === undefined ? undefined : obj[folded]
}

const isInt = (v: JSONValue | undefined): boolean =>
  v === undefined || v === null || (typeof v === 'number' && Number.isInteger(v))

/**
 * readSendMessageResponse reads a `sendMessage` answer as telebot does:
 * - a body that decodes to `{"ok": false, ...}` (or `null`) is Telegram's error, worded as
 *   telebot's predefined error for a known description, `telegram: <description> (<code>)`
 *   otherwise (429 and a migrated group keep only the part after `: `, as telebot's
 *   FloodError and GroupError do);
 * - anything else must be JSON whose `result` is a message, or telebot fails to read it:
 *   `telebot: unexpected end of JSON input` for an empty body, `telebot: result is True`
 *   for `"result": true`, encoding/json's type error for other results.
 * Unlike 0.25, an `ok` answer without a message counts as sent (0.25 dereferences the missing
 * message for its debug log and crashes).
 *
 * @param body - the response body.
 * @returns success with the message's ids, or telebot's error.
 */
export function readSendMessageResponse(body: string): SendMessageResult {
  let parsed: JSONValue | undefined
  try {
    parsed = JSON.parse(body) as JSONValue
  } catch {
    parsed = undefined
  }
  const failure = parsed === undefined ? undefined : extractOk(parsed)
  if (failure !== undefined) {
    return failure
  }
  if (parsed === undefined) {
    return { ok: false, error: `telebot: ${goUnmarshalSyntaxError(body)}` }
  }
  return extractMessage(parsed)
}

/** extractOk is telebot's extractOk: an error for `ok: false`, undefined to read on. */
function extractOk(parsed: JSONValue): SendMessageResult | undefined {
  if (!isJSONObject(parsed) && parsed !== null) {
    // Decoding a non-object into telebot's struct fails, and extractOk ignores the failure.
    return undefined
  }
  const fields: JSONObject = parsed ?? {}
  const ok = field(fields, 'ok') ?? null
  const code = field(fields, 'error_code') ?? null
  const description = field(fields, 'description') ?? null
  const parameters = field(fields, 'parameters') ?? null
  if (
    (ok !== null && typeof ok !== 'boolean') ||
    !isInt(code) ||
    (description !== null && typeof description !== 'string') ||
    (parameters !== null && !isJSONObject(parameters))
  ) {
    return undefined
  }
  if (ok === true) {
    return undefined
  }
  const errorCode = typeof code === 'number' ? code : 0
  const desc = typeof description === 'string' ? description : ''
  const params = isJSONObject(parameters) ? parameters : {}
  const reported = { ok: false, description: desc, code: errorCode } as const
  const known = KNOWN_ERRORS.get(desc)
  if (known !== undefined) {
    if (desc === GROUP_MIGRATED && field(params, 'migrate_to_chat_id') === undefined) {
      return { ...reported, error: telebotErrorText(errorCode, desc) }
    }
    return { ...reported, error: telebotErrorText(known[0], desc, known[1]) }
  }
  if (errorCode === 429) {
    return { ...reported, error: telebotErrorText(errorCode, desc) }
  }
  return { ...reported, error: `telegram: ${desc} (${errorCode})` }
}

const BOOL_TYPE = 'struct { Result bool }'

/** extractMessage is telebot's extractMessage on a body that parsed as JSON. */
function extractMessage(parsed: JSONValue): SendMessageResult {
  if (parsed === null) {
    return { ok: true, messageID: 0, chatID: 0 }
  }
  if (!isJSONObject(parsed)) {
    const kind = goJSONKind(parsed)
    return {
      ok: false,
      error: `telebot: json: cannot unmarshal ${kind} into Go value of type ${BOOL_TYPE}`,
    }
  }
  const result = field(parsed, 'result')
  if (result === undefined || result === null) {
    return { ok: true, messageID: 0, chatID: 0 }
  }
  if (isJSONObject(result)) {
    const id = field(result, 'message_id')
    const chat = field(result, 'chat')
    const chatID = isJSONObject(chat) ? field(chat, 'id') : undefined
    if (isInt(id) && (chat === undefined || chat === null || isJSONObject(chat)) && isInt(chatID)) {
      return {
        ok: true,
        messageID: typeof id === 'number' ? id : 0,
        chatID: typeof chatID === 'number' ? chatID : 0,
      }
    }
    // A message telebot cannot decode: its second try, as a bool, fails on the object.
    return {
      ok: false,
      error: 'telebot: json: cannot unmarshal object into Go struct field .Result of type bool',
    }
  }
  if (typeof result === 'boolean') {
    return result
      ? { ok: false, error: 'telebot: result is True' }
      : {
          ok: false,
          error:
            'telebot: json: cannot unmarshal bool into Go struct field .Result of type telebot.Message',
        }
  }
  return {
    ok: false,
    error: `telebot: json: cannot unmarshal ${goJSONKind(result)} into Go struct field .Result of type bool`,
  }
}
