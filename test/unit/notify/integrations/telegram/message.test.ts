// telebot.v3's sendMessage request: the bytes, path and Content-Type alertmesh builds must be
// those Debian's telebot sends for the same call (test/support/telebot-oracle).
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import {
  buildSendMessageBody,
  sendMessageURL,
  TELEGRAM_CONTENT_TYPE,
} from '#src/notify/integrations/telegram/index.js'

import { runTelebot } from '../../../../support/telebot-oracle.js'
import type { TelebotCase, TelebotResult } from '../../../../support/telebot-oracle.js'

const OK = '{"ok":true,"result":{"message_id":1,"chat":{"id":1}}}'

const CASES: readonly (readonly [string, Omit<TelebotCase, 'status' | 'body'>])[] = [
  // HTML (the default) and a supergroup's negative id.
  [
    'HTML to a supergroup',
    {
      chatID: -1001234567890,
      text: 'hi',
      parseMode: 'HTML',
      disableNotifications: false,
      token: '123:AB',
    },
  ],
  // No parse mode: the field is left out.
  [
    'no parse mode',
    { chatID: 42, text: 'x', parseMode: '', disableNotifications: false, token: 't' },
  ],
  // Silent messages.
  [
    'disable_notification',
    { chatID: 42, text: 'x', parseMode: 'MarkdownV2', disableNotifications: true, token: 't' },
  ],
  // HTML-sensitive, quoted, control and non-BMP characters, U+2028 and DEL.
  [
    'escaping',
    {
      chatID: 7,
      text: '<b>&amp;</b> "q" \\ \n\t\u0001 \u2028\u2029 \u007f é 😀',
      parseMode: 'Markdown',
      disableNotifications: false,
      token: 't',
    },
  ],
  // An empty text (what a broken template leaves).
  [
    'an empty text',
    { chatID: 1, text: '', parseMode: 'HTML', disableNotifications: false, token: 't' },
  ],
]

describe('buildSendMessageBody sends what telebot.v3 sends', () => {
  let telebot: TelebotResult[]
  before(() => {
    telebot = runTelebot(CASES.map(([, c]) => ({ ...c, status: 200, body: OK })))
  })

  CASES.forEach(([name, c], i) => {
    it(`for ${name}`, () => {
      const expected = telebot[i]
      assert.ok(expected !== undefined)
      const body = buildSendMessageBody({
        chatID: c.chatID,
        text: c.text,
        parseMode: c.parseMode,
        disableNotification: c.disableNotifications,
      })
      assert.equal(body, expected.request)
      assert.equal(new URL(sendMessageURL('http://h', c.token)).pathname, expected.path)
      assert.equal(TELEGRAM_CONTENT_TYPE, expected.contentType)
    })
  })
})

describe('sendMessageURL', () => {
  it('joins the API URL, /bot, the token and the method as plain strings', () => {
    assert.equal(
      sendMessageURL('https://api.telegram.org', '123:AB'),
      'https://api.telegram.org/bot123:AB/sendMessage'
    )
    // A trailing slash is kept, as telebot's string concatenation keeps it.
    assert.equal(sendMessageURL('http://proxy/tg/', 't'), 'http://proxy/tg//bott/sendMessage')
  })
})
