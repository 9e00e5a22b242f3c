// The chat.postMessage bytes, its URL and the reading of Rocket.Chat's answers against Go: no
// Alertmanager with rocketchat runs here, so the oracle is newer Alertmanager's code and
// types, compiled from a copy (test/support/rocketchat-oracle), all compared in this run.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import {
  buildPostMessage,
  checkJSONResponseError,
  postMessageURL,
} from '#src/notify/integrations/rocketchat/index.js'
import type { PostMessageInput } from '#src/notify/integrations/rocketchat/index.js'

import {
  encodePostMessages,
  judgeResponses,
  postMessageURLs,
} from '../../../../support/rocketchat-oracle.js'
import type { RenderedCase } from '../../../../support/rocketchat-oracle.js'

const BASE: RenderedCase = {
  channel: '',
  emoji: '',
  icon_url: '',
  title: '',
  title_link: '',
  text: '',
  image_url: '',
  thumb_url: '',
  color: '',
  fields: [],
  short_fields: false,
  actions: [],
}

const BODIES: readonly (readonly [string, RenderedCase])[] = [
  // Everything empty: omitempty drops all but the one attachment, itself empty.
  ['an empty message', BASE],
  // The defaults' shape: title, link, colour; channel, emoji and avatar set.
  [
    'a full message',
    {
      ...BASE,
      channel: '#ops',
      emoji: ':fire:',
      icon_url: 'https://x.example/i.png',
      title: '[FIRING:1] Disk',
      title_link: 'http://am:9093/#/alerts?receiver=rc',
      text: 'body',
      image_url: 'https://x.example/img.png',
      thumb_url: 'https://x.example/t.png',
      color: 'red',
    },
  ],
  // short: per field when set, else short_fields; empty title/value dropped, short kept.
  [
    'fields',
    {
      ...BASE,
      short_fields: true,
      fields: [
        { title: 't', value: 'v', short: false },
        { title: 'u', value: '' },
        { title: '', value: 'w', short: true },
      ],
    },
  ],
  // Buttons: type "button", the two bools always, empty strings dropped.
  [
    'actions',
    {
      ...BASE,
      actions: [
        { text: 'Open', url: 'https://x.example/?a=1&b=<2>', msg: '' },
        { text: '', url: '', msg: 'ack' },
      ],
    },
  ],
  // HTML-sensitive, quoted, control and non-BMP characters, U+2028/2029, DEL.
  [
    'escaping',
    {
      ...BASE,
      title: '<b>&amp;</b> "q" \\',
      text: '\u0001\b\f\u001f \u2028\u2029 \u007f é 😀\r\n\t',
      channel: '@user<x>',
    },
  ],
]

function input(c: RenderedCase): PostMessageInput {
  return {
    channel: c.channel,
    emoji: c.emoji,
    avatar: c.icon_url,
    title: c.title,
    titleLink: c.title_link,
    text: c.text,
    imageURL: c.image_url,
    thumbURL: c.thumb_url,
    color: c.color,
    ...(c.fields.length === 0
      ? {}
      : {
          fields: c.fields.map((f) => ({
            title: f.title,
            value: f.value,
            short: f.short ?? c.short_fields,
          })),
        }),
    ...(c.actions.length === 0 ? {} : { actions: c.actions }),
  }
}

describe('buildPostMessage encodes what the rocketchat notifier encodes', () => {
  let go: string[]
  before(() => {
    go = encodePostMessages(BODIES.map(([, c]) => c))
  })
  BODIES.forEach(([name, c], i) => {
    it(`for ${name}`, () => {
      assert.equal(buildPostMessage(input(c)), go[i])
    })
  })
})

const URLS: readonly (readonly [string, string])[] = [
  // The global default.
  ['the default', 'https://open.rocket.chat/'],
  // No path at all.
  ['a bare host', 'http://chat.example'],
  // rocketchat_test.go's URL: the method path is appended, not merged.
  ['a path that already ends in /api/v1/', 'http://example.com/api/v1/'],
  // Path.Join cleans dot segments and doubled slashes; query and fragment stay.
  ['dots, slashes, query and fragment', 'http://x.example/a/../b//c?q=1&r=%20#frag'],
  // Escaped characters stay as EscapedPath shows them.
  ['escaped path characters', 'http://x.example/a%2Fb/c%20d/'],
  // A port and user info.
  ['a port and credentials', 'https://u:p@x.example:8443/rc'],
]

describe('postMessageURL joins as URL.JoinPath does', () => {
  let go: string[]
  before(() => {
    go = postMessageURLs(URLS.map(([, u]) => u))
  })
  URLS.forEach(([name, u], i) => {
    it(`for ${name}`, () => {
      assert.equal(postMessageURL(u), go[i])
    })
  })
})

const RESPONSES: readonly (readonly [string, string])[] = [
  // Success.
  ['success', '{"success":true}'],
  // Rocket.Chat's error answer with a 200.
  ['an error', '{"success":false,"error":"error-invalid-channel"}'],
  // No success field: false.
  ['an empty object', '{}'],
  // null decodes to the zero struct.
  ['null', 'null'],
  // Keys match case-insensitively.
  ['a capitalised key', '{"Success":true}'],
  // The last duplicate wins.
  ['duplicate keys', '{"error":"a","error":"b"}'],
  // null leaves a field alone; other keys are ignored.
  ['nulls and extra keys', '{"success":null,"error":null,"x":[1,{"y":2}]}'],
  // Type errors: the first one is reported, decoding goes on.
  ['a string success', '{"success":"yes"}'],
  ['a number error', '{"error":3,"success":true}'],
  ['an object success', '{"success":{},"error":[]}'],
  // Top-level values other than objects.
  ['an array', '[]'],
  ['a string', '"ok"'],
  ['a number', '1.5e3'],
  ['a bool', 'true'],
  // Syntax errors, each context of Go's scanner.
  ['an empty body', ''],
  ['white space only', ' \n'],
  ['an HTML page', '<html><body>502</body></html>'],
  ['a truncated object', '{"success":tr'],
  ['a broken literal', '{"success":tru}'],
  ['trailing text', '{"success":true} x'],
  ['a trailing comma', '{"success":true,}'],
  ['a missing colon', '{"success" true}'],
  ['a missing comma', '{"success":true "error":""}'],
  ['a broken array', '[1 2]'],
  ['a control character in a string', '{"error":"a\u0001b"}'],
  ['a bad escape', '{"error":"\\q"}'],
  ['a bad unicode escape', '{"error":"\\u12g4"}'],
  ['a bad number', '{"success":-x}'],
  ['a leading zero', '[01]'],
  ['a bad fraction', '[1.]'],
  ['a bad exponent', '[1e+]'],
  ['a quote as the bad character', "{'success':true}"],
  ['a non-ASCII bad character', '{"success":é}'],
  // The end of the input in each state: Go's scanner feeds it a space.
  ['the end after a backslash', '{"error":"a\\'],
  ['the end in a unicode escape', '{"error":"\\u12'],
  ['the end in a string', '{"error":"ab'],
  ['the end after a minus', '[-'],
  ['the end after a decimal point', '[1.'],
  ['the end in an exponent', '[1e'],
  ['the end after a number in an array', '[12'],
  ['the end after a key', '{"a"'],
  ['a bare number', '12'],
]

describe('checkJSONResponseError reads answers as the rocketchat notifier does', () => {
  let go: { retry: boolean; error: string }[]
  before(() => {
    go = judgeResponses(RESPONSES.map(([, b]) => b))
  })
  RESPONSES.forEach(([name, body], i) => {
    it(`for ${name}`, () => {
      const verdict = checkJSONResponseError(body)
      const ours = verdict.ok
        ? { retry: false, error: '' }
        : { retry: verdict.retryable, error: verdict.error }
      assert.deepEqual(ours, go[i])
    })
  })
})
