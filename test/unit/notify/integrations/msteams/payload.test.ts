// The MessageCard bytes against Go: no Alertmanager with msteams runs here, so the oracle is
// newer Alertmanager's teamsMessage struct and json.Encoder, compiled from a copy
// (test/support/msteams-oracle).
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import { buildMessageCard } from '#src/notify/integrations/msteams/index.js'

import { encodeMessageCards } from '../../../../support/msteams-oracle.js'
import type { MessageCardCase } from '../../../../support/msteams-oracle.js'

const CASES: readonly (readonly [string, MessageCardCase])[] = [
  // The plain case, firing (red).
  ['a firing card', { title: '[FIRING:1] Disk', summary: 's', text: 'x', status: 'firing' }],
  // Resolved (green).
  ['a resolved card', { title: '[RESOLVED] Disk', summary: 's', text: 'x', status: 'resolved' }],
  // Empty fields stay as empty strings: the struct has no omitempty.
  ['empty fields', { title: '', summary: '', text: '', status: 'firing' }],
  // HTML-sensitive, quoted, control and non-BMP characters, U+2028/2029, DEL, markdown.
  [
    'escaping',
    {
      title: '<b>&amp;</b> "q" \\',
      summary: '\u0001\b\f\u001f \u2028\u2029 \u007f',
      text: '# Alerts Firing:\n  - note = é 😀 *x* _y_ `z`\r\n\t',
      status: 'firing',
    },
  ],
]

describe('buildMessageCard encodes what the msteams notifier encodes', () => {
  let go: string[]
  before(() => {
    go = encodeMessageCards(CASES.map(([, c]) => c))
  })
  CASES.forEach(([name, c], i) => {
    it(`for ${name}`, () => {
      assert.equal(buildMessageCard(c), go[i])
    })
  })
})
