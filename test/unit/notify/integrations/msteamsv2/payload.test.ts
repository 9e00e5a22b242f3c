// The Adaptive Card bytes against Go: no Alertmanager with msteamsv2 runs here, so the oracle
// is newer Alertmanager's teamsMessage/Attachment/Content/Body structs and json.Encoder,
// compiled from a copy (test/support/msteamsv2-oracle), in the same test run.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import { buildAdaptiveCard } from '#src/notify/integrations/msteamsv2/index.js'

import { encodeAdaptiveCards } from '../../../../support/msteamsv2-oracle.js'
import type { AdaptiveCardCase } from '../../../../support/msteamsv2-oracle.js'

const CASES: readonly (readonly [string, AdaptiveCardCase])[] = [
  // The plain case, firing: the title is coloured Attention.
  ['a firing card', { title: '[FIRING:1] Disk', text: 'x', status: 'firing' }],
  // Resolved: Good.
  ['a resolved card', { title: '[RESOLVED] Disk', text: 'x', status: 'resolved' }],
  // Empty texts stay as empty strings: `text` has no omitempty.
  ['empty fields', { title: '', text: '', status: 'firing' }],
  // HTML-sensitive, quoted, control and non-BMP characters, U+2028/2029, DEL, markdown.
  [
    'escaping',
    {
      title: '<b>&amp;</b> "q" \\ \u0001\b\f\u001f \u2028\u2029 \u007f',
      text: '# Alerts Firing:\n  - note = é 😀 *x* _y_ `z`\r\n\t',
      status: 'firing',
    },
  ],
]

describe('buildAdaptiveCard encodes what the msteamsv2 notifier encodes', () => {
  let go: string[]
  before(() => {
    go = encodeAdaptiveCards(CASES.map(([, c]) => c))
  })
  CASES.forEach(([name, c], i) => {
    it(`for ${name}`, () => {
      assert.equal(buildAdaptiveCard(c), go[i])
    })
  })

  it('is the request body shape Microsoft documents, a newline at the end', () => {
    const body = buildAdaptiveCard({ title: 't', text: 'x', status: 'firing' })
    assert.ok(body.endsWith('}\n'))
    assert.deepEqual(JSON.parse(body), {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              {
                type: 'TextBlock',
                text: 't',
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                style: 'heading',
                color: 'Attention',
              },
              { type: 'TextBlock', text: 'x', wrap: true },
            ],
            msteams: { width: 'full' },
          },
        },
      ],
    })
  })
})
