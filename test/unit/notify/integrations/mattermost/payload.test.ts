// The request the mattermost notifier builds, against Go: no Alertmanager with mattermost runs
// here, so the oracle is newer Alertmanager's createRequest, sanitizeRequest and types, compiled
// from a copy (test/support/mattermost-oracle), with templates rendered as themselves. Both
// sides get the same configs in this run; bodies and logged warnings must be equal.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import type { MattermostConfig } from '#src/notify/integrations/mattermost/index.js'
import {
  createRequest,
  encodeRequest,
  sanitizeRequest,
} from '#src/notify/integrations/mattermost/index.js'

import { buildRequests } from '../../../../support/mattermost-oracle.js'
import type { Built } from '../../../../support/mattermost-oracle.js'
import { httpConfig } from '../../http/servers.js'

type Case = Omit<MattermostConfig, 'send_resolved' | 'http_config'>

const ALL_FIELDS: Case = {
  channel: '#town-square',
  username: 'am',
  text: 'the text',
  fallback: 'fb',
  color: 'danger',
  pretext: 'pre',
  author_name: 'an',
  author_link: 'https://a.example/',
  author_icon: 'https://a.example/i.png',
  title: 'title',
  title_link: 'https://am.example/#/alerts',
  fields: [
    { title: 'f1', value: 'v1', short: true },
    { title: 'f2', value: 'v2' },
    { title: 'f3', value: 'v3', short: false },
  ],
  thumb_url: 'https://t.example/t.png',
  footer: 'foot',
  footer_icon: 'https://f.example/f.png',
  image_url: 'https://i.example/i.png',
  icon_url: 'https://icon.example/i.png',
  icon_emoji: ':bell:',
  type: 'custom_type',
}

const CASES: readonly (readonly [string, Case])[] = [
  // Nothing set: one empty attachment.
  ['an empty config', {}],
  // Every field of the entry's own attachment, and the message-level ones.
  ['every field, no attachments', ALL_FIELDS],
  // Configured attachments: the text moves to the message; the entry's own fields are unused.
  [
    'configured attachments',
    {
      ...ALL_FIELDS,
      attachments: [
        { title: 'A', text: 'at', fields: [{ title: 'x', value: 'y' }] },
        { fallback: 'f', color: '#00ff00', footer: 'ft', image_url: 'https://i/' },
        {},
      ],
    },
  ],
  // Props only when card is set; an empty props struct sends nothing.
  ['props with a card', { text: 't', props: { card: 'the card' } }],
  ['props without a card', { text: 't', props: {} }],
  // Priority only when set; its flags dropped where the priority does not allow them.
  ['an empty priority', { priority: { requested_ack: true } }],
  [
    'urgent with both flags',
    { priority: { priority: 'urgent', requested_ack: true, persistent_notifications: true } },
  ],
  [
    'important with both flags',
    { priority: { priority: 'Important', requested_ack: true, persistent_notifications: true } },
  ],
  [
    'standard with both flags',
    { priority: { priority: 'STANDARD', requested_ack: true, persistent_notifications: true } },
  ],
  ['an unknown priority', { priority: { priority: 'high', requested_ack: true } }],
  // The message text (with attachments) is cut to 16383 runes, with a warning.
  ['a long message text', { text: 'é'.repeat(16400), attachments: [{ text: 'a' }] }],
  // The attachment text is not cut.
  ['a long attachment text', { text: 'é'.repeat(16400) }],
  // HTML-sensitive, quoted, control and non-BMP characters, U+2028/2029, DEL.
  [
    'escaping',
    {
      text: '<b>&amp;</b> "q" \\ \u0001\b\f\u001f \u2028\u2029 \u007f é 😀\r\n\t',
      channel: '@user<x>',
      attachments: [{ title: '<t>', fields: [{ title: '&', value: '>' }] }],
    },
  ],
]

function ours(c: Case): Built {
  const config: MattermostConfig = { send_resolved: true, http_config: httpConfig(), ...c }
  const req = createRequest(config, (t) => t)
  const warnings: unknown[][] = []
  sanitizeRequest(req, 'groupkey', (fields, message) => {
    warnings.push([message, ...Object.entries(fields).flat()])
  })
  return { body: encodeRequest(req), warnings }
}

describe('the mattermost request is what createRequest and sanitizeRequest build', () => {
  let go: Built[]
  before(() => {
    go = buildRequests(CASES.map(([, c]) => c))
  })
  CASES.forEach(([name, c], i) => {
    it(`for ${name}`, () => {
      assert.deepEqual(ours(c), go[i])
    })
  })
})
