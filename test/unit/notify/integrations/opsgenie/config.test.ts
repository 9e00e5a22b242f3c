// opsgenie_configs responder types that are templates are parsed as 0.25 parses them: plain
// text/template, built-in functions only. Every message below is amtool check-config's (0.25)
// for the same text.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { load, loadError } from '../../../config/helpers.js'

const responder = (type: string): string =>
  `route:\n  receiver: a\nreceivers:\n- name: a\n  opsgenie_configs:\n  - api_key: k\n    responders: [{name: x, type: '${type}'}]\n`

const REFUSED: readonly (readonly [string, string, string])[] = [
  // An action closed by nothing.
  ['an unclosed action', '{{ .X', 'template: :1: unclosed action'],
  // An end with no block to end.
  ['a stray end', '{{ end }}', 'template: :1: unexpected {{end}}'],
  // Alertmanager's functions are not defined for this parse.
  [
    'an Alertmanager function',
    '{{ toUpper "team" }}',
    'template: :1: function "toUpper" not defined',
  ],
]

describe('opsgenie_configs responder types', () => {
  for (const [what, type, reason] of REFUSED) {
    it(`refuses a template with ${what}`, () => {
      assert.equal(
        loadError(responder(type)).amMessage,
        `opsGenieConfig responder { x  ${type}} type is not a valid template: ${reason}`
      )
    })
  }

  it('accepts a template using built-in functions and kept as written', () => {
    const type = '{{ if eq .Status "firing" }}team{{ else }}user{{ end }}'
    const config = load(responder(type)).config
    const entry = config.receivers[0]?.integrations['opsgenie']?.[0] as
      { responders: { type: string }[] } | undefined
    assert.equal(entry?.responders[0]?.type, type)
  })
})
