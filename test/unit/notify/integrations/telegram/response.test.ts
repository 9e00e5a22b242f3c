// How telebot.v3 reads sendMessage answers, and so which error Alertmanager 0.25 logs for each:
// every answer below is also sent through Debian's telebot (test/support/telebot-oracle), and
// alertmesh must say what telebot says.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import { readSendMessageResponse } from '#src/notify/integrations/telegram/index.js'

import { runTelebot } from '../../../../support/telebot-oracle.js'
import type { TelebotResult } from '../../../../support/telebot-oracle.js'

const ANSWERS: readonly (readonly [string, number, string])[] = [
  // The normal answer: the message Telegram created.
  ['a sent message', 200, '{"ok":true,"result":{"message_id":7,"chat":{"id":42}}}'],
  // A description telebot knows: its predefined error, the part after "Bad Request: ".
  ['a known 400', 400, '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'],
  // One it does not know: the whole description and the code.
  [
    'an unknown 400',
    400,
    '{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}',
  ],
  // A predefined error with a message of its own.
  [
    'a known error with a message',
    400,
    '{"ok":false,"error_code":400,"description":"Bad Request: STICKERSET_INVALID"}',
  ],
  // A known description with two ": " keeps all of it.
  [
    'a known error with two separators',
    400,
    '{"ok":false,"error_code":400,"description":"Bad Request: wrong remote file id specified: Wrong string length"}',
  ],
  // A migrated group, with and without the new chat id.
  [
    'a migrated group',
    400,
    '{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-100}}',
  ],
  [
    'a migrated group without its new id',
    400,
    '{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat"}',
  ],
  // Flood control, with and without retry_after.
  [
    'a 429 with retry_after',
    429,
    '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}',
  ],
  [
    'a 429 without retry_after',
    429,
    '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5"}',
  ],
  // A wrong token.
  ['an unauthorized token', 401, '{"ok":false,"error_code":401,"description":"Unauthorized"}'],
  // A server error that still speaks Telegram's JSON.
  [
    'a 502 in JSON',
    502,
    '{"ok":false,"error_code":502,"description":"Bad Gateway: upstream: down"}',
  ],
  // The HTTP status is not looked at: ok in a 500 is a success.
  ['ok in a 500', 500, '{"ok":true,"result":{"message_id":1,"chat":{"id":1}}}'],
  // null reads as ok=false with nothing else; so does an object without ok.
  ['null', 200, 'null'],
  ['an empty object', 200, '{}'],
  // An empty body, as the conformance suite's server answers.
  ['an empty body', 200, ''],
  // A proxy's HTML error page.
  ['an HTML page', 502, '<html>502 Bad Gateway</html>'],
  // Results that are not a message.
  ['result true', 200, '{"ok":true,"result":true}'],
  ['result false', 200, '{"ok":true,"result":false}'],
  ['a string result', 200, '{"ok":true,"result":"x"}'],
  ['a message with a bad id', 200, '{"ok":true,"result":{"message_id":"x"}}'],
  ['a top-level array', 200, '[1]'],
  ['a top-level string', 200, '"ok"'],
  // Answers on which 0.25 crashes (no message to log); alertmesh counts them as sent.
  ['ok without a result', 200, '{"ok":true}'],
  ['an undecodable error code', 400, '{"ok":false,"error_code":"400","description":"x"}'],
]

describe('readSendMessageResponse says what telebot.v3 says', () => {
  let telebot: TelebotResult[]
  before(() => {
    telebot = runTelebot(
      ANSWERS.map(([, status, body]) => ({
        chatID: 42,
        text: 'x',
        parseMode: 'HTML',
        disableNotifications: false,
        token: '1:t',
        status,
        body,
      }))
    )
  })

  ANSWERS.forEach(([name, , body], i) => {
    it(`for ${name}`, () => {
      const expected = telebot[i]
      assert.ok(expected !== undefined)
      const ours = readSendMessageResponse(body)
      if (expected.panicked || expected.error === '') {
        assert.equal(ours.ok, true, JSON.stringify(ours))
      } else {
        assert.equal(ours.ok ? '' : ours.error, expected.error)
      }
    })
  })

  it('keeps the message and chat ids for the debug log', () => {
    const result = readSendMessageResponse(
      '{"ok":true,"result":{"message_id":7,"chat":{"id":-1001234567890}}}'
    )
    assert.deepEqual(result, { ok: true, messageID: 7, chatID: -1001234567890 })
  })

  it("keeps Telegram's own description and code next to telebot's text", () => {
    const result = readSendMessageResponse(
      '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'
    )
    assert.deepEqual(result, {
      ok: false,
      error: 'telegram: chat not found (400)',
      description: 'Bad Request: chat not found',
      code: 400,
    })
  })

  // encoding/json's scanner (shared with the other kinds) words any malformed JSON as Go does,
  // here text after the value.
  it('words other malformed JSON as encoding/json does', () => {
    const ours = readSendMessageResponse('{"ok":true} x')
    assert.deepEqual(ours, {
      ok: false,
      error: "telebot: invalid character 'x' after top-level value",
    })
  })
})
